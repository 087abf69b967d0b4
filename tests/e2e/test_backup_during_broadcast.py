"""A backup taken during a broadcast (issue 13): the real bot, in its own OS process, is sending
one update to 120 followers when `heroes-bot backup FILE` runs. The copy passes integrity_check
and holds every delivery row committed before the backup started (a settled one unchanged, one
under way no less advanced); restored into a fresh DATABASE_PATH, it is a working database: a bot
started on it finishes the broadcast, and every channel ends with exactly one post (the sends it
repeats carry the same nonce, which Discord deduplicates)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bench.live import BotProcess, start_bot
from bot.__main__ import main
from bot.seed import load_seed
from bot.store import NewUpdate, open_store, verify_sqlite_file
from discord_emulator import Channel, Emulator

FOLLOWERS = 120
UNDER_WAY = 20  # the backup starts once this many posts are recorded
PADDING = 400  # blocks of 64 KiB: a 25 MB database
# How far a delivery row has gone; a row only ever moves forward.
PROGRESS = {"pending": 0, "sending": 1, "sent": 2, "failed": 2, "uncertain": 2, "skipped": 2}
SETTLED = 2
# What a row says for good once created: never changed by sending it.
FIXED = ("update_id", "guild_id", "channel_id", "role_id", "created_at")

Rows = dict[int, dict[str, Any]]


def _deliveries(db: Path) -> Rows:
    """Every delivery row by id, read without writing (the file may be a live database)."""
    uri = f"{db.resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM sequel_deliveries ORDER BY id").fetchall()
    return {row["id"]: dict(row) for row in rows}


def _sent(rows: Rows) -> int:
    return sum(row["state"] == "sent" for row in rows.values())


async def _followers(emu: Emulator, db: Path) -> list[Channel]:
    guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(FOLLOWERS)]
    channels = [next(iter(guild.channels.values())) for guild in guilds]
    async with open_store(db) as store:
        await store.apply_seed(load_seed())
        for guild, channel in zip(guilds, channels, strict=True):
            await store.tracker.follow(guild.id, channel.id, None)
        await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll in Austin."))
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        # Some bulk, so that copying and checking the file take a moment while the bot writes.
        connection.execute("CREATE TABLE padding (data BLOB)")
        connection.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * PADDING)
    return channels


async def _start(emu: Emulator, db: Path, logs: Path) -> BotProcess:
    # A send left mid-way (a 'sending' row in the backup) is resumed after 1 s instead of 30.
    return await start_bot(
        emu,
        "heroes",
        db=db,
        log_dir=logs,
        guild_ready_timeout=0.05,
        extra_args=["--delivery-stale-after", "1"],
        timeout=30,
    )


async def _until_sent(db: Path, count: int) -> Rows:
    for _ in range(1000):  # up to 20 s
        rows = _deliveries(db)
        if _sent(rows) >= count:
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {count} deliveries were recorded as sent")


def _assert_holds_every_committed_row(before: Rows, copy: Rows, after: Rows) -> None:
    """`copy` is one moment between `before` and `after`: nothing committed earlier is lost."""
    assert set(before) <= set(copy) <= set(after)
    for key, row in before.items():
        assert {c: copy[key][c] for c in FIXED} == {c: row[c] for c in FIXED}
        if PROGRESS[row["state"]] == SETTLED:
            assert copy[key] == row  # a settled delivery never changes again
        else:
            assert PROGRESS[copy[key]["state"]] >= PROGRESS[row["state"]]
    for key, row in copy.items():
        assert PROGRESS[row["state"]] <= PROGRESS[after[key]["state"]]


async def test_a_backup_taken_during_a_broadcast_restores_whole_and_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = tmp_path / "heroes.db", tmp_path / "during-broadcast.db"
    restored = tmp_path / "restored" / "heroes.db"
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    async with Emulator(heartbeat_interval=5.0) as emu:
        channels = await _followers(emu, db)
        first = await _start(emu, db, tmp_path / "logs")
        try:
            before = await _until_sent(db, UNDER_WAY)
            monkeypatch.setenv("DATABASE_PATH", str(db))
            assert await asyncio.to_thread(main, ["backup", str(backup)]) == 0
            after = _deliveries(db)
        finally:
            assert await first.stop() == 0
        assert "integrity ok" in capsys.readouterr().out
        # Taken mid-broadcast: the bot was writing deliveries before, during and after it.
        assert UNDER_WAY <= _sent(before) < _sent(after) < FOLLOWERS

        verify_sqlite_file(backup)
        with contextlib.closing(sqlite3.connect(backup)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copy = _deliveries(backup)
        _assert_holds_every_committed_row(before, copy, after)
        posts = {m.id for c in channels for m in emu.conversation(c)}
        assert {r["message_id"] for r in copy.values() if r["state"] == "sent"} <= posts

        monkeypatch.setenv("DATABASE_PATH", str(restored))
        assert await asyncio.to_thread(main, ["restore", str(backup)]) == 0
        assert f"restored {backup}" in capsys.readouterr().out
        second = await _start(emu, restored, tmp_path / "logs")
        try:
            final = await _until_sent(restored, FOLLOWERS)
        finally:
            assert await second.stop() == 0

    assert [len(emu.conversation(c)) for c in channels] == [1] * FOLLOWERS
    assert {row["state"] for row in final.values()} == {"sent"}
    assert emu.violations == []
