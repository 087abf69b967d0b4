"""/poll in the member's language (issue 16): the default question is template text, made in the
language of the member who runs /poll cast (it is their poll); a member's own question and the
answers (names from the stored cast) stay as written; the results' labels follow the member who
asks, the question and names do not. The catalogs are marked with the locale each lookup was
made in (tests/e2e/test_watchparty_language.py), since they may not translate these yet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import use_locale
from bot.store import PollAnswer, StoredPoll
from cogs.poll import DEFAULT_QUESTION, draft_poll, results_card
from tests.e2e.test_watchparty_language import marked_catalogs
from tests.features.poll.test_poll_draft import CAST

__all__ = ["marked_catalogs"]  # the fixture, used by every test here (autouse)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
PICKED = ["person:pedro-pascal", "person:sung-kang"]


def test_the_default_question_is_in_the_askers_language() -> None:
    with use_locale("pt-BR"):
        draft, problems = draft_poll(None, PICKED, CAST, hours=24, multiselect=False)
    assert problems == [] and draft is not None
    assert draft.question == f"[pt-BR] {DEFAULT_QUESTION}"
    assert [label for _key, label in draft.answers] == ["Pedro Pascal", "Sung Kang"]  # names


def test_a_members_own_question_stays_as_typed() -> None:
    with use_locale("fr"):
        draft, problems = draft_poll("Qui  revient ?", PICKED, CAST, hours=24, multiselect=False)
    assert problems == [] and draft is not None and draft.question == "Qui revient ?"


def test_a_refusal_is_in_the_askers_language() -> None:
    with use_locale("es-419"):
        draft, problems = draft_poll("Not a question", PICKED, CAST, hours=24, multiselect=False)
    assert draft is None and problems == [
        "[es-419] A poll asks: end the question with a question mark."
    ]


def test_the_results_labels_follow_the_member_and_the_poll_stays_as_stored() -> None:
    answers = (PollAnswer(1, "a", "Pedro Pascal", 3), PollAnswer(2, "b", "Sung Kang", 1))
    poll = StoredPoll(1, 10, 20, 30, "Who?", False, 7, NOW - timedelta(days=1), NOW, NOW, answers)
    with use_locale("fr"):
        card = results_card(poll, now=NOW)
    assert card.title == "[fr] Poll #1: Who?"
    assert "[fr] **Pedro Pascal**: [fr] 3 votes (75\u00a0%)" in (card.description or "")
    assert (card.footer.text or "").startswith("[fr] Answers are names")
    english = results_card(poll, now=NOW)
    assert english.title == "Poll #1: Who?"
    assert "**Pedro Pascal**: 3 votes (75%)" in (english.description or "")
