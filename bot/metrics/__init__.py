"""Prometheus metrics, on METRICS_ADDR (off by default): imported only when they are on.

- `heroes_interactions_total{command, outcome}`: commands, buttons, selects and modals answered,
  by outcome (ok, refused, error, restarting; bot/log_context.py);
- `heroes_interaction_ack_seconds`: from receiving an interaction to sending its first answer
  (seen through discord.py's public `http_trace`: bot/metrics/_ack.py);
- `heroes_gateway_latency_seconds{shard}`, `heroes_shards_connected`;
- `heroes_deliveries_pending` (from the store, read at most every 5 s),
  `heroes_deliveries_sent_total`, `heroes_deliveries_failed_total` (settled by this process);
- `heroes_store_query_seconds{operation}`: reads and write transactions.
"""

from ._ack import AckTrace
from ._bot_metrics import ACK_BUCKETS, BotMetrics, start_metrics

__all__ = ["ACK_BUCKETS", "AckTrace", "BotMetrics", "start_metrics"]
