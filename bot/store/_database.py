"""The one database connection every repository shares: reads, transactions, the read cache.

Each feature's repository (film data, sequel tracker, quote of the day, ...) is given this object
and keeps its own SQL; only this module knows how a transaction begins on SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import aiosqlite

from ._cache import ReadCache

log = logging.getLogger(__name__)

# Positional (`?`) or named (`:name`) parameters, never string formatting of values.
Params = tuple[Any, ...] | dict[str, Any]
# What `Database.transaction` is: the statements run inside it commit together or not at all.
Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

BEGIN_ATTEMPTS = 3


class Database:
    """One aiosqlite connection, its write transactions, and the cache of read results.

    Reads run in one trip to aiosqlite's thread: a read must never leave its statement open
    between two trips, since another task's `BEGIN IMMEDIATE` could run in between, and a
    connection holding an open read on an old snapshot is refused the write lock at once
    (SQLITE_BUSY, no busy wait) whenever another process has written meanwhile. One trip instead
    of three (execute, fetch, close) is also faster under load (BENCHMARKS.md).
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        # One connection serves every task: write transactions must not interleave.
        self._write_lock = asyncio.Lock()
        # Reads of rarely changing data, dropped at every write (see _cache.py).
        self.cache: ReadCache | None = ReadCache(connection)

    def bypass_read_cache(self) -> None:
        """Send every read to the database from now on (benchmarks of the queries' own cost)."""
        self.cache = None

    async def all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return list(await self.connection.execute_fetchall(sql, params))

    async def one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self.connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._begin()
            try:
                yield self.connection
            except BaseException:
                await self.connection.rollback()
                raise
            else:
                await self.connection.commit()
            finally:
                if self.cache is not None:
                    self.cache.clear()

    async def _begin(self) -> None:
        """SQLite: BEGIN IMMEDIATE (take the write lock now), waiting out other processes' writes.

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


class Repository:
    """Base of one feature's repository: its SQL, run over the shared Database."""

    def __init__(self, database: Database) -> None:
        self._db = database
