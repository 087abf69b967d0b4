"""When an interaction is first answered, seen on the wire through discord.py's public option.

discord.py records no time for an answer, but every answer method (defer, send_message,
edit_message, send_modal, ...) is one request, `POST .../interactions/{id}/{token}/callback`,
sent through the bot's HTTP session. `HeroesBot` passes an `AckTrace` as `http_trace` ("the trace
configuration to use for tracking HTTP requests the library does using aiohttp") when METRICS_ADDR
is set, so no discord.py object is touched.

The ack time runs from the bot receiving the interaction (`received`, where it is admitted:
bot/log_context.py) to the moment the callback request is sent: Discord's 3-second limit runs
until it receives the answer, and the request's start is the closest the bot sees to that.
It is recorded once Discord accepted the answer (a 2xx): a refused or failed request leaves the
interaction waiting for the answer a handler may still send.

Receipt times are kept by interaction id only, never with the URL's token (the token answers as
the bot for 15 minutes). They are dropped once answered, and a waiting one is dropped once older
than an interaction token lives, so the book cannot grow with interactions never answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp

from bot.clock import Clock

# An interaction token lives 15 minutes: after that no answer can be sent for it.
ANSWERABLE_FOR = 15 * 60.0
# Interactions left unanswered within ANSWERABLE_FOR beyond this many: the oldest are forgotten
# (their timing, already far past 3 s, is lost; memory stays bounded under any load).
MAX_WAITING = 20_000


def answered_interaction_id(method: str, url_path: str) -> int | None:
    """The interaction id of an answer request (`POST /api/v10/interactions/{id}/{token}/callback`),
    else None. Only the id is read: the token is never kept."""
    if method != "POST":
        return None
    parts = url_path.rstrip("/").split("/")
    if len(parts) < 4 or parts[-1] != "callback" or parts[-4] != "interactions":
        return None
    return int(parts[-3]) if parts[-3].isdigit() else None


class AckTrace(aiohttp.TraceConfig):
    """Times each received interaction's first accepted answer, once `report_to` was called."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: OrderedDict[int, float] = OrderedDict()  # interaction id -> received at
        self.clock: Clock | None = None
        self.observe: Callable[[float], None] | None = None
        self.on_request_start.append(self.request_started)
        self.on_request_end.append(self.request_ended)

    def report_to(self, clock: Clock, observe: Callable[[float], None]) -> None:
        """Receipts and answers are read on `clock`; each ack time goes to `observe`."""
        self.clock = clock
        self.observe = observe

    def received(self, interaction_id: int) -> None:
        """The bot has just received this interaction (called before anything answers it)."""
        if self.clock is None:
            return
        now = self.clock.monotonic()
        self.forget_stale(now)
        self.waiting.setdefault(interaction_id, now)

    def forget_stale(self, now: float) -> None:
        while self.waiting:
            oldest, received_at = next(iter(self.waiting.items()))
            if now - received_at < ANSWERABLE_FOR and len(self.waiting) < MAX_WAITING:
                return
            del self.waiting[oldest]

    async def request_started(
        self,
        _: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        interaction_id = answered_interaction_id(params.method, params.url.path)
        if interaction_id is not None and interaction_id in self.waiting and self.clock is not None:
            context.answered_id = interaction_id  # one context per request (and per retry)
            context.sent_at = self.clock.monotonic()

    async def request_ended(
        self,
        _: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        interaction_id = getattr(context, "answered_id", None)
        if interaction_id is None or not 200 <= params.response.status < 300:
            return
        received_at = self.waiting.pop(interaction_id, None)
        if received_at is not None and self.observe is not None:
            self.observe(max(0.0, context.sent_at - received_at))
