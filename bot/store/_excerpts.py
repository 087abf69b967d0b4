"""Every stored excerpt a message can be checked against, and the best matches for a message.

The excerpts are the verbatim text each record rests on: facts, works, credits and people
(a few dozen, read once per state of the store), the quotes (found through the quote search,
which scales to a million of them), and the sequel news updates (their text, a sentence a
passage, the newest MAX_UPDATES). Matching and ranking: _excerpt_match.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import msgspec

from bot.text import MAX_SEARCH_TERMS

from ._cache import cached
from ._database import Database, Repository
from ._excerpt_match import ExcerptMatch, Passage, best_matches, meaningful_terms, title_words
from ._film import FILM_KEY, FilmData
from ._models import Quote, Source

# The quotes ranked beside the other excerpts: the quote search's best this many.
QUOTE_CANDIDATES = 10
# News updates looked through, newest first: the timeline's recent history.
MAX_UPDATES = 500
# A sentence ends at . ! or ? followed by a space and a capital or a quote: each is a verbatim
# piece of the update. Not before a digit or a small letter: "opens Sept. 4th 2028" and "at
# 8 p.m. on Friday" are one sentence, not a fragment shown as if it were whole.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(\[])")

_RECORD_EXCERPTS = """
    SELECT kind, excerpt, s.key, s.title, s.outlet, s.url, s.published FROM (
        SELECT 'fact' AS kind, excerpt, source_id, 1 AS part, id FROM facts
        UNION ALL SELECT 'work', excerpt, source_id, 2, id FROM works
        UNION ALL SELECT 'credit', excerpt, source_id, 3, id FROM credits
        UNION ALL SELECT 'person', excerpt, source_id, 4, id FROM people
    ) r JOIN sources s ON s.id = r.source_id
    ORDER BY r.part, r.id
"""


class SourceCheck(msgspec.Struct, frozen=True):
    """What the sources hold about a message: the words looked up, and the excerpts sharing
    them, best first (none: the sources say nothing about it)."""

    terms: tuple[str, ...]
    matches: tuple[ExcerptMatch, ...]


def _quote_passages(quotes: Iterable[Quote]) -> list[Passage]:
    """A quote as its excerpt prints it, and its context where the excerpt does not hold it."""
    out = []
    for quote in quotes:
        out.append(Passage(quote.excerpt, quote.source, "quote"))
        if quote.context and quote.context not in quote.excerpt:
            out.append(Passage(quote.context, quote.source, "context"))
    return out


def _update_passages(row: Iterable[Any]) -> list[Passage]:
    update_id, headline, text, published, outlet, url = row
    source = Source(f"update:{update_id}", headline, outlet, url, published)
    return [
        Passage(sentence, source, "update")
        for sentence in _SENTENCE_END.split(text.strip())
        if sentence
    ]


class ExcerptSearch(Repository):
    """The excerpts a message is checked against (read-only)."""

    def __init__(self, database: Database, film: FilmData) -> None:
        super().__init__(database)
        self._film = film

    @cached
    async def record_excerpts(self) -> list[Passage]:
        """The facts', works', credits' and people's excerpts, in that order."""
        rows = await self._db.all(_RECORD_EXCERPTS)
        return [Passage(r[1], Source(*r[2:7]), r[0]) for r in rows]

    @cached
    async def update_excerpts(self) -> list[Passage]:
        """The newest MAX_UPDATES news updates' text, a sentence a passage, newest first."""
        rows = await self._db.all(
            "SELECT id, headline, body, published_at, source_outlet, source_url "
            "FROM sequel_updates ORDER BY id DESC LIMIT ?",
            (MAX_UPDATES,),
        )
        return [passage for row in rows for passage in _update_passages(row)]

    async def check(self, text: str, limit: int) -> SourceCheck:
        """The excerpts that share `text`'s subject, at most `limit`, best first."""
        film = await self._film.work(FILM_KEY)
        terms = meaningful_terms(text, title_words(film.title if film else None))
        if not terms:
            return SourceCheck((), ())
        quotes = await self._film.search_quotes(
            " ".join(terms[:MAX_SEARCH_TERMS]), limit=QUOTE_CANDIDATES
        )
        pool = [
            *await self.record_excerpts(),
            *_quote_passages(quotes),
            *await self.update_excerpts(),
        ]
        return SourceCheck(tuple(terms), tuple(best_matches(terms, pool, limit)))
