"""The PostgreSQL the store tests run against: real, with the extensions the engine needs, one
empty database per test, started by `make test` as root (CI) and as an ordinary user alike."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.postgres_server import SERVER_USER_CANDIDATES, temporary_database

ROOT = Path(__file__).resolve().parent.parent

# Started by an ordinary user in a child process: prints the server's version, then stops it.
# As root the child drops to that user itself, after its imports: a root-installed Python (as
# here, under /root) may not be readable by that user, the venv's packages and binaries are.
ORDINARY_USER_START = """
import asyncio, os, pwd, sys
import asyncpg
from tests.postgres_server import PostgresServer

uid, gid = int(sys.argv[1]), int(sys.argv[2])
if os.geteuid() != uid:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    os.environ["HOME"] = pwd.getpwuid(uid).pw_dir  # asyncpg looks for client keys there

async def version(url):
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()

with PostgresServer.start() as server:
    print("version", asyncio.run(version(server.url)), "as uid", os.geteuid())
"""


async def test_the_test_database_has_the_trigram_and_unaccent_extensions(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        await connection.execute("CREATE EXTENSION pg_trgm")
        await connection.execute("CREATE EXTENSION unaccent")
        plain = await connection.fetchval("SELECT unaccent('Élodie Hérôs')")
        close = await connection.fetchval("SELECT 'Anderson' % 'Andersen'")
        # "é" is a letter to pg_trgm (a UTF-8 locale), not a word break as in the C locale.
        accented = await connection.fetchval("SELECT show_trgm('é')")
    finally:
        await connection.close()
    assert plain == "Elodie Heros"
    assert close is True
    assert len(accented) == 2


async def test_every_test_database_is_new_and_empty(
    postgres_server: str, postgres_url: str
) -> None:
    first = await asyncpg.connect(postgres_url)
    try:
        await first.execute("CREATE TABLE leftover (id int)")
        first_name = await first.fetchval("SELECT current_database()")
    finally:
        await first.close()
    async with temporary_database(postgres_server, f"{first_name}_other") as other_url:
        other = await asyncpg.connect(other_url)
        try:
            other_name = await other.fetchval("SELECT current_database()")
            tables = await other.fetchval(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            )
        finally:
            await other.close()
    assert other_name != first_name
    assert tables == 0


async def test_the_server_never_runs_as_root(postgres_url: str) -> None:
    # PostgreSQL refuses root: as root (CI) the launcher hands the server to an ordinary user.
    connection = await asyncpg.connect(postgres_url)
    try:
        data_dir = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    if "POSTGRES_TEST_URL" not in os.environ:  # a given server's files may not be here
        assert (Path(data_dir) / "postmaster.pid").stat().st_uid != 0


def test_an_ordinary_user_can_start_a_server_from_a_script() -> None:
    # The session server proves the root path (CI); this one runs with no privileges at all.
    uid, gid = os.geteuid(), os.getegid()
    if uid == 0:
        entry = next(pwd.getpwnam(n) for n in SERVER_USER_CANDIDATES if _user_exists(n))
        uid, gid = entry.pw_uid, entry.pw_gid
    done = subprocess.run(
        [sys.executable, "-c", ORDINARY_USER_START, str(uid), str(gid)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("version "), done.stdout
    assert done.stdout.split()[-1] == str(uid), done.stdout


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
