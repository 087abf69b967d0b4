"""Opening the store on the engine its address names: a SQLite file or a PostgreSQL URL."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import aiosqlite

from ._errors import StoreError
from ._migrations import migrate
from ._sqlite import SqliteDatabase
from ._store import Store

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def _refuse_foreign_file(path: Path) -> None:
    """Never let SQLite touch a file that is not already a SQLite database (or empty)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # opening a named pipe would wait forever
            raise StoreError(
                f"{path} is not a regular file; set DATABASE_PATH to a file such as data/heroes.db."
            )
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    if header and header != SQLITE_HEADER:
        raise StoreError(
            f"{path} exists but is not a SQLite database; it was left untouched. "
            "Move it away or set DATABASE_PATH to another file."
        )


# The database holds server, channel and member ids: readable by the bot's user only.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_COMPANIONS = ("-wal", "-shm", "-journal")


def open_read_only(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that can neither create nor change the file (a mistyped path
    is an error, not a new empty database)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _create_private(path: Path) -> None:
    """Create the database file (and its missing folders) private before SQLite opens it.

    Created here with O_EXCL and mode 0600 rather than by SQLite under the process umask (often
    022, world-readable). SQLite gives its -wal and -shm files the database file's mode.
    """
    missing = []
    for folder in path.parents:
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        folder.chmod(PRIVATE_FOLDER)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))


def make_private(path: Path) -> None:
    """Narrow the database file and its WAL/SHM companions to 0600 (never widen them).

    A file this user does not own (a shared deployment) is left as it is.
    """
    for candidate in (path, *(path.with_name(path.name + s) for s in _COMPANIONS)):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = candidate.stat().st_mode & 0o777
            if mode & ~PRIVATE_FILE:
                candidate.chmod(mode & PRIVATE_FILE)


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def sqlite_path(target: Path | str) -> Path:
    """The file a SQLite address names: a path, or `sqlite:///relative` / `sqlite:////absolute`."""
    if isinstance(target, str) and target.startswith("sqlite://"):
        rest = target.removeprefix("sqlite://")
        if not rest.startswith("/"):
            raise StoreError(
                f"{target!r}: a SQLite URL has three slashes, e.g. sqlite:///data/heroes.db"
            )
        return Path(rest[1:] or ":memory:")
    return Path(target)


def redacted(url: str) -> str:
    """A database URL without its password (nor its query, which may carry one), for messages
    and logs. Never raises: several hosts (`h1:5432,h2:5432`), a bad port or a password with an
    unencoded `/`, `?` or `#` (which urlsplit would take for the path, query or port and show)
    must still give a line safe to print. Everything up to the last `@` is the user and
    password; only the user is kept."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return urlsplit(url).scheme + "://"
    credentials, at, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0] + "@" if at else ""
    return f"{scheme}://{user}{location.split('?', 1)[0].split('#', 1)[0]}"


@asynccontextmanager
async def open_store(target: Path | str) -> AsyncIterator[Store]:
    """Open (creating if needed) and migrate the database, yielding a ready Store.

    `target`: a SQLite file path or `sqlite:///` URL, or a `postgresql://` URL.
    """
    if is_postgres(target):
        # Imported here: asyncpg is an optional extra that SQLite users do not install.
        from ._pg_open import open_postgres

        async with open_postgres(str(target)) as store:
            yield store
        return
    async with _open_sqlite(sqlite_path(target)) as store:
        yield store


@asynccontextmanager
async def _open_sqlite(path: Path) -> AsyncIterator[Store]:
    in_memory = str(path) == ":memory:"
    if not in_memory:
        _refuse_foreign_file(path)
        _create_private(path)
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
            if not in_memory:
                make_private(path)  # a file created by an older version, and its WAL and SHM
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} cannot be used as a database: {exc}") from exc
        yield Store(SqliteDatabase(db))
    finally:
        await db.close()


# Pages copied per step of an online backup (4 KiB pages: 1 MiB): a stop is seen within a step.
BACKUP_STEP_PAGES = 256


class BackupStopped(StoreError):
    """A backup (or its check) was cut off by a stop; nothing was left behind."""


def backup_database(
    source: Path,
    target: Path,
    *,
    stop: threading.Event | None = None,
    on_step: Callable[[], None] | None = None,
) -> None:
    """A consistent copy of the database at `target`, private (0600) like the original.

    Uses SQLite's online backup, so the bot may keep running. Never overwrites a file and
    never creates `source`: both mistakes would lose data. Copies BACKUP_STEP_PAGES at a time,
    calling `on_step` after each step; once `stop` is set, raises BackupStopped at the next step
    and deletes `target`.
    """
    if not source.is_file():
        raise StoreError(f"{source} does not exist: there is no database to back up.")
    _refuse_foreign_file(source)
    taken = StoreError(f"{target} already exists; choose a new file name for the backup.")
    if os.path.lexists(target):  # a symlink too, even a dangling one SQLite would follow
        raise taken
    try:
        _create_private(target)
        created = os.lstat(target)
    except OSError as exc:
        raise StoreError(f"cannot create {target}: {exc.strerror or exc}") from None
    # Whoever can write to the folder may have put something there meanwhile: only the empty
    # file just created by this user is written to.
    if not stat.S_ISREG(created.st_mode) or created.st_size or created.st_uid != os.getuid():
        raise taken
    try:
        _copy_in_steps(source, target, stop, on_step)
    except BaseException as exc:  # a stop, a full disk: no partial copy is left behind
        for suffix in ("", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise StoreError(
                f"the backup failed ({exc}); nothing was written to {target}."
            ) from None
        raise
    make_private(target)


def _copy_in_steps(
    source: Path, target: Path, stop: threading.Event | None, on_step: Callable[[], None] | None
) -> None:
    def step(status: int, remaining: int, total: int) -> None:
        if on_step is not None:
            on_step()
        if stop is not None and stop.is_set():
            raise BackupStopped(f"the backup to {target} was stopped; nothing was kept.")

    # Read-only: a mistyped path is an error, not a new empty database.
    with (
        contextlib.closing(open_read_only(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        # One read transaction over all the steps: the copy is one snapshot, and what the bot
        # commits meanwhile (into the WAL) does not make SQLite restart it from the first page
        # at every step (which, during a broadcast, would never end).
        src.isolation_level = None
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        src.backup(dst, pages=BACKUP_STEP_PAGES, progress=step)
        src.execute("COMMIT")
        # The copy inherits the database's WAL mode, so reading it (the check, a restore's
        # check) would leave -wal and -shm files beside it: one file on its own instead.
        # The bot turns WAL back on when it opens a restored copy.
        dst.execute("PRAGMA journal_mode = DELETE")
