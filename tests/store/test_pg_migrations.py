"""PostgreSQL migrations: several processes starting at once, a newer database, a failing
migration and an unreachable server (issue 12). PostgreSQL only: SQLite's own guarantees are
tested in tests/store/test_store.py."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from msgspec.structs import replace

from bot.store import StoreError, load_migrations, migrate_postgres, open_store

REPO = Path(__file__).resolve().parents[2]
LATEST = len(load_migrations("postgres"))
OPEN_AND_CLOSE = (
    "import asyncio, sys\n"
    "from bot.store import open_store\n"
    "async def main(url):\n"
    "    async with open_store(url) as store:\n"
    "        await store.counts()\n"
    "asyncio.run(main(sys.argv[1]))\n"
)


async def applied_versions(url: str) -> list[int]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT version FROM heroes_schema ORDER BY version")
    finally:
        await connection.close()
    return [row[0] for row in rows]


async def test_five_stores_opening_a_new_database_at_once_migrate_it_once(
    postgres_url: str,
) -> None:
    async with AsyncExitStack() as stack:
        stores = await asyncio.gather(
            *(stack.enter_async_context(open_store(postgres_url)) for _ in range(5))
        )
        counts = await asyncio.gather(*(store.counts() for store in stores))
    assert len(counts) == 5 and all(c == counts[0] for c in counts)
    # One row per migration: a second run of any would have hit the primary key.
    assert await applied_versions(postgres_url) == list(range(1, LATEST + 1))


async def test_three_processes_opening_a_new_database_at_once_migrate_it_once(
    postgres_url: str,
) -> None:
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            OPEN_AND_CLOSE,
            postgres_url,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    results = await asyncio.gather(*(p.communicate() for p in processes))
    failures = [
        err.decode() for p, (_, err) in zip(processes, results, strict=True) if p.returncode != 0
    ]
    assert failures == []
    assert await applied_versions(postgres_url) == list(range(1, LATEST + 1))


async def test_a_database_newer_than_the_code_is_refused_with_the_fix(postgres_url: str) -> None:
    async with open_store(postgres_url):
        pass
    connection = await asyncpg.connect(postgres_url)
    try:
        await connection.execute("INSERT INTO heroes_schema (version) VALUES ($1)", LATEST + 1)
    finally:
        await connection.close()
    with pytest.raises(StoreError) as refused:
        async with open_store(postgres_url):
            pass
    message = str(refused.value)
    assert f"schema version {LATEST + 1}" in message and f"only up to {LATEST}" in message
    assert "upgrade heroes-bot" in message and "DATABASE_URL" in message
    assert await applied_versions(postgres_url) == list(range(1, LATEST + 2))  # left as it was


async def test_a_failing_migration_leaves_the_schema_at_its_old_version(postgres_url: str) -> None:
    shipped = load_migrations("postgres")
    broken = replace(
        shipped[-1],
        version=LATEST + 1,
        name=f"{LATEST + 1:04d}_broken.sql",
        sql="CREATE TABLE half_applied (id BIGINT);\nSELECT no_such_function();\n",
    )
    connection = await asyncpg.connect(postgres_url)
    try:
        assert await migrate_postgres(connection, shipped[:2]) == 2
        with pytest.raises(asyncpg.UndefinedFunctionError):
            await migrate_postgres(connection, [*shipped, broken])
        # Every pending migration ran in the one transaction that failed: 3..N are not applied
        # either, and nothing of the broken one is left.
        versions = await connection.fetch("SELECT version FROM heroes_schema ORDER BY version")
        assert [row[0] for row in versions] == [1, 2]
        present = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ANY($1::text[])",
            ["half_applied", "sequel_updates"],  # made by the broken one, and by migration 3
        )
        assert present == 0
        # And the next start, with the shipped migrations, completes the schema.
        assert await migrate_postgres(connection, shipped) == LATEST
    finally:
        await connection.close()


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_server_is_one_line_naming_it_without_the_password() -> None:
    port = closed_port()
    url = f"postgresql://heroes:s3cret-pass@127.0.0.1:{port}/heroes_db"
    started = time.monotonic()
    with pytest.raises(StoreError) as refused:
        async with open_store(url):
            pass
    elapsed = time.monotonic() - started
    message = str(refused.value)
    assert f"127.0.0.1:{port}/heroes_db" in message
    assert "s3cret-pass" not in message and "\n" not in message
    assert "DATABASE_URL" in message
    assert elapsed < 5


def test_an_unreachable_server_exits_75_to_be_restarted_a_refused_login_exits_2(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A service manager restarts 75 (EX_TEMPFAIL: the server down or starting), not 2 (a
    # setting to fix): deploy/heroes-bot.service has RestartPreventExitStatus=2.
    from bot.__main__ import main

    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"postgresql://heroes:pw@127.0.0.1:{closed_port()}/db")
    assert main(["news", "list"]) == 75
    assert "check DATABASE_URL" in capsys.readouterr().err
    parts = urlsplit(postgres_url)
    host = parts.netloc.rpartition("@")[2]
    monkeypatch.setenv("DATABASE_URL", urlunsplit(parts._replace(netloc=f"nobody:wrong@{host}")))
    assert main(["news", "list"]) == 2
