"""The issue's "done when": a bot started as a service survives a `kill -TERM` mid-broadcast with
nothing lost. The bot runs as deploy/heroes-bot.service runs it: `heroes-bot run` with the unit's
Environment= lines (its state folder moved under tmp_path), the unit's UMask, NOTIFY_SOCKET and
WATCHDOG_USEC as systemd sets them, and W+X memory refused (MemoryDenyWriteExecute). The test
plays systemd: it waits for READY=1, sends SIGTERM mid-broadcast, expects STOPPING=1 and exit 0
within TimeoutStopSec, starts the bot again (as the next start would), and counts the posts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bench.live import ROOT
from discord_emulator import Emulator
from tests.e2e.broadcast import (
    assert_one_post_each,
    followers_with_one_update,
    wait_for_every_post,
)

UNIT = ROOT / "deploy" / "heroes-bot.service"
STATE = "/var/lib/heroes-bot"  # the unit's StateDirectory
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.emulated-service-token-0123456789abcdef"
STOP_AT = 31  # SIGTERM as Discord creates the 31st post, before the answer reaches the bot


def unit_setting(name: str) -> list[str]:
    prefix = f"{name}="
    lines = UNIT.read_text().splitlines()
    return [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]


def service_environment(state: Path, notify_socket: Path) -> dict[str, str]:
    """What systemd gives the bot: a clean environment, the unit's Environment= lines, and
    (standing in for /etc/heroes-bot/env) the token and the emulator's quick guild wait."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HEROES_ENV_FILE": os.devnull}
    for assignment in unit_setting("Environment"):
        key, _, value = assignment.partition("=")
        env[key] = value.replace(STATE, str(state))
    timeout_usec = int(unit_setting("WatchdogSec")[0]) * 1_000_000
    env |= {"NOTIFY_SOCKET": str(notify_socket), "WATCHDOG_USEC": str(timeout_usec)}
    env |= {"DISCORD_TOKEN": TOKEN, "GUILD_READY_TIMEOUT": "0.05", "LOG_LEVEL": "INFO"}
    return env


class NotifySocket:
    """Systemd's end of sd_notify: every datagram the bot sent, in order."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setblocking(False)
        self.messages: list[str] = []
        self.arrived = asyncio.Event()

    async def listen(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.messages.append((await loop.sock_recv(self.sock, 4096)).decode())
            self.arrived.set()

    async def wait_for(self, line: str, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not any(line in message.splitlines() for message in self.messages):
                self.arrived.clear()
                await self.arrived.wait()


@contextlib.asynccontextmanager
async def notify_socket(path: Path) -> AsyncIterator[NotifySocket]:
    fake = NotifySocket(path)
    listening = asyncio.create_task(fake.listen())
    try:
        yield fake
    finally:
        listening.cancel()
        fake.sock.close()


async def start_service(
    emu: Emulator, env: dict[str, str], log: Path
) -> asyncio.subprocess.Process:
    with log.open("ab") as log_file:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.service_bot",
            str(emu.port),
            cwd=env["HEROES_HOME"],  # the unit's WorkingDirectory
            env=env,
            stdout=log_file,
            stderr=log_file,
            umask=int(unit_setting("UMask")[0], 8),
        )


def first(lines: list[str], wanted: Callable[[str], bool]) -> int:
    return next(i for i, message in enumerate(lines) if wanted(message))


async def test_a_service_survives_kill_term_mid_broadcast_with_nothing_lost(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)  # systemd creates the StateDirectory before starting the bot
    db = state / "heroes.db"
    log = tmp_path / "service.log"
    async with (
        Emulator(heartbeat_interval=5.0, token=TOKEN) as emu,
        notify_socket(tmp_path / "notify") as systemd,
    ):
        env = service_environment(state, tmp_path / "notify")
        assert env["DATABASE_PATH"] == str(db)
        channels = await followers_with_one_update(emu, db)
        service: list[asyncio.subprocess.Process] = []
        started = asyncio.Event()
        terminated_at: list[float] = []

        async def kill_term() -> None:
            await started.wait()  # (the broadcast may begin before READY=1 is read)
            os.kill(service[0].pid, signal.SIGTERM)  # what `systemctl stop` sends
            terminated_at.append(time.monotonic())
            await systemd.wait_for("STOPPING=1", timeout=5)  # while this post is held

        emu.rest.inject_fault(
            "POST /channels/{channel_id}/messages",
            skip=STOP_AT - 1,
            status=500,  # discord.py retries it with the same nonce; Discord returns the post
            after_effect=True,
            action=kill_term,
        )
        service.append(await start_service(emu, env, log))
        await systemd.wait_for("READY=1")
        started.set()
        timeout_stop = float(unit_setting("TimeoutStopSec")[0])
        assert await asyncio.wait_for(service[0].wait(), timeout_stop + 10) == 0
        assert time.monotonic() - terminated_at[0] < timeout_stop
        sent = systemd.messages
        assert first(sent, lambda m: "READY=1" in m) < first(sent, lambda m: "STOPPING=1" in m)
        assert sent[0] == "WATCHDOG=1\nEXTEND_TIMEOUT_USEC=60000000"  # pinging from the start
        assert any(m.startswith("READY=1\nSTATUS=connected, ") for m in sent)

        systemd.messages.clear()
        again = await start_service(emu, env, log)  # the next start
        try:
            await systemd.wait_for("READY=1")
            await wait_for_every_post(emu, db, channels)
        finally:
            again.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(again.wait(), timeout_stop) == 0
        assert_one_post_each(emu, db, channels)

    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    assert text.count("stopped") >= 2
    if tuple(int(n) for n in platform.release().split(".")[:2]) >= (6, 3):
        assert text.count("write+execute memory: denied") == 2
