"""The real heroes-bot, started through bot.runner.run_bot as main() does, on the emulator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

from bot.emulator import Channel, Emulator, Guild, User, redirect_discord_py

from bot.client import HeroesBot
from bot.config import Config, Secret
from bot.runner import run_bot

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
    emu: Emulator, settings: Config, *, fast_reidentify: bool = True
) -> AsyncIterator[tuple[HeroesBot, asyncio.Task[None]]]:
    """Run the real bot until the block ends; fail fast if it dies before it is ready."""
    holder: list[HeroesBot] = []
    made = asyncio.Event()

    def created(bot: HeroesBot) -> None:
        if fast_reidentify:
            # discord.py sleeps 5 s before every re-IDENTIFY (Discord's identify limit); the
            # emulator has no such limit, so tests skip the wait.
            async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
                return None

            bot.before_identify_hook = no_wait  # type: ignore[method-assign]
        holder.append(bot)
        made.set()

    settings = replace(settings, token=Secret(emu.token))
    with redirect_discord_py(emu.port):
        task = asyncio.create_task(run_bot(settings, on_bot=created))
        try:
            async with asyncio.timeout(20):
                waiting = asyncio.ensure_future(made.wait())
                await asyncio.wait({waiting, task}, return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                if holder:
                    ready = asyncio.ensure_future(holder[0].wait_until_ready())
                    await asyncio.wait({ready, task}, return_when=asyncio.FIRST_COMPLETED)
                    ready.cancel()
            if task.done():
                task.result()
                raise AssertionError("the bot stopped before it was ready")
            yield holder[0], task
        finally:
            if holder:
                await holder[0].close()
            else:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)


@contextlib.asynccontextmanager
async def world(db_path: Path, **settings_overrides: object) -> AsyncIterator[World]:
    async with Emulator(heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general", "news"))
        fan = emu.add_user("fan")
        other = emu.add_user("other")
        settings = Config(token=None, database_path=db_path, guild_ready_timeout=0.05)
        settings = replace(settings, **settings_overrides)  # type: ignore[arg-type]
        async with running_bot(emu, settings) as (bot, task):
            channel = next(iter(guild.channels.values()))
            yield World(emu, bot, guild, channel, fan, other, task)


def assert_clean(emu: Emulator) -> None:
    """No Discord rule broken, and every interaction acknowledged once, in time."""
    assert emu.violations == []
    for interaction in emu.state.interactions.values():
        assert interaction.is_acked, interaction.payload.get("data")
        assert interaction.acked_at is not None
        assert interaction.acked_at - interaction.created_at < ACK_DEADLINE
