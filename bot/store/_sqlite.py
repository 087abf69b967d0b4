"""The SQLite engine: one aiosqlite connection, its write transactions and read cache."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import time
from collections.abc import AsyncIterator, Hashable, Iterable
from contextlib import asynccontextmanager

import aiosqlite

from ._cache import ReadCache
from ._database import Database, Engine, Params, Row, Snapshot, Transaction
from ._errors import ConstraintError

log = logging.getLogger(__name__)

BEGIN_ATTEMPTS = 3


class SqliteTx:
    """The statements of one SQLite write transaction (the connection holds the write lock)."""

    engine: Engine = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            cursor = await self._connection.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc
        rowcount = cursor.rowcount
        await cursor.close()
        return rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            await self._connection.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._connection.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as exc:  # INSERT ... RETURNING
            raise ConstraintError(str(exc)) from exc

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        return next(iter(await self.all(sql, params)), None)


class SqliteDatabase(Database):
    """One aiosqlite connection, its write transactions, and the cache of read results.

    Reads run in one trip to aiosqlite's thread: a read must never leave its statement open
    between two trips, since another task's `BEGIN IMMEDIATE` could run in between, and a
    connection holding an open read on an old snapshot is refused the write lock at once
    (SQLITE_BUSY, no busy wait) whenever another process has written meanwhile. One trip instead
    of three (execute, fetch, close) is also faster under load (BENCHMARKS.md).
    """

    engine: Engine = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        # One connection serves every task: write transactions must not interleave.
        self._write_lock = asyncio.Lock()
        self.cache = ReadCache(self.data_version)
        self.change_listeners = []

    async def data_version(self) -> Hashable:
        """Changes whenever another connection (another process) commits a write."""
        rows = await self.connection.execute_fetchall("PRAGMA data_version")
        return next(iter(rows))[0]

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.connection.execute_fetchall(sql, params))

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    def transaction(self, *, changes_cached: bool = True) -> Transaction:
        return self._transaction(changes_cached)

    @asynccontextmanager
    async def _transaction(self, changes_cached: bool) -> AsyncIterator[SqliteTx]:
        async with self._write_lock:
            await self._begin()
            try:
                yield SqliteTx(self.connection)
            except BaseException:
                await self.connection.rollback()
                raise
            else:
                await self.connection.commit()
            finally:
                if self.cache is not None and changes_cached:
                    self.cache.clear()

    def snapshot(self) -> Snapshot:
        return self._snapshot()

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[SqliteTx]:
        # One read transaction: from its first read on, every read sees the same snapshot (WAL),
        # whatever other processes commit. The lock keeps this process's writes out of it.
        async with self._write_lock:
            await self.connection.execute("BEGIN")
            try:
                yield SqliteTx(self.connection)
            finally:
                await self.connection.rollback()

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE (take the write lock now), waiting out other processes' writes.

        SQLite's busy timeout (5 s) waits for the write lock, but its locks are not fair: another
        process writing back to back can keep this one out past it. Each retry first waits a
        random moment, which lands between the other's transactions.
        """
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            started = time.monotonic()
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == BEGIN_ATTEMPTS:
                    raise
                log.warning(
                    "database busy (attempt %d of %d): %s %s",
                    attempt,
                    BEGIN_ATTEMPTS,
                    getattr(exc, "sqlite_errorname", "?"),
                    f"{exc} after {time.monotonic() - started:.3f}s",
                )
                await asyncio.sleep(random.uniform(0.001, 0.02 * attempt))

    async def close(self) -> None:
        await self.connection.close()
