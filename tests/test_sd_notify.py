"""The sd_notify protocol (bot/sd_notify.py) against a fake notify socket: a real AF_UNIX datagram
socket bound by the test where systemd's would be, by path or in the abstract namespace."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import ManualClock, SystemClock
from bot.sd_notify import ServiceNotifier, notify, watchdog_timeout
from bot.shutdown import StopRequest
from tests.e2e.harness import world


class FakeNotifySocket:
    """What systemd listens on: every datagram received, as text."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.setblocking(False)

    def received(self) -> list[str]:
        messages = []
        while True:
            try:
                messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return messages

    async def next(self, timeout: float = 10.0) -> str:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if messages := self.received():
                return messages[0]
            await asyncio.sleep(0.01)
        raise AssertionError("nothing was sent to the notify socket")


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotifySocket]:
    path = tmp_path / "notify"
    fake = FakeNotifySocket(str(path))
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield fake
    fake.sock.close()


def test_nothing_is_sent_without_notify_socket(
    notify_socket: FakeNotifySocket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET")
    monkeypatch.setenv("WATCHDOG_USEC", "60000000")
    assert notify("READY=1") is False
    assert ServiceNotifier(ManualClock()).timeout is None  # no watchdog task either
    assert notify_socket.received() == []


def test_a_message_reaches_a_socket_file(notify_socket: FakeNotifySocket) -> None:
    assert notify("READY=1", "STATUS=connected, 3 servers") is True
    assert notify_socket.received() == ["READY=1\nSTATUS=connected, 3 servers"]


def test_an_at_sign_names_the_abstract_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"heroes-bot-test-{os.getpid()}-{time.monotonic_ns()}"
    fake = FakeNotifySocket("\0" + name)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    try:
        assert notify("READY=1") is True
        assert fake.received() == ["READY=1"]
    finally:
        fake.sock.close()


def test_a_missing_socket_is_logged_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert notify("WATCHDOG=1") is False
    assert "could not notify systemd (WATCHDOG=1)" in caplog.text


def test_the_watchdog_follows_sd_watchdog_enabled_rules() -> None:
    pid = os.getpid()
    assert watchdog_timeout({"WATCHDOG_USEC": "60000000"}, pid) == 60.0
    assert watchdog_timeout({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": str(pid)}, pid) == 60.0
    assert watchdog_timeout({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}, pid) is None
    assert watchdog_timeout({"WATCHDOG_USEC": "soon"}, pid) is None
    assert watchdog_timeout({"WATCHDOG_USEC": "0"}, pid) is None
    assert watchdog_timeout({}, pid) is None


async def test_ready_once_the_real_bot_is_connected(
    tmp_path: Path, notify_socket: FakeNotifySocket
) -> None:
    async with world(tmp_path / "heroes.db"):
        assert await notify_socket.next() == "READY=1\nSTATUS=connected, 1 servers"


async def test_watchdog_pings_every_half_timeout_and_stops_with_the_block(
    notify_socket: FakeNotifySocket,
) -> None:
    clock = ManualClock()
    environ = {"NOTIFY_SOCKET": os.environ["NOTIFY_SOCKET"], "WATCHDOG_USEC": "60000000"}
    systemd = ServiceNotifier(clock, environ)
    async with systemd.watchdog():
        await clock.run_until_idle()
        # Not ready yet: each ping also extends systemd's start timeout by one watchdog period.
        assert notify_socket.received() == ["WATCHDOG=1\nEXTEND_TIMEOUT_USEC=60000000"]
        systemd.ready = True
        await clock.advance(29.9)
        assert notify_socket.received() == []
        await clock.advance(0.1)
        assert notify_socket.received() == ["WATCHDOG=1"]
        await clock.advance(30)
        assert notify_socket.received() == ["WATCHDOG=1"]
    await clock.advance(120)
    assert notify_socket.received() == []
    assert clock.sleepers == 0


async def test_a_stop_before_ready_no_longer_extends_the_timeout(
    notify_socket: FakeNotifySocket,
) -> None:
    # Extending would stretch systemd's stop timeout as long as the loop lives.
    clock = ManualClock()
    environ = {"NOTIFY_SOCKET": os.environ["NOTIFY_SOCKET"], "WATCHDOG_USEC": "60000000"}
    stopping = asyncio.Event()
    systemd = ServiceNotifier(clock, environ, stopping=stopping)
    async with systemd.watchdog():
        await clock.run_until_idle()
        assert notify_socket.received() == ["WATCHDOG=1\nEXTEND_TIMEOUT_USEC=60000000"]
        stopping.set()
        await clock.advance(30)
        assert notify_socket.received() == ["WATCHDOG=1"]


async def test_a_blocked_event_loop_stops_the_watchdog_pings(
    notify_socket: FakeNotifySocket,
) -> None:
    """The pings come from the event loop itself, not a thread: while the loop is blocked (a
    hang), none is sent, and systemd's watchdog fires."""
    arrivals: list[float] = []
    done = threading.Event()

    def listen() -> None:
        notify_socket.sock.settimeout(0.05)
        while not done.is_set():
            try:
                notify_socket.sock.recv(4096)
            except TimeoutError:
                continue
            arrivals.append(time.monotonic())

    listener = threading.Thread(target=listen)
    listener.start()
    environ = {"NOTIFY_SOCKET": os.environ["NOTIFY_SOCKET"], "WATCHDOG_USEC": "100000"}
    try:
        async with ServiceNotifier(SystemClock(), environ).watchdog():
            await asyncio.sleep(0.3)
            blocked_at = time.monotonic()
            time.sleep(0.5)  # noqa: ASYNC251 (the hang under test)
            unblocked_at = time.monotonic()
            await asyncio.sleep(0.2)
    finally:
        done.set()
        listener.join()
    during = [t for t in arrivals if blocked_at + 0.02 < t < unblocked_at]
    assert during == []
    assert len([t for t in arrivals if t < blocked_at]) >= 4  # every 0.05 s before
    assert len([t for t in arrivals if t > unblocked_at]) >= 2  # and again after


async def test_sigterm_tells_systemd_a_stop_began(notify_socket: FakeNotifySocket) -> None:
    stop = StopRequest()
    with stop.on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(stop.event.wait(), 5)
    assert notify_socket.received() == ["STOPPING=1\nSTATUS=stopping"]
