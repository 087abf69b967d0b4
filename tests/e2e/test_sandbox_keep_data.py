"""`heroes-bot sandbox --keep-data` on a live database: the servers the emulator doesn't have are
left exactly as they were (issue 9, item 3)."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import NewUpdate, open_store, utcnow
from tests.e2e.cards import card_text

REAL = 300_000_000_007 << 22  # a server of the live bot, not in the sandbox
REAL_CHANNEL = REAL + 1

Rows = dict[str, set[tuple[Any, ...]]]


def every_row(path: Path) -> Rows:
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: set(db.execute(f'SELECT * FROM "{t}"')) for t in tables}


async def _live_database(path: Path) -> None:
    """A real server following the news with two deliveries waiting (one interrupted mid-send
    an hour ago), its quote of the day due since midnight, and a reply setting."""
    now = utcnow()
    async with open_store(path) as store:
        await store.apply_seed(load_seed())
        await store.tracker.follow(REAL, REAL_CHANNEL, None, now=now - timedelta(days=2))
        for n in (1, 2):
            update, queued = await store.tracker.add_update(
                NewUpdate(f"Real news {n}", "Text.", source_url=f"https://example.com/{n}"),
                now=now - timedelta(days=1),
            )
            assert queued == 1
        interrupted = (await store.tracker.deliveries(update.id))[0]
        assert await store.tracker.claim(interrupted.id, now=now - timedelta(hours=1))
        yesterday = (now - timedelta(days=1)).date().isoformat()
        await store.daily.configure(REAL, REAL_CHANNEL, "00:00", "UTC", starts_on=yesterday)
        await store.settings.set_private_replies(REAL, True)


async def test_sandbox_keep_data_never_delivers_fails_unfollows_or_spends_real_servers(
    tmp_path: Path,
) -> None:
    live = tmp_path / "heroes.db"
    await _live_database(live)
    before = every_row(live)
    assert [len(before[t]) for t in ("sequel_deliveries", "quote_daily", "sequel_follows")] == [
        2,
        1,
        1,
    ]

    async with open_sandbox(Config(database_path=live), keep_data=True) as sandbox:
        # The sandbox's own server is served as usual: the loops are not simply off.
        bot, guild = sandbox.bot, sandbox.guild
        general, news = (
            next(c for c in guild.channels.values() if c.name == n) for n in ("general", "news")
        )
        yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
        await bot.store.tracker.follow(guild.id, news.id, None)
        update, queued = await bot.store.tracker.add_update(
            NewUpdate("Sandbox news", "Text.", source_url="https://example.com/sandbox")
        )
        assert queued == 2  # the sandbox server and the real one
        await bot.store.daily.configure(guild.id, general.id, "00:00", "UTC", starts_on=yesterday)
        sequel: Any = bot.get_cog("Sequel")
        daily: Any = bot.get_cog("QuoteDaily")
        await sequel.worker.run_once()
        await daily.scheduler.run_due()  # (the loops may have done it already: either way)
        history = await bot.store.daily.history(guild.id)
        assert [day for day, _, _ in history] == [utcnow().date().isoformat()]
        assert len(sandbox.emu.conversation(general)) == 1
        assert any("Sandbox news" in card_text(m) for m in sandbox.emu.conversation(news))
        states = {d.guild_id: d for d in await bot.store.tracker.deliveries(update.id)}
        assert states[guild.id].state == "sent"
        assert (states[REAL].state, states[REAL].attempts) == ("pending", 0)

    after = every_row(live)
    changed = {t: sorted(before[t] - after[t]) for t in before if before[t] - after[t]}
    assert changed == {}
    added_for_real = {
        t: [row for row in after[t] - before.get(t, set()) if REAL in row] for t in after
    }
    assert {t: rows for t, rows in added_for_real.items() if rows} == {
        "sequel_deliveries": [
            row for row in after["sequel_deliveries"] if REAL in row and update.id in row
        ]
    }
    # No heartbeat from the emulator's bot: `heroes-bot health` on the live database would take
    # it for the real bot being up.
    assert not [row for row in after["meta"] if str(row[0]).startswith("health:")]


async def test_sandbox_never_backs_up_into_the_real_backup_dir_nor_serves_metrics(
    tmp_path: Path,
) -> None:
    # The sandbox's scratch database backed up into BACKUP_DIR would be rotated with the real
    # backups (deleting real ones); its bot must not take the real bot's metrics port either.
    settings = Config(
        database_path=tmp_path / "heroes.db",
        backup_dir=tmp_path / "backups",
        metrics_addr=("127.0.0.1", 9),
    )
    async with open_sandbox(settings, keep_data=False) as sandbox:
        assert sandbox.bot.config.backup_dir is None
        assert sandbox.bot.config.metrics_addr is None
        assert getattr(sandbox.bot, "backups", None) is None
    assert not (tmp_path / "backups").exists()
