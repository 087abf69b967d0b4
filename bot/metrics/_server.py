"""GET /metrics on the bot's own event loop (aiohttp, which discord.py already depends on).

prometheus_client's own server (`start_http_server`) would run in a thread of its own: the
gauges read at scrape time (the bot's latency, its shards) would then be read from another
thread while the event loop changes them, and the pending count, an async store query, could
not be read at all. Serving on the loop keeps every read on it and needs no thread to stop.
"""

from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.config import ConfigError


def address_text(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class MetricsServer:
    def __init__(self, render: Callable[[], Awaitable[tuple[bytes, str]]]) -> None:
        self._render = render
        self._runner: web.AppRunner | None = None

    async def _metrics(self, _: web.Request) -> web.Response:
        body, content_type = await self._render()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def start(self, host: str, port: int) -> None:
        """Listen on exactly `host` (127.0.0.1 unless METRICS_ADDR names another)."""
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            # A ConfigError, not an OSError: run_bot waits out OSErrors as Discord being away.
            raise ConfigError(_bind_problem(host, port, exc)) from exc
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    where = address_text(host, port)
    if exc.errno == errno.EADDRINUSE:
        return (
            f"METRICS_ADDR {where} is already in use (another program, or another bot "
            "process): give each process its own port, or leave METRICS_ADDR empty."
        )
    return f"METRICS_ADDR {where} can't be used: {exc.strerror or exc}."
