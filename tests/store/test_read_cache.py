"""The read cache: shared results, dropped by every write here and, soon after, elsewhere."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

import aiosqlite
import asyncpg
import pytest

from bot.clock import ManualClock
from bot.store import Store, _pg_notices, open_store
from bot.store._cache import ReadCache
from tests.engines import postgres_only, sqlite_only

T = TypeVar("T")
EDIT = "UPDATE people SET about = 'Edited elsewhere.' WHERE key = 'pedro-pascal'"


async def _unchanging_data_version() -> int:
    """No other process writes (the cache's own logic is under test, on no engine)."""
    return 1


async def _within_a_second(read: Callable[[], Awaitable[T]], done: Callable[[T], bool]) -> T:
    """`read()` again and again (briefly apart) until `done` says yes, for at most a second."""
    deadline = time.monotonic() + 1.0
    value = await read()
    for _ in range(1000):  # bounded by the deadline; the count only guards against a stuck clock
        if done(value) or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.01)
        value = await read()
    return value


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


@sqlite_only
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


async def test_the_cache_is_bounded() -> None:
    cache = ReadCache(_unchanging_data_version, max_entries=3)

    async def load() -> int:
        return 1

    for key in range(10):
        await cache.get(key, load)
    assert len(cache._entries) == 3


async def test_concurrent_misses_share_one_load() -> None:
    import asyncio

    # Time stands still: after the first read the cache does not re-check the database, so
    # every caller below asks while the one load is under way.
    cache = ReadCache(_unchanging_data_version, clock=ManualClock().monotonic)
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


async def test_a_failed_load_is_not_cached_and_reaches_every_waiter() -> None:
    import asyncio

    cache = ReadCache(_unchanging_data_version, clock=ManualClock().monotonic)
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


async def test_a_write_during_a_load_keeps_the_stale_result_out() -> None:
    import asyncio

    cache = ReadCache(_unchanging_data_version)
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


@postgres_only
async def test_a_write_by_another_process_is_seen_within_a_second(
    store: Store, database_target: str
) -> None:
    async with open_store(database_target) as elsewhere:  # another process on the database
        assert (await store.person("pedro-pascal")).about != "Edited elsewhere."
        hits = store.database.cache.hits
        await store.person("pedro-pascal")
        assert store.database.cache.hits == hits + 1  # the reads are cached here
        async with elsewhere.database.transaction() as tx:
            await tx.execute(EDIT)
        person = await _within_a_second(
            lambda: store.person("pedro-pascal"), lambda p: p.about == "Edited elsewhere."
        )
        assert person.about == "Edited elsewhere."


@postgres_only
async def test_the_cache_is_bypassed_while_notices_cannot_arrive(
    store: Store, database_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*_args: object, **_kwargs: object) -> None:
        raise ConnectionRefusedError("the server cannot be reached")

    other = await asyncpg.connect(database_target)
    try:
        await store.person("pedro-pascal")  # cached
        # The listening connection is cut, and the listener cannot get a new one meanwhile.
        monkeypatch.setattr(_pg_notices, "asyncpg", SimpleNamespace(connect=unreachable))
        await other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
        )

        async def misses_of_two_reads() -> int:
            before = store.database.cache.misses
            await store.person("pedro-pascal")
            await store.person("pedro-pascal")
            return store.database.cache.misses - before

        assert await _within_a_second(misses_of_two_reads, lambda misses: misses == 2) == 2
        await other.execute(EDIT)  # a write whose notice cannot reach the store
        person = await store.person("pedro-pascal")
        assert person is not None and person.about == "Edited elsewhere."
    finally:
        await other.close()
