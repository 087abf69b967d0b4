"""Quote of the day: one quote a day per server, whichever process runs the scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store, open_store

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
GUILD = 1000


@pytest.fixture
async def other_store(store: Store, database_target: Path | str) -> AsyncIterator[Store]:
    """A second process's store on the same database (opened after `store` seeded it)."""
    async with open_store(database_target) as opened:
        yield opened


async def test_two_processes_picking_the_same_day_at_once_pick_one_quote(
    store: Store, other_store: Store
) -> None:
    await store.daily.configure(GUILD, 1, "09:00", "UTC", starts_on="2025-03-01", now=NOW)
    days = [(date(2025, 3, 1) + timedelta(days=n)).isoformat() for n in range(20)]
    for day in days:
        # Two schedulers in each process, all at once.
        picks = await asyncio.gather(
            *(s.daily.pick_for_day(GUILD, day, now=NOW) for s in (store, other_store) * 2)
        )
        made = [pick for pick in picks if pick is not None]
        assert len(made) == 1, day
        assert made[0].day == day
    history = await store.daily.history(GUILD)
    assert [day for day, _, _ in history] == days
    cycles = [[q for _, q, c in history if c == cycle] for cycle in {c for *_, c in history}]
    assert all(len(set(quotes)) == len(quotes) for quotes in cycles)  # none repeated in a cycle
    assert (await other_store.daily.get(GUILD)).last_posted_day == days[-1]  # type: ignore[union-attr]


async def test_the_rotation_starts_a_new_cycle_without_repeating_the_last_quote(
    store: Store,
) -> None:
    await store.daily.configure(GUILD, 1, "09:00", "UTC", starts_on="2025-03-01", now=NOW)
    size = len(await store.all_quotes())
    picks = []
    for n in range(size + 1):
        day = (date(2025, 3, 1) + timedelta(days=n)).isoformat()
        pick = await store.daily.pick_for_day(GUILD, day, now=NOW)
        assert pick is not None
        picks.append(pick)
    first_cycle = picks[:size]
    assert {p.cycle for p in first_cycle} == {1}
    assert sorted(p.position for p in first_cycle) == list(range(1, size + 1))
    assert len({p.quote_id for p in first_cycle}) == size
    assert (picks[-1].cycle, picks[-1].position) == (2, 1)
    if size > 1:
        assert picks[-1].quote_id != picks[-2].quote_id
