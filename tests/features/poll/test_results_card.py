"""/poll results' card says where a poll stands as Discord has it: never "open" once it ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import PollAnswer, StoredPoll
from cogs.poll import results_card

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def poll(expires_at: datetime) -> StoredPoll:
    answers = (PollAnswer(1, "a", "Pedro Pascal", None), PollAnswer(2, "b", "Sung Kang", None))
    return StoredPoll(
        1, 10, 20, 30, "Who?", False, 7, NOW - timedelta(days=1), expires_at, None, answers
    )


def test_an_ended_poll_whose_count_could_not_be_read_is_not_called_open() -> None:
    text = results_card(poll(NOW - timedelta(hours=1)), None, now=NOW).description or ""
    assert "Open until" not in text and "Ended <t:" in text and "could not be read" in text


def test_a_poll_still_running_whose_count_could_not_be_read_is_open() -> None:
    text = results_card(poll(NOW + timedelta(hours=1)), None, now=NOW).description or ""
    assert "Open until <t:" in text and "could not be read" in text
