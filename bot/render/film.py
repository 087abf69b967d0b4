"""The /film and /universe cards: every statement with the excerpt it rests on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.seed import said_in
from bot.store import CastMember, Fact, Quote, Source, Work, WorkCard
from bot.text import fold

from .cards import ROLE_LABELS, excerpt_block, list_heading, source_line
from .limits import FIELD_VALUE, EmbedBuilder, shorten

# Fact kinds in the order the film card shows them; other kinds follow in store order.
FILM_FACT_ORDER = ("spiritual-successor", "viewership", "where-to-watch")
FACT_KIND_TITLES = {"viewership": "Viewing figures", "where-to-watch": "Where to watch"}
# A value this long that the excerpt says word for word is shown once, as the excerpt: printing
# it above its own excerpt would only repeat it.
_LONG_VALUE = 40
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’']?\s+")
_MIN_PHRASE = 6  # letters a partial title must have to count as naming it


def _statement(label: str | None, value: str, excerpt: str, *, limit: int = FIELD_VALUE) -> str:
    if len(value) > _LONG_VALUE and said_in(value, excerpt):
        head = f"**{label}**" if label and not said_in(label, excerpt) else ""
        return f"{head}\n{excerpt_block(excerpt, limit - len(head) - 1)}".strip()
    head = f"**{label}:** {value}" if label else f"**{value}**"
    room = max(40, limit - len(head) - 1)
    return f"{head}\n{excerpt_block(excerpt, room)}"


def _facts_field(builder: EmbedBuilder, name: str, facts: Sequence[Fact]) -> None:
    known = [f for f in facts if f.value]
    if not known:
        return
    if len(known) == 1:
        builder.field(name, _statement(None, known[0].value or "", known[0].excerpt))
        return
    share = FIELD_VALUE // len(known) - 2
    lines = [_statement(f.label, f.value or "", f.excerpt, limit=share) for f in known]
    builder.field(name, "\n".join(lines))


def film_card(
    film: WorkCard, cast: Sequence[CastMember], *, sequel: Work | None = None
) -> discord.Embed:
    """Title, the first list of its cast in the source's words, what it succeeds, viewing
    figures, where to watch, and the sequel, each with its excerpt. Who made it, and what kind
    of film it is, are not in the source: the card does not say."""
    work = film.work
    description = _statement(None, work.summary, work.excerpt) if work.summary else ""
    builder = EmbedBuilder(work.display_title, description=description, colour=0xE8A33D)

    stars = [m for m in cast if m.excerpt == cast[0].excerpt] if cast else []
    if stars:
        _stars_field(builder, stars, len(cast))
    kinds = list(dict.fromkeys([*FILM_FACT_ORDER, *(f.kind for f in film.facts)]))
    for kind in kinds:
        facts = film.facts_of(kind)
        if facts:
            title = FACT_KIND_TITLES.get(kind) or (
                facts[0].label if len(facts) == 1 else kind.replace("-", " ").capitalize()
            )
            _facts_field(builder, title, facts)
    for name, credit in film.credits:
        role = ROLE_LABELS.get(credit.role, credit.role.title())
        builder.field(role, _statement(None, name, credit.excerpt))
    if sequel is not None:
        builder.field("A sequel", f"{excerpt_block(sequel.excerpt)}\nSee /sequel")
    builder.footer(source_line(work.source))
    return builder.build()


def _stars_field(builder: EmbedBuilder, stars: Sequence[CastMember], total: int) -> None:
    """The first printed list of the cast under the source's own words for it (“We Can Be
    Heroes stars”): the source says who it stars, never how they are billed."""
    names = ", ".join(m.name for m in stars)
    heading = list_heading(stars[0].excerpt, stars[0].name) or "Cast"
    more = f"\n…and {total - len(stars)} more in /cast" if total > len(stars) else ""
    builder.field(
        shorten(heading, 256),
        f"**{names}**{more}\n{excerpt_block(stars[0].excerpt, FIELD_VALUE - len(names) - 60)}",
    )


# ---------------------------------------------------------------------- the universe


@dataclass(frozen=True, slots=True)
class NamedTitles:
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


@dataclass(frozen=True, slots=True)
class QuoteAbout:
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


def universe_card(
    universe: Sequence[Fact], named: Sequence[NamedTitles], about: Sequence[QuoteAbout] = ()
) -> discord.Embed:
    head = next((f for f in universe if f.value), None)
    title = head.label if head else "The Rodriguez Cinematic Universe"
    if head is None:
        return EmbedBuilder(title, description="The store holds nothing about it yet.").build()
    builder = EmbedBuilder(
        title, description=_statement(None, head.value or "", head.excerpt), colour=0xD94F3D
    )
    for group in named:
        label = ", ".join(group.titles)
        who = f"\n— {group.speaker}" if group.speaker else "\n— the article"
        room = FIELD_VALUE - len(who)
        builder.field(
            shorten(f"Named: {label}", 256), excerpt_block(f"“{group.words}”", room) + who
        )
    for item in about:
        who = f"\n— {item.quote.speaker}"
        builder.field(
            shorten(f"On {item.title}", 256),
            excerpt_block(f"“{item.quote.text}”", FIELD_VALUE - len(who)) + who,
        )
    for fact in universe:
        if fact is not head and fact.value:
            builder.field(fact.label, _statement(None, fact.value, fact.excerpt))
    builder.footer(source_line(head.source))
    return builder.build()
