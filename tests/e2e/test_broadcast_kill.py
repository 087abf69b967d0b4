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

from bench.live import BotProcess
from discord_emulator import Emulator
from tests.e2e.broadcast import (
    FOLLOWERS,
    assert_one_post_each,
    delivery_states,
    followers_with_one_update,
    start_heroes,
    wait_for_every_post,
)

KILL_AT = 31  # the bot dies as Discord creates its 31st post, before the answer reaches it


async def test_kill_9_mid_broadcast_then_restart_posts_exactly_once_per_channel(
    tmp_path: Path,
) -> None:
    db = tmp_path / "heroes.db"
    async with Emulator(heartbeat_interval=5.0) as emu:
        # The shared database file: 120 followers and one update queued for all of them.
        channels = await followers_with_one_update(emu, db)

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
        first.append(await start_heroes(emu, db, tmp_path / "logs"))
        started.set()
        assert await asyncio.wait_for(first[0].proc.wait(), 20) == -signal.SIGKILL
        posted = sum(len(emu.conversation(c)) for c in channels)
        assert KILL_AT <= posted < FOLLOWERS
        interrupted = delivery_states(db)
        assert interrupted["sending"] >= 1  # the bot died mid-send, as intended

        second = await start_heroes(emu, db, tmp_path / "logs")
        try:
            await wait_for_every_post(emu, db, channels)
        finally:
            assert await second.stop() == 0

        assert_one_post_each(emu, db, channels)
        with sqlite3.connect(db) as check:
            recorded = {row[0] for row in check.execute("SELECT message_id FROM sequel_deliveries")}
        assert recorded == {emu.conversation(c)[0].id for c in channels}
        # The interrupted send was retried with its nonce, and Discord returned the first post.
        creates = Counter(
            r.path for r in emu.requests if r.method == "POST" and r.path.endswith("/messages")
        )
        assert max(creates.values()) >= 2
        log = second.log_path.read_text()
        assert "Traceback" not in log, log[-3000:]
