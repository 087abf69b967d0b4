"""The real heroes-bot, started through bot.runner.run_bot as main() does, on the emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from bot.client import HeroesBot
from bot.config import Config
from bot.emulated import emulated_bot
from discord_emulator import Channel, Emulator, FakeClock, Guild, User

ACK_DEADLINE = 3.0


@dataclass
class World:
    emu: Emulator
    bot: HeroesBot
    guild: Guild
    channel: Channel
    fan: User
    other: User
    task: asyncio.Task[None]


@contextlib.asynccontextmanager
async def running_bot(
    emu: Emulator, settings: Config, *, fast_reidentify: bool = True, **bot_options: Any
) -> AsyncIterator[tuple[HeroesBot, asyncio.Task[None]]]:
    """Run the real bot until the block ends (bot.emulated.emulated_bot); fail fast if it dies
    before it is ready."""
    async with emulated_bot(
        settings, emu, fast_reidentify=fast_reidentify, **bot_options
    ) as running:
        yield running.bot, running.task


@contextlib.asynccontextmanager
async def world(
    db_path: Path, *, clock: FakeClock | None = None, **settings_overrides: object
) -> AsyncIterator[World]:
    """A server, two members and the bot. With `clock`, the emulator and the bot share it: a
    test advances it past a deadline (a trivia question's close) instead of waiting."""
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general", "news"))
        fan = emu.add_user("fan")
        other = emu.add_user("other")
        settings = Config(token=None, database_path=db_path, guild_ready_timeout=0.05)
        settings = replace(settings, **settings_overrides)  # type: ignore[arg-type]
        options = {} if clock is None else {"clock": clock}
        async with running_bot(emu, settings, **options) as (bot, task):
            channel = next(iter(guild.channels.values()))
            yield World(emu, bot, guild, channel, fan, other, task)


def assert_clean(emu: Emulator) -> None:
    """No Discord rule broken, and every interaction acknowledged once, in time."""
    assert emu.violations == []
    for interaction in emu.state.interactions.values():
        assert interaction.is_acked, interaction.payload.get("data")
        assert interaction.acked_at is not None
        assert interaction.acked_at - interaction.created_at < ACK_DEADLINE
