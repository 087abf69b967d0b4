"""Reads and writes go on while another process writes to the same database.

SQLite: reads never hold a statement open across trips to the database thread. If one did,
another task's BEGIN IMMEDIATE could run while it is open, and SQLite refuses the write lock at
once (no busy wait) to a connection reading an old snapshot whenever another process has written
meanwhile: members' commands then failed with "database is locked" in deployments with two
processes on one file. PostgreSQL: the pool's reads and write transactions interleave with
another process's writes the same way.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.store import Store, open_store


async def _write_until(target: Path | str, stop: threading.Event) -> int:
    count = 0
    async with open_store(target) as other:
        while not stop.is_set():
            await other.set_meta("other", str(count))
            count += 1
            await asyncio.sleep(0.0002)
    return count


def _other_process_writes(target: Path | str, stop: threading.Event) -> int:
    """Commit a small write about every millisecond from another store on its own thread and
    event loop, as a second bot would."""
    return asyncio.run(_write_until(target, stop))


async def test_reads_and_writes_interleave_with_another_writer(
    store: Store, database_target: Path | str, caplog: pytest.LogCaptureFixture
) -> None:
    store.bypass_read_cache()  # every read goes to the database
    stop = threading.Event()
    writer = asyncio.get_running_loop().run_in_executor(
        None, _other_process_writes, database_target, stop
    )
    try:

        async def reader() -> None:
            for _ in range(100):
                await store.cast()
                await store.tracker.timeline(limit=5)
                await store.settings.get(1)

        async def own_writes() -> None:
            for i in range(60):
                await store.set_meta("mine", str(i))

        await asyncio.gather(*(reader() for _ in range(8)), own_writes())
    finally:
        stop.set()
        other_writes = await writer
    assert other_writes > 0
    assert await store.get_meta("mine") == "59"
    # Never refused the write lock at once (the store retries, but must not need to).
    assert [r.message for r in caplog.records if "database busy" in r.message] == []
