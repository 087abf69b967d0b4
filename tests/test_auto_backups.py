"""Automatic daily backups (BACKUP_DIR, BACKUP_KEEP): taken soon after start when none is recent,
then daily on the bot's clock, each checked before it gets its name, rotated without touching
anything else in the folder, one a day between several processes, failures logged with the fix
and retried, and a stop lets the backup under way end whole."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from bot.backups import (
    FIRST_AFTER,
    LOCK_NAME,
    RETRY_AFTER,
    STOP_GRACE,
    DailyBackups,
    Skipped,
    Taken,
    backup_name,
    folder_lock,
    how_to_fix,
    stored_backups,
    take_daily_backup,
)
from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.config import Config
from bot.shutdown import stop_cleanly
from bot.store import BackupStopped, NewUpdate, StoreError, open_store, verify_sqlite_file
from bot.sync import SyncMode

DAY = 24 * 3600.0


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "heroes.db"
    async with open_store(path) as store:
        await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
    return path


async def _running(clock: ManualClock, *loops: DailyBackups) -> None:
    """Wait (real time, briefly) until every loop is asleep on the clock again: the pass
    under way, in its thread, has ended."""
    for _ in range(500):
        if clock.sleepers >= len(loops):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the backup pass did not end")


async def _advance(clock: ManualClock, seconds: float, *loops: DailyBackups) -> None:
    await clock.advance(seconds)
    await _running(clock, *loops)


def _names(folder: Path) -> list[str]:
    return [path.name for _, path in stored_backups(folder)]


def _loop(database: Path, folder: Path, clock: ManualClock, keep: int = 7) -> DailyBackups:
    loop = DailyBackups(database, folder, keep, clock)
    loop.start()
    return loop


async def test_the_first_backup_is_taken_soon_after_start_when_there_is_none(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    loop = _loop(database, folder, clock)
    await _advance(clock, FIRST_AFTER - 1, loop)
    assert _names(folder) == []  # not at once: the start's own work comes first
    await _advance(clock, 1, loop)
    await loop.stop()
    copy = folder / backup_name(clock.now())
    assert _names(folder) == [copy.name]
    assert (folder.stat().st_mode & 0o777, copy.stat().st_mode & 0o777) == (0o700, 0o600)
    assert sorted(p.name for p in folder.iterdir()) == [".heroes-backup.lock", copy.name]


async def test_an_automatic_backup_passes_integrity_check_and_holds_the_rows(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    loop = _loop(database, folder, clock)
    await _advance(clock, FIRST_AFTER, loop)
    await loop.stop()
    (copy,) = (path for _, path in stored_backups(folder))
    verify_sqlite_file(copy)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        headlines = connection.execute("SELECT headline FROM sequel_updates").fetchall()
    assert headlines == [("Filming begins",)]


async def test_no_backup_at_start_when_one_from_the_last_day_exists(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    earlier = clock.now() - timedelta(hours=20)
    assert isinstance(take_daily_backup(database, folder, 7, earlier), Taken)  # before a restart
    loop = _loop(database, folder, clock)
    await _advance(clock, FIRST_AFTER, loop)
    assert _names(folder) == [backup_name(earlier)]
    # The next one is due a day after that backup, not a day after the start.
    await _advance(clock, 4 * 3600 - FIRST_AFTER - 1, loop)
    assert len(_names(folder)) == 1
    await _advance(clock, 1, loop)
    await loop.stop()
    assert _names(folder) == [backup_name(earlier), backup_name(clock.now())]


def test_a_copy_that_fails_its_check_never_gets_a_backups_name(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(path: Path, stop: object = None) -> int:
        raise StoreError(f"{path} is damaged: integrity_check says page 2 is wrong")

    monkeypatch.setattr("bot.backups.verify_sqlite_file", damaged)
    folder = tmp_path / "backups"
    with pytest.raises(StoreError, match="damaged"):
        take_daily_backup(database, folder, 7, ManualClock().now())
    assert sorted(p.name for p in folder.iterdir()) == [".heroes-backup.lock"]


async def test_backups_are_taken_once_a_day_on_the_bots_clock(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    loop = _loop(database, folder, clock)
    await _advance(clock, FIRST_AFTER, loop)
    first = clock.now()
    await _advance(clock, DAY - 1, loop)
    assert len(_names(folder)) == 1
    await _advance(clock, 1, loop)
    await _advance(clock, DAY, loop)
    await loop.stop()
    assert _names(folder) == [backup_name(first + timedelta(days=n)) for n in range(3)]


async def test_rotation_keeps_the_newest_n_and_leaves_every_other_file_alone(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    folder.mkdir()
    foreign = [
        "notes.txt",  # the admin's own
        "heroes-20200101T000000Z.db.partial",  # another process's copy under way
        "heroes-before-upgrade.db",  # a hand-made backup, named differently
        "heroes-20200101T000000Z.db-journal",
    ]
    for name in foreign:
        (folder / name).write_text("mine")
    loop = _loop(database, folder, clock, keep=2)
    await _advance(clock, FIRST_AFTER, loop)
    for _ in range(3):
        await _advance(clock, DAY, loop)
    await loop.stop()
    newest = [backup_name(clock.now() - timedelta(days=n)) for n in (1, 0)]
    assert _names(folder) == newest
    assert all((folder / name).read_text() == "mine" for name in foreign)


async def test_a_failure_logs_one_warning_with_the_fix_and_the_loop_tries_again(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock()
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    folder = blocker / "backups"
    loop = _loop(database, folder, clock)
    with caplog.at_level(logging.WARNING, logger="bot.backups"):
        await _advance(clock, FIRST_AFTER, loop)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "must name a folder" in warnings[0] and "Next try in 60 minutes" in warnings[0]
    assert loop.running
    blocker.unlink()  # the admin fixes it
    await _advance(clock, RETRY_AFTER, loop)
    await loop.stop()
    assert _names(folder) == [backup_name(clock.now())]


@pytest.mark.parametrize(
    ("failure", "fix"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "Free some space"),
        (StoreError("the backup failed (database or disk is full)"), "Free some space"),
        (StoreError("cannot create /b/x.db.partial: Permission denied"), "writable by"),
        (OSError(errno.EROFS, "Read-only file system"), "writable by"),
    ],
)
def test_the_warning_names_the_fix_for_a_full_disk_or_an_unwritable_folder(
    failure: Exception, fix: str
) -> None:
    assert fix in how_to_fix(failure, Path("/b"))


async def test_two_processes_on_one_database_take_one_backup_a_day_between_them(
    database: Path, tmp_path: Path
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    shards = [_loop(database, folder, clock), _loop(database, folder, clock)]
    await _advance(clock, FIRST_AFTER, *shards)
    assert len(_names(folder)) == 1
    await _advance(clock, RETRY_AFTER, *shards)  # the one that stood back looks again
    await _advance(clock, DAY - RETRY_AFTER, *shards)
    for shard in shards:
        await shard.stop()
    assert len(_names(folder)) == 2


def test_no_backup_while_another_process_holds_the_folder_lock(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    clock = ManualClock()
    with folder_lock(folder) as locked:
        assert locked
        assert take_daily_backup(database, folder, 7, clock.now()) is Skipped.LOCKED
    assert _names(folder) == []


async def test_a_clean_stop_during_a_backup_lets_it_end_whole_and_named(
    database: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(database) as connection:  # a few MB: the copy takes a moment
        connection.execute("CREATE TABLE padding (data BLOB)")
        connection.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * 120)
    clock, folder = ManualClock(), tmp_path / "backups"
    async with open_store(database) as store:
        bot = HeroesBot(Config(database_path=database), store, sync=SyncMode.OFF, clock=clock)
        await bot.setup_hook()
        # As start_backups does for a logged-in bot (this one never logs in).
        bot.backups = _loop(database, folder, clock)
        await clock.advance(FIRST_AFTER)
        assert clock.sleepers == 0  # the pass is under way, in its thread
        await stop_cleanly(bot)  # SIGTERM's stop: the grace runs on the bot's clock
    (copy,) = (path for _, path in stored_backups(folder))
    verify_sqlite_file(copy)
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]
    assert not bot.backups.running


async def test_the_bot_runs_daily_backups_only_when_backup_dir_is_set(
    database: Path, tmp_path: Path
) -> None:
    settings = Config(database_path=database)
    for backup_dir, expected in ((None, False), (tmp_path / "backups", True)):
        async with open_store(database) as store:
            bot = HeroesBot(
                replace(settings, backup_dir=backup_dir),
                store,
                sync=SyncMode.OFF,
                clock=ManualClock(),
            )
            await bot.setup_hook()
            assert isinstance(bot.backups, DailyBackups) is expected
            await bot.close()


def _pad(database: Path, blocks: int = 120) -> None:
    """Some MB of bulk, so that the copy takes several steps of BACKUP_STEP_PAGES."""
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE padding (data BLOB)")
        connection.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * blocks)


def test_rotation_never_deletes_the_backup_just_taken_when_future_named_ones_fill_keep(
    database: Path, tmp_path: Path
) -> None:
    folder, now = tmp_path / "backups", ManualClock().now()
    folder.mkdir()
    ahead = [backup_name(now + timedelta(days=400 + n)) for n in range(2)]  # clock once ahead
    older = [backup_name(now - timedelta(days=n)) for n in (3, 2, 1)]
    for name in ahead + older:
        (folder / name).write_bytes(b"")
    taken = take_daily_backup(database, folder, 2, now)
    assert isinstance(taken, Taken)
    assert _names(folder) == [older[-1], backup_name(now), *ahead]  # 2 counted, future left alone
    assert taken.rotation.future == [folder / name for name in ahead]


async def test_future_dated_backups_are_named_in_a_warning(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    folder.mkdir(mode=0o700)
    ahead = backup_name(clock.now() + timedelta(days=400))
    (folder / ahead).write_bytes(b"")
    loop = _loop(database, folder, clock, keep=1)
    with caplog.at_level(logging.WARNING, logger="bot.backups"):
        await _advance(clock, FIRST_AFTER, loop)
    await loop.stop()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and ahead in warnings[0] and "future-dated" in warnings[0]
    assert _names(folder) == [backup_name(clock.now()), ahead]


def test_rotation_never_deletes_the_live_database_kept_in_the_backup_folder(
    database: Path, tmp_path: Path
) -> None:
    folder, now = tmp_path / "backups", ManualClock().now()
    folder.mkdir()
    # The bot runs on a restored backup left in place: DATABASE_PATH=backups/heroes-<old>.db.
    live = folder / backup_name(now - timedelta(days=30))
    database.rename(live)
    taken = take_daily_backup(live, folder, 1, now)
    assert isinstance(taken, Taken) and taken.rotation.removed == []
    verify_sqlite_file(live)
    assert [path.name for _, path in stored_backups(folder, live)] == [backup_name(now)]


def test_the_lock_file_is_never_followed_through_a_symbolic_link(
    database: Path, tmp_path: Path
) -> None:
    folder, elsewhere = tmp_path / "backups", tmp_path / "elsewhere"
    folder.mkdir(mode=0o700)
    (folder / LOCK_NAME).symlink_to(elsewhere)
    with pytest.raises(OSError) as raised:
        take_daily_backup(database, folder, 7, ManualClock().now())
    assert raised.value.errno == errno.ELOOP and not elsewhere.exists()
    assert "symbolic link" in how_to_fix(raised.value, folder)
    assert _names(folder) == []


async def test_a_backup_skipped_for_another_processs_lock_is_logged_at_info(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    folder.mkdir(mode=0o700)
    loop = _loop(database, folder, clock)
    with folder_lock(folder) as locked, caplog.at_level(logging.INFO, logger="bot.backups"):
        assert locked
        await _advance(clock, FIRST_AFTER, loop)
    await loop.stop()
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("skipped" in m and LOCK_NAME in m for m in infos), infos
    assert _names(folder) == []


@pytest.mark.parametrize("problem", ["writable by group or others", "not owned by the bot's"])
async def test_an_unsafe_backup_dir_gives_one_warning_at_start(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, problem: str
) -> None:
    clock, folder = ManualClock(), tmp_path / "backups"
    folder.mkdir()
    if problem.startswith("writable"):
        folder.chmod(0o777)
    elif os.geteuid() == 0:
        folder.chmod(0o700)
        os.chown(folder, 65534, 65534)  # nobody's
    else:
        folder = Path("/usr")  # root's, not this user's
    loop = _loop(database, folder, clock)
    with caplog.at_level(logging.WARNING, logger="bot.backups"):
        await _advance(clock, 0, loop)
        await _advance(clock, DAY, loop)
    await loop.stop()
    found = [r.getMessage() for r in caplog.records if "BACKUP_DIR" in r.getMessage()]
    assert len(found) == 1 and problem in found[0], found


def test_an_integrity_check_under_way_ends_soon_after_a_stop(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    with sqlite3.connect(path) as connection:  # indexes to check: the check takes ~0.3 s
        connection.execute("CREATE TABLE t (a TEXT, b TEXT)")
        connection.execute("CREATE INDEX t_a ON t (a)")
        connection.execute("CREATE INDEX t_b ON t (b)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
            "INSERT INTO t SELECT hex(randomblob(16)), hex(randomblob(16)) FROM n"
        )
    stop = threading.Event()
    timer = threading.Timer(0.02, stop.set)
    timer.start()
    with pytest.raises(BackupStopped, match="stopped"):
        verify_sqlite_file(path, stop=stop)
    timer.join()


async def test_a_stop_whose_grace_expires_cuts_the_copy_off_and_leaves_no_file(
    database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _pad(database)  # about 8 steps of the copy
    copying = threading.Event()

    def slow_step() -> None:  # each step 0.5 s: the whole copy would take 4 s
        copying.set()
        time.sleep(0.5)

    clock, folder = ManualClock(), tmp_path / "backups"
    loop = DailyBackups(database, folder, 7, clock, on_copy_step=slow_step)
    loop.start()
    await clock.advance(FIRST_AFTER)
    assert await asyncio.to_thread(copying.wait, 10)
    finishing = asyncio.create_task(loop.finish(clock, STOP_GRACE))
    await asyncio.sleep(0)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.backups"):
        await clock.advance(STOP_GRACE)  # the grace runs out with the copy under way
        assert await finishing is False
    assert time.monotonic() - started < 2.0  # one step, not the rest of the copy
    assert sorted(p.name for p in folder.iterdir()) == [LOCK_NAME]  # no .partial, no backup
    assert any("cut off" in r.getMessage() for r in caplog.records)
