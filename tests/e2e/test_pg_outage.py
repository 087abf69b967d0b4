"""PostgreSQL going away for a moment while the bot runs: members get one clear answer, nothing
crashes, and once the server is back the bot carries on without a restart (issue 12)."""

from __future__ import annotations

import asyncio

from bot.config import Config, Secret
from bot.errors import DATABASE_AWAY
from discord_emulator import Emulator
from tests.e2e.harness import assert_clean, running_bot
from tests.postgres_server import PostgresServer


async def test_the_bot_survives_postgres_going_away_and_coming_back() -> None:
    server = await asyncio.to_thread(PostgresServer.start)  # its own server: this test stops it
    try:
        async with Emulator(heartbeat_interval=5.0) as emu:
            guild = emu.add_guild("Heroes HQ", channels=("general",))
            owner = emu.app.owner
            settings = Config(database_url=Secret(server.url), guild_ready_timeout=0.05)
            async with running_bot(emu, settings) as (bot, task):
                before = await emu.slash("cast", {"name": "pedro"}, user=owner, guild=guild)
                assert "Pedro Pascal" in (await before.wait_message()).embeds[0]["title"]

                await asyncio.to_thread(server.pause)  # a crash: every connection drops
                during = await emu.slash(
                    "settings", {"replies": "private"}, user=owner, guild=guild
                )
                reply = await during.response(timeout=5)
                assert reply.ephemeral and reply.content == DATABASE_AWAY
                assert not task.done()  # the bot is still running

                await asyncio.to_thread(server.resume)
                after = await emu.slash("settings", {"replies": "private"}, user=owner, guild=guild)
                assert "private" in (await after.response(timeout=5)).content.lower()
                assert (await bot.store.settings.get(guild.id)).private_replies
            assert_clean(emu)
    finally:
        await asyncio.to_thread(server.stop)
