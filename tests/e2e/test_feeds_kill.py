"""Issue 17, exactly once across kill -9: the real bot in its own OS process polls a feed and
DMs the owner a review message; the owner presses Publish; the bot is SIGKILLed the moment
Discord creates the first post, before it hears of it; restarted on the same database file, it
finishes the broadcast. Every following server ends with exactly one post, and the feed's item
is published once (one update)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections import Counter
from pathlib import Path

from bench.live import BotProcess
from bot.store import open_store
from discord_emulator import Channel, Emulator
from tests.e2e.broadcast import (
    assert_one_post_each,
    delivery_states,
    followers,
    start_heroes,
    wait_for_every_post,
)
from tests.e2e.test_feeds_review import button, review_messages, review_of
from tests.feeds_server import STORY_GREENLIT, FeedServer

SERVERS = 12


async def seed_world(emu: Emulator, db: Path, feed_url: str) -> list[Channel]:
    """Before the bot starts: SERVERS servers following the sequel, and the feed, due at once
    (the bot's first pass polls it), in the database file."""
    async with open_store(db) as store:
        channels = await followers(emu, store, SERVERS)
        await store.feeds.add_feed(feed_url)
    return channels


def kill_at_first_post(emu: Emulator, bot: list[BotProcess]) -> None:
    """From now on, the first message Discord creates in any channel kills the bot: the post
    exists, its answer never reaches the bot."""

    async def kill_9() -> None:
        os.kill(bot[0].pid, signal.SIGKILL)
        await bot[0].proc.wait()

    emu.inject_fault("POST /channels/{channel_id}/messages", after_effect=True, action=kill_9)


def published_once(db: Path) -> None:
    """The item was published once, as one update whose deliveries are the only ones."""
    with sqlite3.connect(db) as check:
        items = check.execute("SELECT status, update_id FROM feed_items").fetchall()
        updates = check.execute(
            "SELECT id FROM sequel_updates WHERE headline = ?", (STORY_GREENLIT.title,)
        ).fetchall()
        delivered = check.execute("SELECT DISTINCT update_id FROM sequel_deliveries").fetchall()
    assert len(updates) == 1, updates
    assert items == [("published", updates[0][0])]
    assert delivered == updates


async def test_kill_9_after_publish_then_restart_posts_once_per_server(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    logs = tmp_path / "logs"
    async with FeedServer() as feeds, Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.app.owner  # no OWNER_IDS: the application's owner reviews
        channels = await seed_world(emu, db, feeds.url("/changing.xml"))
        first = [await start_heroes(emu, db, logs)]
        review = await review_of(emu, owner, STORY_GREENLIT.title)

        kill_at_first_post(emu, first)
        await emu.press(review, button(review, "publish"), user=owner)
        assert await asyncio.wait_for(first[0].proc.wait(), 15) == -signal.SIGKILL
        posted = sum(len(emu.conversation(c)) for c in channels)
        assert 1 <= posted < SERVERS
        assert delivery_states(db)["sending"] >= 1  # killed mid-send, as intended

        second = await start_heroes(emu, db, logs)
        try:
            await wait_for_every_post(emu, db, channels)
        finally:
            assert await second.stop() == 0

        assert_one_post_each(emu, db, channels)
        published_once(db)
        assert len(review_messages(emu, owner)) == 1  # the restart did not ask again
        # The interrupted send was retried with its nonce, and Discord returned the first post.
        creates = Counter(
            r.path for r in emu.requests if r.method == "POST" and r.path.endswith("/messages")
        )
        assert max(creates[f"/channels/{c.id}/messages"] for c in channels) >= 2
        log = second.log_path.read_text()
        assert "Traceback" not in log, log[-3000:]
