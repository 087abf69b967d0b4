"""aiohttp wiring: gateway and REST on one 127.0.0.1 port."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

_log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    """Owns the aiohttp runner; ``port`` is the real port once started."""

    def __init__(
        self, *, gateway: Handler, rest: Handler, fallback: Handler, host: str, port: int
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            # The emulator must never be reachable from outside this machine.
            raise ValueError("the Discord emulator binds to 127.0.0.1 only")
        self.host = "127.0.0.1"
        self._requested_port = port
        self.port: int | None = None
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", gateway)
        app.router.add_get("/resume", gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", rest)
        app.router.add_route("*", "/{tail:.*}", fallback)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )

    async def start(self) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        for addr in self._runner.addresses:
            self.port = int(addr[1])
            break
        if self.port is None:
            raise RuntimeError("the emulator's HTTP server did not report the port it listens on")
        _log.info("Discord emulator listening on http://%s:%s", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        await self._runner.cleanup()
