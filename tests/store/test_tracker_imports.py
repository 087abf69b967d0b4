"""Importing updates: an update already in the timeline, earlier in the batch, or imported at
the same moment by another process is stored once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import NewUpdate, Store, open_store

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def other_store(store: Store, database_target: Path | str) -> AsyncIterator[Store]:
    """A second process's store on the same database (opened after `store` seeded it)."""
    async with open_store(database_target) as opened:
        yield opened


def batch(round_: int) -> list[NewUpdate]:
    return [
        NewUpdate(f"Keyed {round_}", "Text.", key=f"import-{round_}"),
        NewUpdate(f"Linked {round_}", "Text.", source_url=f"https://variety.com/{round_}"),
        NewUpdate(f"Unlinked {round_}", "Text."),  # no link: the same headline without one
    ]


async def test_an_update_earlier_in_the_batch_or_already_stored_is_not_stored_again(
    store: Store,
) -> None:
    seeded = await store.tracker.count_updates()
    first = batch(1)
    twice = [*first, NewUpdate("UNLINKED 1", "Other text."), first[1]]
    results = await store.tracker.add_updates(twice, now=NOW)
    assert [duplicate for _, _, duplicate in results] == [False, False, False, True, True]
    assert results[3][0].id == results[2][0].id and results[4][0].id == results[1][0].id

    again = await store.tracker.add_updates(first, now=NOW)
    assert [(u.id, duplicate) for u, _, duplicate in again] == [
        (u.id, True) for u, _, _ in results[:3]
    ]
    # Same headline, another link (or a link where there was none): a different update.
    other = await store.tracker.add_updates(
        [NewUpdate("Unlinked 1", "Text.", source_url="https://variety.com/x")], now=NOW
    )
    assert other[0][2] is False
    assert await store.tracker.count_updates() == seeded + 4


async def test_two_processes_importing_the_same_updates_at_once_store_each_once(
    store: Store, other_store: Store
) -> None:
    seeded = await store.tracker.count_updates()
    for round_ in range(10):
        updates = batch(round_)
        ours, theirs = await asyncio.gather(
            store.tracker.add_updates(updates, now=NOW),
            other_store.tracker.add_updates(updates, now=NOW),
        )
        # One import stored them all; the other found every one already there.
        flags = sorted((tuple(d for *_, d in ours), tuple(d for *_, d in theirs)))
        assert flags == [(False, False, False), (True, True, True)]
        assert [u.id for u, _, _ in ours] == [u.id for u, _, _ in theirs]
    assert await store.tracker.count_updates() == seeded + 30
