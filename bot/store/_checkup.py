"""Looking at a database without changing it, for `heroes-bot doctor`: whether it can be written,
whether SQLite finds it whole, and a store over it that neither creates, migrates nor narrows
anything (opening the store normally does all three)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import msgspec

from ._backup import integrity_problems
from ._connection import is_postgres, open_read_only, sqlite_path
from ._errors import StoreError
from ._store import Store

# How long the write probe waits for a running bot's write to end before calling it busy.
WRITE_PROBE_WAIT = 2.0


class WriteProbe(msgspec.Struct, frozen=True):
    """Whether this user may write the database now. `busy`: another process held the write
    lock throughout the wait (a running bot), which says nothing against writing later."""

    writable: bool
    busy: bool = False
    reason: str = ""


def sqlite_integrity(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong in `path` ([] when it says ok), read-only."""
    try:
        with contextlib.closing(open_read_only(path)) as connection:
            return integrity_problems(connection)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


async def probe_write(target: Path | str) -> WriteProbe:
    """Take the write lock (SQLite) or try a write's privileges (PostgreSQL) in a transaction
    that is rolled back: nothing is written, nothing is created."""
    if is_postgres(target):
        return await _probe_postgres(str(target))
    return await asyncio.to_thread(_probe_sqlite, sqlite_path(target))


def _probe_sqlite(path: Path) -> WriteProbe:
    try:
        uri = f"{path.resolve().as_uri()}?mode=rw"  # rw: never creates the file
        with contextlib.closing(
            sqlite3.connect(uri, uri=True, timeout=WRITE_PROBE_WAIT)
        ) as connection:
            connection.isolation_level = None
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return WriteProbe(writable=True, busy=True, reason=text)
        return WriteProbe(writable=False, reason=text)
    except sqlite3.DatabaseError as exc:
        return WriteProbe(writable=False, reason=str(exc))
    return WriteProbe(writable=True)


async def _probe_postgres(url: str) -> WriteProbe:
    import asyncpg

    from ._copy import _connected

    async with _connected(url) as connection:
        if connection is None:
            raise StoreError("DATABASE_URL names PostgreSQL, but asyncpg is not installed.")
        transaction = connection.transaction()
        await transaction.start()
        try:
            has_meta = await connection.fetchval("SELECT to_regclass('meta') IS NOT NULL")
            # Privileges are checked before any row is touched: WHERE false writes nothing.
            probe = (
                "UPDATE meta SET value = value WHERE false"
                if has_meta
                else "CREATE TABLE heroes_doctor_probe (id integer)"
            )
            await connection.execute(probe)
        except asyncpg.PostgresError as exc:
            return WriteProbe(writable=False, reason=str(exc).splitlines()[0])
        finally:
            await transaction.rollback()
    return WriteProbe(writable=True)


@contextlib.asynccontextmanager
async def open_store_unchanged(target: Path | str) -> AsyncIterator[Store]:
    """A Store over an existing database for reading, with no migration and no file created or
    narrowed. Callers check the schema is current first (stored_version)."""
    if is_postgres(target):
        async with _postgres_unchanged(str(target)) as store:
            yield store
        return
    from ._sqlite import SqliteDatabase

    path = sqlite_path(target)
    if not path.is_file():
        raise StoreError(f"{path} does not exist.")
    connection = await aiosqlite.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
    )
    try:
        yield Store(SqliteDatabase(connection))
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def _postgres_unchanged(url: str) -> AsyncIterator[Store]:
    import asyncpg

    from ._pg_open import _unreachable
    from ._postgres import CONNECTION_ERRORS, PostgresDatabase, pool_settings

    settings: dict[str, Any] = {**pool_settings(), "min_size": 1, "max_size": 1}
    try:
        pool = await asyncpg.create_pool(url, **settings)
    except (*CONNECTION_ERRORS, asyncpg.PostgresError, ValueError, OverflowError) as exc:
        raise _unreachable(url, exc) from None
    database = PostgresDatabase(pool)
    try:
        yield Store(database)
    finally:
        await database.close()
