"""Opening the one database connection the bot uses."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from ._errors import StoreError
from ._migrations import migrate
from ._store import Store

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _refuse_foreign_file(path: Path) -> None:
    """Never let SQLite touch a file that is not already a SQLite database (or empty)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{path} exists but is not a SQLite database; it was left untouched. "
            "Move it away or set DATABASE_PATH to another file."
        )


@asynccontextmanager
async def open_store(path: Path | str) -> AsyncIterator[Store]:
    """Open (creating if needed) and migrate the database, yielding a ready Store."""
    path = Path(path)
    in_memory = str(path) == ":memory:"
    if not in_memory:
        _refuse_foreign_file(path)
    # isolation_level=None: the store manages its own transactions explicitly.
    db = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        try:
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await migrate(db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} cannot be used as a database: {exc}") from exc
        yield Store(db)
    finally:
        await db.close()
