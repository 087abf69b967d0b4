"""`heroes-bot health`: the heartbeat a real bot writes (on the emulator), and what the command
makes of it."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli_health import check_health
from bot.heartbeat import Beat
from bot.store import open_store
from discord_emulator import FakeClock
from tests.e2e.harness import world


async def _first_beat(store_meta: object) -> Beat:
    """The heartbeat the running bot writes once it is ready."""
    for _ in range(250):  # up to 5 s
        stored = await store_meta.heartbeats()  # type: ignore[attr-defined]
        if stored:
            (key, text), *_ = stored.items()
            beat = Beat.from_json(key, text)
            if beat is not None:
                return beat
        await asyncio.sleep(0.02)
    raise AssertionError("the bot wrote no heartbeat")


async def test_a_running_connected_bot_is_healthy(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    async with world(db) as w:
        beat = await _first_beat(w.bot.store.meta)
        out = io.StringIO()
        status = await check_health(db, out=out)
    assert beat.gateway_up and beat.pid == os.getpid() and beat.guilds == 1
    assert status == 0
    assert out.getvalue().startswith("fresh ") and "gateway up" in out.getvalue()


async def test_a_heartbeat_older_than_max_age_is_unhealthy(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    clock = FakeClock()
    async with world(db, clock=clock) as w:
        beat = await _first_beat(w.bot.store.meta)
        # The bot hangs: its clock is 2 minutes on and no newer beat was written.
        out = io.StringIO()
        later = beat.at + timedelta(seconds=120)
        status = await check_health(db, now=later, out=out)
        within = await check_health(db, now=later, max_age=180, out=io.StringIO())
    assert status == 1 and out.getvalue().startswith("stale ")
    assert within == 0


async def test_a_fresh_heartbeat_with_the_gateway_down_is_unhealthy(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    clock = FakeClock()
    async with open_store(db) as store:
        down = Beat("host:1", clock.now(), False, [], 3, 1, "host")
        await store.meta.heartbeat(down.key, down.to_json())
    out = io.StringIO()
    assert await check_health(db, now=clock.now(), out=out) == 1
    assert "gateway down" in out.getvalue()


async def test_heartbeats_older_than_a_day_are_ignored(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    clock = FakeClock()
    async with open_store(db) as store:
        old = Beat("host:1", clock.now() - timedelta(days=2), True, [], 3, 1, "host")
        await store.meta.heartbeat(old.key, old.to_json())
    out = io.StringIO()
    assert await check_health(db, now=clock.now(), out=out) == 1
    assert out.getvalue() == "unhealthy: no heartbeat in the last day: no bot is running\n"


def _health(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(db))
    return main(["health"])


def test_a_database_no_bot_ever_ran_on_is_unhealthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "heroes.db"
    asyncio.run(_open_and_close(db))  # migrated, as `heroes-bot news` would leave it
    assert _health(tmp_path, db, monkeypatch) == 1
    assert "no heartbeat in the last day" in capsys.readouterr().out


def test_a_missing_database_is_unhealthy_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "heroes.db"
    assert _health(tmp_path, db, monkeypatch) == 1
    assert capsys.readouterr().out == (
        f"unhealthy: {db} does not exist: no bot has run on this database\n"
    )
    assert not db.exists() and not db.parent.exists()


async def _open_and_close(db: Path) -> None:
    async with open_store(db):
        pass


async def test_this_host_counts_only_the_bots_of_this_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two shard containers on one PostgreSQL database: each container's health check must not
    # pass on the other's heartbeat while its own gateway is down.
    db = tmp_path / "heroes.db"
    clock = FakeClock()
    async with open_store(db) as store:
        for beat in (
            Beat("bot-0:1", clock.now(), False, [0], 3, 1, "bot-0"),
            Beat("bot-1:1", clock.now(), True, [1], 3, 1, "bot-1"),
        ):
            await store.meta.heartbeat(beat.key, beat.to_json())
    assert await check_health(db, now=clock.now(), out=io.StringIO()) == 0
    out = io.StringIO()
    assert await check_health(db, now=clock.now(), host="bot-0", out=out) == 1
    assert out.getvalue().startswith("fresh bot-0 pid 1: gateway down")
    assert "bot-1" not in out.getvalue()
    assert await check_health(db, now=clock.now(), host="bot-1", out=io.StringIO()) == 0
    monkeypatch.setattr("socket.gethostname", lambda: "elsewhere")
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(db))
    assert await asyncio.to_thread(main, ["health", "--this-host"]) == 1
    assert "no bot is running on elsewhere" in capsys.readouterr().out


async def test_health_leaves_an_older_schema_as_it_is(tmp_path: Path) -> None:
    # A stopped older bot's database: `health` (and `restore`'s check) read it unmigrated, so
    # that older heroes-bot can still open it.
    import sqlite3

    db = tmp_path / "heroes.db"
    clock = FakeClock()
    async with open_store(db) as store:
        beat = Beat("host:1", clock.now(), True, [], 3, 1, "host")
        await store.meta.heartbeat(beat.key, beat.to_json())
    with sqlite3.connect(db) as connection:
        latest = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA user_version = {latest - 1}")
    assert await check_health(db, now=clock.now(), out=io.StringIO()) == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == latest - 1
