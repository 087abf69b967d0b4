"""Forgetting on the emulator: /trivia forget-me, and servers that removed the bot while it was
offline, forgotten at ready only on a complete server list (issue 9, item 7)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from msgspec.structs import replace

from bot.client import HeroesBot
from bot.config import Config, Secret
from bot.departed import forget_departed
from bot.runner import run_bot
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import STORED_DATA, NewFeedItem, NewUpdate, open_store
from discord_emulator import Emulator, redirect_discord_py
from tests.e2e.harness import assert_clean, running_bot, world
from tests.stored_rows import ServerRows, fill_server, rows_holding

FUTURE = "2099-01-01"


def on_shard(shard: int, n: int, shard_count: int = 2) -> int:
    """A snowflake-sized server id that Discord routes to `shard`."""
    return (300_000_000_000 + shard_count * n + shard) << 22


async def _prefilled(path: Path, *guild_ids: int) -> dict[int, ServerRows]:
    """A seeded database with rows for each server, in every feature: one news update
    delivered to all of them (nothing left pending for the bot to send)."""
    async with open_store(path) as store:
        await store.apply_seed(load_seed())
        rows = {}
        for n, guild_id in enumerate(guild_ids):
            base = on_shard(0, 1_000 + 10 * n)
            rows[guild_id] = await fill_server(
                store,
                guild_id,
                channel_id=base + 1,
                role_id=base + 2,
                member_id=base + 3,
                message_base=base + 4,
                updates=0,
                daily_from=FUTURE,
            )
        update, _ = await store.tracker.add_update(NewUpdate("Delivered to all", "Text."))
        for delivery in await store.tracker.deliveries(update.id):
            assert await store.tracker.claim(delivery.id)
            await store.tracker.mark_sent(delivery.id, min(rows[delivery.guild_id].message_ids))
        return rows


async def _checked(bot: HeroesBot) -> list[int] | None:
    await asyncio.wait_for(bot.departed_checked.wait(), 10)
    return bot.departed


def a_candidate() -> NewFeedItem:
    return NewFeedItem(
        guid="urn:story:1",
        link="https://news.example/story",
        title="We Can Be Heroes sequel in the works",
        summary="A sequel is in development.",
        outlet="News",
        published=None,
        content_hash="hash-1",
        status="candidate",
        skip_reason=None,
        suggested_stage=None,
        flags=(),
    )


async def test_forget_me_removes_the_member_from_every_feature_of_the_server(
    tmp_path: Path,
) -> None:
    async with world(tmp_path / "heroes.db") as w:
        store = w.bot.store
        here, there = w.guild, w.emu.add_guild("Elsewhere")
        member = w.fan.id
        for guild in (here, there):
            channel = next(iter(guild.channels.values()))
            role = w.emu.add_role(guild, "sequel-fans")
            await fill_server(
                store,
                guild.id,
                channel_id=channel.id,
                role_id=role.id,
                member_id=member,
                message_base=on_shard(0, 5_000 + guild.id % 1000),
                updates=0,
                daily_from=FUTURE,
            )
        update, _ = await store.tracker.add_update(
            NewUpdate("Added from Discord", "Text."), added_by=member, announce=False
        )
        # An owner's feed and a feed item they reviewed (the feed watcher's member columns).
        feed = await store.feeds.add_feed("https://news.example/rss.xml", added_by=member)
        (item,) = await store.feeds.store_items(feed.id, [a_candidate()])
        assert await store.feeds.reject_item(item.id, by=member)

        handle = await w.emu.slash("trivia forget-me", user=w.fan, guild=here)
        reply = await handle.response()
        assert reply.ephemeral and reply.content.startswith("Done, deleted in this server")
        # The reply names every kind of row that named the member (from the declarations).
        for datum in STORED_DATA:
            for column in datum.members:
                assert column.forgotten in reply.content
        follow = await store.tracker.get_follow(here.id)
        daily = await store.daily.get(here.id)
        assert follow is not None and follow.followed_by is None  # the follow itself stays
        assert daily is not None and daily.configured_by is None
        assert (await store.tracker.update(update.id)).added_by is None  # type: ignore[union-attr]
        assert await store.trivia.standing(here.id, member) is None
        # The other server's rows are untouched until asked for everywhere.
        assert (await store.tracker.get_follow(there.id)).followed_by == member  # type: ignore[union-attr]
        assert await store.trivia.standing(there.id, member) is not None

        handle = await w.emu.slash("trivia forget-me", {"everywhere": True}, user=w.fan, guild=here)
        assert "in every server" in (await handle.response()).content
        assert await rows_holding(store.database.connection, frozenset({member})) == []
        # Anonymised, not deleted: the other server's follow keeps working.
        assert (await store.tracker.get_follow(there.id)).active  # type: ignore[union-attr]
        assert_clean(w.emu)


async def test_server_that_removed_the_bot_while_offline_is_forgotten_at_ready(
    tmp_path: Path,
) -> None:
    present, departed = on_shard(0, 1), on_shard(0, 2)
    rows = await _prefilled(tmp_path / "heroes.db", present, departed)
    async with Emulator(heartbeat_interval=5.0) as emu:
        emu.add_guild("Still here", id=present)
        settings = Config(database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
        async with running_bot(emu, settings) as (bot, _):
            assert await _checked(bot) == [departed]
            db = bot.store.database.connection
            assert await rows_holding(db, rows[departed].ids) == []
            kept = await rows_holding(db, frozenset({present}))
            assert {cell.split(".")[0] for cell in kept} >= {
                d.table for d in STORED_DATA if isinstance(d.server, str)
            }
        assert_clean(emu)


async def test_unavailable_server_at_ready_is_not_forgotten(tmp_path: Path) -> None:
    outage, departed = on_shard(0, 1), on_shard(0, 2)
    rows = await _prefilled(tmp_path / "heroes.db", outage, departed)
    async with Emulator(heartbeat_interval=5.0) as emu:
        emu.add_guild("In an outage", id=outage).outage = True
        settings = Config(database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
        async with running_bot(emu, settings) as (bot, _):
            assert await _checked(bot) == [departed]
            unavailable = bot.get_guild(outage)
            assert unavailable is not None and unavailable.unavailable
            db = bot.store.database.connection
            assert len(await rows_holding(db, rows[outage].ids)) >= 10
            assert await rows_holding(db, rows[departed].ids) == []
        assert_clean(emu)


@contextlib.asynccontextmanager
async def _bot_holding_shard_one(
    emu: Emulator, settings: Config, release: asyncio.Event
) -> AsyncIterator[HeroesBot]:
    """The real bot over two shards, shard 1's IDENTIFY held until `release` is set."""
    holder: list[HeroesBot] = []

    def created(bot: HeroesBot) -> None:
        async def hold(shard_id: int | None, *, initial: bool = False) -> None:
            if shard_id == 1:
                await release.wait()

        bot.before_identify_hook = hold  # type: ignore[method-assign]
        holder.append(bot)

    with redirect_discord_py(emu.port):
        task = asyncio.create_task(
            run_bot(replace(settings, token=Secret(emu.token)), on_bot=created)
        )
        try:
            await emu.wait_until(lambda: bool(holder), 10.0, "the bot")
            yield holder[0]
        finally:
            release.set()
            if holder:
                await holder[0].close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)


async def test_no_server_is_forgotten_before_every_shard_is_ready(tmp_path: Path) -> None:
    present, gone_0, gone_1 = on_shard(0, 1), on_shard(0, 2), on_shard(1, 3)
    rows = await _prefilled(tmp_path / "heroes.db", present, gone_0, gone_1)
    release = asyncio.Event()
    async with Emulator(shard_count=2, heartbeat_interval=5.0) as emu:
        emu.add_guild("On shard 0", id=present)
        settings = Config(
            database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05, shard_count=2
        )
        async with _bot_holding_shard_one(emu, settings, release) as bot:
            await emu.wait_until(lambda: 0 in bot.complete_shards, 10.0, "shard 0 ready")
            # Shard 0's list is complete and lacks gone_0, but shard 1 has not even identified.
            assert not bot.guild_list_complete()
            assert await forget_departed(bot) is None
            assert not bot.departed_checked.is_set()
            db = bot.store.database.connection
            for guild_id in (gone_0, gone_1):
                assert len(await rows_holding(db, rows[guild_id].ids)) >= 10
            release.set()
            assert await _checked(bot) == [gone_0, gone_1]
            assert await rows_holding(db, rows[gone_0].ids | rows[gone_1].ids) == []
        assert_clean(emu)


async def test_servers_on_another_processes_shards_are_not_forgotten(tmp_path: Path) -> None:
    mine, gone_mine, gone_theirs = on_shard(1, 1), on_shard(1, 2), on_shard(0, 3)
    rows = await _prefilled(tmp_path / "heroes.db", mine, gone_mine, gone_theirs)
    async with Emulator(shard_count=2, heartbeat_interval=5.0) as emu:
        emu.add_guild("Mine", id=mine)
        settings = Config(
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            shard_count=2,
            shard_ids=(1,),
        )
        async with running_bot(emu, settings) as (bot, _):
            assert await _checked(bot) == [gone_mine]
            db = bot.store.database.connection
            assert len(await rows_holding(db, rows[gone_theirs].ids)) >= 10
            assert await rows_holding(db, rows[gone_mine].ids) == []
        assert_clean(emu)


async def test_sandbox_never_forgets_the_live_databases_other_servers(tmp_path: Path) -> None:
    live = tmp_path / "heroes.db"
    elsewhere = on_shard(0, 7)
    rows = await _prefilled(live, elsewhere)
    async with open_sandbox(Config(database_path=live), keep_data=True) as sandbox:
        assert await _checked(sandbox.bot) is None
        assert sandbox.bot.guild_list_complete()  # it could have run: only the setting stops it
        assert (
            len(await rows_holding(sandbox.bot.store.database.connection, rows[elsewhere].ids))
            >= 10
        )
