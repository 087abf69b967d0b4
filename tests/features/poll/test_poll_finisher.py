"""The poll-results loop stops asking about a poll whose channel the bot lost, a day after its
end, so a lost channel doesn't cost Discord's invalid-request budget forever."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import discord

from bot.clock import ManualClock
from bot.store import NewPoll, Store
from cogs.poll import PollFinisher


class RefusingPolls:
    """Discord answering 403 to every read of a poll's message (the bot lost the channel)."""

    def __init__(self) -> None:
        self.reads = 0

    async def read(self, channel_id: int, message_id: int) -> Any:
        self.reads += 1
        raise discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"), "Missing Access")


async def _recorded(store: Store, clock: ManualClock) -> int:
    poll = NewPoll(
        1,
        2,
        3,
        "Who?",
        (("pedro-pascal", "Pedro Pascal"), ("sung-kang", "Sung Kang")),
        multiselect=False,
        created_by=4,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=1),
    )
    return (await store.polls.record(poll)).id


async def test_a_refused_read_is_retried_then_given_up_a_day_after_the_end(
    store: Store, clock: ManualClock
) -> None:
    poll_id = await _recorded(store, clock)
    polls = RefusingPolls()
    finisher = PollFinisher(store, polls, clock=clock)  # type: ignore[arg-type]
    await clock.advance(2 * 3600)  # an hour past its end: still asked again later
    assert await finisher.run_due() == []
    stored = await store.polls.get(1, poll_id)
    assert stored is not None and not stored.finished
    await clock.advance(25 * 3600)  # more than a day past its end: the count is unknown
    assert [p.id for p in await finisher.run_due()] == [poll_id]
    stored = await store.polls.get(1, poll_id)
    assert stored is not None and stored.finished
    assert all(answer.votes is None for answer in stored.answers)
    assert await finisher.run_due() == []  # never asked about again
    assert polls.reads == 2
