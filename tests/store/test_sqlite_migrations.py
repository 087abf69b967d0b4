"""SQLite's migrations run as one script in one transaction (one trip to aiosqlite's thread),
and processes or connections opening a new database at once still apply each migration once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import _migrations as migrations_module
from bot.store import load_migrations, migrate, open_store
from bot.store._migrations import Migration

COUNTED = "CREATE TABLE IF NOT EXISTS applied (n INTEGER);\nINSERT INTO applied VALUES (1);\n"


def counted_migrations() -> list[Migration]:
    """The shipped migrations, then one that leaves a row each time it runs (a migration run
    twice would show as two rows: its CREATE ... IF NOT EXISTS would not stop it)."""
    shipped = load_migrations()
    return [*shipped, Migration(len(shipped) + 1, "counted.sql", COUNTED)]


async def connection(path: Path) -> aiosqlite.Connection:
    db = await aiosqlite.connect(str(path), isolation_level=None)
    await db.execute("PRAGMA busy_timeout = 5000")
    return db


def applied(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM applied").fetchone()[0]
    return version, rows


async def test_connections_migrating_a_new_database_at_once_apply_each_migration_once(
    tmp_path: Path,
) -> None:
    path, migrations = tmp_path / "new.db", counted_migrations()
    connections = [await connection(path) for _ in range(4)]
    try:
        # Each reads version 0 before any has the write lock: all but the first find, under the
        # lock, that the schema moved, apply nothing, and read the version again.
        versions = await asyncio.gather(*(migrate(db, migrations) for db in connections))
    finally:
        for db in connections:
            await db.close()
    assert versions == [len(migrations)] * 4
    assert applied(path) == (len(migrations), 1)


async def test_a_migration_raced_by_another_process_applies_nothing_and_reads_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, migrations = tmp_path / "raced.db", counted_migrations()
    first, second = await connection(path), await connection(path)
    try:
        await migrate(first, migrations[:-1])
        reads = 0
        real_version = migrations_module.current_version

        async def stale_first_read(db: aiosqlite.Connection) -> int:
            nonlocal reads
            version = await real_version(db)
            if db is second:
                reads += 1
                if reads == 1:  # the other process migrates right after this read
                    await migrate(first, migrations)
            return version

        monkeypatch.setattr(migrations_module, "current_version", stale_first_read)
        assert await migrate(second, migrations) == len(migrations)
        assert reads == 2  # the stale script refused, then the version read again
    finally:
        await first.close()
        await second.close()
    assert applied(path) == (len(migrations), 1)


async def test_a_migration_that_does_not_end_its_statement_is_refused(tmp_path: Path) -> None:
    shipped = load_migrations()
    unfinished = [*shipped, Migration(len(shipped) + 1, "unfinished.sql", "CREATE TABLE x (a)")]
    async with open_store(tmp_path / "heroes.db") as store:
        with pytest.raises(RuntimeError, match=r"unfinished\.sql does not end"):
            await migrate(store.database.connection, unfinished)
