"""The one clock: every service, cog and view reads time and waits through a `Clock`.

The bot is given one (`HeroesBot(clock=...)`, `SystemClock()` by default) and hands it to
everything that reads the time or waits, so a test can run the whole bot on a `ManualClock`:
time moves only when the test advances it, and nothing waits on the wall clock. The emulator's
fake clock (discord_emulator) has the same three methods, so it is a `Clock` too, without
importing `bot`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC (stored timestamps, schedules, countdowns)."""
        ...

    def monotonic(self) -> float:
        """Seconds that never go backwards (rates, cooldowns, elapsed time)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...


class SystemClock:
    """The real time, and asyncio's sleep."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """Time that moves only when a test calls `advance`; `sleep` waits until then.

    `advance(seconds)` moves time forward in steps, to each sleeper's deadline in turn, waking
    it and letting the event loop run what it woke before moving on, so a loop that sleeps
    repeatedly sees every intermediate time, as it would in real time.
    """

    def __init__(self, start: datetime | None = None, *, monotonic: float = 1000.0) -> None:
        self._now = start or datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
        self._monotonic = monotonic
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._monotonic + seconds, next(self._order), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting for time to move."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    def _move_to(self, monotonic: float) -> None:
        step = monotonic - self._monotonic
        if step > 0:
            self._monotonic = monotonic
            self._now += timedelta(seconds=step)

    async def advance(self, seconds: float) -> None:
        """Move time `seconds` forward, waking every sleep that falls due on the way."""
        if seconds < 0:
            raise ValueError("a clock never goes backwards")
        target = self._monotonic + seconds
        await self.run_until_idle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self._move_to(deadline)
            if not future.done():  # a cancelled sleep is simply dropped
                future.set_result(None)
            await self.run_until_idle()
        self._move_to(target)
        await self.run_until_idle()

    @staticmethod
    async def run_until_idle(rounds: int = 20) -> None:
        """Let the event loop run the tasks that are ready (callbacks chained a few deep)."""
        for _ in range(rounds):
            await asyncio.sleep(0)


async def wait_for_event(clock: Clock, event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` of `clock` time pass; True if it was set.

    asyncio.wait_for would time out on the event loop's real time, which a ManualClock
    does not move.
    """
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({waiter, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiter, timer):
            task.cancel()
        # asyncio.wait, not `await task` under suppress(CancelledError): a cancel of this task
        # arriving while its helpers stop must propagate, not be taken for theirs and dropped
        # (a swallowed cancel made a stopping bot's loop sleep out its interval).
        await asyncio.wait({waiter, timer})
    return event.is_set()
