"""`heroes-bot backup [FILE]` and `heroes-bot restore FILE` for the SQLite database.

A backup is SQLite's online copy (the bot may keep running), written under a `.partial` name
and checked with `PRAGMA integrity_check` before it gets its name and is reported as taken.
A restore refuses while a bot uses the database, checks the file first and keeps the replaced
database aside, printing how to undo.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.clock import SystemClock
from bot.heartbeat import Beat, stored_beats
from bot.store import (
    StoreError,
    replace_database,
    sqlite_row_counts,
    verify_sqlite_file,
    write_lock_free,
)

# A heartbeat this recent means a bot is running on the database (as `heroes-bot health`).
RUNNING_WITHIN = 90.0


def add_restore_parser(sub: argparse._SubParsersAction) -> None:
    restore = sub.add_parser(
        "restore",
        help="put a backup in place of the database (stop the bot first)",
        description="Check FILE (a SQLite database, integrity_check ok, a schema this "
        "heroes-bot knows), keep the current DATABASE_PATH aside as "
        "<database>.replaced-<time> and copy FILE in its place (0600). Refused while a bot "
        "is using the database. Prints the command that undoes it.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ")


def default_backup_path(database: Path, now: datetime) -> Path:
    """`backups/heroes-<UTC time>.db` in the database's folder."""
    return database.parent / "backups" / f"heroes-{_stamp(now)}.db"


def run_backup(
    database: Path, file: Path | None, *, now: datetime | None = None, out: TextIO | None = None
) -> int:
    """Back up, verify the copy, report its size and rows; 1 (copy deleted) if it is damaged.

    As the automatic backups do (bot/backups.py save_backup): the copy is written and checked
    under `<target>.partial` and only then renamed, so a copy cut off or killed never looks like
    a whole backup, and in a backup folder it waits for no automatic pass but is refused while
    one is under way (the folder's lock)."""
    from bot.backups import DamagedCopy, save_backup  # only here: `run` loads it with BACKUP_DIR

    out = out or sys.stdout
    target = file or default_backup_path(database, now or SystemClock().now())
    try:
        save_backup(database, target)  # other StoreErrors (refusals) are reported by the caller
    except DamagedCopy as exc:
        print(f"heroes-bot: the backup failed its check and was deleted: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the lock file, the rename: said as a refusal, not a traceback
        raise StoreError(f"cannot write the backup {target}: {exc.strerror or exc}") from None
    counts = sqlite_row_counts(target)
    rows = ", ".join(f"{name} {count}" for name, count in counts.items())
    size = target.stat().st_size
    print(f"heroes-bot: backed up {database} to {target} ({size} bytes, integrity ok)", file=out)
    print(f"rows: {rows}", file=out)
    return 0


async def _running_bot(database: Path, now: datetime) -> Beat | None:
    """The freshest heartbeat written within RUNNING_WITHIN seconds, if any."""
    beats = await stored_beats(database) or []
    fresh = [b for b in beats if (now - b.at).total_seconds() <= RUNNING_WITHIN]
    return max(fresh, key=lambda b: b.at, default=None)


def run_restore(
    database: Path, file: Path, *, now: datetime | None = None, out: TextIO | None = None
) -> int:
    """Restore `file` over `database`; StoreError (a damaged or newer file) goes to the caller."""
    out = out or sys.stdout
    now = now or SystemClock().now()
    if file.resolve() == database.resolve():
        raise StoreError(f"{file} is the database itself; name a backup file.")
    verify_sqlite_file(file)
    beat = asyncio.run(_running_bot(database, now))
    if beat is not None:
        raise StoreError(
            f"a bot is using {database} (pid {beat.pid} on {beat.host}, heartbeat "
            f"{(now - beat.at).total_seconds():.0f} s ago): stop it first, then restore."
        )
    if not write_lock_free(database):
        raise StoreError(f"another process is writing to {database}: stop the bot first.")
    kept = replace_database(file, database, _stamp(now))
    print(f"heroes-bot: restored {file} to {database}", file=out)
    if kept is not None:
        undo = f"mv {shlex.quote(str(kept))} {shlex.quote(str(database))}"
        print(f"the replaced database was kept as {kept}; to undo: {undo}", file=out)
    return 0
