"""Multiple-choice questions built from what the store knows, never from a hand-written list.

Every question rests on one record (a credit, a fact, a cast entry, a quote) and carries that
record's excerpt and source for the reveal. Wrong answers are drawn from records of the same kind:
other people for "who" questions, other titles for title questions, other cast members for cast
questions, other facts of the same kind. A question whose kind cannot supply three wrong answers
is skipped rather than padded with made-up names or titles; the one exception is a numeric fact
(“44 million”), whose wrong answers may be other multiples of the same unit when the store holds
too few figures of that kind.

Adding a record to the store adds questions: a new fact of an existing kind, a new credit, a new
quote or a new person all feed the generator without code changes.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from bot.store import (
    SEQUEL_KEY,
    CreditRecord,
    Fact,
    PersonName,
    Quote,
    Source,
    Store,
    Work,
)
from bot.text import fold

OPTIONS = 4
LETTERS = ("A", "B", "C", "D")
ROLE_VERBS = {"writer": "writing", "director": "directing", "producer": "producing"}
_INTERROGATIVE = ("who ", "what ", "which ", "how ", "where ", "when ", "why ")
_NUMBER = re.compile(r"^(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")
_SCALES = (0.25, 0.5, 0.75, 1.5, 2.0, 3.0)
_SENTENCE_END = (",", ".", "?", "!", "…", ";", ":")


@dataclass(frozen=True, slots=True)
class Question:
    key: str  # stable: the same records always give the same key
    kind: str  # credit, credit-work, fact, top-billed, in-cast, not-in-cast, quote, quote-speaker
    prompt: str
    options: tuple[str, ...]
    answer: int  # index into options
    excerpt: str  # what the reveal quotes
    source: Source

    @property
    def correct(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True, slots=True)
class Material:
    """Everything questions are made from, read from the store in one go."""

    works: tuple[Work, ...] = ()
    people: tuple[PersonName, ...] = ()
    credits: tuple[CreditRecord, ...] = ()
    facts: tuple[Fact, ...] = ()
    quotes: tuple[Quote, ...] = ()


async def load_material(store: Store) -> Material:
    return Material(
        works=tuple(await store.works()),
        people=tuple(await store.trivia.people()),
        credits=tuple(await store.trivia.credits()),
        facts=tuple(await store.facts()),
        quotes=tuple(await store.all_quotes()),
    )


@dataclass(slots=True)
class _Spec:
    """A question before its wrong answers are drawn: `pool` is tried first, then `fill`."""

    key: str
    kind: str
    prompt: str
    answer: str
    pool: list[str]
    excerpt: str
    source: Source
    fill: list[str] = field(default_factory=list)


def _distinct(values: Iterable[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Values in order without repeats, none equal (folded) to an excluded one."""
    seen = {fold(value) for value in exclude}
    result = []
    for value in values:
        folded = fold(value)
        if value and folded and folded not in seen:
            seen.add(folded)
            result.append(value)
    return result


def work_name(work: Work | None, key: str | None = None) -> str:
    """How a question names a work; an untitled one is described, never given a made-up title."""
    if work is not None and work.title:
        return f"*{work.title}*"
    if (work.key if work else key) == SEQUEL_KEY:
        return "the *We Can Be Heroes* sequel"
    return f"an unnamed {work.kind if work else 'work'}"


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _people_pools(material: Material, exclude: Iterable[str]) -> tuple[list[str], list[str]]:
    """Wrong answers for a "who" question: people outside any cast first (the likelier
    guesses: filmmakers, executives), then cast members."""
    exclude = list(exclude)
    cast = {c.person_key for c in material.credits if c.role == "cast"}
    first = _distinct((p.name for p in material.people if p.key not in cast), exclude=exclude)
    rest = _distinct((p.name for p in material.people if p.key in cast), exclude=exclude)
    return first, rest


def _verbs(roles: Sequence[str]) -> str:
    return _join([ROLE_VERBS.get(role, f"credited as {role}") for role in roles])


# ---------------------------------------------------------------------- question kinds


def _credit_specs(material: Material) -> list[_Spec]:
    works = {w.key: w for w in material.works}
    crew = [c for c in material.credits if c.role != "cast"]
    by_holder: dict[tuple[str, str], list[CreditRecord]] = defaultdict(list)
    for credit in crew:
        by_holder[(credit.work_key, credit.person_key)].append(credit)
    specs: list[_Spec] = []
    for (work_key, person_key), credits in by_holder.items():
        roles = [c.role for c in credits]
        first = credits[0]
        excerpt = " … ".join(_distinct(c.excerpt for c in credits))
        work = works.get(work_key)
        # Anyone holding one of these roles on this work would also be right: never offered.
        holders = {c.person_name for c in crew if c.work_key == work_key and c.role in roles}
        likely, others = _people_pools(material, holders)
        specs.append(
            _Spec(
                key=f"credit:{work_key}:{person_key}:{'+'.join(roles)}",
                kind="credit",
                prompt=f"According to the article, who is {_verbs(roles)} {work_name(work)}?",
                answer=first.person_name,
                pool=likely,
                fill=others,
                excerpt=excerpt,
                source=first.source,
            )
        )
        if work is None or not work.title:
            continue
        # The other way round: which title is this person credited on? Other titles of the same
        # kind are the wrong answers, unless the person holds one of these roles on them too.
        credited = {c.work_key for c in crew if c.person_key == person_key and c.role in set(roles)}
        titles = [
            w.title
            for w in material.works
            if w.title and w.kind == work.kind and w.key not in credited
        ]
        specs.append(
            _Spec(
                key=f"credit-work:{person_key}:{work_key}:{'+'.join(roles)}",
                kind="credit-work",
                prompt=(
                    f"According to the article, which of these is {first.person_name} "
                    f"{_verbs(roles)}?"
                ),
                answer=work.title,
                pool=_distinct(titles, exclude=[work.title]),
                excerpt=excerpt,
                source=first.source,
            )
        )
    return specs


def _cast_specs(material: Material) -> list[_Spec]:
    works = {w.key: w for w in material.works}
    cast_by_work: dict[str, list[CreditRecord]] = defaultdict(list)
    for credit in material.credits:
        if credit.role == "cast":
            cast_by_work[credit.work_key].append(credit)
    specs: list[_Spec] = []
    for work_key, cast in cast_by_work.items():
        name = work_name(works.get(work_key), work_key)
        in_cast = {c.person_key for c in cast}
        outsiders = [p for p in material.people if p.key not in in_cast]
        stars = [c for c in cast if c.top_billed]
        others = [c for c in cast if not c.top_billed]
        cast_names = [c.person_name for c in cast]
        for star in stars:
            specs.append(
                _Spec(
                    key=f"top-billed:{work_key}:{star.person_key}",
                    kind="top-billed",
                    prompt=f"Which of these is one of the top-billed stars of {name}?",
                    answer=star.person_name,
                    pool=_distinct((c.person_name for c in others), exclude=[star.person_name]),
                    excerpt=star.excerpt,
                    source=star.source,
                )
            )
        outsider_names = [p.name for p in outsiders]
        for member in cast:
            specs.append(
                _Spec(
                    key=f"in-cast:{work_key}:{member.person_key}",
                    kind="in-cast",
                    prompt=f"Which of these is in the cast of {name}, according to the article?",
                    answer=member.person_name,
                    pool=_distinct(outsider_names, exclude=cast_names),
                    excerpt=member.excerpt,
                    source=member.source,
                )
            )
        cast_excerpts = " … ".join(_distinct(c.excerpt for c in cast))
        for person in outsiders:
            specs.append(
                _Spec(
                    key=f"not-in-cast:{work_key}:{person.key}",
                    kind="not-in-cast",
                    prompt=(
                        f"Which of these is **not** in the cast of {name}, according to the "
                        "article?"
                    ),
                    answer=person.name,
                    pool=_distinct(cast_names, exclude=[person.name]),
                    excerpt=cast_excerpts,
                    source=cast[0].source,
                )
            )
    return specs


def _scaled(number_text: str, unit: str | None) -> list[str]:
    """Other figures in the same unit: the fallback wrong answers of a numeric question."""
    whole = "," in number_text or "." not in number_text
    value = float(number_text.replace(",", ""))
    results = []
    for scale in _SCALES:
        other = value * scale
        if whole:
            other = round(other)
            if other <= 0 or other == value:
                continue
            shown = f"{other:,}"
        else:
            shown = f"{other:.1f}"
        results.append(f"{shown} {unit}" if unit else shown)
    return results


def _fact_prompt(fact: Fact, subject: str | None, *, numeric: bool) -> str:
    label = fact.label.strip().rstrip("?")
    if label.casefold().startswith(_INTERROGATIVE):
        return f"According to the article, {label[0].lower()}{label[1:]}?"
    ask = "how many" if numeric else "which is right"
    if subject:
        return f"{subject} — **{label}**: {ask}, according to the article?"
    return f"**{label}**: {ask}, according to the article?"


def _fact_specs(material: Material) -> list[_Spec]:
    works = {w.key: w for w in material.works}
    titles = [w.title for w in material.works if w.title]
    folded_titles = {fold(t) for t in titles}
    people = [p.name for p in material.people]
    folded_people = {fold(p) for p in people}
    specs: list[_Spec] = []
    for fact in material.facts:
        if fact.value is None:  # a known unknown asks nothing
            continue
        work = works.get(fact.work_key) if fact.work_key else None
        subject = work_name(work, fact.work_key) if fact.work_key else None
        # Facts that say the same thing of the same work are right too: never wrong answers.
        also_right = [
            f.value
            for f in material.facts
            if f.value
            and f.kind == fact.kind
            and f.work_key == fact.work_key
            and fact.label == f.label
        ]
        value = fact.value
        number = _NUMBER.match(value.strip())
        fill: list[str] = []
        if fold(value) in folded_titles:
            own = [work.title] if work and work.title else []
            pool = _distinct(titles, exclude=[*also_right, *own])
        elif fold(value) in folded_people or fact.label.casefold().startswith("who "):
            pool, fill = _people_pools(material, also_right)
        elif number:
            unit = number.group("unit")
            same_kind = [
                f.value
                for f in material.facts
                if f.value
                and f.kind == fact.kind
                and f is not fact
                and (m := _NUMBER.match(f.value.strip()))
                and m.group("unit") == unit
            ]
            pool = _distinct(same_kind, exclude=also_right)
            fill = _distinct(_scaled(number.group("number"), unit), exclude=[*also_right, *pool])
        else:
            pool = _distinct(
                (f.value for f in material.facts if f.value and f.kind == fact.kind),
                exclude=also_right,
            )
        specs.append(
            _Spec(
                key=f"fact:{fact.key}",
                kind="fact",
                prompt=_fact_prompt(fact, subject, numeric=bool(number)),
                answer=value,
                pool=pool,
                fill=fill,
                excerpt=fact.excerpt,
                source=fact.source,
            )
        )
    return specs


def split_quote(text: str) -> tuple[str, str] | None:
    """A quote cut into a beginning and an ending near its middle, at punctuation if possible."""
    words = text.split()
    if len(words) < 8:
        return None
    low, high = max(3, int(len(words) * 0.3)), min(len(words) - 3, int(len(words) * 0.7))
    middle = len(words) / 2
    cut = round(middle)
    for ends in (_SENTENCE_END[1:], _SENTENCE_END):  # a full stop first, then any punctuation
        cuts = [i for i in range(low, high + 1) if words[i - 1].rstrip("'\"”’").endswith(ends)]
        if cuts:
            cut = min(cuts, key=lambda i: abs(i - middle))
            break
    return " ".join(words[:cut]), " ".join(words[cut:])


def _quote_specs(material: Material) -> list[_Spec]:
    specs: list[_Spec] = []
    halves = {q.key: split_quote(q.text) for q in material.quotes}
    endings = {key: f"… {parts[1]}" for key, parts in halves.items() if parts}
    for quote in material.quotes:
        parts = halves[quote.key]
        if parts is None:
            continue
        specs.append(
            _Spec(
                key=f"quote:{quote.key}",
                kind="quote",
                prompt=f"How did {quote.speaker} go on?\n> “{parts[0]} …”",
                answer=endings[quote.key],
                pool=_distinct(
                    (ending for key, ending in endings.items() if key != quote.key),
                    exclude=[endings[quote.key]],
                ),
                excerpt=quote.excerpt,
                source=quote.source,
            )
        )
    speakers = {q.speaker for q in material.quotes}
    if len(speakers) >= 2:  # with one speaker "who said it?" would always have the same answer
        people = [p.name for p in material.people]
        for quote in material.quotes:
            specs.append(
                _Spec(
                    key=f"quote-speaker:{quote.key}",
                    kind="quote-speaker",
                    prompt=f"Who said this, according to the article?\n> “{quote.text}”",
                    answer=quote.speaker,
                    pool=_distinct(
                        people,
                        exclude=[q.speaker for q in material.quotes if q.text == quote.text],
                    ),
                    excerpt=quote.excerpt,
                    source=quote.source,
                )
            )
    return specs


# ---------------------------------------------------------------------- building and picking


def _build(spec: _Spec, rng: random.Random) -> Question | None:
    wrong_needed = OPTIONS - 1
    pool = _distinct(spec.pool, exclude=[spec.answer])
    fill = _distinct(spec.fill, exclude=[spec.answer, *pool])
    if len(pool) + len(fill) < wrong_needed:
        return None  # not enough wrong answers of the same kind: skip, never invent
    wrong = rng.sample(pool, min(wrong_needed, len(pool)))
    wrong += rng.sample(fill, wrong_needed - len(wrong))
    options = [spec.answer, *wrong]
    rng.shuffle(options)
    return Question(
        key=spec.key,
        kind=spec.kind,
        prompt=spec.prompt,
        options=tuple(options),
        answer=options.index(spec.answer),
        excerpt=spec.excerpt,
        source=spec.source,
    )


def generate_questions(material: Material, rng: random.Random | None = None) -> list[Question]:
    """Every question the material supports, wrong answers drawn with `rng`."""
    rng = rng or random.Random()
    specs = [
        *_credit_specs(material),
        *_fact_specs(material),
        *_cast_specs(material),
        *_quote_specs(material),
    ]
    questions = [_build(spec, rng) for spec in specs]
    return [q for q in questions if q is not None]


def pick_question(
    questions: Sequence[Question], rng: random.Random, *, recent: Collection[str] = ()
) -> Question | None:
    """A question of a random kind (so 23 cast questions don't drown 3 fact ones), preferring
    ones not asked recently."""
    fresh = [q for q in questions if q.key not in recent] or list(questions)
    if not fresh:
        return None
    by_kind: dict[str, list[Question]] = defaultdict(list)
    for question in fresh:
        by_kind[question.kind].append(question)
    kind = rng.choice(sorted(by_kind))
    return rng.choice(by_kind[kind])
