"""PostgreSQL's LISTEN/NOTIFY: every process drops its read cache when another one writes.

Each write transaction sends a notice at commit (`_postgres.py`). This listener keeps its own
connection (a pooled one would be handed to other work). While that connection is down, nothing
another process writes can be noticed, so the cache is suspended (every read goes to the
database) until the listener is back; a silent network failure is found by a ping every
`PING_EVERY` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from ._postgres import CONNECTION_ERRORS, NOTICE_CHANNEL, PostgresDatabase

log = logging.getLogger(__name__)

PING_EVERY = 5.0
PING_TIMEOUT = 2.0
RECONNECT_WAITS = (0.2, 0.5, 1.0, 2.0, 5.0)
# A reconnect may also be refused by the server itself (not accepting connections during
# maintenance, a rotated password, too many clients): that passes, and the cache must come back.
RECONNECT_ERRORS = (*CONNECTION_ERRORS, asyncpg.PostgresError)


class CacheNotices:
    def __init__(self, dsn: str, database: PostgresDatabase) -> None:
        self._dsn = dsn
        self._database = database
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()  # set by asyncpg when the connection closes under us
        self.notices = 0  # other processes' writes seen (tests, /about-style diagnostics)

    async def start(self) -> None:
        """Listen now (the caller has just reached the server), then watch the connection."""
        await self._listen()
        self._task = asyncio.create_task(self._watch(), name="heroes-store-notices")

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        await connection.add_listener(NOTICE_CHANNEL, self._on_notice)
        connection.add_termination_listener(self._on_lost)
        self._connection = connection
        if self._database.cache is not None:
            self._database.cache.resume()

    def _on_notice(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == self._database.token:
            return
        self.notices += 1
        if self._database.cache is not None:
            self._database.cache.clear()
        for listener in list(self._database.change_listeners):
            listener()

    def _on_lost(self, connection: object) -> None:
        if connection is not self._connection:
            return  # a connection already replaced (closed by _reconnect itself)
        if self._database.cache is not None:
            self._database.cache.suspend()
        self._lost.set()

    async def _watch(self) -> None:
        """Reconnect as soon as the listening connection closes, and ping it every
        `PING_EVERY` seconds to find a silent network failure (no close ever arrives)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), PING_EVERY)
            connection = self._connection
            try:
                if self._lost.is_set() or connection is None or connection.is_closed():
                    raise ConnectionError("the notice connection closed")
                await connection.fetchval("SELECT 1", timeout=PING_TIMEOUT)
            except CONNECTION_ERRORS as exc:
                self._on_lost(connection)
                log.warning("lost the database notice connection (%s); reconnecting", exc)
                await self._reconnect()

    async def _reconnect(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None
        self._lost.clear()
        attempt = 0
        while True:
            try:
                await self._listen()
                log.info("database notices are back: the read cache is on again")
                return
            except RECONNECT_ERRORS as exc:
                wait = RECONNECT_WAITS[min(attempt, len(RECONNECT_WAITS) - 1)]
                attempt += 1
                log.debug("notice connection failed (%s); again in %.1fs", exc, wait)
                await asyncio.sleep(wait)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await self._connection.close(timeout=2)
