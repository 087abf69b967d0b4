"""What every repository is given: reads, write transactions and the read cache, on one engine.

Each feature's repository (film data, sequel tracker, quote of the day, ...) keeps its own SQL
and runs it through a `Database`; only the engine modules know how a transaction begins, how
parameters are passed and how other processes' writes are noticed:

- `_sqlite.py`: one aiosqlite connection (the zero-setup default);
- `_postgres.py`: an asyncpg pool (several processes and hosts on one database).

SQL is written once, with SQLite's parameter marks (`?`, `:name`), which the PostgreSQL engine
numbers (`$1`). Where the two dialects differ, the repository keeps both spellings side by side
and picks one with `Database.dialect(sqlite=..., postgres=...)`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Literal, Protocol

from ._cache import ReadCache

# Positional (`?`) or named (`:name`) parameters, never string formatting of values.
Params = Sequence[Any] | dict[str, Any]
# A result row: indexable and iterable (aiosqlite.Row, asyncpg.Record).
Row = Any
Engine = Literal["sqlite", "postgres"]
# Told how long each query took: ("read" | "write", seconds). A read is one `all`/`one` that
# reached the database (not the read cache); a write is a whole write transaction, from asking
# for it (waiting for the write lock included) to its commit or rollback.
QueryObserver = Callable[[str, float], None]


class Tx(Protocol):
    """The statements of one write transaction: they commit together or not at all."""

    engine: Engine

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter set."""
        ...

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query (or of an `INSERT/UPDATE ... RETURNING`)."""
        ...

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row, or None."""
        ...


# What `Database.transaction` is: the statements run inside it commit together or not at all.
Transaction = AbstractAsyncContextManager[Tx]


class Reader(Protocol):
    """Reads only: what `Database.snapshot` gives (a `Tx` is one too)."""

    engine: Engine

    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def one(self, sql: str, params: Params = ()) -> Row | None: ...


# What `Database.snapshot` is: reads that all see the database as it was at one moment.
Snapshot = AbstractAsyncContextManager[Reader]


class Database(ABC):
    """One engine's reads, write transactions, and the cache of read results."""

    engine: Engine
    # Reads of rarely changing data, dropped at every write (see _cache.py); None: no cache.
    cache: ReadCache | None
    change_listeners: list[Callable[[], None]]

    def bypass_read_cache(self) -> None:
        """Send every read to the database from now on (benchmarks of the queries' own cost)."""
        self.cache = None

    def add_change_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener` when another process commits a change (PostgreSQL's notices; on
        SQLite, processes sharing the file notice each other by polling instead)."""
        self.change_listeners.append(listener)

    def remove_change_listener(self, listener: Callable[[], None]) -> None:
        if listener in self.change_listeners:
            self.change_listeners.remove(listener)

    def add_query_observer(self, observer: QueryObserver) -> None:
        """Time every read and write transaction from now on (the bot's metrics). Until an
        observer is added nothing is timed: the first one puts timing wrappers on this
        instance, over the engine's own methods, so a bot without metrics pays nothing."""
        observers: list[QueryObserver] | None = vars(self).get("_query_observers")
        if observers is None:
            observers = self._query_observers = []
            self._time_queries(observers)
        observers.append(observer)

    def remove_query_observer(self, observer: QueryObserver) -> None:
        observers: list[QueryObserver] = vars(self).get("_query_observers", [])
        if observer in observers:
            observers.remove(observer)

    def _time_queries(self, observers: list[QueryObserver]) -> None:
        untimed_all, untimed_one, untimed_transaction = self.all, self.one, self.transaction

        def observe(operation: str, started: float) -> None:
            # Real elapsed time (perf_counter), not the bot's clock: a measured duration.
            elapsed = time.perf_counter() - started
            for observer in observers:
                observer(operation, elapsed)

        async def timed_all(sql: str, params: Params = ()) -> list[Row]:
            started = time.perf_counter()
            try:
                return await untimed_all(sql, params)
            finally:
                observe("read", started)

        async def timed_one(sql: str, params: Params = ()) -> Row | None:
            started = time.perf_counter()
            try:
                return await untimed_one(sql, params)
            finally:
                observe("read", started)

        @asynccontextmanager
        async def timed_transaction(*, changes_cached: bool = True) -> AsyncIterator[Tx]:
            started = time.perf_counter()
            try:
                async with untimed_transaction(changes_cached=changes_cached) as tx:
                    yield tx
            finally:
                observe("write", started)

        self.all = timed_all  # type: ignore[method-assign]
        self.one = timed_one  # type: ignore[method-assign]
        self.transaction = timed_transaction  # type: ignore[method-assign]

    def dialect(self, *, sqlite: str, postgres: str) -> str:
        """The spelling of a statement (or a piece of one) for this engine."""
        return sqlite if self.engine == "sqlite" else postgres

    @abstractmethod
    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    def transaction(self, *, changes_cached: bool = True) -> Transaction:
        """A write transaction; the read cache is dropped when it ends, here and (PostgreSQL)
        in every other process sharing the database. `changes_cached=False`: the writes change
        nothing a cached read returns (delivery bookkeeping, the send pace), so no cache is
        dropped: a broadcast does not empty every process's cache at each send."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """Read-only: every read inside sees the same moment, whatever other processes commit
        meanwhile (copying a live database: `db copy`)."""

    @abstractmethod
    async def close(self) -> None: ...


class Repository:
    """Base of one feature's repository: its SQL, run over the shared Database."""

    def __init__(self, database: Database) -> None:
        self._db = database
