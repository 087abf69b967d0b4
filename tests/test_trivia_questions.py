"""Trivia questions are generated from the store's records, with same-kind wrong answers."""

from __future__ import annotations

import random
from dataclasses import replace

from bot.store import SeedData, SeedFact, Store
from bot.text import fold
from bot.trivia import Material, generate_questions, load_material, pick_question, split_quote


async def _questions(store: Store, seed: int = 7) -> dict[str, object]:
    questions = generate_questions(await load_material(store), random.Random(seed))
    return {q.key: q for q in questions}


def _check_shape(question) -> None:
    assert len(question.options) == 4
    assert len({fold(o) for o in question.options}) == 4, question.options
    assert question.options[question.answer] == question.correct
    assert question.excerpt and question.source.title


async def test_every_kind_the_issue_lists_is_asked(store: Store) -> None:
    questions = await _questions(store)
    for question in questions.values():
        _check_shape(question)
    people = {p.name for p in await store.trivia.people()}
    titles = {w.title for w in await store.works() if w.title}

    sequel = questions["credit:sequel:robert-rodriguez:writer+director+producer"]
    assert "writing, directing and producing" in sequel.prompt
    assert sequel.correct == "Robert Rodriguez" and set(sequel.options) <= people

    households = questions["fact:households-first-month"]
    assert households.correct == "44 million" and "how many" in households.prompt
    assert all(o.endswith(" million") for o in households.options)

    successor = questions["fact:spiritual-successor"]
    assert successor.correct == "The Adventures of Sharkboy and Lava Girl"
    assert set(successor.options) <= titles and "We Can Be Heroes" not in successor.options

    creator = questions["fact:sharkboy-creator"]
    assert creator.correct == "Robert Rodriguez's son"
    assert set(creator.options) - {creator.correct} <= people  # real people, never invented

    boba = questions["credit-work:robert-rodriguez:book-of-boba-fett:producer"]
    assert boba.correct == "Star Wars: The Book of Boba Fett" and set(boba.options) <= titles

    cast = {c.name for c in await store.cast()}
    stars = [q for k, q in questions.items() if k.startswith("top-billed:")]
    assert {q.correct for q in stars} == {"Pedro Pascal", "Christian Slater", "Boyd Holbrook"}
    for q in stars:
        assert set(q.options) <= cast
    outsiders = [q for k, q in questions.items() if k.startswith("not-in-cast:")]
    assert {q.correct for q in outsiders} == {"Robert Rodriguez", "Ted Sarandos"}
    for q in outsiders:
        assert set(q.options) - {q.correct} <= cast

    quotes = [q for k, q in questions.items() if k.startswith("quote:")]
    assert len(quotes) == len(await store.all_quotes())
    for q in quotes:
        assert "Robert Rodriguez" in q.prompt
        beginning = q.prompt.split("“", 1)[1].removesuffix(" …”")
        assert any(
            quote.text == f"{beginning} {q.correct.removeprefix('… ')}"
            for quote in await store.all_quotes()
        )


async def test_questions_never_invent_names_to_fill_a_kind(store: Store) -> None:
    # Only two people are outside the cast: "which of these is in the cast" would need three
    # made-up names, so it is not asked; facts with too few of their kind are skipped too.
    questions = await _questions(store)
    assert not [k for k in questions if k.startswith("in-cast:")]
    for key in ("fact:christmas-week", "fact:where-to-watch", "fact:sequel-stage"):
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


async def test_a_new_fact_yields_new_questions_without_code_changes(
    store: Store, seed: SeedData
) -> None:
    before = await _questions(store)
    excerpt = "We Can Be Heroes is now streaming on Netflix."
    new = (
        # A new kind with enough values of its own: each becomes a question.
        *(
            SeedFact(
                f"test-mood-{i}", "mood", f"Mood {i}", excerpt, work="we-can-be-heroes", value=value
            )
            for i, value in enumerate(["Joyful", "Heroic", "Silly", "Tense"])
        ),
        # A new fact of an existing kind, valued with a person: a "who" question.
        SeedFact(
            "test-who",
            "creator",
            "Who streams it",
            excerpt,
            work="we-can-be-heroes",
            value="Ted Sarandos",
        ),
    )
    await store.apply_seed(replace(seed, facts=(*seed.facts, *new)))
    after = await _questions(store)
    added = set(after) - set(before)
    assert {f"fact:test-mood-{i}" for i in range(4)} | {"fact:test-who"} <= added
    mood = after["fact:test-mood-1"]
    assert mood.correct == "Heroic"
    assert set(mood.options) == {"Joyful", "Heroic", "Silly", "Tense"}
    who = after["fact:test-who"]
    assert who.prompt == "According to the article, who streams it?"
    assert set(who.options) <= {p.name for p in await store.trivia.people()}


async def test_a_new_person_outside_the_cast_enables_in_cast_questions(
    store: Store, seed: SeedData
) -> None:
    from bot.store import SeedPerson

    newcomer = SeedPerson("test-thr", "A. Reporter", "A report from THR suggests")
    await store.apply_seed(replace(seed, people=(*seed.people, newcomer)))
    questions = await _questions(store)
    in_cast = [q for k, q in questions.items() if k.startswith("in-cast:")]
    assert len(in_cast) == 23
    outsiders = {"Robert Rodriguez", "Ted Sarandos", "A. Reporter"}
    for q in in_cast:
        assert set(q.options) - {q.correct} == outsiders


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
