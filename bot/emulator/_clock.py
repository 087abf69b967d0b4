"""Injectable clocks.

Interaction deadlines (3 s for the initial response, 15 min for the token) are
checked against an injectable clock so tests can simulate expiry without
sleeping. Rate limiting deliberately does *not* use it: the client really
sleeps for ``retry_after``, so those windows must be measured in real time.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything returning the current UNIX time in seconds."""

    def __call__(self) -> float: ...


class SystemClock:
    """Wall-clock time."""

    def __call__(self) -> float:
        return time.time()


class FakeClock:
    """Wall-clock time plus a manually advanced offset.

    Anchoring on real time keeps snowflakes and timestamps plausible while
    ``advance`` lets a test jump past a deadline instantly.
    """

    def __init__(self) -> None:
        self.offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
