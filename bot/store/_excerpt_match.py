"""Which stored excerpts share a message's subject: its meaningful words, ranked by bm25.

Used by "Check against the source" (cogs/factcheck). The message is any member's text, so:
- only meaningful words count: stop words ("the", "is", "heard"...) and the film's own title
  words ("we", "can", "be", "heroes", in every excerpt's neighbourhood) are left out, and
  invisible format characters (zero-width spaces, direction marks) are removed first, so
  "se\u200bquel" is "sequel";
- words match whole ("film" is not "filming"), tokenized as the quote search tokenizes;
- the excerpts are ranked with the quote search's bm25 (_quote_rank.py), each word weighed by
  how few of the excerpts hold it;
- a minimum relevance: an excerpt must share two of the message's meaningful words (one, in a
  message of one or two). A message that shares a single common word with an excerpt
  ("sequel") while saying something else ("the sequel's villain is a cat") does not bring it
  up: the sources say nothing about that.
Nothing here says whether the message is right: it only finds what the sources say nearby.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Sequence

import msgspec

from bot.text import MAX_TERM_LENGTH

from . import _quote_rank as quote_rank
from ._models import Source

# At most this many of the message's distinct meaningful words are looked up (a 4,000-character
# message has hundreds); the quote search takes the first MAX_SEARCH_TERMS of them.
MAX_TERMS = 64
# Two shared words make an excerpt relevant; one is enough only in a message of at most
# SHORT_MESSAGE meaningful words ("Sharkboy is cool"), which is about little else.
MIN_SHARED = 2
SHORT_MESSAGE = 2
# One-letter tokens ("s" of "Rodriguez's") say nothing; a word longer than the search's
# MAX_TERM_LENGTH (bot/text.py) is in no stored excerpt.
MIN_WORD_LENGTH = 2
# At most this many relevant passages are ranked by bm25: those sharing the most words.
MAX_RANKED = 200
# Passages whose words are kept between checks (the news' MAX_UPDATES updates, a sentence each,
# and the records: a few tens of thousands at most).
TOKEN_CACHE = 50_000

# Words that carry no subject: articles, pronouns, auxiliaries, hedges and reporting verbs
# ("I heard", "apparently"), so "I heard the sequel is filming" is looked up as its subject.
_STOP_WORDS_TEXT = """
    a about above after again against all almost also am an and any are aren as at
    be because been before being below between both but by can cannot could couldn did didn do
    does doesn doing don down during each either else ever every few for from further get gets
    got had hadn has hasn have haven having he her here hers herself him himself his how i if
    in into is isn it its itself just like ll me might more most much must my myself no nor not
    now of off on once only or other our ours ourselves out over own re really same she should
    shouldn so some still such than that the their theirs them themselves then there these they
    this those through to too under until up us very was wasn we were weren what when where
    which while who whom why will with won would wouldn yet you your yours yourself yourselves
    ve d m t s heard hear hearing says said say saying told tell apparently supposedly
    rumor rumour rumors rumours think thought guess someone somebody anyone people lol omg
    yeah yes ok okay actually literally gonna wanna going one ones thing things
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


class Passage(msgspec.Struct, frozen=True):
    """One stored excerpt, verbatim, and the source it was taken from; `kind` names the record
    it belongs to ("fact", "work", "credit", "person", "quote", "context": the passage of the
    source around a quote, "update": a sentence of a sequel news update)."""

    text: str
    source: Source
    kind: str


class ExcerptMatch(msgspec.Struct, frozen=True):
    passage: Passage
    shared: tuple[str, ...]  # the message's words this excerpt holds, in the message's order
    score: float  # bm25 as FTS5 returns it: lower is better


def visible(text: str) -> str:
    """The text without invisible format characters (zero-width spaces and joiners, direction
    marks): they split or disguise words without showing."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def meaningful_terms(text: str, title_words: frozenset[str]) -> list[str]:
    """The message's words that can carry a subject, in order, without repeats, at most
    MAX_TERMS."""
    seen: dict[str, None] = {}
    for token in quote_rank.tokenize(visible(text)):
        if not MIN_WORD_LENGTH <= len(token) <= MAX_TERM_LENGTH:
            continue
        if token in STOP_WORDS or token in title_words:
            continue
        seen.setdefault(token, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def title_words(title: str | None) -> frozenset[str]:
    return frozenset(quote_rank.tokenize(title or ""))


def _first_of_each_text(passages: Sequence[Passage]) -> list[Passage]:
    """Each text once, where it first comes: the same sentence stored as a fact's excerpt and
    in a news update is one excerpt (the earlier record's source is shown)."""
    seen: dict[str, Passage] = {}
    for passage in passages:
        seen.setdefault(" ".join(passage.text.split()).casefold(), passage)
    return list(seen.values())


@functools.lru_cache(maxsize=TOKEN_CACHE)
def _tokens(text: str) -> tuple[frozenset[str], int]:
    """A passage's distinct words and its length in tokens, kept for the next check: the
    passages are the same from one right-click to the next."""
    tokens = quote_rank.tokenize(text)
    return frozenset(tokens), len(tokens)


def best_matches(
    terms: Sequence[str], passages: Sequence[Passage], limit: int
) -> list[ExcerptMatch]:
    """The passages that share enough of `terms` (see the module doc), best first (bm25, then
    the order given), at most `limit`; the same text only once."""
    unique = _first_of_each_text(passages)
    if not terms or not unique:
        return []
    tokens = [_tokens(p.text) for p in unique]
    wanted = frozenset(terms)
    common = [words & wanted for words, _ in tokens]  # set intersections: C speed
    position = {term: index for index, term in enumerate(terms)}
    held = [sorted(shared, key=position.__getitem__) for shared in common]
    holding = Counter(term for shared in common for term in shared)
    needed = 1 if len(terms) <= SHORT_MESSAGE else MIN_SHARED
    phrases = [quote_rank.phrase(t, prefix=False) for t in terms]
    idfs = [quote_rank.idf(len(unique), holding[t]) for t in terms]
    avgdl = sum(length for _, length in tokens) / len(unique) or 1.0
    relevant = [
        (order, p, shared)
        for order, (p, shared) in enumerate(zip(unique, held, strict=True))
        if len(shared) >= needed
    ]
    # Those sharing the most words are ranked: bm25 of every passage a common word reaches
    # (thousands of news sentences) would hold the event loop for seconds at each right-click.
    relevant.sort(key=lambda item: (-len(item[2]), item[0]))
    ranked = sorted(
        (quote_rank.bm25(p.text, "", phrases, idfs, avgdl), order, p, shared)
        for order, p, shared in relevant[:MAX_RANKED]
    )
    return [ExcerptMatch(p, tuple(shared), score) for score, _, p, shared in ranked[:limit]]
