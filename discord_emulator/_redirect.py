"""Point an unmodified discord.py at the emulator.

discord.py builds every REST URL from ``discord.http.Route.BASE`` — including
the interaction callback and webhook (followup / original response) routes in
``discord/webhook/async_.py``, which import the same ``Route`` class — and
opens the gateway at ``DiscordWebSocket.DEFAULT_GATEWAY`` (later reconnects
use READY's ``resume_gateway_url``, which the emulator points at itself).
So two class attributes suffice; ``Webhook.url`` still shows discord.com but
is never requested.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def redirect_discord_py(port: int) -> Iterator[None]:
    """Temporarily send discord.py's REST and gateway traffic to ``127.0.0.1:port``."""
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/")
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def skip_identify_wait(client: Any) -> None:
    """Make a discord.py client IDENTIFY at once, every time.

    discord.py sleeps 5 s before every re-IDENTIFY and between shards (Discord's identify
    rate limit, in ``Client.before_identify_hook``); the emulator has no such limit, so a test
    of a reconnect or of several shards need not wait. Call it before the client connects.
    """

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_wait
