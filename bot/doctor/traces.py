"""Doctor leaves no file behind. SQLite makes a WAL database's -wal and -shm files as soon as
any connection reads it, read-only ones included, and a read-only connection leaves them there.
Those doctor made are removed afterwards; another process's never (a running bot's -wal holds
its latest writes)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

COMPANIONS = ("-wal", "-shm")


def companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


@contextlib.contextmanager
def leaves_no_trace(path: Path | None) -> Iterator[None]:
    """Around everything doctor does with the SQLite file `path` (None: no SQLite file)."""
    before = [] if path is None else [c for c in companions(path) if c.exists()]
    try:
        yield
    finally:
        # Only when doctor made them: companions there before belong to a bot (running, or
        # stopped without its last close), and stay as they are.
        if path is not None and not before and any(c.exists() for c in companions(path)):
            close_as_last_connection(path)


def close_as_last_connection(path: Path) -> None:
    """Let SQLite remove the companions as it does on closing its last connection: it checks
    under an exclusive lock that no other process has the database open (a running bot), and
    only then checkpoints the (empty) WAL and deletes both files. Needs write access to the
    database; without it the files stay (and the database was reported unwritable)."""
    if not os.access(path, os.W_OK):
        return
    with contextlib.suppress(sqlite3.Error):
        uri = f"{path.resolve().as_uri()}?mode=rw"  # rw: never creates the database
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0)) as connection:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
