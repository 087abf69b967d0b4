"""When a feed is polled next: its own interval while it answers, backoff while it fails.

A failing feed is retried after an exponentially growing delay (60 s, 2 min, 4 min, ...,
capped at 6 h) with full jitter: a random delay between 1 s and that ceiling, so feeds that
failed together (one outlet down, the bot's network down) do not all come back at the same
second. After MAX_FAILURES failures in a row the watcher disables the feed (the config's
FEEDS_MAX_FAILURES can change the number).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

MAX_FAILURES = 8
FIRST_RETRY_S = 60
MAX_RETRY_S = 6 * 60 * 60
# The smallest retry delay: even an unlucky draw of 0.0 does not retry in a tight loop.
MIN_RETRY_S = 1


def retry_ceiling_s(failures: int) -> int:
    """The longest delay before the next try after `failures` failures in a row (1 or more)."""
    # The exponent is bounded first: 2 ** failures would be a huge integer for a feed that
    # has failed for months.
    doublings = min(max(failures, 1) - 1, 20)
    return min(FIRST_RETRY_S * 2**doublings, MAX_RETRY_S)


def next_poll(
    now: datetime, *, interval_s: int, failures: int, random: Callable[[], float]
) -> datetime:
    """When to poll a feed next. `random` returns a float in [0, 1) (random.random, or a fixed
    value in tests)."""
    if failures <= 0:
        return now + timedelta(seconds=interval_s)
    delay = max(MIN_RETRY_S, random() * retry_ceiling_s(failures))
    return now + timedelta(seconds=delay)
