"""One bot's metrics: its own registry, what it counts as it runs, and the /metrics server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import discord
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from bot.log_context import ERROR, InteractionScope

from ._live import LiveGauges
from ._server import MetricsServer

if TYPE_CHECKING:
    from bot.client import HeroesBot

# Around Discord's limit: an interaction not answered within 3 s has failed for the member.
ACK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0)
# From an indexed read (well under a millisecond) to a write waiting out another process.
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class BotMetrics:
    """Counted in this process only; a registry per bot (tests run several in one process)."""

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "heroes_interactions",
            "Interactions answered, by command (or component kind) and outcome.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "heroes_interaction_ack_seconds",
            "From the bot receiving an interaction to sending its first answer (defer or reply).",
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = {
            state: Counter(
                f"heroes_deliveries_{state}",
                f"Sequel news deliveries this process settled as {state}.",
                registry=self.registry,
            )
            for state in ("sent", "failed")
        }
        self.store_query_seconds = Histogram(
            "heroes_store_query_seconds",
            "Store queries: reads, and write transactions from asking to commit.",
            ["operation"],
            buckets=QUERY_BUCKETS,
            registry=self.registry,
        )
        # Passed to discord.py as `http_trace` when the bot was built (METRICS_ADDR is set).
        if bot.ack_trace is not None:
            bot.ack_trace.report_to(bot.clock, self.ack_seconds.observe)
        self.live = LiveGauges(bot)
        self.registry.register(self.live)
        self.server = MetricsServer(self.render)

    def watch(self, interaction: discord.Interaction, scope: InteractionScope) -> None:
        """Called as the bot starts answering `interaction` (bot/log_context.py): time its
        first answer, and count its outcome once the task answering it ends."""
        task = asyncio.current_task()
        if not scope.counted or task is None:
            return
        # Receipt on the bot's clock, not the interaction's snowflake time: that is Discord's
        # clock, and a host clock a second off would swamp a 3-second budget.
        if self.bot.ack_trace is not None:
            self.bot.ack_trace.received(interaction.id)

        def count(done: asyncio.Task[Any]) -> None:
            outcome = ERROR if done.cancelled() else scope.outcome
            self.interactions.labels(scope.command, outcome).inc()

        task.add_done_callback(count)

    def delivery_settled(self, state: str) -> None:
        counter = self.deliveries.get(state)
        if counter is not None:
            counter.inc()

    def query_timed(self, operation: str, seconds: float) -> None:
        self.store_query_seconds.labels(operation).observe(seconds)

    async def render(self) -> tuple[bytes, str]:
        await self.live.refresh()
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    async def start(self, host: str, port: int) -> None:
        await self.server.start(host, port)
        self.bot.store.database.add_query_observer(self.query_timed)
        self.bot.store.tracker.add_settle_listener(self.delivery_settled)

    async def stop(self) -> None:
        await self.server.stop()
        self.bot.store.database.remove_query_observer(self.query_timed)
        self.bot.store.tracker.remove_settle_listener(self.delivery_settled)


async def start_metrics(bot: HeroesBot, address: tuple[str, int]) -> BotMetrics:
    """Serve `bot`'s metrics on `address` (METRICS_ADDR) until `stop()`."""
    metrics = BotMetrics(bot)
    await metrics.start(*address)
    return metrics
