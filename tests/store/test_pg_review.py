"""Hostile review of the PostgreSQL engine (issue 12): each test is an attack that once broke it.

Tests here run on both engines unless marked (tests/store/ is a both-engine folder).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.config import load_config
from bot.store import SeedData, Store, StoreUnavailable, open_store, redacted
from bot.store._postgres import PostgresDatabase, pool_settings
from tests.engines import postgres_only


async def test_shard_processes_starting_together_on_a_new_database_both_apply_the_seed(
    database_target: Path | str, seed: SeedData
) -> None:
    """Every process applies the seed at start (bot.runner.seeded_store); two shard processes
    started at once on a fresh database must both start, not one fail on a unique key the other
    inserted meanwhile."""
    async with open_store(database_target) as first, open_store(database_target) as second:
        reports = await asyncio.gather(first.apply_seed(seed), second.apply_seed(seed))
        again = await first.apply_seed(seed)
    assert min(report.added for report in reports) == 0  # the later one found it all there
    assert again.added == again.updated == 0


PASSWORD = "S3cretPW"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # Several hosts (libpq/asyncpg failover syntax): a valid DATABASE_URL.
        (
            f"postgresql://heroes:{PASSWORD}@db1:5432,db2:5432/heroes?target_session_attrs=any",
            "postgresql://heroes@db1:5432,db2:5432/heroes",
        ),
        # A password with an unencoded '/', '?' or '#': never any part of it.
        (
            f"postgresql://heroes:S3c/{PASSWORD}@db:5432/heroes",
            "postgresql://heroes@db:5432/heroes",
        ),
        (f"postgresql://heroes:S3c?{PASSWORD}@db/heroes", "postgresql://heroes@db/heroes"),
        (f"postgresql://heroes:S3c#{PASSWORD}@db/heroes", "postgresql://heroes@db/heroes"),
        (
            f"postgres://heroes:{PASSWORD}@db:notaport/heroes",
            "postgres://heroes@db:notaport/heroes",
        ),
        (
            f"postgresql://heroes:{PASSWORD}@[::1]:5432/heroes",
            "postgresql://heroes@[::1]:5432/heroes",
        ),
        (
            f"postgresql://heroes@/heroes?host=/run/pg&password={PASSWORD}",
            "postgresql://heroes@/heroes",
        ),
        ("postgresql:///heroes", "postgresql:///heroes"),
    ],
)
def test_a_database_url_is_shown_without_its_password_whatever_its_form(
    url: str, shown: str
) -> None:
    assert redacted(url) == shown
    assert load_config({"DATABASE_URL": url}).database_label == shown  # logged at every start


@postgres_only
async def test_a_read_while_the_pool_closes_fails_at_once_instead_of_retrying(
    engine: str, postgres_url: str
) -> None:
    """At shutdown a background read must not wait out the outage retries (1.2 s and three
    'database read failed' warnings) for a pool that will never come back."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    pool = await asyncpg.create_pool(postgres_url, **pool_settings())
    database = PostgresDatabase(pool, sleep=sleep)
    await database.close()
    with pytest.raises(StoreUnavailable):
        await database.one("SELECT 1")
    assert waits == []


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 8.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False


@postgres_only
async def test_the_notice_listener_comes_back_after_the_server_refused_it_for_a_while(
    store: Store, postgres_server: str
) -> None:
    """A reconnect refused by the server with an error of its own (here: the database not
    accepting connections during maintenance; also a rotated password) must not end the
    listener for good, leaving the cache off and other processes' writes unnoticed until a
    restart."""
    row = await store.database.one("SELECT quote_ident(current_database()), current_database()")
    name, plain_name = row[0], row[1]
    admin = await asyncpg.connect(postgres_server)  # on the server's own database
    try:
        await admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND query LIKE 'LISTEN%'",
            plain_name,
        )
        await asyncio.sleep(1.0)  # the listener's first attempts are refused
        await admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")

        async def cached_again() -> bool:
            await store.person("pedro-pascal")
            hits = store.database.cache.hits
            await store.person("pedro-pascal")
            return store.database.cache.hits == hits + 1

        assert await _eventually(cached_again)
    finally:
        await admin.close()
