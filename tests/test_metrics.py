"""Prometheus metrics on METRICS_ADDR: off by default; when on, the real bot on the emulator
serves them on exactly the configured address, and counts what it does."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import discord
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.config import Config, ConfigError, load_config
from bot.metrics import AckTrace
from bot.metrics._ack import ANSWERABLE_FOR, MAX_WAITING, answered_interaction_id
from bot.store import NewUpdate, Store
from discord_emulator import Emulator
from tests.e2e.harness import running_bot, world
from tests.engines import both_engines

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _socket_inodes() -> set[str]:
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def listening() -> set[tuple[str, int]]:
    """(local address as /proc/net shows it, port) of every TCP socket this process listens on."""
    ours = _socket_inodes()
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == "0A" and fields[9] in ours:  # 0A: LISTEN
                    found.add((address, int(port, 16)))
    return found


LOOPBACK = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


async def scrape(port: int) -> dict[str, list[Sample]]:
    """GET /metrics, parsed as Prometheus parses it: samples by metric family."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = await response.text()
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def sample(families: dict[str, list[Sample]], name: str, **labels: str) -> float | None:
    for family in families.values():
        for found in family:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return None


def counted(bot: HeroesBot, command: str, outcome: str) -> float:
    metrics = bot.metrics
    assert metrics is not None
    labels = {"command": command, "outcome": outcome}
    return metrics.registry.get_sample_value("heroes_interactions_total", labels) or 0.0


def acks(bot: HeroesBot) -> float:
    """How many first answers the bot has timed."""
    metrics = bot.metrics
    assert metrics is not None
    return metrics.registry.get_sample_value("heroes_interaction_ack_seconds_count") or 0.0


def waiting(bot: HeroesBot) -> int:
    """Interactions received whose answer has not been timed yet."""
    assert bot.ack_trace is not None
    return len(bot.ack_trace.waiting)


@pytest.fixture
def port() -> Iterator[int]:
    yield free_port()


def test_prometheus_client_is_not_imported_without_metrics() -> None:
    code = (
        "import sys, bot.__main__, bot.runner, bot.client, importlib\n"
        "from bot.client import discover_extensions\n"
        "for name in discover_extensions(): importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('prometheus', 'bot.metrics'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


async def test_metrics_are_off_by_default_and_nothing_listens(tmp_path: Path) -> None:
    assert load_config({}).metrics_addr is None
    before = listening()
    async with world(tmp_path / "heroes.db") as w:
        assert w.bot.metrics is None
        assert w.bot.ack_trace is None  # discord.py's HTTP requests are not traced
        assert {port for _, port in listening() - before} == {w.emu.port}


async def test_a_port_alone_binds_to_127_0_0_1_only(tmp_path: Path, port: int) -> None:
    address = load_config({"METRICS_ADDR": str(port)}).metrics_addr
    assert address == ("127.0.0.1", port)
    async with world(tmp_path / "heroes.db", metrics_addr=address):
        assert {entry for entry in listening() if entry[1] == port} == {(LOOPBACK, port)}
    assert not any(entry[1] == port for entry in listening())  # stopped with the bot


async def test_commands_are_counted_by_outcome_with_their_ack_time(
    tmp_path: Path, port: int
) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        answered = await w.emu.slash("cast", user=w.fan)
        await answered.response()
        refused = await w.emu.slash("quote", {"search": ""}, user=w.fan, forged=True)
        assert (await refused.response()).ephemeral
        await w.emu.wait_until(
            lambda: counted(w.bot, "cast", "ok") and counted(w.bot, "quote", "refused"),
            what="both interactions counted",
        )
        families = await scrape(port)
    assert sample(families, "heroes_interactions_total", command="cast", outcome="ok") == 1
    assert sample(families, "heroes_interactions_total", command="quote", outcome="refused") == 1
    assert sample(families, "heroes_interactions_total", command="cast", outcome="error") is None
    assert sample(families, "heroes_interaction_ack_seconds_count") == 2
    assert sample(families, "heroes_interaction_ack_seconds_bucket", le="3.0") == 2


async def test_someone_elses_buttons_count_as_a_refused_button(tmp_path: Path, port: int) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        handle = await w.emu.slash("cast", user=w.fan)
        message = await handle.wait_message()
        ids = [c["custom_id"] for row in message.components for c in row["components"]]
        await (await w.emu.press(message, ids[3], user=w.other)).response()
        await (await w.emu.press(message, ids[3], user=w.fan)).response()
        await w.emu.wait_until(
            lambda: counted(w.bot, "button", "ok") and counted(w.bot, "button", "refused"),
            what="both presses counted",
        )
        assert counted(w.bot, "button", "refused") == counted(w.bot, "button", "ok") == 1


async def test_a_form_submission_counts_as_a_modal(tmp_path: Path, port: int) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        opened = await w.emu.slash("sequel-admin post", user=w.emu.app.owner)
        assert (await opened.response()).type == 9  # a modal
        modal = opened.interaction.modal or {}
        ids = [label["component"]["custom_id"] for label in modal["components"]]
        typed = ["Filming begins", "Cameras roll in Austin.", "", "", "filming"]
        submitted = await w.emu.submit_modal(opened, dict(zip(ids, typed, strict=True)))
        await submitted.response()
        await w.emu.wait_until(lambda: counted(w.bot, "modal", "ok"), what="the form counted")
        assert counted(w.bot, "sequel-admin post", "ok") == 1


async def test_gateway_deliveries_and_store_times_are_served(tmp_path: Path, port: int) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        await (await w.emu.slash("cast", user=w.fan)).response()
        families = await scrape(port)
    assert sample(families, "heroes_shards_connected") == 1
    latency = sample(families, "heroes_gateway_latency_seconds", shard="0")
    assert latency is not None and latency >= 0
    assert sample(families, "heroes_deliveries_pending") == 0
    assert sample(families, "heroes_deliveries_sent_total") == 0
    assert sample(families, "heroes_deliveries_failed_total") == 0
    reads = sample(families, "heroes_store_query_seconds_count", operation="read")
    assert reads is not None and reads > 0


async def test_a_sharded_bot_reports_each_shards_latency(tmp_path: Path, port: int) -> None:
    async with Emulator(shard_count=2, heartbeat_interval=5.0) as emu:
        emu.add_guild("g")
        settings = Config(
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            shard_count=2,
            metrics_addr=("127.0.0.1", port),
        )
        async with running_bot(emu, settings):
            families = await scrape(port)
    assert sample(families, "heroes_shards_connected") == 2
    for shard in ("0", "1"):
        assert sample(families, "heroes_gateway_latency_seconds", shard=shard) is not None


async def test_interactions_refused_while_stopping_count_as_restarting(
    tmp_path: Path, port: int
) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        w.bot.tree.refuse_new_interactions()
        await (await w.emu.slash("cast", user=w.fan)).response()
        await w.emu.wait_until(lambda: counted(w.bot, "cast", "restarting"), what="counted")
        assert counted(w.bot, "cast", "ok") == 0


async def test_a_port_in_use_is_a_one_line_startup_error(tmp_path: Path, port: int) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(ConfigError) as caught:
            async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)):
                pass
    assert str(caught.value) == (
        f"METRICS_ADDR 127.0.0.1:{port} is already in use (another program, or another bot "
        "process): give each process its own port, or leave METRICS_ADDR empty."
    )


@both_engines
async def test_store_queries_are_timed_only_once_observed(store: Store) -> None:
    database = store.database
    assert "all" not in vars(database)  # no observer: the engine's own methods, untimed
    timed: list[tuple[str, float]] = []
    database.add_query_observer(lambda operation, seconds: timed.append((operation, seconds)))
    await database.all("SELECT 1")
    async with database.transaction() as tx:
        await tx.execute("UPDATE meta SET value = value WHERE key = 'nothing'")
    assert [operation for operation, _ in timed] == ["read", "write"]
    assert all(seconds >= 0 for _, seconds in timed)


@both_engines
async def test_the_tracker_tells_settled_deliveries_and_counts_pending(store: Store) -> None:
    tracker = store.tracker
    settled: list[str] = []
    tracker.add_settle_listener(settled.append)
    for guild in (1, 2, 3):
        await tracker.follow(guild, guild * 10, None)
    await tracker.add_update(NewUpdate("Filming begins", "Cameras roll."), added_by=None)
    assert await tracker.pending_count() == 3
    sent, failed, left = await tracker.claim_due((await tracker.updates_with_pending())[0], limit=3)
    await tracker.mark_sent(sent.id, 99)
    await tracker.mark_failed(failed.id, "gone", channel_fault=True)
    await tracker.mark_failed(failed.id, "again", channel_fault=True)  # not sending: no-op
    assert settled == ["sent", "failed"]
    await tracker.release(left.id, "later")
    assert await tracker.pending_count() == 1


async def test_a_deferred_answer_is_timed_once_at_the_defer(tmp_path: Path, port: int) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        channel = w.bot.get_channel(w.channel.id)
        assert isinstance(channel, discord.TextChannel)
        # The buttons of the cog the bot loaded: an earlier test's bot may have unloaded (and so
        # replaced) the module this file would import.
        sequel = importlib.import_module("cogs.sequel")
        news = await channel.send("News", view=sequel.notify_view(w.guild.id))
        pressed = await w.emu.press(news.id, f"heroes:notify:on:{w.guild.id}", user=w.fan)
        assert (await pressed.response()).type == 5  # deferred: "thinking..."
        await pressed.wait_message()  # the follow-up, which is no second answer
        await w.emu.wait_until(lambda: counted(w.bot, "button", "ok"), what="the press counted")
        assert acks(w.bot) == 1
        assert waiting(w.bot) == 0


async def test_a_button_press_answered_by_an_edit_is_timed(tmp_path: Path, port: int) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        handle = await w.emu.slash("cast", user=w.fan)
        message = await handle.wait_message()
        await w.emu.wait_until(lambda: acks(w.bot) == 1, what="the command timed")
        ids = [c["custom_id"] for row in message.components for c in row["components"]]
        assert (await (await w.emu.press(message, ids[3], user=w.fan)).response()).type == 7
        await w.emu.wait_until(lambda: acks(w.bot) == 2, what="the press timed")
        assert waiting(w.bot) == 0


async def test_the_receipt_book_empties_as_interactions_are_answered(
    tmp_path: Path, port: int
) -> None:
    async with world(tmp_path / "heroes.db", metrics_addr=("127.0.0.1", port)) as w:
        message = await (await w.emu.slash("cast", user=w.fan)).wait_message()
        ids = [c["custom_id"] for row in message.components for c in row["components"]]
        largest = 0
        for turn in range(200):  # to the last page and back, again and again
            pressed = await w.emu.press(message, ids[4 if turn % 2 == 0 else 0], user=w.fan)
            await pressed.response()
            largest = max(largest, waiting(w.bot))
        await w.emu.wait_until(lambda: acks(w.bot) == 201, what="every answer timed")
        assert waiting(w.bot) == 0
        assert largest <= 1  # at most the press being answered


def test_only_the_id_is_read_from_an_answer_request() -> None:
    assert answered_interaction_id("POST", "/api/v10/interactions/123/a.token/callback") == 123
    assert answered_interaction_id("GET", "/api/v10/interactions/123/a.token/callback") is None
    follow_up = "/api/v10/webhooks/9/a.token/messages/@original"
    assert answered_interaction_id("PATCH", follow_up) is None
    assert answered_interaction_id("POST", "/api/v10/channels/5/messages") is None


async def test_only_an_accepted_answer_is_timed_from_when_it_was_sent(port: int) -> None:
    statuses = [404, 204]  # the first answer refused, the handler's next one accepted

    async def callback(_: web.Request) -> web.Response:
        return web.Response(status=statuses.pop(0))

    app = web.Application()
    app.router.add_post("/api/v10/interactions/{id}/{token}/callback", callback)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    clock, timed, trace = ManualClock(), [], AckTrace()
    trace.report_to(clock, timed.append)
    url = f"http://127.0.0.1:{port}"
    try:
        trace.received(77)
        await clock.advance(1.5)
        async with aiohttp.ClientSession(trace_configs=[trace]) as session:
            for _ in range(2):
                await clock.advance(0.5)
                async with session.post(f"{url}/api/v10/interactions/77/secret/callback"):
                    pass
    finally:
        await runner.cleanup()
    assert timed == [2.5]  # received, then 1.5 + 0.5 (refused) + 0.5 until the accepted send
    assert trace.waiting == {}


async def test_receipts_are_forgotten_once_no_answer_can_come() -> None:
    clock, trace = ManualClock(), AckTrace()
    trace.report_to(clock, lambda _: None)
    trace.received(1)
    await clock.advance(ANSWERABLE_FOR)
    trace.received(2)
    assert list(trace.waiting) == [2]  # 1 is 15 minutes old: its token can answer no more
    for interaction_id in range(3, MAX_WAITING + 10):
        trace.received(interaction_id)
    assert len(trace.waiting) == MAX_WAITING
