"""Automatic daily backups of the SQLite database (BACKUP_DIR, BACKUP_KEEP).

Once the bot is ready, and then every day on the bot's clock, one online backup
(`heroes-<UTC time>.db`, 0600, in a 0700 folder) is taken through the store's own backup
(SQLite's backup API, the bot keeps running), checked with `integrity_check` under a temporary
`.partial` name and only then given its final name: a file named like a backup is always whole.
`heroes-bot backup` writes its copy the same way (`save_backup`). Then the oldest backups beyond
BACKUP_KEEP are deleted; nothing else in the folder is touched, nor the backup just taken, nor
one named after now (a clock once set ahead), nor the live database itself.

The next backup is due a day after the newest one in the folder, whoever took it: a restart does
not take one more, and several processes sharing the database (shards) take one a day between
them (a lock file in the folder, and a backup from the last 23 hours means there is nothing to
do). A failure (a full disk, a folder the bot cannot write) logs one warning with the fix and is
tried again an hour later; it never stops the bot. A stop cuts off a backup still under way after
the grace: its copy (and check) end at the next step and the `.partial` file is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import errno
import fcntl
import getpass
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from bot.background import BackgroundLoop
from bot.clock import Clock
from bot.config import make_private_folder
from bot.store import BackupStopped, StoreError, backup_database, verify_sqlite_file

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


def stored_backups(folder: Path, live: Path | None = None) -> list[tuple[datetime, Path]]:
    """The backups in `folder` (files named heroes-<UTC time>.db), oldest first. `live` (the
    database in use) is never one, even when DATABASE_PATH names a restored backup in place."""
    if not folder.is_dir():
        return []
    in_use = live.resolve() if live is not None else None
    found = []
    for path in folder.iterdir():
        match = NAME.fullmatch(path.name)
        if match is None or path.is_symlink() or not path.is_file():
            continue
        if in_use is not None and path.resolve() == in_use:
            continue
        try:
            taken = datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)
        except ValueError:  # 20261399T... : named like one, but not a time
            continue
        found.append((taken, path))
    return sorted(found)


def newest_backup(folder: Path, now: datetime, live: Path | None = None) -> datetime | None:
    """When the newest backup was taken. One named in the future (a clock set wrong, a hand-made
    name) is ignored: it would otherwise put off every backup until that time."""
    times = [taken for taken, _ in stored_backups(folder, live) if taken <= now + EARLY_SLACK]
    return max(times, default=None)


def seconds_until_due(folder: Path, now: datetime, live: Path | None = None) -> float:
    """0 if a backup is due now (none yet, or the newest is a day old), else seconds to wait."""
    newest = newest_backup(folder, now, live)
    if newest is None or now - newest >= DAY - EARLY_SLACK:
        return 0.0
    return (newest + DAY - now).total_seconds()


class Rotation(msgspec.Struct, frozen=True):
    removed: list[Path] = msgspec.field(default_factory=list)
    not_removed: list[str] = msgspec.field(default_factory=list)  # "name: why"
    future: list[Path] = msgspec.field(
        default_factory=list
    )  # named after now: neither counted nor deleted


class Taken(msgspec.Struct, frozen=True):
    path: Path
    size: int
    rotation: Rotation = msgspec.field(default_factory=Rotation)


class Skipped(enum.Enum):
    """Why a pass took no backup (nothing went wrong)."""

    LOCKED = "another process holds the folder's lock"
    FRESH = "a backup from the last 23 hours is there"


class DamagedCopy(StoreError):
    """The copy failed integrity_check; it was deleted."""


def rotate(
    folder: Path, keep: int, now: datetime, *, taken: Path | None = None, live: Path | None = None
) -> Rotation:
    """Delete the oldest backups so that the newest `keep` are left; only files named like one,
    never `taken` (the backup just written). Backups named after `now` (a clock once set ahead,
    a hand-made name) are neither counted nor deleted: they would otherwise crowd out the real
    ones, down to the one just taken. They are listed in `future` for a warning."""
    latest = now + EARLY_SLACK
    backups = stored_backups(folder, live)
    counted = [path for when, path in backups if when <= latest]
    rotation = Rotation(future=[path for when, path in backups if when > latest])
    for path in counted[: max(len(counted) - keep, 0)]:
        if taken is not None and path.name == taken.name:
            continue
        try:
            path.unlink(missing_ok=True)
            rotation.removed.append(path)
        except OSError as exc:
            rotation.not_removed.append(f"{path.name}: {exc.strerror or exc}")
    return rotation


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[bool]:
    """Hold the folder's backup lock while the block runs; False if another process holds it.

    O_NOFOLLOW: a link planted under the lock's name (by whoever can write the folder) is an
    error (ELOOP), not a file elsewhere created or locked. O_CLOEXEC: no child inherits it."""
    flags = os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(folder / LOCK_NAME, flags, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock


def write_checked_copy(
    database: Path,
    final: Path,
    *,
    stop: threading.Event | None = None,
    on_step: Callable[[], None] | None = None,
) -> None:
    """Copy `database` to `final` the one safe way: into `<final>.partial`, checked with
    integrity_check, then renamed, the rename made durable. Blocking. Raises StoreError
    (DamagedCopy: the check failed; BackupStopped: `stop` was set), OSError or sqlite3.Error,
    and then leaves neither the partial copy nor a file named `final`."""
    partial = final.with_name(final.name + PARTIAL)
    if os.path.lexists(final):
        raise StoreError(f"{final} already exists; choose a new file name for the backup.")
    if os.path.lexists(partial):
        raise StoreError(
            f"{partial} is there: a backup under way, or one cut off. If no backup is "
            "running, delete it and try again."
        )
    backup_database(database, partial, stop=stop, on_step=on_step)
    try:
        try:
            verify_sqlite_file(partial, stop=stop)
        except BackupStopped:
            raise
        except StoreError as exc:
            raise DamagedCopy(f"{exc}; the copy was deleted") from None
        if os.path.lexists(final):
            raise StoreError(f"{final} already exists")
        partial.rename(final)
    except BaseException:  # whatever went wrong, no half-checked copy is left behind
        for suffix in ("", "-journal", "-wal", "-shm"):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)
        raise
    _sync_folder(final.parent)


def save_backup(database: Path, target: Path) -> None:
    """`heroes-bot backup`'s copy, written as write_checked_copy does. Under the folder's backup
    lock when the automatic backups read that folder (the target is named like one of theirs,
    or their lock file is there), so that it never lands in the middle of their pass; refused
    (StoreError) while one is under way there."""
    folder = target.parent
    if NAME.fullmatch(target.name) is None and not os.path.lexists(folder / LOCK_NAME):
        write_checked_copy(database, target)
        return
    make_private_folder(folder)
    with folder_lock(folder) as locked:
        if not locked:
            raise StoreError(
                f"an automatic backup is being taken in {folder} right now: try again in a "
                "minute, or name another FILE."
            )
        write_checked_copy(database, target)


def take_daily_backup(
    database: Path,
    folder: Path,
    keep: int,
    now: datetime,
    *,
    stop: threading.Event | None = None,
    on_step: Callable[[], None] | None = None,
) -> Taken | Skipped:
    """Back up `database` into `folder` as heroes-<now>.db, then rotate. Skipped: another
    process is taking it, or took one in the last FRESH_FOR. Blocking: run in a thread. Raises
    StoreError, OSError or sqlite3.Error on failure, leaving no file named like a backup.
    """
    make_private_folder(folder)
    with folder_lock(folder) as locked:
        if not locked:
            return Skipped.LOCKED
        newest = newest_backup(folder, now, database)
        if newest is not None and now - newest < FRESH_FOR:
            return Skipped.FRESH
        final = folder / backup_name(now)
        write_checked_copy(database, final, stop=stop, on_step=on_step)
        rotation = rotate(folder, keep, now, taken=final, live=database)
        return Taken(final, final.stat().st_size, rotation)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (a power cut right after must not lose the new name)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def folder_problems(folder: Path) -> list[str]:
    """What makes `folder` unsafe for backups: others may write to it (and so plant, replace or
    delete backups, or names rotation acts on), or it belongs to another user. [] if it is
    missing: it will be created 0700."""
    try:
        info = folder.stat()
    except OSError:
        return []
    problems = []
    if writable_by_others(info):
        problems.append(f"is writable by group or others (mode {info.st_mode & 0o777:o})")
    if not owned_by_this_user(info):
        problems.append(f"is not owned by the bot's user ({getpass.getuser()})")
    return problems


# The rule for a safe backup folder, shared with `heroes-bot doctor` (bot/doctor/local.py).
def writable_by_others(info: os.stat_result) -> bool:
    return bool(info.st_mode & 0o022)


def owned_by_this_user(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid()


def how_to_fix(exc: BaseException, folder: Path) -> str:
    """One sentence for the warning: what the admin should do about this failure."""
    text = str(exc)
    number = exc.errno if isinstance(exc, OSError) else None
    if number == errno.ENOSPC or "disk is full" in text or "No space left" in text:
        return f"Free some space on the disk holding {folder}, or lower BACKUP_KEEP."
    if number == errno.ELOOP:
        return f"{folder / LOCK_NAME} is a symbolic link: delete it (the bot makes its own)."
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
    """Takes the daily backup when it is due, on `clock`; see the module docstring.

    `on_copy_step` is called in the copying thread after each step of the copy (tests slow the
    copy with it)."""

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
        on_copy_step: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.database = database
        self.folder = folder
        self.keep = keep
        self.clock = clock
        self.first_after = first_after
        self.on_copy_step = on_copy_step
        # Set by stop: the copy (or check) under way in its thread ends at its next step.
        self._cut_off = threading.Event()
        self._work: asyncio.Future[Taken | Skipped] | None = None

    def start(self) -> None:
        self._cut_off.clear()
        super().start()

    async def stop(self) -> None:
        """Stop the loop and cut off a backup under way, waiting (a step, milliseconds) until
        its thread has deleted its partial copy: that thread must not outlive the stop, which
        asyncio.run would otherwise wait for, past any grace."""
        self._cut_off.set()
        work = self._work  # before the pass is cancelled, which forgets it
        await super().stop()
        if work is None:
            return
        with contextlib.suppress(StoreError, OSError, sqlite3.Error):
            await work
        if not work.cancelled() and isinstance(work.exception(), BackupStopped):
            log.warning(
                "automatic backup into %s cut off by the stop; its partial copy was deleted. "
                "The next start takes one.",
                self.folder,
            )

    async def loop(self) -> None:
        problems = folder_problems(self.folder)
        if problems:
            log.warning(
                "BACKUP_DIR %s %s: whoever can write there can replace or delete the backups. "
                "Fix: chown %s %s && chmod 700 %s",
                self.folder,
                " and ".join(problems),
                getpass.getuser(),
                self.folder,
                self.folder,
            )
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
            wait = seconds_until_due(self.folder, now, self.database)
            if wait > 0:
                return wait
            outcome = await self._take(now)
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning(
                "automatic backup into %s failed: %s. %s Next try in %d minutes.",
                self.folder,
                exc,
                how_to_fix(exc, self.folder),
                RETRY_AFTER // 60,
            )
            return RETRY_AFTER
        if outcome is Skipped.LOCKED:
            log.info(
                "automatic backup skipped: another process holds %s (it is taking a backup). "
                "Next look in %d minutes.",
                self.folder / LOCK_NAME,
                RETRY_AFTER // 60,
            )
            return RETRY_AFTER
        if isinstance(outcome, Skipped):
            log.debug("automatic backup: another process took today's")
            return RETRY_AFTER
        self._report(outcome, self.clock.monotonic() - started)
        return DAY.total_seconds()

    async def _take(self, now: datetime) -> Taken | Skipped:
        """take_daily_backup in a thread. Shielded: a cancelled pass leaves the thread's future
        to stop, which cuts the copy off and waits for it."""
        work = asyncio.ensure_future(
            asyncio.to_thread(
                take_daily_backup,
                self.database,
                self.folder,
                self.keep,
                now,
                stop=self._cut_off,
                on_step=self.on_copy_step,
            )
        )
        self._work = work
        try:
            return await asyncio.shield(work)
        finally:
            self._work = None

    def _report(self, taken: Taken, seconds: float) -> None:
        rotation = taken.rotation
        log.info(
            "automatic backup: %s (%d bytes, integrity ok, %.1f s); %d older deleted, keeping %d",
            taken.path,
            taken.size,
            seconds,
            len(rotation.removed),
            self.keep,
        )
        if rotation.not_removed:
            log.warning(
                "automatic backup: could not delete older backups (%s). Delete them by hand or "
                "make %s writable by the bot's user.",
                "; ".join(rotation.not_removed),
                self.folder,
            )
        if rotation.future:
            log.warning(
                "automatic backup: %s look future-dated (named after now: a clock once set "
                "ahead?). They are not counted in BACKUP_KEEP nor ever deleted: move or delete "
                "them by hand.",
                ", ".join(path.name for path in rotation.future),
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
