"""A broadcast to many followers, shared by the tests that stop or kill a real bot process in the
middle of it (test_broadcast_kill, test_clean_stop, test_service_stop) and then restart it on the
same database: the world before, and the check after, that every channel got exactly one post."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from pathlib import Path

from bench.live import BotProcess, start_bot
from bot.seed import load_seed
from bot.store import NewUpdate, Store, open_store
from discord_emulator import Channel, Emulator

FOLLOWERS = 120


def delivery_states(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as check:
        return Counter(state for (state,) in check.execute("SELECT state FROM sequel_deliveries"))


async def followers(emu: Emulator, store: Store, count: int = FOLLOWERS) -> list[Channel]:
    """`count` servers whose news channel follows the sequel in `store` (seeded); returns the
    channels."""
    guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(count)]
    channels = [next(iter(guild.channels.values())) for guild in guilds]
    await store.apply_seed(load_seed())
    for guild, channel in zip(guilds, channels, strict=True):
        await store.tracker.follow(guild.id, channel.id, None)
    return channels


async def followers_with_one_update(
    emu: Emulator, db: Path, count: int = FOLLOWERS
) -> list[Channel]:
    """`count` servers whose news channel follows the sequel, and one update queued for all of
    them in the database file `db`; returns the channels."""
    async with open_store(db) as store:
        channels = await followers(emu, store, count)
        _, queued = await store.tracker.add_update(
            NewUpdate("Filming begins", "Cameras roll in Austin.")
        )
    assert queued == count
    return channels


async def start_heroes(emu: Emulator, db: Path, logs: Path, *extra_args: str) -> BotProcess:
    """The real bot in its own process (bench.bot_process). A send left mid-way is retried
    after 1 s instead of 30 (another process might still be sending it): a restart resumes it
    at once."""
    return await start_bot(
        emu,
        "heroes",
        db=db,
        log_dir=logs,
        guild_ready_timeout=0.05,
        extra_args=["--delivery-stale-after", "1", *extra_args],
        timeout=30,
    )


async def wait_for_every_post(emu: Emulator, db: Path, channels: list[Channel]) -> None:
    """Until every channel shows a post and every delivery row says 'sent'."""
    await emu.wait_until(
        lambda: all(emu.conversation(c) for c in channels),
        timeout=20,
        what="a post in every channel",
    )
    for _ in range(200):  # the last posts are recorded just after Discord answers
        if delivery_states(db)["sent"] == len(channels):
            return
        await asyncio.sleep(0.05)


def assert_one_post_each(emu: Emulator, db: Path, channels: list[Channel]) -> None:
    """Nothing lost, nothing doubled, nothing Discord would have refused."""
    assert [len(emu.conversation(c)) for c in channels] == [1] * len(channels)
    assert delivery_states(db) == Counter({"sent": len(channels)})
    assert emu.violations == []
