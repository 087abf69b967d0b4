"""Telling systemd how the bot is doing (sd_notify(3)), for a unit with Type=notify and WatchdogSec
(deploy/heroes-bot.service): READY=1 once connected, a STATUS= line for `systemctl status`,
WATCHDOG=1 pings from the event loop, and STOPPING=1 when a clean stop begins.

Outside systemd (NOTIFY_SOCKET unset: a terminal, Docker, the tests) every call does nothing.

Written by hand rather than taken from PyPI: the protocol is one datagram on an AF_UNIX socket.
systemd-python (235, 2023) and cysystemd compile against libsystemd's headers, which a plain
`pip install` or a slim image does not have; sdnotify (0.3.2, unreleased since 2017) is pure
Python but swallows every error, and neither reads WATCHDOG_USEC/WATCHDOG_PID for us. The
protocol is the two functions below, less than a dependency costs to lock, hash and audit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

from bot.clock import Clock

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)


def notify_address(environ: Mapping[str, str]) -> str | None:
    """Where systemd listens: a socket file, or '@name' for the abstract namespace (a leading
    NUL byte on Linux). None when not run by systemd, or for addresses this does not speak
    (vsock:, from systemd 253 for VMs)."""
    address = environ.get("NOTIFY_SOCKET", "")
    if address.startswith("@"):
        return "\0" + address[1:]
    return address if address.startswith("/") else None


def notify(*lines: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Send one message ("READY=1", "STATUS=...") to systemd; True if it was sent. A failure is
    logged, never raised: the bot keeps running without its service manager's attention."""
    address = notify_address(environ)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto("\n".join(lines).encode(), address)
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", lines[0], exc)
        return False
    return True


def watchdog_timeout(
    environ: Mapping[str, str] = os.environ, pid: int | None = None
) -> float | None:
    """sd_watchdog_enabled(3): the watchdog timeout in seconds if systemd expects pings from
    this process (WATCHDOG_USEC set, WATCHDOG_PID unset or ours), else None."""
    pid = os.getpid() if pid is None else pid
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
        owner = int(environ.get("WATCHDOG_PID") or pid)
    except ValueError:
        return None
    if usec <= 0 or owner != pid:
        return None
    return usec / 1_000_000


class ServiceNotifier:
    """What run_bot tells systemd, on the bot's clock. Pings every half watchdog timeout from
    an asyncio task: a hung event loop stops them and systemd restarts the bot. Until the bot
    is first ready each ping also extends systemd's start timeout (EXTEND_TIMEOUT_USEC), so a
    bot patiently waiting out a Discord outage is not killed as a failed start."""

    def __init__(
        self,
        clock: Clock,
        environ: Mapping[str, str] = os.environ,
        *,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.clock = clock
        self.environ = environ
        self.timeout = watchdog_timeout(environ) if notify_address(environ) else None
        self.ready = False
        # Set once a stop began: from then on the pings no longer extend the start timeout, or
        # a stop before the first READY would stretch systemd's stop timeout for ever.
        self.stopping = stopping or asyncio.Event()

    def send(self, *lines: str) -> bool:
        return notify(*lines, environ=self.environ)

    def watch(self, bot: HeroesBot) -> None:
        """READY=1 the first time `bot` is ready, and a STATUS line at every (re)connection."""

        async def on_ready() -> None:
            first = () if self.ready else ("READY=1",)
            self.send(*first, f"STATUS=connected, {len(bot.guilds)} servers")
            self.ready = True

        bot.add_listener(on_ready, "on_ready")

    async def _ping(self, period: float) -> None:
        while True:
            starting = not self.ready and not self.stopping.is_set()
            extend = (f"EXTEND_TIMEOUT_USEC={int(period * 1_000_000)}",) if starting else ()
            self.send("WATCHDOG=1", *extend)
            await self.clock.sleep(period / 2)

    @contextlib.asynccontextmanager
    async def watchdog(self) -> AsyncIterator[None]:
        """Ping systemd's watchdog while the block runs (nothing when it is not enabled)."""
        if self.timeout is None:
            yield
            return
        task = asyncio.create_task(self._ping(self.timeout), name="systemd-watchdog")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
