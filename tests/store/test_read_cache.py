"""The read cache: shared results, dropped by every write here and, soon after, elsewhere."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.clock import ManualClock
from bot.store import Store
from bot.store._cache import ReadCache


def _value(value: str):
    async def load() -> str:
        return value

    return load


async def test_reads_are_cached_and_dropped_by_a_write_here(store: Store) -> None:
    cache = store.database.cache
    assert cache is not None
    first = await store.person("pedro-pascal")
    misses = cache.misses
    assert await store.person("pedro-pascal") is first  # served from the cache
    assert cache.misses == misses
    async with store.database.transaction() as db:
        await db.execute("UPDATE people SET about = 'Edited.' WHERE key = 'pedro-pascal'")
    person = await store.person("pedro-pascal")
    assert person is not None and person.about == "Edited."


async def test_lists_are_handed_out_fresh(store: Store) -> None:
    cast = await store.cast()
    cast.clear()  # a caller mutating its list must not empty everyone else's
    assert len(await store.cast()) == 23


async def test_a_write_by_another_process_is_seen_after_the_recheck(
    store: Store, db_path: Path
) -> None:
    now = [0.0]
    cache = ReadCache(store.database.data_version, recheck=1.0, clock=lambda: now[0])
    store.database.cache = cache  # every repository reads through the one Database's cache
    assert (await store.settings.get(42)).private_replies is False
    async with aiosqlite.connect(db_path) as other:  # another process's connection
        await other.execute("INSERT INTO guild_settings (guild_id, private_replies) VALUES (42, 1)")
        await other.commit()
    assert (await store.settings.get(42)).private_replies is False  # within the recheck window
    now[0] += 1.5
    assert (await store.settings.get(42)).private_replies is True


async def test_the_cache_is_bounded(store: Store) -> None:
    cache = ReadCache(store.database.data_version, max_entries=3)

    async def load() -> int:
        return 1

    for key in range(10):
        await cache.get(key, load)
    assert len(cache._entries) == 3


async def test_concurrent_misses_share_one_load(store: Store) -> None:
    import asyncio

    # Time stands still: after the first read the cache does not re-check the database, so
    # every caller below asks while the one load is under way.
    cache = ReadCache(store.database.data_version, clock=ManualClock().monotonic)
    assert await cache.get("warm", _value("x")) == "x"
    loads = 0
    started, release = asyncio.Event(), asyncio.Event()

    async def load() -> str:  # a slow query: it ends when the test says so
        nonlocal loads
        loads += 1
        started.set()
        await release.wait()
        return "card"

    gathered = asyncio.gather(*(cache.get("sequel", load) for _ in range(200)))
    await started.wait()  # every caller has asked by now, while the load is under way
    release.set()
    results = await gathered
    assert results == ["card"] * 200 and loads == 1


async def test_a_failed_load_is_not_cached_and_reaches_every_waiter(store: Store) -> None:
    import asyncio

    cache = ReadCache(store.database.data_version, clock=ManualClock().monotonic)
    assert await cache.get("warm", _value("x")) == "x"
    calls = 0
    started, release = asyncio.Event(), asyncio.Event()

    async def load() -> str:  # the first load is slow, and fails
        nonlocal calls
        calls += 1
        if calls == 1:
            started.set()
            await release.wait()
            raise RuntimeError("database went away")
        return "ok"

    gathered = asyncio.gather(*(cache.get("k", load) for _ in range(5)), return_exceptions=True)
    await started.wait()
    release.set()
    results = await gathered
    assert all(isinstance(r, RuntimeError) for r in results)
    assert await cache.get("k", load) == "ok"


async def test_a_write_during_a_load_keeps_the_stale_result_out(store: Store) -> None:
    import asyncio

    cache = ReadCache(store.database.data_version)
    values = iter(["old", "new"])
    started, proceed = asyncio.Event(), asyncio.Event()

    async def load() -> str:
        value = next(values)
        started.set()
        await proceed.wait()
        return value

    task = asyncio.create_task(cache.get("k", load))
    await started.wait()
    cache.clear()  # a write commits while the first load runs
    proceed.set()
    assert await task == "old"
    assert await cache.get("k", load) == "new"
