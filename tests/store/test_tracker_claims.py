"""Claiming deliveries: each is sent by one process only, however many share the database, and
each process sees only the servers it serves."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import NewUpdate, Store, iso, open_store

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def other_store(store: Store, database_target: Path | str) -> AsyncIterator[Store]:
    """A second process's store on the same database (opened after `store` seeded it)."""
    async with open_store(database_target) as opened:
        yield opened


async def follow(store: Store, guilds: range) -> None:
    for guild_id in guilds:
        await store.tracker.follow(guild_id, guild_id + 50_000, None, now=NOW)


async def add(store: Store, headline: str) -> int:
    update, _ = await store.tracker.add_update(NewUpdate(headline, "Cameras roll."), now=NOW)
    return update.id


async def claim_all(store: Store, update_id: int, limit: int) -> list[int]:
    """Claim in batches of `limit` until nothing is left; the ids claimed."""
    claimed: list[int] = []
    while batch := await store.tracker.claim_due(update_id, limit=limit, now=NOW):
        claimed.extend(delivery.id for delivery in batch)
        await asyncio.sleep(0)
    return claimed


async def test_two_processes_claiming_in_batches_claim_every_delivery_exactly_once(
    store: Store, other_store: Store
) -> None:
    await follow(store, range(1, 61))
    for round_ in range(5):
        update_id = await add(store, f"News {round_}")
        claimers = [
            claim_all(s, update_id, limit) for s in (store, other_store) for limit in (3, 7)
        ]
        claims = Counter(i for claimed in await asyncio.gather(*claimers) for i in claimed)
        deliveries = await store.tracker.deliveries(update_id)
        assert set(claims) == {d.id for d in deliveries}
        assert set(claims.values()) == {1}  # none twice
        assert {(d.state, d.attempts) for d in deliveries} == {("sending", 1)}


async def test_two_processes_claiming_one_by_one_never_claim_one_twice(
    store: Store, other_store: Store
) -> None:
    await follow(store, range(1, 31))
    for round_ in range(3):
        update_id = await add(store, f"News {round_}")
        ids = [d.id for d in await store.tracker.pending(update_id, now=NOW)]
        results = await asyncio.gather(
            *(s.tracker.claim(i, now=NOW) for i in ids for s in (store, other_store))
        )
        won = Counter(d.id for d in results if d is not None)
        assert won == Counter(ids)  # each claimed once, by one of the two


async def test_claim_due_takes_the_oldest_due_ones_up_to_the_limit(store: Store) -> None:
    await follow(store, range(1, 6))
    update_id = await add(store, "Filming begins")
    first, *rest = await store.tracker.pending(update_id, now=NOW)
    claimed = await store.tracker.claim_due(update_id, limit=1, now=NOW)
    assert [(d.id, d.state, d.attempts, d.claimed_at) for d in claimed] == [
        (first.id, "sending", 1, iso(NOW))
    ]
    # Released to wait a minute: not due before then, and its first claim time is kept.
    await store.tracker.release(first.id, "rate limited", retry_at=NOW + timedelta(minutes=1))
    soon = await store.tracker.claim_due(update_id, limit=10, now=NOW + timedelta(seconds=30))
    assert [d.id for d in soon] == [d.id for d in rest]
    later = await store.tracker.claim_due(update_id, limit=10, now=NOW + timedelta(minutes=2))
    assert [(d.id, d.attempts, d.claimed_at) for d in later] == [(first.id, 2, iso(NOW))]
    assert await store.tracker.claim_due(update_id, limit=10, now=NOW + timedelta(hours=1)) == []


async def test_claim_due_with_no_limit_left_claims_nothing(store: Store) -> None:
    await follow(store, range(1, 3))
    update_id = await add(store, "Filming begins")
    assert await store.tracker.claim_due(update_id, limit=0, now=NOW) == []
    assert len(await store.tracker.pending(update_id, now=NOW)) == 2


async def test_a_process_sees_and_claims_only_the_servers_it_serves(store: Store) -> None:
    await follow(store, range(1, 251))
    update_id = await add(store, "Filming begins")
    mine = set(range(201, 251))
    tracker = store.tracker
    pending = await tracker.pending(update_id, limit=1000, now=NOW, guilds=mine)
    assert {d.guild_id for d in pending} == mine
    assert await tracker.updates_with_pending(now=NOW, guilds=mine) == [update_id]
    assert await tracker.updates_with_pending(now=NOW, guilds={9_999}) == []
    assert await tracker.updates_with_pending(now=NOW, guilds=set()) == []

    claimed = await tracker.claim_due(update_id, limit=1000, now=NOW, guilds=mine)
    assert {d.guild_id for d in claimed} == mine
    states = Counter((d.guild_id in mine, d.state) for d in await tracker.deliveries(update_id))
    assert states == Counter({(True, "sending"): 50, (False, "pending"): 200})

    later = NOW + timedelta(minutes=5)
    stale = await tracker.stale_sending(later, guilds={201, 202, 3})
    assert {d.guild_id for d in stale} == {201, 202}
    assert len(await tracker.stale_sending(later)) == 50


async def test_mention_follows_the_role_setting_unless_the_configurer_could_mention(
    store: Store,
) -> None:
    tracker = store.tracker
    await tracker.follow(1, 11, 100, mention_role=False, now=NOW)
    await tracker.follow(2, 22, 200, configurer_mentions=True, mention_role=True, now=NOW)

    assert await tracker.role_mentionable_changed(1, 100, True)
    assert not await tracker.role_mentionable_changed(1, 100, True)  # already so
    assert (await tracker.get_follow(1)).mention_role is True  # type: ignore[union-attr]
    assert await tracker.role_mentionable_changed(1, 100, False)
    assert (await tracker.get_follow(1)).mention_role is False  # type: ignore[union-attr]

    # Its configurer had Mention Everyone: the role is pinged whatever its setting.
    assert not await tracker.role_mentionable_changed(2, 200, False)
    assert (await tracker.get_follow(2)).mention_role is True  # type: ignore[union-attr]
