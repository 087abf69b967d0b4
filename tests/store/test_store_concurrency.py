"""Reads never hold a statement open across trips to the database thread.

If one did, another task's BEGIN IMMEDIATE could run while it is open, and SQLite refuses the
write lock at once (no busy wait) to a connection reading an old snapshot whenever another
process has written meanwhile: members' commands then failed with "database is locked" in
deployments with two processes on one file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.store import Store


def _other_process_writes(db_path: Path, stop: threading.Event) -> int:
    """Commit a small write every millisecond from another connection, as a second bot would."""
    count = 0
    with sqlite3.connect(db_path, timeout=5) as other:
        while not stop.is_set():
            other.execute(
                "INSERT INTO meta (key, value) VALUES ('other', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(count),),
            )
            other.commit()
            count += 1
            stop.wait(0.0002)
    return count


async def test_reads_and_writes_interleave_with_another_writer(
    store: Store, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store.bypass_read_cache()  # every read goes to the database
    stop = threading.Event()
    writer = asyncio.get_running_loop().run_in_executor(None, _other_process_writes, db_path, stop)
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
