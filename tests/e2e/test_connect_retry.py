"""Discord unreachable at start: one line per attempt, a backoff, no traceback, a clean stop.

The real start-up path (bot.runner.run_bot, as main() runs it) against a closed port and against
the emulator answering 503 to the login call; the backoff's jitter and the clock it sleeps on
are injected.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.client import HeroesBot
from bot.clock import SystemClock
from bot.config import Config, Secret
from bot.runner import run_bot
from discord_emulator import Emulator, redirect_discord_py


class SleepRecorder(SystemClock):
    """The real time, with the waits made while no bot is connected (the backoff's) handed to
    the test; a connected bot's own loops wait as usual."""

    def __init__(
        self, sleep: Callable[[float], Awaitable[None]], bots: list[HeroesBot] | None = None
    ) -> None:
        self._sleep = sleep
        # The caller's own list (often empty yet): `bots or []` would swap an empty one for a
        # new list the test never fills, and every wait would be taken for a backoff.
        self._bots = [] if bots is None else bots
        self._connected = False

    async def sleep(self, seconds: float) -> None:
        # Once a bot was ready, the backoff is over: later waits are the bot's own loops (the
        # quote-of-the-day scheduler's may start while the test closes the bot, no longer ready).
        self._connected = self._connected or any(bot.is_ready() for bot in self._bots)
        # The backoff waits between attempts, after a login that failed; once the last
        # attempt's login succeeded (discord.py keeps the token only then), every wait is its
        # cogs' loops' own, before ready or after the test closed it.
        logged_in = bool(self._bots) and self._bots[-1].http.token is not None
        if self._connected or logged_in:
            await super().sleep(seconds)
        else:
            await self._sleep(seconds)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    gc.collect()  # an unclosed HTTP session would be reported (at ERROR) when collected
    assert [
        r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ] == []


async def test_discord_unreachable_at_start_logs_one_line_per_attempt_and_ctrl_c_ends_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = _closed_port()
    settings = Config(token=Secret("unreachable.token.x"), database_path=tmp_path / "heroes.db")
    delays: list[float] = []
    waiting = asyncio.Event()

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 3:
            waiting.set()
            await asyncio.Event().wait()  # Ctrl-C comes during this wait

    caplog.set_level(logging.INFO)
    with redirect_discord_py(port):
        task = asyncio.create_task(
            run_bot(settings, clock=SleepRecorder(sleep), jitter=lambda: 0.0)
        )
        await asyncio.wait_for(waiting.wait(), 20)
        task.cancel()  # what asyncio.run does with the main task on Ctrl-C
        with pytest.raises(asyncio.CancelledError):
            await task

    assert delays == [1.0, 2.0, 4.0]  # doubling (capped at a minute), jitter on top
    lines = _warnings(caplog)
    assert len(lines) == 3, lines
    for line, seconds in zip(lines, (1, 2, 4), strict=True):
        assert line.startswith(f"can't reach Discord: Cannot connect to host 127.0.0.1:{port}")
        assert line.endswith(f", retrying in {seconds} s")
    _assert_no_traceback(caplog)


async def test_discord_5xx_at_login_is_retried_until_the_bot_is_ready(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    caplog.set_level(logging.INFO)
    async with Emulator(heartbeat_interval=5.0) as emu:
        emu.add_guild("Heroes HQ")
        emu.rest.inject_fault("GET /users/@me", status=503, times=3)
        settings = Config(
            token=Secret(emu.token), database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05
        )
        bots: list[HeroesBot] = []
        with redirect_discord_py(emu.port):
            task = asyncio.create_task(
                run_bot(
                    settings,
                    on_bot=bots.append,
                    clock=SleepRecorder(sleep, bots),
                    jitter=lambda: 0.5,
                )
            )
            try:
                await emu.wait_until(
                    lambda: (bool(bots) and bots[-1].is_ready()) or task.done(),
                    timeout=20,
                    what="the bot ready after Discord recovered",
                )
                assert not task.done()
            finally:
                if bots:
                    await bots[-1].close()
                await asyncio.wait_for(task, 10)
        logins = [r.status for r in emu.requests if r.path == "/users/@me"]
        assert logins == [503, 503, 503, 200]
        assert emu.violations == []

    assert len(bots) == 4  # a fresh client per attempt; the last one connected
    assert delays == [1.5, 3.0, 6.0]
    assert _warnings(caplog) == [
        f"can't reach Discord: Discord answered 503 Service Unavailable, retrying in {n} s"
        for n in (2, 3, 6)
    ]
    _assert_no_traceback(caplog)
