"""The live benchmark: real bot processes against the emulator, which runs here with the load.

The emulator and the load generator share this process and its event loop; each bot under test
runs in its own OS process (``bench.bot_process``), so neither competes with the other's loop.
Latency is measured by the emulator itself, on one monotonic clock: from just before
INTERACTION_CREATE is written to the bot's websocket to the arrival of the bot's callback POST
(``Interaction.created_at`` → ``Interaction.acked_at``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discord_emulator import Channel, Emulator, Guild, Interaction, Message, RateLimitConfig, User

ROOT = Path(__file__).resolve().parent.parent
ACK_TIMEOUT = 10.0


class PerfClock:
    """UNIX time read from the monotonic high-resolution counter (never steps backwards)."""

    def __init__(self) -> None:
        self._offset = time.time() - time.perf_counter()

    def __call__(self) -> float:
        return self._offset + time.perf_counter()


def quiet_emulator(**kw: Any) -> Emulator:
    """An emulator tuned for measuring: perf clock, no JSON-schema pass, no route throttling.

    The limit checks of Discord's documented field limits still run on every body.
    """
    kw.setdefault("rate_limits", RateLimitConfig(route_limit=1_000_000))
    return Emulator(clock=PerfClock(), heartbeat_interval=30.0, validate_schema=False, **kw)


# ---------------------------------------------------------------------------- processes


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (peak resident set) of a live process, in kB."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class BotProcess:
    kind: str  # "heroes" or "baseline"
    proc: asyncio.subprocess.Process
    spawned_at: float
    log_path: Path
    ready: dict[str, Any] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def ready_seconds(self) -> float:
        return float(self.ready["ready"]) - self.spawned_at

    def memory(self) -> dict[str, int]:
        return proc_status(self.pid)

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return int(self.proc.returncode or 0)


async def start_bot(
    emu: Emulator,
    kind: str,
    *,
    db: Path | str,  # a SQLite file or a postgresql:// URL
    log_dir: Path,
    guild_ready_timeout: float,
    sync: bool = False,
    shard_count: int | None = None,
    shard_ids: str | None = None,
    extra_args: list[str] | None = None,
    timeout: float = 120.0,  # noqa: ASYNC109
) -> BotProcess:
    """Spawn a bot process and wait for its READY line (on_ready)."""
    args = [
        sys.executable,
        "-m",
        "bench.bot_process",
        "--port",
        str(emu.port),
        "--token",
        emu.token,
        "--db",
        str(db),
        "--guild-ready-timeout",
        str(guild_ready_timeout),
    ]
    if kind == "baseline":
        args.append("--baseline")
        if sync:
            args.append("--sync")
    if shard_count is not None:
        args += ["--shard-count", str(shard_count)]
    if shard_ids is not None:
        args += ["--shard-ids", shard_ids]
    args += extra_args or []
    log_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (tooling, before the run)
    log_path = log_dir / f"{kind}-{time.time_ns()}.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DISCORD_TOKEN", None)
    with open(log_path, "wb") as log_file:  # noqa: ASYNC230
        spawned_at = time.time()
        proc = await asyncio.create_subprocess_exec(
            *args, cwd=str(ROOT), env=env, stdout=asyncio.subprocess.PIPE, stderr=log_file
        )
    bot = BotProcess(kind, proc, spawned_at, log_path)
    assert proc.stdout is not None
    try:
        async with asyncio.timeout(timeout):
            while True:
                line = await proc.stdout.readline()
                if not line:
                    await proc.wait()
                    raise RuntimeError(
                        f"{kind} bot exited ({proc.returncode}) before ready; "
                        f"log: {log_path.read_text()[-2000:]}"
                    )
                if line.startswith(b"READY "):
                    import json

                    bot.ready = json.loads(line[6:])
                    return bot
    except BaseException:
        await bot.stop()
        raise


# ---------------------------------------------------------------------------- load


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds (nearest-rank), with the sample count."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[index] * 1000, 3)

    return {
        "n": len(ordered),
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "max": round(ordered[-1] * 1000, 3),
        "mean": round(statistics.fmean(ordered) * 1000, 3),
    }


Send = Callable[[int], Awaitable[Interaction]]


@dataclass
class Target:
    """One running bot and how to send each kind of interaction to it."""

    kind: str
    emu: Emulator
    bot: BotProcess
    guild: Guild
    channel: Channel
    users: list[User]
    sends: dict[str, Send] = field(default_factory=dict)


async def _acked(inter: Interaction) -> float:
    await asyncio.wait_for(inter.acked.wait(), ACK_TIMEOUT)
    assert inter.acked_at is not None
    return inter.acked_at - inter.created_at


async def closed_loop(send: Send, *, total: int, in_flight: int) -> list[float]:
    """`in_flight` workers, each sending its next interaction as soon as the last is acked."""
    latencies: list[float] = []
    counter = itertools.count()

    async def worker(slot: int) -> None:
        while next(counter) < total:
            latencies.append(await _acked(await send(slot)))

    await asyncio.gather(*(worker(slot) for slot in range(in_flight)))
    return latencies


async def open_loop(
    send: Send, *, rate: float, duration: float, pids: dict[str, int]
) -> dict[str, Any]:
    """Offer `rate` interactions per second for `duration` s, whatever the acks do.

    The emulator stamps each interaction's latency itself, so the generator keeps no task or
    timer per interaction: it sends, then reads the stamps once the step is over (a task with
    a timeout per interaction cost the harness's core more than the rest of the loop). With
    the CPU the harness, each process in `pids` and the whole machine used during the step.
    """
    loop = asyncio.get_running_loop()
    sent: list[Interaction] = []
    usage = CpuUsage(pids)
    start = loop.time()
    while (now := loop.time()) - start < duration:
        due = int((now - start) * rate) + 1
        while len(sent) < due:
            sent.append(await send(len(sent)))
        await asyncio.sleep(0.005)
    elapsed = loop.time() - start
    cpu = usage.shares()  # the offering part only: the wait for the last acks is not load
    deadline = loop.time() + ACK_TIMEOUT
    for inter in sent:
        if not inter.acked.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(inter.acked.wait(), max(0.0, deadline - loop.time()))
    latencies = [i.acked_at - i.created_at for i in sent if i.acked_at is not None]
    return {
        "offered_per_s": rate,
        "sent": len(sent),
        "achieved_per_s": round(len(sent) / elapsed, 1),
        "timeouts": len(sent) - len(latencies),
        "cpu_cores": cpu,
        **percentiles(latencies),
    }


class CpuUsage:
    """CPU used from construction to `shares()`, in cores (1.0 = one core busy throughout):
    this process (emulator + load generator), each process in `pids`, and the whole machine
    from /proc/stat (what the rest of the machine used is the remainder)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._wall = time.perf_counter()
        self._self = self._own_seconds()
        self._procs = {name: proc_cpu_seconds(pid) for name, pid in pids.items()}
        self._machine = machine_busy_seconds()

    @staticmethod
    def _own_seconds() -> float:
        times = os.times()
        return times.user + times.system

    def shares(self) -> dict[str, float]:
        wall = time.perf_counter() - self._wall
        harness = (self._own_seconds() - self._self) / wall
        procs = {
            n: (proc_cpu_seconds(pid) - self._procs[n]) / wall for n, pid in self._pids.items()
        }
        machine = (machine_busy_seconds() - self._machine) / wall
        out = {"harness": harness, **procs, "machine": machine}
        out["rest_of_machine"] = max(0.0, machine - harness - sum(procs.values()))
        return {name: round(value, 3) for name, value in out.items()}


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------- worlds


@contextlib.asynccontextmanager
async def target(
    kind: str,
    *,
    workdir: Path,
    users: int,
    guild_ready_timeout: float,
    db: Path | str | None = None,  # default: <workdir>/<kind>.db; or a postgresql:// URL
    extra_args: list[str] | None = None,  # for bench.bot_process, e.g. --without-speed-extra
) -> AsyncIterator[Target]:
    """An emulator with one server, and one bot process of `kind` against it, with its sends."""
    async with quiet_emulator() as emu:
        guild = emu.add_guild("Bench", channels=("general",))
        people = [emu.add_user(f"fan{i}") for i in range(users)]
        bot = await start_bot(
            emu,
            kind,
            db=db or workdir / f"{kind}.db",
            log_dir=workdir / "logs",
            guild_ready_timeout=guild_ready_timeout,
            sync=True,
            extra_args=extra_args,
        )
        try:
            await emu.wait_synced(None, timeout=30)
            channel = next(iter(guild.channels.values()))
            t = Target(kind, emu, bot, guild, channel, people)
            t.sends = await _heroes_sends(t) if kind == "heroes" else await _baseline_sends(t)
            yield t
        finally:
            await bot.stop()


def _sender(t: Target, itype: int, datas: list[dict[str, Any]], *, users: bool = True) -> Send:
    """Cycle through prepared command payloads; slot i is user i (modulo)."""
    emu = t.emu
    n = len(t.users)

    async def send(i: int) -> Interaction:
        data = datas[i % len(datas)]
        user = t.users[i % n] if users else t.users[0]
        handle = await emu._send_interaction(itype, data, t.guild, t.channel, user)
        return handle.interaction

    return send


async def _messages_with_buttons(
    t: Target, name: str, options: dict[str, Any] | None
) -> list[Message]:
    """One message with buttons per user (the owner presses them), made with `/name`.

    Set-up, not measured: sent SETUP_BATCH at a time, so a bot just started on a busy machine
    answers each within Discord's 3 s (200 at once could not, and the run would stop)."""
    emu = t.emu
    messages: list[Message] = []
    for first in range(0, len(t.users), SETUP_BATCH):
        handles = [
            await emu.slash(name, options, user=user, guild=t.guild, channel=t.channel)
            for user in t.users[first : first + SETUP_BATCH]
        ]
        messages += [await h.wait_message(timeout=30) for h in handles]
    return messages


SETUP_BATCH = 20


def _button_sender(t: Target, messages: list[Message], labels: list[str]) -> Send:
    """Slot i presses, on user i's message, its buttons labelled `labels` in turn."""
    turns = [0] * len(messages)

    def custom_id(message: Message, label: str) -> str:
        for row in message.components:
            for comp in row.get("components", []):
                if comp.get("label") == label and not comp.get("disabled"):
                    return str(comp["custom_id"])
        raise RuntimeError(f"no enabled button {label!r} on message {message.id}")

    async def send(slot: int) -> Interaction:
        index = slot % len(messages)
        message = messages[index]
        label = labels[turns[index] % len(labels)]
        turns[index] += 1
        handle = await t.emu.press(message, custom_id(message, label), user=t.users[index])
        return handle.interaction

    return send


SEQUEL_PATH = "sequel"


async def _heroes_sends(t: Target) -> dict[str, Send]:
    build = t.emu._builder.command_data
    synced = {c["name"]: c for c in t.emu.synced_commands()}
    subs = [o["name"] for o in synced["sequel"].get("options", []) if o["type"] == 1]
    sequel = "sequel status" if "status" in subs else "sequel"
    names = ["pedro", "Boyd Holbrook", "person:pedro-pascal", "priyanka", "Holdbrook", "slater"]
    quotes = ["lava", "son superheroes", "comic book", "kids", "sequel", "first movie"]
    typed = ["p", "pe", "ped", "hol", "holdb", "pri", "chr", "", "a", "sla"]
    qtyped = ["l", "la", "lav", "lava", "co", "com", "kid", "su", "son su", "f"]
    g = t.guild

    def private(path: str, options: dict[str, Any]) -> dict[str, Any]:
        # Public replies are limited per member and channel (bot/cooldowns.py: 12 a minute in
        # a channel); private ones are not, so the load asks for private replies where it can.
        leaf = synced[path.split()[0]].get("options", [])
        for word in path.split()[1:]:
            leaf = next(o for o in leaf if o["name"] == word).get("options", [])
        return (
            {**options, "private": True} if any(o["name"] == "private" for o in leaf) else options
        )

    messages = await _messages_with_buttons(t, "cast", private("cast", {}) or None)
    return {
        "cast_name": _sender(
            t, 2, [build("cast", private("cast", {"name": n}), None, g) for n in names]
        ),
        "quote_search": _sender(
            t, 2, [build("quote", private("quote", {"search": q}), None, g) for q in quotes]
        ),
        "sequel": _sender(t, 2, [build(sequel, private(sequel, {}) or None, None, g)]),
        "autocomplete_cast": _sender(
            t, 4, [build("cast", {"name": v}, None, g, focused="name") for v in typed]
        ),
        "autocomplete_quote": _sender(
            t, 4, [build("quote", {"search": v}, None, g, focused="search") for v in qtyped]
        ),
        "button": _button_sender(t, messages, ["≫", "≪"]),
    }


async def _baseline_sends(t: Target) -> dict[str, Send]:
    from bench.baseline import BUTTON_LABEL, COMMAND, LARGE, OPTION

    build = t.emu._builder.command_data
    g = t.guild
    command = [build(COMMAND, {OPTION: "x"}, None, g)]
    # /sequel status sends a card 2.4x the size of the others: the baseline answers it with a
    # constant embed of that size, so the comparison is of the same payload.
    large = [build(COMMAND, {OPTION: LARGE}, None, g)]
    suggest = [build(COMMAND, {OPTION: "x"}, None, g, focused=OPTION)]
    messages = await _messages_with_buttons(t, COMMAND, {OPTION: "button"})
    return {
        "cast_name": _sender(t, 2, command),
        "quote_search": _sender(t, 2, command),
        "sequel": _sender(t, 2, large),
        "autocomplete_cast": _sender(t, 4, suggest),
        "autocomplete_quote": _sender(t, 4, suggest),
        "button": _button_sender(t, messages, [BUTTON_LABEL]),
    }


def mixed(sends: dict[str, Send]) -> Send:
    """A mix of every kind but buttons (which need an ack before the next press)."""
    kinds = [k for k in sends if k != "button"]

    async def send(i: int) -> Interaction:
        return await sends[kinds[i % len(kinds)]](i // len(kinds))

    return send
