"""A cache of read results, dropped whenever the database changes.

Most of what members ask for (a person's card, the sequel's status, a server's settings) changes
only when someone writes, which is rare next to reads; under load every avoided query is a trip
to the database saved (see BENCHMARKS.md). A write through this process's Database drops the cache
at once. A write by another process is noticed by the engine: on SQLite (a second shard process,
the news CLI) through `PRAGMA data_version`, asked at most every `recheck` seconds; on PostgreSQL
through LISTEN/NOTIFY (`_postgres.py`), which calls `clear()`, and while that notice channel is
down the cache is `suspend()`ed: every read goes to the database.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_MISSING = object()


class ReadCache:
    def __init__(
        self,
        data_version: Callable[[], Awaitable[Hashable]] | None = None,
        *,
        recheck: float = 1.0,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Asked at most every `recheck` seconds: a new answer means another process wrote.
        self._version_of_data = data_version
        self._suspended = False
        self._recheck = recheck
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        # Loads under way: callers missing the same key meanwhile wait for the one load instead
        # of all querying at once (200 members asking /sequel together is one set of queries).
        self._loading: dict[Hashable, asyncio.Future[Any]] = {}
        self._generation = 0
        self._data_version: Hashable = None
        self._checked_at = float("-inf")
        self.hits = self.misses = 0

    def clear(self) -> None:
        """Forget everything: called after every write this process commits."""
        self._entries.clear()
        self._generation += 1

    def suspend(self) -> None:
        """Other processes' writes cannot be noticed for now: read from the database."""
        self._suspended = True
        self.clear()

    def resume(self) -> None:
        """Other processes' writes are noticed again (anything cached before is gone)."""
        self.clear()
        self._suspended = False

    async def _still_valid(self) -> None:
        if self._version_of_data is None:
            return
        now = self._clock()
        if now - self._checked_at < self._recheck:
            return
        self._checked_at = now
        version = await self._version_of_data()
        if version != self._data_version:
            self._data_version = version
            self.clear()

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        if self._suspended:
            self.misses += 1
            return await load()
        await self._still_valid()
        value = self._entries.get(key, _MISSING)
        if value is not _MISSING:
            self._entries.move_to_end(key)
            self.hits += 1
            return value  # type: ignore[no-any-return]
        pending = self._loading.get(key)
        if pending is not None:
            self.hits += 1
            return await asyncio.shield(pending)  # type: ignore[no-any-return]
        self.misses += 1
        generation = self._generation
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # waiters (if any) see it; no "never retrieved" warning
            raise
        else:
            future.set_result(value)
        finally:
            del self._loading[key]
        if generation == self._generation:  # no write landed while loading: still current
            self._entries[key] = value
            if len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value


def cached(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Cache an async repository method by its arguments in its Database's read cache.

    Results must be immutable (frozen records, tuples): every caller shares them. A method
    returning a list is cached as a tuple and handed out as a fresh list.
    """

    @wraps(method)
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        cache: ReadCache | None = self._db.cache
        if cache is None:
            return await method(self, *args, **kwargs)
        key = (method.__qualname__, args, tuple(sorted(kwargs.items())))

        async def load() -> tuple[bool, Any]:
            value = await method(self, *args, **kwargs)
            if isinstance(value, list):
                return True, tuple(value)
            return False, value

        is_list, value = await cache.get(key, load)
        return list(value) if is_list else value  # type: ignore[no-any-return]

    return wrapper
