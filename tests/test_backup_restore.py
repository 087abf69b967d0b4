"""`heroes-bot backup` checks the copy it took; `heroes-bot restore` refuses while a bot runs,
checks the file, and keeps the replaced database aside with a working undo line."""

from __future__ import annotations

import asyncio
import io
import os
import shlex
import sqlite3
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.backups
from bot.__main__ import main
from bot.backups import folder_lock
from bot.cli_backup import run_backup, run_restore
from bot.heartbeat import Beat
from bot.store import NewUpdate, StoreError, open_store, verify_sqlite_file

NOW = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)


async def _database(path: Path, headline: str = "Filming begins") -> None:
    async with open_store(path) as store:
        await store.tracker.add_update(NewUpdate(headline, "Cameras roll."))


async def _headline(path: Path) -> str | None:
    async with open_store(path) as store:
        latest = await store.tracker.latest_update()
    return latest.headline if latest else None


async def test_backup_without_a_path_lands_in_backups_checked_with_counts(tmp_path: Path) -> None:
    database = tmp_path / "data" / "heroes.db"
    await _database(database)
    out = io.StringIO()
    assert await asyncio.to_thread(run_backup, database, None, now=NOW, out=out) == 0
    copy = tmp_path / "data" / "backups" / "heroes-20261202T033000Z.db"
    assert copy.is_file() and (copy.parent.stat().st_mode & 0o777) == 0o700
    text = out.getvalue()
    assert "integrity ok" in text and f"{copy.stat().st_size} bytes" in text
    assert "sequel_updates 1" in text, text


def test_a_corrupted_file_fails_verification(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        connection.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 200,)] * 500)
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 300] = os.urandom(300)  # garbage in a page of the table
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        verify_sqlite_file(path)


def test_a_backup_that_fails_its_check_is_deleted_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "heroes.db"
    asyncio.run(_database(database))

    def damaged(path: Path, stop: object = None) -> int:
        raise StoreError(f"{path} is damaged: integrity_check says page 2 is wrong")

    monkeypatch.setattr("bot.backups.verify_sqlite_file", damaged)
    target = tmp_path / "copy.db"
    assert run_backup(database, target, now=NOW, out=io.StringIO()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []


def _heartbeat(at: datetime) -> str:
    return Beat("h:1", at, True, [], 1, 1, "h").to_json()


def test_restore_refuses_while_a_fresh_heartbeat_says_a_bot_runs(tmp_path: Path) -> None:
    database, backup = tmp_path / "heroes.db", tmp_path / "backup.db"
    asyncio.run(_database(backup, "Old"))

    async def running() -> None:
        async with open_store(database) as store:
            await store.meta.heartbeat("h:1", _heartbeat(NOW - timedelta(seconds=20)))

    asyncio.run(running())
    with pytest.raises(StoreError, match="stop it first"):
        run_restore(database, backup, now=NOW, out=io.StringIO())
    assert not list(tmp_path.glob("*.replaced-*"))


def test_restore_refuses_a_file_with_a_newer_schema(tmp_path: Path) -> None:
    database, backup = tmp_path / "heroes.db", tmp_path / "backup.db"
    asyncio.run(_database(database))
    asyncio.run(_database(backup))
    with sqlite3.connect(backup) as connection:
        connection.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="schema version 999"):
        run_restore(database, backup, now=NOW, out=io.StringIO())
    assert not list(tmp_path.glob("*.replaced-*"))


def test_restore_keeps_the_old_database_aside_and_the_undo_line_works(tmp_path: Path) -> None:
    database, backup = tmp_path / "heroes.db", tmp_path / "backup.db"
    asyncio.run(_database(database, "Current"))
    asyncio.run(_database(backup, "From the backup"))
    out = io.StringIO()
    assert run_restore(database, backup, now=NOW, out=out) == 0
    assert (database.stat().st_mode & 0o777) == 0o600
    assert asyncio.run(_headline(database)) == "From the backup"
    undo = out.getvalue().split("to undo: ", 1)[1].strip()
    assert undo.startswith("mv ")
    for suffix in ("-wal", "-shm"):  # the restored file's own, left by the read above
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    subprocess.run(shlex.split(undo), check=True)
    assert asyncio.run(_headline(database)) == "Current"


def test_restore_on_postgres_points_at_pg_restore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/heroes")
    assert main(["restore", "heroes.dump"]) == 2


async def test_a_backup_taken_while_a_writer_writes_is_whole(tmp_path: Path) -> None:
    database = tmp_path / "heroes.db"
    await _database(database)
    committed: list[str] = []
    stop, enough = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with open_store(database) as store:
            n = 0
            while not stop.is_set():
                await store.tracker.add_update(NewUpdate(f"Update {n}", "Body."))
                committed.append(f"Update {n}")
                if len(committed) >= 50:
                    enough.set()
                n += 1
                await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await enough.wait()
    before = list(committed)
    target = tmp_path / "copy.db"
    assert await asyncio.to_thread(run_backup, database, target, out=io.StringIO()) == 0
    stop.set()
    await task
    verify_sqlite_file(target)
    with sqlite3.connect(target) as connection:
        stored = {row[0] for row in connection.execute("SELECT headline FROM sequel_updates")}
    assert set(before) <= stored


async def test_a_backup_is_one_file_with_no_wal_or_shm_beside_it(tmp_path: Path) -> None:
    database = tmp_path / "heroes.db"
    await _database(database)
    copy = tmp_path / "copy.db"
    assert await asyncio.to_thread(run_backup, database, copy, now=NOW, out=io.StringIO()) == 0
    verify_sqlite_file(copy)  # reading it, as restore's check does, adds nothing beside it
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def _padded(path: Path) -> None:
    """A database of a few MB: its copy takes several steps."""
    asyncio.run(_database(path))
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE padding (data BLOB)")
        connection.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * 40)


def test_a_backup_under_way_is_only_a_partial_file_until_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "heroes.db"
    _padded(database)
    folder = tmp_path / "backups"
    seen: list[list[str]] = []
    real_copy, real_check = bot.backups.backup_database, bot.backups.verify_sqlite_file

    def look() -> None:
        seen.append(sorted(p.name for p in folder.iterdir() if p.name.startswith("heroes")))

    def copy(source: Path, target: Path, **kwargs: object) -> None:
        real_copy(source, target, on_step=look)

    def check(path: Path, stop: threading.Event | None = None) -> int:
        look()
        return real_check(path, stop=stop)

    monkeypatch.setattr("bot.backups.backup_database", copy)
    monkeypatch.setattr("bot.backups.verify_sqlite_file", check)
    assert run_backup(database, None, now=NOW, out=io.StringIO()) == 0
    name = "heroes-20261202T033000Z.db"
    assert len(seen) > 2, seen  # the copy's steps, then the check
    assert all(name + ".partial" in names and name not in names for names in seen), seen
    assert sorted(p.name for p in folder.iterdir()) == [".heroes-backup.lock", name]


def test_a_backup_cut_off_mid_copy_leaves_no_file_with_the_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "heroes.db"
    _padded(database)
    real_copy = bot.backups.backup_database

    def interrupted() -> None:
        raise KeyboardInterrupt  # Ctrl-C in the middle of the copy

    def copy(source: Path, target: Path, **kwargs: object) -> None:
        real_copy(source, target, on_step=interrupted)

    monkeypatch.setattr("bot.backups.backup_database", copy)
    for target in (None, tmp_path / "copy.db"):
        with pytest.raises(KeyboardInterrupt):
            run_backup(database, target, now=NOW, out=io.StringIO())
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [".heroes-backup.lock"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("copy")]


def test_a_backup_into_a_backup_folder_waits_for_no_automatic_one_under_way(
    tmp_path: Path,
) -> None:
    database = tmp_path / "heroes.db"
    asyncio.run(_database(database))
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    with folder_lock(folder) as locked:  # the bot's automatic backup is being taken
        assert locked
        for target in (None, folder / "before-upgrade.db"):
            with pytest.raises(StoreError, match="automatic backup is being taken"):
                run_backup(database, target, now=NOW, out=io.StringIO())
    assert [p.name for p in folder.iterdir()] == [".heroes-backup.lock"]


def test_a_backup_to_a_file_elsewhere_leaves_no_lock_file_beside_it(tmp_path: Path) -> None:
    database = tmp_path / "heroes.db"
    asyncio.run(_database(database))
    assert run_backup(database, tmp_path / "copy.db", now=NOW, out=io.StringIO()) == 0
    assert not (tmp_path / ".heroes-backup.lock").exists()
