"""Reading the universe out of the stored text: which titles a sentence names together, and which
quotes speak of one of them. Pure functions of store records (no Discord)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from bot.store import Fact, Quote, Source, Work
from bot.text import fold

_SENTENCE = re.compile(r"(?<=[.!?])[\"”’']?\s+")
_MIN_PHRASE = 6  # letters a partial title must have to count as naming it


class NamedTitles(msgspec.Struct, frozen=True):
    """Titles named together in one sentence: his own words when `speaker` is set."""

    titles: tuple[str, ...]
    words: str
    speaker: str | None
    source: Source


def _compact(text: str) -> str:
    return fold(text).replace(" ", "")


def _position(title: str, sentence: str) -> int:
    """Where `sentence` names `title`, in full or by its tail ('Sharkboy and Lavagirl'), or -1."""
    compact = _compact(sentence)
    words = title.split()
    for start in range(len(words)):
        phrase = _compact(" ".join(words[start:]))
        if len(phrase) < _MIN_PHRASE:
            break
        if phrase in compact:
            return compact.index(phrase)
    return -1


def _names(title: str, sentence: str) -> bool:
    return _position(title, sentence) >= 0


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def universe_titles(
    works: Sequence[Work], quotes: Sequence[Quote], universe: Sequence[Fact]
) -> list[NamedTitles]:
    """The titles of the universe: those named in a universe fact or in a quote, each with the
    sentence that names it, a quote's (his words) preferred over the article's narration."""
    titled = [w for w in works if w.title]
    narration = [(s, f.source) for f in universe for s in _sentences(f.excerpt)]
    spoken = [(s, q.speaker, q.source) for q in quotes for s in _sentences(q.text)]
    groups: dict[str, tuple[list[str], str | None, Source]] = {}
    for work in titled:
        title = work.title or ""
        found = next(((s, who, src) for s, who, src in spoken if _names(title, s)), None)
        if found is None:
            plain = next(((s, src) for s, src in narration if _names(title, s)), None)
            if plain is None:
                continue
            found = (plain[0], None, plain[1])
        sentence, speaker, source = found
        groups.setdefault(sentence, ([], speaker, source))[0].append(title)
    return [
        NamedTitles(
            tuple(sorted(titles, key=lambda t, s=sentence: _position(t, s))),
            sentence,
            speaker,
            source,
        )
        for sentence, (titles, speaker, source) in groups.items()
    ]


class QuoteAbout(msgspec.Struct, frozen=True):
    title: str
    quote: Quote


def quotes_about(
    named: Sequence[NamedTitles], quotes: Sequence[Quote], also_shown: Sequence[str] = ()
) -> list[QuoteAbout]:
    """Quotes whose context names exactly one of the universe's titles ('Rodriguez added of
    Sharkboy and Lava Girl') and which the card does not show already (in `named` or in
    `also_shown`, the excerpts of its facts): more of his words about that title."""
    shown = _compact(" ".join([*(group.words for group in named), *also_shown]))
    titles = [title for group in named for title in group.titles]
    found = []
    for quote in quotes:
        if not quote.context or _compact(quote.text[:60]) in shown:
            continue
        about = [t for t in titles if _names(t, quote.context)]
        if len(about) == 1:
            found.append(QuoteAbout(about[0], quote))
    return found
