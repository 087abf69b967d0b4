"""The truth check: every statement a card makes rests on a stored record and its excerpt.

A card is read as a member reads it, element by element (title, description, each field, footer).
Each line is one of:

- a quote block (`> …`): it must be verbatim in a source (the article, or a news update's own
  text), cut marks (…) aside;
- anything else: once the reviewed labels (ALLOWED, below) and the records' own words (names,
  titles, fact labels and values, quotes, update headlines) are taken out, no word may be left.

The records' words are themselves checked: a fact's value, a work's title or summary, a person's
name must be said by the record's own excerpt (bot.seed refuses a seed file otherwise, and
`record_problems` re-checks the database). So a sentence written by the bot's code ("Robert
Rodriguez's superhero film", "Top-billed", "An official universe") is left over and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import discord

from bot.seed import LABELS, said_in
from bot.store import SEQUEL_STAGES, Fact, Person, Quote, SeedData, Store, Work
from bot.ui.excerpts import list_heading
from cogs.cast import NOT_PRINTED

# Labels and structure, reviewed one by one: none of them says anything about the film, its
# people or its sequel. Each is a regex matched against a whole phrase of a line.
ALLOWED: tuple[str, ...] = (
    # where a statement comes from
    r"Source:?",
    r"From the article",
    r"What the article says",
    r"date unknown",
    r"outlet unknown",
    r"date not in the sources",
    r"source not recorded",
    # unknowns
    r"[Nn]ot in the sources",
    r"Unknown",
    # field names of cards
    r"Cast",
    r"Writer",
    r"Director",
    r"Producer",
    r"Studio",
    r"Stage",
    r"Progress",
    r"Context",
    r"Viewing figures",
    r"Also found by",
    r"Named:",
    r"On",
    r"A sequel",
    r"See /sequel",
    r"Date",
    r"Latest update",
    r"Superseded — as of",
    r"Superseded",
    *LABELS,
    # lists and pages
    r"Page \d+/\d+",
    r"\d+ names, in the order printed",
    r"…and \d+ more in /cast",
    r"— cast",
    r"the unnamed sequel",
    # the sequel tracker's vocabulary: which stage is current comes from a record
    *(re.escape(label) for _, label in SEQUEL_STAGES),
    r"stage \d+ of \d+",
    r"stage unknown",
    r"← now",
    r"update #\d+",
    # a news post names who reported it; the outlet itself is a record (its source)
    r"Reported by",
    r"We Can Be Heroes sequel tracker",
    r"We Can Be Heroes sequel — news",
    r"We Can Be Heroes — the sequel",
    r"\d+ updates?, newest first",
    r"/sequel news",
    r"\d{4}-\d{2}-\d{2}",
    # quote of the day
    r"Quote of the day",
    r"quote \d+ of \d+ before any repeats",
    # trivia (the question and its options are checked by their own rules)
    r"Trivia",
    r"Trivia — the answer",
    r"Closes",
    r"Answered",
    r"Answers?",
    r"[A-D]: \d+",
    r"Nobody answered this time\.",
    r"Nobody — \d+ answered, none right\.",
    r"One answer each · a right answer scores 1 point · /trivia leaderboard",
    # /about: what the bot is
    r"About heroes-bot",
    r"What it knows",
    r"\d+ people, \d+ titles, \d+ facts, \d+ quotes",
    r"Source of its facts",
    r"Answers about",
    r"and its sequel from a news article, every fact shown with the excerpt of the article it "
    r"comes from\.",
)
# Whole fields (by how their name starts) about the bot itself: its version, health and what it
# stores about people, not the film.
ABOUT_THE_BOT = (
    "Version",
    "Uptime",
    "Gateway latency",
    "Servers",
    "What it stores",
    "Having it deleted",
    "Project",
    "Who got it",  # the members who answered right: their names, not the film's
)

_MARKUP = re.compile(r"<t:\d+(?::\w)?>|<#\d+>|<@&?\d+>|<https?://[^>]+>|https?://\S+|\*\*|[*`_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CORRECTION = re.compile(rf"([^,\n]+?) \({re.escape(NOT_PRINTED)}\)")


def _norm(text: str) -> str:
    return " ".join(text.replace("\\", "").split()).casefold()


@dataclass
class Records:
    """What the store holds: the sources' text and every record's own words."""

    bodies: list[str] = field(default_factory=list)
    phrases: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    _phrases: re.Pattern[str] | None = None

    def explained(self, text: str) -> str:
        """`text` with every record phrase and every label taken out, whole words only. One
        pattern, longest first: at each place the longest explanation wins, so a label holding
        a name ("We Can Be Heroes — the sequel") and a name holding a label ("… Sequel in
        Development at Netflix") are both taken whole."""
        if self._phrases is None:
            alternatives = [re.escape(p) for p in self.phrases if p.strip()] + list(ALLOWED)
            alternatives.sort(key=len, reverse=True)
            self._phrases = re.compile(
                "|".join(rf"(?<!\w)(?:{a})(?!\w)" for a in alternatives), re.IGNORECASE
            )
        return self._phrases.sub("\x00", text)

    def verbatim(self, text: str) -> bool:
        wanted = _norm(text)
        return any(wanted in _norm(body) for body in self.bodies)


async def load_records(store: Store, seed: SeedData) -> Records:
    records = Records()
    sources = {}
    for work in await store.works():
        sources[work.source.key] = work.source
        records.phrases |= {v for v in (work.title, work.studio, work.status, work.summary) if v}
    for fact in await store.facts():
        records.phrases |= {v for v in (fact.label, fact.value) if v}
    for quote in await store.all_quotes():
        records.phrases |= {quote.speaker, quote.text}
    for member in await store.cast():
        records.phrases.add(member.name)
        heading = list_heading(member.excerpt, member.name)
        if heading:
            records.phrases.add(heading)
    for person in await store.trivia.people():
        records.phrases.add(person.name)
        found = await store.person(person.key)
        if found is not None:
            records.aliases |= set(found.aliases)
    for update in await store.tracker.timeline(limit=1000):
        # A news update is its own record: its text is what its source (shown with it) says.
        records.bodies.append(f"{update.headline}\n{update.text}")
        records.phrases |= {update.headline, " ".join(update.text.split())}
        if update.source_outlet:
            records.phrases.add(update.source_outlet)
    for source in sources.values():
        records.phrases |= {v for v in (source.title, source.outlet) if v}
    records.bodies += [source.body for source in seed.sources]
    # A spelling to find a person by is their words only when a source prints it.
    records.phrases |= {alias for alias in records.aliases if records.verbatim(alias)}
    return records


def _excerpt_problems(line: str, records: Records) -> list[str]:
    text = line.removeprefix(">").strip().strip('“”"')
    parts = [p.strip(' “”"') for p in re.split(r"…|\.\.\.", text)]
    return [
        f"not verbatim in any source: {part!r}"
        for part in parts
        if len(part) > 2 and not records.verbatim(part)
    ]


def _left_over(line: str, records: Records) -> list[str]:
    text = _MARKUP.sub(" ", line).replace("\\", "")

    def correction(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return " " if name in records.aliases else match.group(0).replace(NOT_PRINTED, "")

    text = _CORRECTION.sub(correction, text)
    return _WORD.findall(records.explained(text))


def card_problems(embed: discord.Embed, records: Records, *, skip: Iterable[str] = ()) -> list[str]:
    """Every statement of `embed` not resting on a record (empty when the card is true).
    `skip`: field names (and 'description') checked by other rules (a trivia question)."""
    skipped = set(skip)
    units: list[tuple[str, str]] = [("title", embed.title or "")]
    if "description" not in skipped:
        units.append(("description", embed.description or ""))
    for f in embed.fields:
        if f.name in skipped or f.name.startswith(ABOUT_THE_BOT):
            continue
        units.append((f"field {f.name!r}", f"{f.name}\n{f.value}"))
    units.append(("footer", embed.footer.text or ""))
    units.append(("author", embed.author.name or ""))
    problems = []
    for where, text in units:
        for line in text.splitlines():
            quoted = line.removesuffix("…").strip()
            if line.startswith(">") or (len(quoted) > 40 and records.verbatim(quoted)):
                # A quote block, or a record's own text (a news update's, as its source says it).
                problems += [f"{where}: {p}" for p in _excerpt_problems(line, records)]
                continue
            words = _left_over(line, records)
            if words:
                problems.append(f"{where}: {line!r} says {' '.join(words)!r} on no record")
    return problems


def record_problems(
    works: Sequence[Work], facts: Sequence[Fact], people: Sequence[Person], quotes: Sequence[Quote]
) -> list[str]:
    """Records whose shown words their own excerpt does not say."""
    problems = []
    for work in works:
        for value in (work.title, work.studio, work.status, work.summary):
            if value and not said_in(value, work.excerpt):
                problems.append(f"work {work.key}: {value!r}")
    for fact in facts:
        if fact.value and not said_in(fact.value, fact.excerpt):
            problems.append(f"fact {fact.key}: {fact.value!r}")
        if fact.label not in LABELS and not said_in(fact.label, fact.excerpt):
            problems.append(f"fact {fact.key} label: {fact.label!r}")
    for person in people:
        if not said_in(person.name, person.excerpt):
            problems.append(f"person {person.key}: {person.name!r}")
        if person.about and not said_in(person.about, person.excerpt):
            problems.append(f"person {person.key} about: {person.about!r}")
    for quote in quotes:
        if quote.text not in quote.excerpt:
            problems.append(f"quote {quote.key}: text not in its excerpt")
    return problems


def layout_problems(view: discord.ui.LayoutView, records: Records) -> list[str]:
    """card_problems for a Components V2 card: the lines of its text displays, read as an
    embed's description is (a heading's '## ' and small print's '-# ' are markup)."""
    lines = [
        re.sub(r"^(#{1,3}|-#) ", "", line)
        for item in view.walk_children()
        if isinstance(item, discord.ui.TextDisplay)
        for line in item.content.splitlines()
    ]
    return card_problems(discord.Embed(description="\n".join(lines)), records)
