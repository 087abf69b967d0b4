"""One pace of sends for every process on the database (Discord's global limit is per bot)."""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.store import Store, open_store

INTERVAL = 0.05  # 20 sends a second in all
# Slots a second apart: nothing sleeps, and a busy machine taking a few milliseconds between two
# reservations cannot let the PostgreSQL server's clock pass a slot (which would rightly be lost).
WIDE = 1.0
NOW = 1_900_000_000.0  # the callers' clock (SQLite); PostgreSQL counts on the server's clock


async def _next_slot(store: Store) -> float:
    row = await store.database.one("SELECT next_at FROM send_pacing WHERE name = 'discord'")
    return float(row[0])


async def test_three_processes_reserve_slots_one_interval_apart(
    store: Store, database_target: Path | str
) -> None:
    async with AsyncExitStack() as stack:
        others = [await stack.enter_async_context(open_store(database_target)) for _ in range(2)]
        processes = [store, *others]
        assert await store.pacing.reserve(WIDE, now=NOW) == 0.0  # the first sends at once
        first = await _next_slot(store)
        waits = await asyncio.gather(
            *(processes[i % 3].pacing.reserve(WIDE, now=NOW) for i in range(29))
        )
        last = await _next_slot(store)
    # 29 more sends by three processes took 29 consecutive slots, none shared, none skipped...
    assert last - first == pytest.approx(29 * WIDE)
    # ...and each waits for its own: the last one about 29 intervals.
    assert sorted(waits)[-1] == pytest.approx(29 * WIDE, abs=0.5)
    assert len({round(w, 3) for w in waits}) == 29


async def test_a_pace_left_idle_does_not_bank_a_burst(store: Store) -> None:
    """Slots not used while nothing was sent are gone: after a quiet time the next send is due
    at once, and the one after it one interval later (no burst of saved-up slots)."""
    assert await store.pacing.reserve(INTERVAL, now=NOW) == 0.0
    later = NOW + 60
    if store.engine == "postgres":
        await asyncio.sleep(3 * INTERVAL)  # the server's own clock has to move
    started = time.monotonic()
    assert await store.pacing.reserve(INTERVAL, now=later) == 0.0
    wait = await store.pacing.reserve(INTERVAL, now=later)
    # One interval after the first, less the time between the two calls: on PostgreSQL the
    # server's clock moves on between them (on a loaded machine, past the whole interval).
    elapsed = time.monotonic() - started if store.engine == "postgres" else 0.0
    assert INTERVAL - elapsed - 0.02 <= wait <= INTERVAL + 0.02


async def test_each_bot_has_its_own_pace(store: Store) -> None:
    """Discord's limit is per bot token: the sandbox's emulated bot, run on the live database,
    never spends the real bot's slots (and a new bot's pace starts at once)."""
    assert await store.pacing.reserve(WIDE, now=NOW, name="bot-1") == 0.0
    assert await store.pacing.reserve(WIDE, now=NOW, name="bot-2") == 0.0
    assert await store.pacing.reserve(WIDE, now=NOW, name="bot-1") == pytest.approx(WIDE, abs=0.5)
