"""Automatic daily backups of the SQLite database (BACKUP_DIR, BACKUP_KEEP).

Once the bot is ready, and then every day on the bot's clock, one online backup
(`heroes-<UTC time>.db`, 0600, in a 0700 folder) is taken through the store's own backup
(SQLite's backup API, the bot keeps running), checked with `integrity_check` under a temporary
`.partial` name and only then given its final name: a file named like a backup is always whole.
Then the oldest backups beyond BACKUP_KEEP are deleted; nothing else in the folder is touched.

The next backup is due a day after the newest one in the folder, whoever took it: a restart does
not take one more, and several processes sharing the database (shards) take one a day between
them (a lock file in the folder, and a backup from the last 23 hours means there is nothing to
do). A failure (a full disk, a folder the bot cannot write) logs one warning with the fix and is
tried again an hour later; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import getpass
import logging
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.background import BackgroundLoop
from bot.clock import Clock
from bot.config import make_private_folder
from bot.store import StoreError, backup_database, verify_sqlite_file

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)

DAY = timedelta(days=1)
# A backup this recent means another process (or a restart) already took today's.
FRESH_FOR = timedelta(hours=23)
# A pass that wakes a little early (a clock's resolution) still counts as due.
EARLY_SLACK = timedelta(minutes=1)
FIRST_AFTER = 60.0  # seconds after ready: the start's own work (sync, resuming sends) first
RETRY_AFTER = 3600.0  # seconds until a failed (or skipped) pass is tried again
STOP_GRACE = 10.0  # seconds a stopping bot lets a backup under way finish
NAME = re.compile(r"heroes-(\d{8}T\d{6}Z)\.db")
STAMP = "%Y%m%dT%H%M%SZ"
PARTIAL = ".partial"
LOCK_NAME = ".heroes-backup.lock"


def backup_name(now: datetime) -> str:
    return f"heroes-{now.astimezone(UTC).strftime(STAMP)}.db"


def stored_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """The backups in `folder` (files named heroes-<UTC time>.db), oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME.fullmatch(path.name)
        if match is None or path.is_symlink() or not path.is_file():
            continue
        try:
            taken = datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)
        except ValueError:  # 20261399T... : named like one, but not a time
            continue
        found.append((taken, path))
    return sorted(found)


def newest_backup(folder: Path, now: datetime) -> datetime | None:
    """When the newest backup was taken. One named in the future (a clock set wrong, a hand-made
    name) is ignored: it would otherwise put off every backup until that time."""
    times = [taken for taken, _ in stored_backups(folder) if taken <= now + EARLY_SLACK]
    return max(times, default=None)


def seconds_until_due(folder: Path, now: datetime) -> float:
    """0 if a backup is due now (none yet, or the newest is a day old), else seconds to wait."""
    newest = newest_backup(folder, now)
    if newest is None or now - newest >= DAY - EARLY_SLACK:
        return 0.0
    return (newest + DAY - now).total_seconds()


@dataclass(frozen=True, slots=True)
class Taken:
    path: Path
    size: int
    removed: list[Path] = field(default_factory=list)
    not_removed: list[str] = field(default_factory=list)


def rotate(folder: Path, keep: int) -> tuple[list[Path], list[str]]:
    """Delete all but the newest `keep` backups; only files named like one. Returns what was
    deleted and what could not be (with why)."""
    removed, problems = [], []
    for _, path in stored_backups(folder)[:-keep]:
        try:
            path.unlink(missing_ok=True)
            removed.append(path)
        except OSError as exc:
            problems.append(f"{path.name}: {exc.strerror or exc}")
    return removed, problems


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[bool]:
    """Hold the folder's backup lock while the block runs; False if another process holds it."""
    descriptor = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock


def take_daily_backup(database: Path, folder: Path, keep: int, now: datetime) -> Taken | None:
    """Back up `database` into `folder` as heroes-<now>.db, then rotate. None: nothing to do,
    another process is taking it or took one in the last FRESH_FOR. Blocking: run in a thread.
    Raises StoreError, OSError or sqlite3.Error on failure, leaving no file named like a backup.
    """
    make_private_folder(folder)
    with folder_lock(folder) as locked:
        newest = newest_backup(folder, now)
        if not locked or (newest is not None and now - newest < FRESH_FOR):
            return None
        final = folder / backup_name(now)
        partial = final.with_name(final.name + PARTIAL)
        backup_database(database, partial)
        try:
            verify_sqlite_file(partial)
            if os.path.lexists(final):
                raise StoreError(f"{final} already exists")
            partial.rename(final)
        except BaseException:  # whatever went wrong, no half-checked copy is left behind
            for suffix in ("", "-journal", "-wal", "-shm"):
                partial.with_name(partial.name + suffix).unlink(missing_ok=True)
            raise
        _sync_folder(folder)
        removed, problems = rotate(folder, keep)
        return Taken(final, final.stat().st_size, removed, problems)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (a power cut right after must not lose the new name)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def how_to_fix(exc: BaseException, folder: Path) -> str:
    """One sentence for the warning: what the admin should do about this failure."""
    text = str(exc)
    number = exc.errno if isinstance(exc, OSError) else None
    if number == errno.ENOSPC or "disk is full" in text or "No space left" in text:
        return f"Free some space on the disk holding {folder}, or lower BACKUP_KEEP."
    denied = ("Permission denied", "Read-only file system", "Operation not permitted")
    if number in (errno.EACCES, errno.EPERM, errno.EROFS) or any(d in text for d in denied):
        return (
            f"Make {folder} writable by the bot's user ({getpass.getuser()}), or set BACKUP_DIR "
            "to a folder it can write."
        )
    if number in (errno.ENOTDIR, errno.EEXIST):
        return f"BACKUP_DIR ({folder}) must name a folder, not a file."
    return f"Check BACKUP_DIR ({folder}) and DATABASE_PATH."


class DailyBackups(BackgroundLoop):
    """Takes the daily backup when it is due, on `clock`; see the module docstring."""

    name = "backups"

    def __init__(
        self,
        database: Path,
        folder: Path,
        keep: int,
        clock: Clock,
        *,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
        first_after: float = FIRST_AFTER,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.database = database
        self.folder = folder
        self.keep = keep
        self.clock = clock
        self.first_after = first_after

    async def loop(self) -> None:
        await self.clock.sleep(self.first_after)
        while True:
            async with self.one_pass():
                wait = await self.run_once()
            await self.clock.sleep(wait)

    async def run_once(self) -> float:
        """Take the backup if it is due; the seconds until the next pass."""
        now = self.clock.now()
        started = self.clock.monotonic()
        try:
            wait = seconds_until_due(self.folder, now)
            if wait > 0:
                return wait
            taken = await asyncio.to_thread(
                take_daily_backup, self.database, self.folder, self.keep, now
            )
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning(
                "automatic backup into %s failed: %s. %s Next try in %d minutes.",
                self.folder,
                exc,
                how_to_fix(exc, self.folder),
                RETRY_AFTER // 60,
            )
            return RETRY_AFTER
        if taken is None:
            log.debug("automatic backup: another process took or is taking today's")
            return RETRY_AFTER
        self._report(taken, self.clock.monotonic() - started)
        return DAY.total_seconds()

    def _report(self, taken: Taken, seconds: float) -> None:
        log.info(
            "automatic backup: %s (%d bytes, integrity ok, %.1f s); %d older deleted, keeping %d",
            taken.path,
            taken.size,
            seconds,
            len(taken.removed),
            self.keep,
        )
        if taken.not_removed:
            log.warning(
                "automatic backup: could not delete older backups (%s). Delete them by hand or "
                "make %s writable by the bot's user.",
                "; ".join(taken.not_removed),
                self.folder,
            )


def start_backups(bot: HeroesBot) -> DailyBackups | None:
    """Start the daily backups (from setup_hook) if BACKUP_DIR is set; they run once ready."""
    settings = bot.config
    if settings.backup_dir is None or settings.postgres:
        return None
    loop = DailyBackups(
        settings.database_path,
        settings.backup_dir,
        settings.backup_keep,
        bot.clock,
        wait_ready=bot.wait_until_ready,
    )
    loop.start()
    return loop


async def finish_backups(bot: HeroesBot) -> None:
    """From close: let a backup under way finish (within STOP_GRACE), start no other."""
    loop: DailyBackups | None = getattr(bot, "backups", None)
    if loop is not None:
        await loop.finish(bot.clock, STOP_GRACE)
