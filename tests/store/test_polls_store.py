"""Polls on both engines: stored with their answers, per server, due at their expiry, final votes
stored exactly once, and forgotten with the server (the member only loses their id)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import ConstraintError, NewPoll, Store

GUILD, OTHER_GUILD, CHANNEL, MEMBER = 10, 20, 30, 40
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _new(message_id: int, *, guild: int = GUILD, hours: int = 24) -> NewPoll:
    return NewPoll(
        guild_id=guild,
        channel_id=CHANNEL,
        message_id=message_id,
        question="Who do you most want back in the sequel?",
        answers=(("pedro-pascal", "Pedro Pascal"), ("yaya-gosselin", "YaYa Gosselin")),
        multiselect=False,
        created_by=MEMBER,
        created_at=START,
        expires_at=START + timedelta(hours=hours),
    )


async def test_a_poll_is_stored_with_its_answers_in_order(store: Store) -> None:
    stored = await store.polls.record(_new(1))
    assert [(a.answer_id, a.person_key, a.label, a.votes) for a in stored.answers] == [
        (1, "pedro-pascal", "Pedro Pascal", None),
        (2, "yaya-gosselin", "YaYa Gosselin", None),
    ]
    assert stored.expires_at == START + timedelta(hours=24) and not stored.finished
    assert await store.polls.get(GUILD, stored.id) == stored  # as read back from the database
    assert await store.polls.get(OTHER_GUILD, stored.id) is None  # another server's poll


async def test_a_message_holds_one_poll(store: Store) -> None:
    await store.polls.record(_new(1))
    with pytest.raises(ConstraintError):
        await store.polls.record(_new(1))
    assert len(await store.polls.of_guild(GUILD)) == 1


async def test_a_poll_is_due_at_its_expiry_and_its_final_votes_are_stored_once(
    store: Store,
) -> None:
    short = await store.polls.record(_new(1, hours=1))
    await store.polls.record(_new(2, hours=48))
    assert await store.polls.due(START) == []
    assert await store.polls.next_expiry() == START + timedelta(hours=1)
    later = START + timedelta(hours=2)
    assert [p.id for p in await store.polls.due(later)] == [short.id]
    results = await asyncio.gather(
        *(store.polls.finalize(short.id, {2: 5}, now=later, ended_at=later) for _ in range(5))
    )
    assert results.count(True) == 1
    final = await store.polls.get(GUILD, short.id)
    assert final is not None and final.finished
    assert [a.votes for a in final.answers] == [0, 5]
    assert final.expires_at == START + timedelta(hours=1)  # it ended then, not when read
    assert await store.polls.due(later) == []


async def test_a_poll_ended_without_a_count_keeps_no_votes(store: Store) -> None:
    poll = await store.polls.record(_new(1, hours=1))
    assert await store.polls.finalize(poll.id, None, now=START, ended_at=START)
    final = await store.polls.get(GUILD, poll.id)
    assert final is not None and final.finished
    assert [a.votes for a in final.answers] == [None, None]


async def test_polls_go_with_the_server_and_the_member_only_loses_their_id(store: Store) -> None:
    kept = await store.polls.record(_new(1, guild=OTHER_GUILD))
    await store.polls.record(_new(2))
    await store.lifecycle.forget_member(MEMBER, OTHER_GUILD)
    after = await store.polls.get(OTHER_GUILD, kept.id)
    assert after is not None and after.created_by is None and len(after.answers) == 2
    await store.lifecycle.forget_guild(GUILD)
    assert await store.polls.of_guild(GUILD) == []
    assert len(await store.polls.of_guild(OTHER_GUILD)) == 1
