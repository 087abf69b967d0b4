"""Doctor leaves no file behind. SQLite makes a WAL database's -wal and -shm files as soon as
any connection reads it, read-only ones included, and a read-only connection leaves them there.
Those doctor made are removed afterwards; another process's never (a running bot's -wal holds
its latest writes). A user who may not write the database cannot have them removed safely: they
are reported instead, with the fix."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .report import Check

COMPANIONS = ("-wal", "-shm")


def companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


@contextlib.contextmanager
def leaves_no_trace(path: Path | None) -> Iterator[list[Path]]:
    """Around everything doctor does with the SQLite file `path` (None: no SQLite file). Yields
    the list it fills, on leaving, with the files doctor made but could not remove."""
    before = [] if path is None else [c for c in companions(path) if c.exists()]
    left: list[Path] = []
    try:
        yield left
    finally:
        # Only when doctor made them: companions there before belong to a bot (running, or
        # stopped without its last close), and stay as they are.
        made = [] if path is None or before else [c for c in companions(path) if c.exists()]
        if made and os.access(path, os.W_OK):
            close_as_last_connection(path)  # any still there now: a bot opened it meanwhile
        elif made:
            left.extend(made)


def close_as_last_connection(path: Path) -> None:
    """Let SQLite remove the companions as it does on closing its last connection: it checks
    under an exclusive lock that no other process has the database open (a running bot), and
    only then checkpoints the (empty) WAL and deletes both files. Needs write access to the
    database. Without it the files stay, reported: removing them by hand could race a bot
    starting now, which would then write to a -wal no one else sees (SQLite guards that with a
    lock on the database file that only a writer may take)."""
    with contextlib.suppress(sqlite3.Error):
        uri = f"{path.resolve().as_uri()}?mode=rw"  # rw: never creates the database
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()


def leftover_check(database: Path, left: list[Path]) -> Check:
    names = " and ".join(file.name for file in left)
    return Check.failed(
        f"doctor left {names} beside {database}: SQLite makes them to read a WAL database, and "
        "only a user who may write the database can close them away",
        f"while the bot is stopped, rm {' '.join(str(file) for file in left)}; run doctor as "
        "the user heroes-bot runs as",
    )
