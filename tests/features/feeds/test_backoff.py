"""When a feed is polled next: its interval while healthy, jittered exponential backoff after."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from cogs.feeds._backoff import MAX_FAILURES, MAX_RETRY_S, next_poll, retry_ceiling_s

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def always(value: float) -> Callable[[], float]:
    return lambda: value


def delay_s(failures: int, draw: float, interval_s: int = 900) -> float:
    return (
        next_poll(NOW, interval_s=interval_s, failures=failures, random=always(draw)) - NOW
    ).total_seconds()


def test_a_healthy_feed_waits_its_interval_without_jitter() -> None:
    assert delay_s(0, 0.99) == 900
    assert delay_s(0, 0.0, interval_s=3600) == 3600


@pytest.mark.parametrize(
    ("failures", "ceiling"), [(1, 60), (2, 120), (3, 240), (4, 480), (9, 15360), (10, 21600)]
)
def test_the_ceiling_doubles_from_a_minute_up_to_six_hours(failures: int, ceiling: int) -> None:
    assert retry_ceiling_s(failures) == ceiling
    # Full jitter: anywhere from (almost) nothing up to the ceiling.
    assert delay_s(failures, 0.5) == ceiling / 2
    assert delay_s(failures, 0.999999) == pytest.approx(ceiling, rel=1e-5)


def test_the_ceiling_stays_capped_however_long_a_feed_fails() -> None:
    assert retry_ceiling_s(10_000) == MAX_RETRY_S == 6 * 60 * 60


def test_an_unlucky_zero_draw_still_waits_a_second() -> None:
    assert delay_s(3, 0.0) == 1


def test_jitter_spreads_feeds_that_failed_together() -> None:
    draws = random.Random(17)
    moments = {
        next_poll(NOW, interval_s=900, failures=4, random=draws.random) for _unused in range(50)
    }
    assert len(moments) == 50
    assert all(NOW < moment <= NOW + timedelta(seconds=480) for moment in moments)


def test_a_feed_is_disabled_after_eight_failures_by_default() -> None:
    assert MAX_FAILURES == 8
