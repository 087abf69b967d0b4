"""Timestamp-based snowflake generation, shaped like Discord's."""

from __future__ import annotations

from collections.abc import Callable

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Generates unique, monotonically increasing snowflakes.

    Layout follows Discord: 42 bits of milliseconds since the Discord epoch,
    5 bits worker, 5 bits process, 12 bits increment.
    """

    def __init__(self, clock: Callable[[], float], *, worker: int = 1, process: int = 0) -> None:
        self._clock = clock
        self._worker = worker & 0x1F
        self._process = process & 0x1F
        self._last = 0

    def __call__(self) -> int:
        ms = int(self._clock() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (self._worker << 17) | (self._process << 12)
        # Guarantee uniqueness and ordering even within one millisecond or if
        # the injected clock is moved backwards.
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate


def snowflake_time(snowflake: int) -> float:
    """UNIX seconds encoded in ``snowflake``."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000
