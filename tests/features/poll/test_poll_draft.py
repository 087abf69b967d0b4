"""What /poll cast makes of its options, before Discord is asked: names only from the stored
cast, Discord's limits (300-character question, 55-character answers, 10 answers, 1-768 hours),
and every problem said at once."""

from __future__ import annotations

from bot.store import CastMember, Source
from cogs.poll import DEFAULT_QUESTION, draft_poll, resolve_answer

SOURCE = Source("Outlet", "Title", "https://example.com", None, None)


def _member(key: str, name: str) -> CastMember:
    return CastMember(key, name, None, False, f"It features {name}.", SOURCE)


CAST = [
    _member("pedro-pascal", "Pedro Pascal"),
    _member("sung-kang", "Sung Kang"),
    _member("long", "A" * 70),
    *(_member(f"p{n}", f"Person {n}") for n in range(12)),
]


def test_a_picked_suggestion_or_a_typed_full_name_is_a_cast_member() -> None:
    assert resolve_answer("person:sung-kang", CAST) == CAST[1]
    assert resolve_answer("  PEDRO   pascal ", CAST) == CAST[0]
    assert resolve_answer("pedro", CAST) is None  # part of a name is not a pick
    assert resolve_answer("person:robert-rodriguez", CAST) is None  # a person, not cast


def test_the_default_question_and_labels_within_discords_55_characters() -> None:
    draft, problems = draft_poll(
        None, ["person:pedro-pascal", "person:long"], CAST, hours=24, multiselect=True
    )
    assert problems == [] and draft is not None
    assert draft.question == DEFAULT_QUESTION
    assert draft.answers[0] == ("pedro-pascal", "Pedro Pascal")
    assert len(draft.answers[1][1]) == 55 and draft.answers[1][1].endswith("…")


def test_every_problem_is_said_at_once() -> None:
    draft, problems = draft_poll(
        "?" * 301,
        ["Darth Vader", "person:sung-kang", "Sung Kang"],
        CAST,
        hours=0,
        multiselect=False,
    )
    assert draft is None
    assert problems == [
        "The question is 301 characters long; Discord allows 300.",
        "A poll lasts 1 to 768 hours (32 days); got 0.",
        "“Darth Vader” is not in the stored cast: pick names from the suggestions as you type.",
        "Sung Kang is listed twice.",
    ]


def test_more_than_ten_answers_or_fewer_than_two_names_are_refused() -> None:
    eleven = [f"person:p{n}" for n in range(11)]
    _, problems = draft_poll(None, eleven, CAST, hours=1, multiselect=False)
    assert problems == ["A poll has at most 10 answers."]
    _, problems = draft_poll(None, ["person:p1"], CAST, hours=768, multiselect=False)
    assert problems == ["A poll needs at least 2 different names."]


def test_a_question_that_states_instead_of_asking_is_refused() -> None:
    # "Pedro Pascal is confirmed for the sequel" posted as a poll would read as the bot's claim.
    _, problems = draft_poll(
        "Pedro Pascal is confirmed for the sequel",
        ["person:p1", "person:p2"],
        CAST,
        hours=1,
        multiselect=False,
    )
    assert problems == ["A poll asks: end the question with a question mark."]
    draft, problems = draft_poll(
        "¿Quién debe volver?", ["person:p1", "person:p2"], CAST, hours=1, multiselect=False
    )
    assert problems == [] and draft is not None
