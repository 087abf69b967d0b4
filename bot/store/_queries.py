"""Reads in one trip to aiosqlite's thread, shared by every part of the store.

A read must never leave its statement open between two trips to the database thread: another
task's `BEGIN IMMEDIATE` could run in between, and a connection holding an open read on an old
snapshot is refused the write lock at once (SQLITE_BUSY, no busy wait) whenever another process
has written meanwhile. `execute_fetchall` runs the statement to its end in one trip, and one trip
instead of three (execute, fetch, close) is also faster under load (BENCHMARKS.md).
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from ._cache import ReadCache

# Positional (`?`) or named (`:name`) parameters, never string formatting of values.
Params = tuple[Any, ...] | dict[str, Any]


class Queries:
    """Base of the store's parts: one shared connection, one-trip reads, the read cache."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._cache: ReadCache | None = None  # set by Store

    async def _all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, params))

    async def _one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self._db.execute_fetchall(sql, params)
        return next(iter(rows), None)
