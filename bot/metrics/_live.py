"""What is read at scrape time: the gateway's latency, connected shards, deliveries pending."""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.store import StoreError

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)

# The pending count is read from the store at most this often (bot clock seconds): scrapes from
# several Prometheus servers, or a short scrape interval, cost at most one query per period.
PENDING_FRESH_FOR = 5.0


def shard_latencies(bot: HeroesBot) -> list[tuple[int, float]]:
    """(shard id, heartbeat latency in seconds) for each shard this process runs."""
    latencies = getattr(bot, "latencies", None)  # AutoShardedBot: one per shard
    if latencies is None:
        latencies = [(bot.shard_id or 0, bot.latency)]
    return list(latencies)


def connected_shards(bot: HeroesBot) -> int:
    """Shards whose gateway connection is open and has measured a latency."""
    if bot.is_closed():
        return 0
    shards = getattr(bot, "shards", None)
    if shards is not None:
        return sum(
            1 for shard in shards.values() if not shard.is_closed() and math.isfinite(shard.latency)
        )
    return int(bot.ws is not None and math.isfinite(bot.latency))


class LiveGauges(Collector):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.pending: int | None = None
        self._pending_read_at = -math.inf

    async def refresh(self) -> None:
        """Read what comes from the store, unless read less than PENDING_FRESH_FOR ago."""
        now = self.bot.clock.monotonic()
        if now - self._pending_read_at < PENDING_FRESH_FOR:
            return
        self._pending_read_at = now
        try:
            self.pending = await self.bot.store.tracker.pending_count()
        except (StoreError, sqlite3.Error) as exc:  # out of reach: the gauge is left out
            log.debug("metrics: could not count pending deliveries: %s", exc)
            self.pending = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        latency = GaugeMetricFamily(
            "heroes_gateway_latency_seconds",
            "Time between a gateway heartbeat and its acknowledgement, per shard.",
            labels=["shard"],
        )
        for shard, seconds in shard_latencies(self.bot):
            if math.isfinite(seconds):  # not measured yet, or disconnected
                latency.add_metric([str(shard)], seconds)
        yield latency
        yield GaugeMetricFamily(
            "heroes_shards_connected",
            "Gateway shards of this process that are connected.",
            value=connected_shards(self.bot),
        )
        if self.pending is not None:
            yield GaugeMetricFamily(
                "heroes_deliveries_pending",
                "Sequel news deliveries waiting to be sent, to every server (from the store).",
                value=self.pending,
            )
