"""Numbered SQL migrations, applied in one transaction; the version lives in PRAGMA user_version."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from ._errors import StoreError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Every migration shipped with the package, checked to be numbered 1..N without gaps."""
    folder = resources.files("bot.store") / "migrations"
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


async def migrate(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date in a single transaction; return the new version.

    A database newer than this code is refused rather than guessed at.
    """
    migrations = load_migrations() if migrations is None else migrations
    latest = len(migrations)
    version = await current_version(db)
    if version > latest:
        raise StoreError(
            f"the database is at schema version {version} but this heroes-bot knows only up to "
            f"{latest}: upgrade heroes-bot, or point DATABASE_PATH at another file."
        )
    if version == latest:
        return version
    # Another process sharing the file may be migrating it right now: take the write lock
    # first, then read the version again under it, so each migration runs exactly once.
    # (executescript() would commit the open transaction, so statements run one by one.)
    await db.execute("BEGIN IMMEDIATE")
    try:
        version = await current_version(db)
        for migration in (m for m in migrations if m.version > version):
            for statement in _statements(migration.sql):
                await db.execute(statement)
        if version < latest:
            await db.execute(f"PRAGMA user_version = {latest}")
        await db.commit()
    except BaseException:
        if db.in_transaction:
            await db.rollback()
        raise
    return latest


def _statements(script: str) -> list[str]:
    """A script's statements, each complete: split at every `;` that ends a statement (so two
    statements on one line are two, and a trigger's inner `;` stays inside its statement)."""
    statements: list[str] = []
    current = ""
    *pieces, tail = script.split(";")
    for piece in pieces:
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if _has_sql(current):
                statements.append(current.strip())
            current = ""
    current += tail
    if _has_sql(current):
        raise RuntimeError(f"incomplete SQL statement at the end of a migration: {current!r}")
    return statements


def _has_sql(text: str) -> bool:
    """True unless `text` is only blank lines and `--` comments."""
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())
