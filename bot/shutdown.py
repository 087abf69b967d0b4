"""Stopping cleanly on SIGTERM or SIGINT: the one place that says what a stop does.

1. No new work: the command tree refuses new interactions (one wording, answered), and the
   background loops start no new pass.
2. What is under way (interactions being answered, the delivery pass being sent) may finish,
   for at most STOP_GRACE seconds of the bot's clock in all. A delivery cut off by the deadline
   is left as a crash leaves it: its 'sending' rows are resumed at the next start.
3. The gateway closes (bot.close); run_bot then closes the database, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

from bot.background import BackgroundLoop
from bot.client import HeroesBot
from bot.clock import Clock
from bot.sd_notify import notify
from bot.tree import HeroesTree

log = logging.getLogger(__name__)

STOP_GRACE = 10.0  # seconds of bot.clock for the work under way to finish
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def background_loops(bot: HeroesBot) -> list[BackgroundLoop]:
    """The loops the loaded cogs run (each cog keeps its loop as an attribute), and the bot's
    daily backups (bot/backups.py), whose copy under way ends within the same grace."""
    loops = [
        value
        for cog in bot.cogs.values()
        for value in vars(cog).values()
        if isinstance(value, BackgroundLoop)
    ]
    backups = getattr(bot, "backups", None)
    return [*loops, backups] if isinstance(backups, BackgroundLoop) else loops


async def _finish_interactions(tree: HeroesTree, clock: Clock, seconds: float) -> bool:
    tasks = tree.in_flight()
    if not tasks:
        return True
    everything = asyncio.ensure_future(asyncio.wait(tasks))
    timer = asyncio.ensure_future(clock.sleep(seconds))
    await asyncio.wait({everything, timer}, return_when=asyncio.FIRST_COMPLETED)
    everything.cancel()
    timer.cancel()
    return all(task.done() for task in tasks)


async def stop_cleanly(bot: HeroesBot, grace: float = STOP_GRACE) -> None:
    """Refuse new work, let the work under way finish within `grace`, then close the bot."""
    tree = bot.tree
    if isinstance(tree, HeroesTree):
        tree.refuse_new_interactions()
    loops = background_loops(bot)
    log.info("stopping: finishing the work under way (at most %g s)", grace)
    waits = [loop.finish(bot.clock, grace) for loop in loops]
    if isinstance(tree, HeroesTree):
        waits.append(_finish_interactions(tree, bot.clock, grace))
    finished = await asyncio.gather(*waits)
    if not all(finished):
        log.warning("stopping: work still under way after %g s was cut off", grace)
    await bot.close()
    log.info("stopped")


class StopRequest:
    """What run_bot's signal handlers act on: the bot of the current attempt, and whether a
    stop was asked for (also between login attempts, when there is no connected bot)."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.bot: HeroesBot | None = None
        self._stopping: asyncio.Task[None] | None = None

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def request(self, signum: int = signal.SIGTERM) -> None:
        if self.requested:
            log.info("already stopping (%s)", signal.Signals(signum).name)
            return
        log.info("%s received: stopping", signal.Signals(signum).name)
        notify("STOPPING=1", "STATUS=stopping")  # systemd: a stop under way, not a hang
        self.event.set()
        if self.bot is not None and not self.bot.is_closed():
            self._stopping = asyncio.ensure_future(stop_cleanly(self.bot))

    async def finished(self) -> None:
        """Wait for a stop under way to complete (before the database closes)."""
        if self._stopping is not None:
            await self._stopping

    @contextlib.contextmanager
    def on_signals(self) -> Iterator[None]:
        """Handle SIGTERM and SIGINT on the running loop while the block runs."""
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self.request, signum)
        try:
            yield
        finally:
            for signum in STOP_SIGNALS:
                loop.remove_signal_handler(signum)
