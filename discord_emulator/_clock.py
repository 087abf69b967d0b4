"""Injectable clocks.

Interaction deadlines (3 s for the initial response, 15 min for the token) are
checked against an injectable clock so tests can simulate expiry without
sleeping. Rate limiting deliberately does *not* use it: the client really
sleeps for ``retry_after``, so those windows must be measured in real time.

The emulator itself only calls ``clock()`` (UNIX seconds). ``SystemClock`` and
``FakeClock`` also offer ``now()`` (aware UTC datetime), ``monotonic()`` and
``async sleep(seconds)``, so one object can drive both the emulator and a bot
whose own clock has that shape: a test that advances the fake clock moves both.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the emulator needs: anything returning the current UNIX time in seconds."""

    def __call__(self) -> float: ...


class SystemClock:
    """Wall-clock time."""

    def __call__(self) -> float:
        return time.time()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """Wall-clock time plus a manually advanced offset.

    Anchoring on real time keeps snowflakes and timestamps plausible while
    ``advance`` lets a test jump past a deadline instantly. ``sleep`` ends when
    this clock reaches its deadline: by real time passing, or at once when the
    test advances past it (it never moves the clock itself, so a loop sleeping
    on it cannot race time forward).
    """

    def __init__(self) -> None:
        self.offset: float = 0.0
        self._sleepers: set[asyncio.Future[None]] = set()

    def __call__(self) -> float:
        return time.time() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self(), UTC)

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    async def sleep(self, seconds: float) -> None:
        deadline = self() + seconds
        while (left := deadline - self()) > 0:
            advanced = asyncio.get_running_loop().create_future()
            self._sleepers.add(advanced)
            try:
                await asyncio.wait({advanced}, timeout=left)
            finally:
                self._sleepers.discard(advanced)
                advanced.cancel()
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        for sleeper in self._sleepers:
            if not sleeper.done():
                sleeper.set_result(None)
