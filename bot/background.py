"""A background loop a cog starts in `cog_load` and stops in `cog_unload`.

Why not discord.ext.tasks.Loop: its waits are `loop.call_later` on the event loop's real time
(tasks.SleepHandle, `discord.utils.utcnow()`), so it cannot wait on the bot's injected Clock
(bot/clock.py) and a test would have to sleep on the wall clock to see an iteration; and it
runs at a fixed interval or fixed times of day, while both loops here sleep for a delay they
compute each time (the next delivery retry, the next server's quote time, a backoff after
trouble) and the delivery loop is woken early by an event (a new update), which a Loop can
only approximate by being restarted. The loops sleep through `clock.sleep` and
`bot.clock.wait_for_event` instead; this class only runs them as one named task, once the
client is ready, and stops them: at once (`stop`), or once the pass under way has finished
(`finish`, a clean stop of the bot: bot/shutdown.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from bot.clock import Clock, wait_for_event

log = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs `loop()` as one named task, once the client is ready.

    `wait_ready` is the client's `wait_until_ready`; a client that never logs in (command-line
    tools, unit tests) raises RuntimeError there, and the loop then does not run at all.
    """

    name = "background-loop"

    def __init__(self, *, wait_ready: Callable[[], Awaitable[None]] | None = None) -> None:
        self._wait_ready = wait_ready
        self._task: asyncio.Task[None] | None = None
        self._finishing = False
        self._idle = asyncio.Event()  # set while no pass is under way
        self._idle.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._main(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @contextlib.asynccontextmanager
    async def one_pass(self) -> AsyncIterator[None]:
        """Wraps one pass of work, which `finish` lets end. Once finishing, no pass starts: the
        loop's task ends here instead."""
        if self._finishing:
            raise asyncio.CancelledError
        self._idle.clear()
        try:
            yield
        finally:
            self._idle.set()

    async def finish(self, clock: Clock, seconds: float) -> bool:
        """Start no new pass, let the one under way end within `seconds` of `clock`, then stop.
        True if nothing was cut off."""
        self._finishing = True
        finished = await wait_for_event(clock, self._idle, seconds)
        await self.stop()
        return finished

    async def _main(self) -> None:
        if self._wait_ready is not None:
            try:
                await self._wait_ready()
            except RuntimeError:
                log.debug("%s not started: the client is not logged in", self.name)
                return
        await self.loop()

    async def loop(self) -> None:
        raise NotImplementedError
