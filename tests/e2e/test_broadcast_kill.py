"""Exactly once across kill -9: the real bot in its own OS process, SIGKILLed mid-broadcast at the
moment Discord has created a post but before the bot hears of it, then restarted on the same
database file. Every following channel must end up with exactly one post."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections import Counter
from pathlib import Path

from bench.live import BotProcess, start_bot
from bot.seed import load_seed
from bot.store import NewUpdate, open_store
from discord_emulator import Emulator

FOLLOWERS = 120
KILL_AT = 31  # the bot dies as Discord creates its 31st post, before the answer reaches it


def _states(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as check:
        return Counter(state for (state,) in check.execute("SELECT state FROM sequel_deliveries"))


async def _start(emu: Emulator, db: Path, logs: Path) -> BotProcess:
    return await start_bot(
        emu,
        "heroes",
        db=db,
        log_dir=logs,
        guild_ready_timeout=0.05,
        # A send left mid-way is retried after 1 s instead of 30 (another process might still
        # be sending it): the restart then resumes at once.
        extra_args=["--delivery-stale-after", "1"],
        timeout=30,
    )


async def test_kill_9_mid_broadcast_then_restart_posts_exactly_once_per_channel(
    tmp_path: Path,
) -> None:
    db = tmp_path / "heroes.db"
    async with Emulator(heartbeat_interval=5.0) as emu:
        guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(FOLLOWERS)]
        channels = [next(iter(guild.channels.values())) for guild in guilds]
        # The shared database file: 120 followers and one update queued for all of them.
        async with open_store(db) as store:
            await store.apply_seed(load_seed())
            for guild, channel in zip(guilds, channels, strict=True):
                await store.tracker.follow(guild.id, channel.id, None)
            _, queued = await store.tracker.add_update(
                NewUpdate("Filming begins", "Cameras roll in Austin.")
            )
        assert queued == FOLLOWERS

        first: list[BotProcess] = []
        started = asyncio.Event()

        async def kill_9() -> None:
            await started.wait()  # (the broadcast may begin before start_bot returns)
            os.kill(first[0].pid, signal.SIGKILL)
            await first[0].proc.wait()

        emu.rest.inject_fault(
            "POST /channels/{channel_id}/messages",
            skip=KILL_AT - 1,
            after_effect=True,  # the post exists; its answer never reaches the bot
            action=kill_9,
        )
        first.append(await _start(emu, db, tmp_path / "logs"))
        started.set()
        assert await asyncio.wait_for(first[0].proc.wait(), 20) == -signal.SIGKILL
        posted = sum(len(emu.conversation(c)) for c in channels)
        assert KILL_AT <= posted < FOLLOWERS
        interrupted = _states(db)
        assert interrupted["sending"] >= 1  # the bot died mid-send, as intended

        second = await _start(emu, db, tmp_path / "logs")
        try:
            await emu.wait_until(
                lambda: all(emu.conversation(c) for c in channels),
                timeout=20,
                what="a post in every channel",
            )
            for _ in range(200):  # the last posts are recorded just after Discord answers
                if _states(db)["sent"] == FOLLOWERS:
                    break
                await asyncio.sleep(0.05)
        finally:
            assert await second.stop() == 0

        assert [len(emu.conversation(c)) for c in channels] == [1] * FOLLOWERS
        assert _states(db) == Counter({"sent": FOLLOWERS})
        with sqlite3.connect(db) as check:
            recorded = {row[0] for row in check.execute("SELECT message_id FROM sequel_deliveries")}
        assert recorded == {emu.conversation(c)[0].id for c in channels}
        # The interrupted send was retried with its nonce, and Discord returned the first post.
        creates = Counter(
            r.path for r in emu.requests if r.method == "POST" and r.path.endswith("/messages")
        )
        assert max(creates.values()) >= 2
        assert emu.violations == []
        log = second.log_path.read_text()
        assert "Traceback" not in log, log[-3000:]
