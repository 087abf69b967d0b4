"""The database, its WAL and SHM files and its folder are readable by the bot's user only."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import NewUpdate, StoreError, open_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_wal_shm_and_folder_are_not_world_readable(tmp_path: Path) -> None:
    database = tmp_path / "new" / "data" / "heroes.db"
    previous = os.umask(0o022)  # a typical umask: files 0644, folders 0755
    try:
        async with open_store(database) as store:
            await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
            modes = {
                p.name: _mode(p) for p in database.parent.iterdir() if p.name.startswith("heroes")
            }
            folders = (_mode(database.parent), _mode(database.parent.parent))
    finally:
        os.umask(previous)
    assert {"heroes.db", "heroes.db-wal", "heroes.db-shm"} <= set(modes)
    assert all(mode == 0o600 for mode in modes.values()), {k: oct(v) for k, v in modes.items()}
    assert folders == (0o700, 0o700)


async def test_database_left_world_readable_by_an_older_version_is_narrowed(
    tmp_path: Path,
) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database):
        pass
    database.chmod(0o644)
    async with open_store(database):
        assert _mode(database) == 0o600


async def test_backup_is_private_complete_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
        monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
        monkeypatch.setenv("DATABASE_PATH", str(database))
        previous = os.umask(0o022)
        try:
            # While the bot (this open store) keeps the database open.
            assert main(["backup", str(tmp_path / "backup.db")]) == 0
        finally:
            os.umask(previous)
    backup = tmp_path / "backup.db"
    assert _mode(backup) == 0o600
    async with open_store(backup) as copy:
        latest = await copy.tracker.latest_update()
    assert latest is not None and latest.headline == "Filming begins"
    before = backup.read_bytes()
    assert main(["backup", str(backup)]) == 2  # refuses to overwrite
    assert backup.read_bytes() == before
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "typo.db"))  # a mistyped path
    assert main(["backup", str(tmp_path / "b2.db")]) == 2
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "b2.db").exists()


async def test_backup_to_a_planted_dangling_symlink_is_refused_and_writes_nothing_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone who can write to the backup's folder (a shared /tmp) plants a dangling symlink
    # under the name the admin will use. `exists()` follows it and says no; O_EXCL then failed
    # (silently), and SQLite followed the link: the database was copied to a place of the
    # attacker's choosing, created under the umask (world-readable until the chmod).
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    loot = tmp_path / "attacker" / "loot.db"
    loot.parent.mkdir()
    planted = tmp_path / "backup.db"
    planted.symlink_to(loot)
    assert main(["backup", str(planted)]) == 2
    assert not loot.exists()
    assert planted.is_symlink()  # left as it was found


async def test_database_path_pointing_at_a_fifo_is_refused_instead_of_hanging(
    tmp_path: Path,
) -> None:
    # The header check opened the path for reading: on a named pipe (or a device) that waits
    # for a writer forever, so the bot hung at start without a word.
    fifo = tmp_path / "heroes.db"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="not a regular file"):
        async with asyncio.timeout(5):
            async with open_store(fifo):
                pass
