"""Trivia questions are generated from the store's records, with same-kind wrong answers."""

from __future__ import annotations

import random

from msgspec.structs import replace

from bot.store import SeedData, SeedFact, Store
from bot.text import fold
from cogs.trivia import Material, generate_questions, load_material, pick_question, split_quote


async def _questions(store: Store, seed: int = 7) -> dict[str, object]:
    questions = generate_questions(await load_material(store), random.Random(seed))
    return {q.key: q for q in questions}


def _check_shape(question) -> None:
    assert len(question.options) == 4
    assert len({fold(o) for o in question.options}) == 4, question.options
    assert question.options[question.answer] == question.correct
    assert question.excerpt and question.source.title


async def test_every_kind_the_source_can_settle_is_asked(store: Store) -> None:
    questions = await _questions(store)
    for question in questions.values():
        _check_shape(question)

    households = questions["fact:households-first-month"]
    assert households.kind == "figure" and households.correct == "44 million"
    assert "A report from THR suggests **___** households viewed" in households.prompt
    assert all(o.endswith(" million") for o in households.options)

    cast = {c.name for c in await store.cast()}
    lists = [q for q in questions.values() if q.kind == "cast-list"]
    assert len(lists) == 23
    stars = [q for q in lists if "> We Can Be Heroes stars …" in q.prompt]
    assert {q.correct for q in stars} == {"Pedro Pascal", "Christian Slater", "Boyd Holdbrook"}
    for q in lists:
        assert set(q.options) <= cast
    for q in stars:  # the wrong names are those the article says it "also features"
        assert not set(q.options) - {q.correct} & {"Pedro Pascal", "Christian Slater"}

    quotes = [q for k, q in questions.items() if k.startswith("quote:")]
    assert len(quotes) == len(await store.all_quotes())
    for q in quotes:
        assert "Robert Rodriguez" in q.prompt
        beginning = q.prompt.split("“", 1)[1].removesuffix(" …”")
        assert any(
            quote.text == f"{beginning} {q.correct.removeprefix('… ')}"
            for quote in await store.all_quotes()
        )


async def test_questions_whose_wrong_answers_are_only_unmentioned_are_not_asked(
    store: Store,
) -> None:
    # Who else produces a title, who else is in the cast, what else it succeeds: the article
    # does not say, so no such question is asked, however many names or titles are at hand.
    questions = await _questions(store)
    assert {q.kind for q in questions.values()} == {"figure", "cast-list", "quote"}
    for key in ("fact:where-to-watch", "fact:sequel-stage", "fact:spiritual-successor"):
        assert key not in questions
    assert not [k for k in questions if k.startswith("fact:sequel-title")]  # unknowns ask nothing


async def test_generation_is_deterministic_with_a_seed(store: Store) -> None:
    material = await load_material(store)
    first = generate_questions(material, random.Random(3))
    again = generate_questions(material, random.Random(3))
    assert first == again
    other = generate_questions(material, random.Random(4))
    assert [q.key for q in first] == [q.key for q in other]
    assert [q.options for q in first] != [q.options for q in other]


async def test_a_new_figure_yields_a_question_without_code_changes(
    store: Store, seed: SeedData
) -> None:
    before = await _questions(store)
    excerpt = "A report from THR suggests the feature 44 million households viewed the feature"
    new = (
        # A figure: the source's number is right, multiples of it are made up.
        SeedFact(
            "test-figure", "viewership", "A report from THR suggests", excerpt,
            work="we-can-be-heroes", value="44 million households viewed the feature",
        ),
        # Not a figure: nothing the source says rules out other values, so no question.
        SeedFact(
            "test-mood", "mood", "Mood", "We Can Be Heroes is now streaming on Netflix.",
            work="we-can-be-heroes", value="now streaming",
        ),
    )  # fmt: skip
    await store.apply_seed(replace(seed, facts=(*seed.facts, *new)))
    after = await _questions(store)
    assert set(after) - set(before) == {"fact:test-figure"}
    figure = after["fact:test-figure"]
    assert figure.correct == "44 million" and figure.prompt.endswith(
        "**___** households viewed the feature"
    )


def test_quotes_split_at_punctuation_near_the_middle() -> None:
    start, end = split_quote("One two three four, five six seven eight nine ten.") or ("", "")
    assert start == "One two three four," and end == "five six seven eight nine ten."
    assert split_quote("Too short to split") is None


async def test_pick_prefers_unasked_questions_and_varies_kinds(store: Store) -> None:
    rng = random.Random(1)
    questions = generate_questions(await load_material(store), rng)
    recent: list[str] = []
    kinds = set()
    for _ in range(len(questions)):
        question = pick_question(questions, rng, recent=recent)
        assert question is not None and question.key not in recent
        recent.append(question.key)
        kinds.add(question.kind)
    assert len(set(recent)) == len(questions)
    assert kinds == {q.kind for q in questions}
    assert pick_question([], rng) is None
    assert generate_questions(Material(), rng) == []
