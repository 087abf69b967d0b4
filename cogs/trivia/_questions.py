"""Multiple-choice questions built from what the store knows, never from a hand-written list.

Every question rests on records (a fact, a printed cast list, a quote) and carries their excerpts
and source for the reveal. A question is asked only when exactly one option is what the source
says and every other option is one the source contradicts, or one that is plainly made up. Three
kinds qualify:

- figure: a fact whose value starts with a number (“44 million households viewed …”); the other
  options are the same figure multiplied (made up, and contradicted by the printed number);
- cast-list: the source prints the cast as separate lists (“We Can Be Heroes stars …”, “It also
  features …”); the other options are names the source prints in another list;
- quote: how a quote goes on; the other options are the endings of other quotes, which the
  verbatim quote contradicts.

Options that are merely not mentioned (who else might produce a title, who else might be in a
film) prove nothing, so questions such as “which of these is he producing?” are not asked.
Adding a record adds questions: a new figure, a new printed list or a new quote feeds the
generator without code changes.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

import msgspec

from bot.i18n import N_, _
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
from bot.ui.excerpts import list_heading

OPTIONS = 4
LETTERS = ("A", "B", "C", "D")
# A value that starts with a figure: '44 million households viewed …' -> '44 million', the rest.
_FIGURE = re.compile(
    r"^(?P<figure>(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(?P<scale>thousand|million|billion))?)\s+(?P<rest>\S.*)$"
)
_SCALES = (0.25, 0.5, 0.75, 1.5, 2.0, 3.0)
_SENTENCE_END = (",", ".", "?", "!", "…", ";", ":")


class Question(msgspec.Struct, frozen=True):
    key: str  # stable: the same records always give the same key
    kind: str  # figure, cast-list, quote (see the module's docstring)
    prompt: str
    options: tuple[str, ...]
    answer: int  # index into options
    excerpt: str  # what the reveal quotes
    source: Source

    @property
    def correct(self) -> str:
        return self.options[self.answer]


class Material(msgspec.Struct, frozen=True):
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


class _Spec(msgspec.Struct):
    """A question before its wrong answers are drawn: `pool` is tried first, then `fill`."""

    key: str
    kind: str
    prompt: str
    answer: str
    pool: list[str]
    excerpt: str
    source: Source
    fill: list[str] = msgspec.field(default_factory=list)


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


# An untitled work described by its kind, whole, so a language can agree its words with it.
UNNAMED_WORKS = {
    "film": N_("an unnamed film"),
    "series": N_("an unnamed series"),
    "work": N_("an unnamed work"),
}


def work_name(work: Work | None, key: str | None = None) -> str:
    """How a question names a work; an untitled one is described, never given a made-up title.
    In the language in force: questions are generated in the language they are asked in."""
    if work is not None and work.title:
        return f"*{work.title}*"
    if (work.key if work else key) == SEQUEL_KEY:
        # Translators: keep the film's title, *We Can Be Heroes*, as it is (in italics).
        return _("the *We Can Be Heroes* sequel")
    kind = work.kind if work else "work"
    unnamed = UNNAMED_WORKS.get(kind)
    if unnamed:
        return _(unnamed)
    # Translators: {kind} is a kind of work as the store records it, in English ("film").
    return _("an unnamed {kind}").format(kind=kind)


# ---------------------------------------------------------------------- question kinds


def _figure_specs(material: Material) -> list[_Spec]:
    """A fact whose value starts with a figure: which figure fills the blank."""
    specs: list[_Spec] = []
    for fact in material.facts:
        match = _FIGURE.match(fact.value or "")
        if match is None:
            continue
        figure, rest = match.group("figure"), match.group("rest")
        number, unit = match.group("number"), match.group("scale")
        # Other figures of the same kind and scale are contradicted by this one too.
        same_kind = [
            m.group("figure")
            for f in material.facts
            if f is not fact and f.kind == fact.kind and (m := _FIGURE.match(f.value or ""))
            and m.group("scale") == unit
        ]  # fmt: skip
        label = fact.label.strip().rstrip(":")
        specs.append(
            _Spec(
                key=f"fact:{fact.key}",
                kind="figure",
                # Translators: a trivia question; below it, a sentence of the article with a blank.
                prompt=_("Which figure fills the blank?") + f"\n> {label} **___** {rest}",
                answer=figure,
                pool=_distinct(same_kind, exclude=[figure]),
                fill=_distinct(_scaled(number, unit), exclude=[figure]),
                excerpt=fact.excerpt,
                source=fact.source,
            )
        )
    return specs


def _cast_list_specs(material: Material) -> list[_Spec]:
    """The source prints the cast in separate lists: which of these names is in this one. The
    wrong options are names it prints in another list."""
    works = {w.key: w for w in material.works}
    lists: dict[str, dict[str, list[CreditRecord]]] = defaultdict(dict)
    for credit in material.credits:
        if credit.role == "cast":
            lists[credit.work_key].setdefault(credit.excerpt, []).append(credit)
    specs: list[_Spec] = []
    for work_key, printed in lists.items():
        if len(printed) < 2:
            continue  # one list: nothing the source sets against it
        name = work_name(works.get(work_key), work_key)
        for excerpt, members in printed.items():
            heading = list_heading(excerpt, members[0].person_name)
            if not heading:
                continue
            others = [c for e, group in printed.items() if e != excerpt for c in group]
            own = [c.person_name for c in members]
            support = " … ".join([excerpt, *dict.fromkeys(c.excerpt for c in others)])
            # Translators: a trivia question; {work} is the film's title in italics or "an
            # unnamed film"; below it, the words the article prints before a list of names.
            prompt = _(
                "Which of these names does the article print in this list of the cast of {work}?"
            ).format(work=name)
            for member in members:
                specs.append(
                    _Spec(
                        key=f"cast-list:{work_key}:{member.person_key}",
                        kind="cast-list",
                        prompt=f"{prompt}\n> {heading} …",
                        answer=member.person_name,
                        pool=_distinct((c.person_name for c in others), exclude=own),
                        excerpt=support,
                        source=member.source,
                    )
                )
    return specs


def _scaled(number_text: str, unit: str | None) -> list[str]:
    """The figure multiplied: plainly made-up wrong answers of a figure question."""
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
                # Translators: a trivia question; {speaker} is who said the quote shown below it.
                prompt=_("How did {speaker} go on?").format(speaker=quote.speaker)
                + f"\n> “{parts[0]} …”",
                answer=endings[quote.key],
                pool=_distinct(
                    (ending for key, ending in endings.items() if key != quote.key),
                    exclude=[endings[quote.key]],
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
    specs = [*_figure_specs(material), *_cast_list_specs(material), *_quote_specs(material)]
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
