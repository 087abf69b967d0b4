"""Numbered SQL migrations per engine, applied at start in one transaction.

SQLite's live in `migrations/` and its version in `PRAGMA user_version`; PostgreSQL's live in
`migrations/postgres/`, with the same numbers and names (migration N describes the same tables
and columns on both engines: tests/store/test_schema_parity.py), and its version in the
`heroes_schema` table. A database newer than the code is refused on both.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from typing import TYPE_CHECKING

import aiosqlite
import msgspec

from ._errors import StoreError

if TYPE_CHECKING:  # asyncpg is an optional extra: only the PostgreSQL engine imports it
    import asyncpg

# Held for the whole migration transaction: processes starting together migrate one at a time.
# (Any fixed 64-bit number; this one is "heroes" in ASCII.)
MIGRATION_LOCK = 0x6865726F6573

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class Migration(msgspec.Struct, frozen=True):
    version: int
    name: str
    sql: str


def load_migrations(engine: str = "sqlite") -> list[Migration]:
    """Every migration shipped for `engine`, checked to be numbered 1..N without gaps."""
    folder = resources.files("bot.store") / "migrations"
    if engine == "postgres":
        folder = folder / "postgres"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise RuntimeError(f"migrations must be numbered 1..N without gaps: {found!r}")
    return found


async def current_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


# The pending migrations run as ONE script in one trip to aiosqlite's thread: statement by
# statement, a new database took 85 trips, about 20 ms of a first start for 6 ms of SQL.
MIGRATION_ATTEMPTS = 3
RACED = "heroes_schema_moved"  # the name SQLite gives when the version check fails


async def migrate(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date in a single transaction; return the new version.

    A database newer than this code is refused rather than guessed at.
    """
    migrations = load_migrations() if migrations is None else migrations
    latest = len(migrations)
    for _attempt in range(MIGRATION_ATTEMPTS):
        version = await current_version(db)
        _refuse_newer(version, latest, "DATABASE_PATH at another file")
        if version == latest:
            return version
        try:
            await db.executescript(_migration_script(migrations, version, latest))
        except sqlite3.IntegrityError as exc:
            if db.in_transaction:
                await db.rollback()
            if RACED not in str(exc):
                raise
            continue  # another process migrated meanwhile: read its version again
        except BaseException:
            if db.in_transaction:
                await db.rollback()
            raise
        return latest
    raise StoreError("the schema kept changing while migrating; is another process migrating?")


def _migration_script(migrations: list[Migration], version: int, latest: int) -> str:
    """The pending migrations as one transaction. BEGIN IMMEDIATE takes the write lock (another
    process starting at once waits here); the version read before it is then checked again under
    the lock: if another process migrated meanwhile, the CHECK fails and nothing is applied.
    A migration never controls its transaction (no BEGIN or COMMIT of its own): it runs in this
    one."""
    pending = [m for m in migrations if m.version > version]
    for migration in pending:
        if not sqlite3.complete_statement(migration.sql):  # or it would run into the next one
            raise RuntimeError(f"{migration.name} does not end with a complete SQL statement")
    return (
        "BEGIN IMMEDIATE;\n"
        "CREATE TEMP TABLE heroes_migrating_from (version INTEGER NOT NULL,"
        f" CONSTRAINT {RACED} CHECK (version = {int(version)}));\n"
        "INSERT INTO temp.heroes_migrating_from SELECT user_version FROM pragma_user_version;\n"
        + "\n".join(m.sql for m in pending)
        + "\n"
        f"PRAGMA user_version = {int(latest)};\n"
        "DROP TABLE temp.heroes_migrating_from;\n"
        "COMMIT;\n"
    )


def _refuse_newer(version: int, latest: int, elsewhere: str) -> None:
    if version > latest:
        raise StoreError(
            f"the database is at schema version {version} but this heroes-bot knows only up to "
            f"{latest}: upgrade heroes-bot, or point {elsewhere}."
        )


async def current_version_postgres(connection: asyncpg.Connection) -> int:
    exists = await connection.fetchval("SELECT to_regclass('heroes_schema') IS NOT NULL")
    if not exists:
        return 0
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM heroes_schema"))


async def migrate_postgres(
    connection: asyncpg.Connection, migrations: list[Migration] | None = None
) -> int:
    """PostgreSQL: every pending migration in ONE transaction under an advisory lock, so
    processes starting at once migrate one after the other (the later ones find nothing to do).
    A database newer than the code is refused. Returns the version."""
    migrations = load_migrations("postgres") if migrations is None else migrations
    latest = len(migrations)
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        version = await current_version_postgres(connection)
        _refuse_newer(version, latest, "DATABASE_URL at another database")
        if version == latest:
            return version
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS heroes_schema (version BIGINT PRIMARY KEY, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for migration in (m for m in migrations if m.version > version):
            await connection.execute(migration.sql)  # no arguments: several statements at once
            await connection.execute(
                "INSERT INTO heroes_schema (version) VALUES ($1)", migration.version
            )
    return latest
