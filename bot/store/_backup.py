"""Checking a SQLite backup file and putting one in place of the database (`heroes-bot restore`).

Plain `sqlite3`, read-only where it only reads: a backup is never migrated nor changed by a check.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from ._connection import PRIVATE_FILE, SQLITE_HEADER, BackupStopped, open_read_only
from ._errors import StoreError
from ._migrations import load_migrations

_COMPANIONS = ("-wal", "-shm")
# Seconds between two looks at a stop flag while integrity_check runs.
STOP_POLL = 0.05


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong ([] when it says ok)."""
    lines = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if lines == ["ok"] else lines


def verify_sqlite_file(path: Path, *, stop: threading.Event | None = None) -> int:
    """Raise StoreError unless `path` is a sound SQLite database this code can use; return its
    schema version. Sound: the SQLite header, and `PRAGMA integrity_check` says ok. Once `stop`
    is set, the check (which reads the whole file) ends soon with BackupStopped."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a SQLite database.")
    try:
        with (
            contextlib.closing(open_read_only(path)) as connection,
            _interrupted_on(stop, connection),
        ):
            problems = integrity_problems(connection)
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        if stop is not None and stop.is_set():
            raise BackupStopped(f"the check of {path} was stopped.") from None
        raise StoreError(f"{path} is damaged: {exc}") from None
    if problems:
        raise StoreError(f"{path} is damaged: integrity_check says {problems[0]}")
    latest = len(load_migrations())
    if version > latest:
        raise StoreError(
            f"{path} is at schema version {version} but this heroes-bot knows only up to "
            f"{latest}: upgrade heroes-bot before restoring it."
        )
    return version


@contextlib.contextmanager
def _interrupted_on(stop: threading.Event | None, connection: sqlite3.Connection) -> Iterator[None]:
    """Interrupt `connection` once `stop` is set, from a watcher thread: integrity_check is one
    long step of SQLite's, which neither a progress handler nor the caller's thread gets into."""
    if stop is None:
        yield
        return
    if stop.is_set():
        raise BackupStopped("stopped before the check began.")
    finished = threading.Event()

    def watch() -> None:
        # Again and again: an interrupt between two statements is forgotten by the next one.
        while not finished.wait(STOP_POLL):
            if stop.is_set():
                connection.interrupt()

    watcher = threading.Thread(target=watch, name="integrity-check-stop", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()  # never interrupting a closed connection


def sqlite_row_counts(path: Path) -> dict[str, int]:
    """Rows in each table of a SQLite file, read-only, by table name."""
    with contextlib.closing(open_read_only(path)) as connection:
        names = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # A search index's own tables (`quotes_fts_data`, ...) are counted through the index.
        indexes = [n for n in names if n.endswith("_fts")]
        shadows = {n for n in names for i in indexes if n.startswith(i + "_")}
        return {
            name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in names
            if name not in shadows
        }


def write_lock_free(path: Path, *, timeout: float = 0.5) -> bool:
    """Whether SQLite's write lock on `path` can be taken now (no process is writing)."""
    if not path.is_file():
        return True
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=timeout)) as connection:
            connection.isolation_level = None
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    return True


def replace_database(backup: Path, database: Path, stamp: str) -> Path | None:
    """Put a copy of `backup` (0600) where `database` is, keeping the old database (and its
    WAL and SHM) aside as `<database>.replaced-<stamp>`; return that path (None: no old one)."""
    aside = database.with_name(f"{database.name}.replaced-{stamp}")
    kept = None
    if database.exists():
        if os.path.lexists(aside):
            raise StoreError(f"{aside} already exists; try again in a second.")
        # Fold the WAL into the file first, so the file kept aside is whole on its own.
        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("", *_COMPANIONS):
            old = database.with_name(database.name + suffix)
            if old.exists():
                old.rename(aside.with_name(aside.name + suffix))
        kept = aside
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(database, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as out, backup.open("rb") as source:
        shutil.copyfileobj(source, out)
        out.flush()
        os.fsync(out.fileno())
    return kept
