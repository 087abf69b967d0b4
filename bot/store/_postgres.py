"""The PostgreSQL engine: an asyncpg pool shared by every repository, for several processes and
hosts on one database.

- Statements are the repositories' own, with SQLite's parameter marks numbered (`_pg_params.py`).
- Every write transaction ends with `pg_notify('heroes_store', ...)`, delivered at commit to every
  process LISTENing (`_pg_notices.py`), which drops its read cache: an owner's edit is seen by
  every process within moments, not after a timeout.
- A read that loses its connection (PostgreSQL restarted, a network blip) is tried again on a new
  one for a few seconds; a write transaction is not replayed, it fails with `StoreUnavailable`
  and nothing of it was committed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg

from ._cache import ReadCache
from ._database import Database, Engine, Params, Row, Snapshot, Transaction
from ._errors import ConstraintError, StoreUnavailable
from ._pg_params import numbered

log = logging.getLogger(__name__)

T = TypeVar("T")

NOTICE_CHANNEL = "heroes_store"
# Waits between attempts of a read whose connection was lost: 1.2 s in all, so a member's
# command still gets its answer (or the one "can't be reached" wording) within Discord's 3 s.
READ_RETRY_WAITS = (0.1, 0.3, 0.8)

# The server went away, refused us for now, or the connection broke under the statement.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag: 'UPDATE 3', 'INSERT 0 5', 'DELETE 0'."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTx:
    """The statements of one PostgreSQL transaction, on the connection it holds."""

    engine: Engine = "postgres"

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise ConstraintError(str(exc)) from exc
        except CONNECTION_ERRORS as exc:
            raise StoreUnavailable(f"the database connection was lost: {exc}") from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        statement = numbered(sql)
        args = statement.arguments(params)
        status = await self._run(lambda: self._connection.execute(statement.sql, *args))
        return _rowcount(status)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        statement = numbered(sql)
        args = [statement.arguments(row) for row in rows]
        await self._run(lambda: self._connection.executemany(statement.sql, args))

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        statement = numbered(sql)
        args = statement.arguments(params)
        return list(await self._run(lambda: self._connection.fetch(statement.sql, *args)))

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        statement = numbered(sql)
        args = statement.arguments(params)
        return await self._run(lambda: self._connection.fetchrow(statement.sql, *args))


class PostgresDatabase(Database):
    """An asyncpg pool, its transactions, and a read cache dropped on every process's writes."""

    engine: Engine = "postgres"

    def __init__(
        self, pool: asyncpg.Pool, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        self.pool = pool
        self._sleep = sleep
        # Starts suspended: the notice listener resumes it once it is listening.
        self.cache: ReadCache | None = ReadCache()
        self.change_listeners = []
        self.cache.suspend()
        # This process's own notices are skipped: its cache was dropped at commit already.
        self.token = uuid.uuid4().hex

    async def _read(self, call: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        for wait in (*READ_RETRY_WAITS, None):
            try:
                async with self.pool.acquire() as connection:
                    return await call(connection)
            except CONNECTION_ERRORS as exc:
                # A closing pool (the process is stopping) never comes back, and a statement that
                # ran out its `command_timeout` would only run it out again: no retries.
                timed_out = isinstance(exc, TimeoutError)
                if wait is None or timed_out or self.pool.is_closing():
                    raise StoreUnavailable(f"the database cannot be reached: {exc}") from exc
                log.warning("database read failed (%s); trying again in %.1fs", exc, wait)
                await self._sleep(wait)
        raise StoreUnavailable("the database cannot be reached")  # not reached: for the type

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        statement = numbered(sql)
        args = statement.arguments(params)
        return list(await self._read(lambda c: c.fetch(statement.sql, *args)))

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        statement = numbered(sql)
        args = statement.arguments(params)
        return await self._read(lambda c: c.fetchrow(statement.sql, *args))

    def transaction(self, *, changes_cached: bool = True) -> Transaction:
        return self._transaction(changes_cached)

    @asynccontextmanager
    async def _transaction(self, changes_cached: bool) -> AsyncIterator[PostgresTx]:
        try:
            async with self.pool.acquire() as connection, connection.transaction():
                yield PostgresTx(connection)
                if changes_cached:  # sent at commit, and only if it commits
                    await connection.execute("SELECT pg_notify($1, $2)", NOTICE_CHANNEL, self.token)
        except CONNECTION_ERRORS as exc:
            raise StoreUnavailable(
                f"the database connection was lost during a change (saved whole or not): {exc}"
            ) from exc
        finally:
            if self.cache is not None and changes_cached:
                self.cache.clear()

    def snapshot(self) -> Snapshot:
        return self._snapshot()

    @asynccontextmanager
    async def _snapshot(self) -> AsyncIterator[PostgresTx]:
        # REPEATABLE READ: every statement sees the snapshot taken at the first one.
        try:
            async with (
                self.pool.acquire() as connection,
                connection.transaction(isolation="repeatable_read", readonly=True),
            ):
                yield PostgresTx(connection)
        except CONNECTION_ERRORS as exc:
            raise StoreUnavailable(f"the database connection was lost: {exc}") from exc

    async def run(self, call: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run engine-specific work (advisory locks, LISTEN) on a pooled connection."""
        return await self._read(call)

    async def close(self) -> None:
        await self.pool.close()


async def _keep_session(connection: asyncpg.Connection) -> None:
    """What a connection returned to the pool needs to be reset: nothing. The store never leaves
    session state behind (its locks are transaction locks, it never SETs or LISTENs on a pooled
    connection, and every transaction ends), and asyncpg's default reset is one more round trip
    per read: 0.44 -> 0.2 ms for `SELECT 1` measured here."""


def pool_settings() -> dict[str, Any]:
    """How the pool is opened (one place: the bot, the CLI and the tests share it)."""
    # timeout: connecting (a firewalled host must not hang the start for a minute).
    return {
        "min_size": 1,
        "max_size": 10,
        "command_timeout": 30,
        "timeout": 10,
        "reset": _keep_session,
    }
