"""The real heroes-bot on the Discord emulator: the one way the tests, the sandbox and the
benchmarks start it.

The bot starts through `bot.runner.run_bot`, exactly as `main()` does (seed, store, the same
retry and connect path); only discord.py's traffic is redirected to the emulator. Production
never imports this module (tests/test_production_imports.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec.structs import replace

from bot.client import HeroesBot
from bot.config import Config, Secret
from bot.runner import run_bot
from discord_emulator import redirect_discord_py, skip_identify_wait

if TYPE_CHECKING:
    from discord_emulator import Emulator


class RemoteEmulator(msgspec.Struct, frozen=True):
    """An emulator running in another process (the benchmarks): where it listens, its token."""

    port: int
    token: str


class EmulatedBot(msgspec.Struct, frozen=True):
    bot: HeroesBot
    task: asyncio.Task[None]  # run_bot: done once the bot has stopped
    emulator: Emulator | None  # None when the emulator runs in another process


@contextlib.asynccontextmanager
async def emulated_bot(
    config: Config,
    emulator: Emulator | RemoteEmulator | None = None,
    *,
    on_bot: Callable[[HeroesBot], None] | None = None,
    fast_reidentify: bool = True,
    ready_timeout: float | None = 20.0,
    **bot_options: Any,
) -> AsyncIterator[EmulatedBot]:
    """Start the real bot on `emulator` (a new one when None), wait until discord.py is ready,
    yield it, and stop it when the block ends. Fails at once, with the bot's own error, if it
    stops before it is ready (a bad database, a refused login, ...).

    `config`'s token is replaced by the emulator's. `on_bot` sees each bot run_bot creates,
    before it connects. `bot_options` go through run_bot to the bot (e.g. `clock=`, `sync=`).
    `fast_reidentify` skips discord.py's 5 s wait before every re-IDENTIFY (Discord's identify
    limit, which the emulator does not have).
    """
    async with contextlib.AsyncExitStack() as stack:
        if emulator is None:
            # Imported only here: a bot talking to an emulator in another process (the
            # benchmark's) does not load the emulator itself.
            from discord_emulator import Emulator

            emulator = await stack.enter_async_context(Emulator())
        holder: list[HeroesBot] = []
        made = asyncio.Event()

        def created(bot: HeroesBot) -> None:
            if fast_reidentify:
                skip_identify_wait(bot)
            if on_bot is not None:
                on_bot(bot)
            holder[:] = [bot]
            made.set()

        config = replace(config, token=Secret(emulator.token))
        stack.enter_context(redirect_discord_py(emulator.port))
        task = asyncio.create_task(run_bot(config, on_bot=created, **bot_options))
        try:
            async with asyncio.timeout(ready_timeout):
                await _first_of(made.wait(), task)
                if holder:
                    await _first_of(holder[0].wait_until_ready(), task)
            if task.done():
                task.result()  # the bot's own error
                raise RuntimeError("the bot stopped before it was ready")
            local = None if isinstance(emulator, RemoteEmulator) else emulator
            yield EmulatedBot(holder[0], task, local)
        finally:
            if holder:
                await holder[-1].close()
            else:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)


async def _first_of(waiting: Any, task: asyncio.Task[None]) -> None:
    """Wait for the awaitable `waiting`, or for `task` to end first."""
    future = asyncio.ensure_future(waiting)
    try:
        await asyncio.wait({future, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        future.cancel()
