"""`python -m bench [--quick | --full | --smoke]`: heroes-bot against the discord.py floor.

Writes ``<out>/results.json`` (and PNG plots unless ``--no-plots``) and prints the tables.
See BENCHMARKS.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from . import ceiling, live, report
from .postgres import BenchPostgres, bench_postgres, server_version
from .scale import run_scale
from .speed import run_speed


@dataclass
class Preset:
    in_flight: int
    per_kind: int  # measured interactions per kind (after a warm-up of `in_flight`)
    rounds: int  # heroes/baseline alternations per kind
    first_rate: int  # sustained-rate ceiling search: geometric steps from here, then bisection
    max_rate: int
    ceiling_rounds: int  # searches per bot, in alternating order; the median is reported
    step_seconds: float
    ready_repeats: int
    servers: list[int]
    quotes: list[int]
    cast: list[int]
    follows: list[int]
    scale_repeats: int
    guild_ready_timeout: float = 0.1
    extra: dict[str, Any] = field(default_factory=dict)
    # Channels of the broadcast by three shard processes on PostgreSQL.
    sharded_follows: list[int] = field(default_factory=list)
    feeds: int = 200  # feeds polled in one cycle of the feeds phase


PRESETS = {
    "smoke": Preset(
        8,
        24,
        1,
        50,
        60,
        1,
        0.5,
        1,
        [1],
        [10, 50],
        [24, 40],
        [5],
        1,
        sharded_follows=[30],
        feeds=20,
    ),
    "quick": Preset(
        200,
        1000,
        1,
        200,
        20_000,
        1,
        2.0,
        2,
        [1, 100, 1000],
        [10, 1000, 10_000],
        [24, 1000],
        [10, 100],
        3,
        sharded_follows=[1000],
    ),
    "full": Preset(
        200,
        2000,
        2,
        200,
        20_000,
        3,
        3.0,
        5,
        [1, 10, 100, 1000, 10_000],
        [10, 100, 1000, 10_000, 100_000, 1_000_000],
        [24, 100, 1000, 10_000],
        [10, 100, 1000, 10_000],
        5,
        sharded_follows=[10_000],
    ),
}
KINDS = ["cast_name", "quote_search", "sequel", "autocomplete_cast", "autocomplete_quote", "button"]


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    import aiosqlite

    return {
        "cpus": len(__import__("os").sched_getaffinity(0)),
        "cpu_model": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "discord.py": discord.__version__,
        "aiosqlite": aiosqlite.__version__,
        "sqlite": __import__("sqlite3").sqlite_version,
        "platform": platform.platform(),
    }


# ---------------------------------------------------------------------------- phases


def _pair(heroes: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    return {"heroes": heroes, "baseline": baseline, "ratio": _ratios(heroes, baseline)}


def _ratios(figure: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    return {
        k: round(figure[k] / baseline[k], 3)
        for k in ("p50", "p95", "p99")
        if k in figure and baseline.get(k)
    }


async def phase_latency(
    p: Preset, work: Path, log: Any, pg: BenchPostgres | None = None
) -> dict[str, Any]:
    """The bots up at once (each on its own emulator); kinds measured alternately.

    heroes-bot on SQLite ("heroes"), the baseline, and with `pg` heroes-bot on PostgreSQL too
    ("postgres": the same bot with DATABASE_URL, its database on the bench's server)."""
    out: dict[str, Any] = {"in_flight": p.in_flight, "kinds": {}, "sustained": {}}
    # The emulator keeps every interaction and message it sees; its full garbage collections
    # grow with that and would stall the load generator, so they wait until the phase ends.
    gc.collect()
    gc.disable()
    try:
        async with contextlib.AsyncExitStack() as stack:
            dbs: dict[str, Path | str | None] = {"heroes": None, "baseline": None}
            if pg is not None:
                dbs["postgres"] = await stack.enter_async_context(pg.database("latency"))
            targets = {
                name: await stack.enter_async_context(
                    live.target(
                        "baseline" if name == "baseline" else "heroes",
                        workdir=work,
                        users=p.in_flight,
                        guild_ready_timeout=0.1,
                        db=db,
                    )
                )
                for name, db in dbs.items()
            }
            await _latency(p, log, out, targets)
            await _sustained(p, log, out, targets)
    finally:
        gc.enable()
    return out


async def _latency(
    p: Preset, log: Any, out: dict[str, Any], targets: dict[str, live.Target]
) -> None:
    names = list(targets)
    for kind in KINDS:
        samples: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(p.rounds):
            # Each round starts with the next bot: none is always measured first (or last).
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                send = targets[name].sends[kind]
                await live.closed_loop(send, total=p.in_flight, in_flight=p.in_flight)
                samples[name] += await live.closed_loop(
                    send, total=p.per_kind // p.rounds, in_flight=p.in_flight
                )
        figures = {name: live.percentiles(samples[name]) for name in names}
        out["kinds"][kind] = _pair(figures["heroes"], figures["baseline"])
        if "postgres" in figures:
            out["kinds"][kind]["postgres"] = figures["postgres"]
            out["kinds"][kind]["postgres_ratio"] = _ratios(figures["postgres"], figures["baseline"])
        figure = out["kinds"][kind]
        log(f"latency {kind}: {figure['ratio']}, PostgreSQL {figure.get('postgres_ratio')}")
    # Peak memory at the closed-loop load (200 in flight), before the sustained-rate steps
    # push each bot past what it can serve (a backlog then grows until the step ends).
    out["memory_in_flight_kb"] = {name: t.bot.memory() for name, t in targets.items()}


async def _sustained(
    p: Preset, log: Any, out: dict[str, Any], targets: dict[str, live.Target]
) -> None:
    """Each bot's ceiling, searched `ceiling_rounds` times, the bots alternating back to back."""
    search = ceiling.Search(p.first_rate, 1.5, 0.05, p.max_rate, p.step_seconds)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    names = list(targets)
    out["load_average_before"] = os.getloadavg()
    for round_ in range(p.ceiling_rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            t = targets[name]
            runs[name].append(await ceiling.find_ceiling(t, search, {"bot": t.bot.pid}, log))
    out["load_average_after"] = os.getloadavg()
    out["ceiling_search"] = asdict(search) | {"p99_limit_ms": ceiling.P99_LIMIT_MS}
    for name in names:
        out["sustained"][name] = ceiling.median_ceiling(runs[name])
    base = out["sustained"]["baseline"]["ceiling_per_s"]
    out["ceiling_ratio"] = {
        name: round(out["sustained"][name]["ceiling_per_s"] / base, 3) if base else None
        for name in names
        if name != "baseline"
    }
    log(f"ceilings: {[(n, out['sustained'][n]['ceilings_per_s']) for n in names]}")
    out["memory_kb"] = {name: t.bot.memory() for name, t in targets.items()}
    out["violations"] = {name: len(t.emu.violations) for name, t in targets.items()}


async def phase_ready(p: Preset, work: Path, log: Any) -> dict[str, Any]:
    """Process start to on_ready, new and existing database (heroes) / first and later start."""
    out: dict[str, Any] = {"guild_ready_timeout_s": p.guild_ready_timeout}
    async with live.quiet_emulator() as emu:
        emu.add_guild("Bench")
        for name in ("heroes", "baseline"):
            runs: dict[str, list[dict[str, float]]] = {"new": [], "existing": []}
            for i in range(p.ready_repeats):
                db = work / f"ready-{name}-{i}.db"
                for state in ("new", "existing"):
                    bot = await live.start_bot(
                        emu,
                        name,
                        db=db,
                        log_dir=work / "logs",
                        guild_ready_timeout=p.guild_ready_timeout,
                        sync=state == "new",
                    )
                    runs[state].append(
                        {
                            "total_s": round(bot.ready_seconds, 4),
                            "imports_s": round(bot.ready["imported"] - bot.spawned_at, 4),
                            "after_imports_s": round(bot.ready["ready"] - bot.ready["imported"], 4),
                            "cpu_s": round(bot.ready["cpu"], 4),
                            "peak_kb": bot.memory().get("VmHWM", 0),
                        }
                    )
                    await bot.stop()
            out[name] = {
                state: {
                    key: round(sorted(r[key] for r in rs)[len(rs) // 2], 4)
                    for key in ("total_s", "imports_s", "after_imports_s", "cpu_s", "peak_kb")
                }
                | {"runs": len(rs)}
                for state, rs in runs.items()
            }
            for state in ("new", "existing"):
                figure = out[name][state]
                figure["excluding_guild_ready_timeout_s"] = round(
                    figure["total_s"] - p.guild_ready_timeout, 4
                )
            log(f"ready {name}: {out[name]}")
    return out


async def phase_servers(p: Preset, work: Path, log: Any) -> list[dict[str, Any]]:
    """Peak memory (and time) to ready as the number of servers grows."""
    rows = []
    for count in p.servers:
        row: dict[str, Any] = {"servers": count}
        async with live.quiet_emulator() as emu:
            for i in range(count):
                emu.add_guild(f"Server {i}", channels=("general",))
            for name in ("heroes", "baseline"):
                bot = await live.start_bot(
                    emu,
                    name,
                    db=work / f"servers-{name}-{count}.db",
                    log_dir=work / "logs",
                    guild_ready_timeout=p.guild_ready_timeout,
                    sync=True,
                    timeout=600,
                )
                assert bot.ready["guilds"] == count, bot.ready
                row[name] = {"peak_kb": bot.memory().get("VmHWM", 0), "ready_s": bot.ready_seconds}
                await bot.stop()
        row["ratio"] = round(row["heroes"]["peak_kb"] / row["baseline"]["peak_kb"], 3)
        log(f"servers {count}: {row}")
        rows.append(row)
    return rows


async def phase_scale(p: Preset, work: Path, log: Any, pg: BenchPostgres | None) -> dict[str, Any]:
    """Handler time by data size on SQLite, and (with `pg`) the same on PostgreSQL."""
    sizes = {"quotes": p.quotes, "cast": p.cast, "repeats": p.scale_repeats}
    log("handler scale (SQLite) ...")
    out = await run_scale(work / "scale.db", **sizes)
    if pg is not None:
        log("handler scale (PostgreSQL) ...")
        async with pg.database("scale") as url:
            out["postgres"] = await run_scale(url, **sizes)
    return out


async def phase_broadcast(
    p: Preset, work: Path, log: Any, pg: BenchPostgres | None
) -> dict[str, Any]:
    from .broadcast import run_broadcast, run_sharded_broadcast

    options = p.extra.get("broadcaster", {})
    # The emulator counts a request against the global limit when its event loop handles it: a
    # full garbage collection of this process (the emulator keeps every message) holds requests
    # back, then counts them all at once, and a 1-second window sees more than were sent in it
    # (measured: 51 in a window with collections on, 47 without, at 46/s). Discord counts at
    # its edge, so collections wait until the phase ends, as in the latency phase.
    gc.collect()
    gc.disable()
    try:
        out = await run_broadcast(p.follows, work, log, **options)
        if pg is not None and "pending" not in out:
            out["sharded_postgres"] = []
            for count in p.sharded_follows:
                async with pg.database(f"broadcast_{count}") as url:
                    result = await run_sharded_broadcast(count, url, work, log)
                    out["sharded_postgres"].append(result)
    finally:
        gc.enable()
    return out


async def phase_speed(p: Preset, work: Path, log: Any) -> dict[str, Any]:
    """Each bot with discord.py's [speed] extra and without it, alternating (bench/speed.py)."""
    gc.collect()
    gc.disable()  # as in the latency phase: the emulators keep every interaction
    try:
        return await run_speed(KINDS, p.per_kind, p.in_flight, p.rounds, work / "speed", log)
    finally:
        gc.enable()


async def phase_languages(log: Any) -> dict[str, Any]:
    """What each language costs in the bot's process: lookups, numbers, a card, the payload."""
    from .languages import run_languages

    return await run_languages(log)


async def phase_feeds(p: Preset, work: Path, log: Any) -> dict[str, Any]:
    """One poll cycle of `p.feeds` feeds by the feed watcher: CPU and memory (bench/feeds.py)."""
    from .feeds import run_feeds

    return await run_feeds(p.feeds, work, log)


# ---------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="preset", action="store_const", const="quick")
    size.add_argument("--full", dest="preset", action="store_const", const="full")
    size.add_argument("--smoke", dest="preset", action="store_const", const="smoke")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument(
        "--only",
        help="comma-separated phases: latency,ready,servers,scale,broadcast,speed,feeds,"
        "languages (default all; speed: discord.py's [speed] extra, each bot with and without "
        "it; feeds: one poll cycle of 200 feeds, CPU and memory; languages: what each language "
        "costs in the bot's process)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases/logs")
    parser.add_argument(
        "--broadcast-per-second",
        type=float,
        help="Broadcaster(per_second=...) for the broadcast phase; 0 disables its own pacing "
        "(default: the broadcaster's default)",
    )
    parser.add_argument("--follows", help="comma-separated following-channel counts ('' for none)")
    parser.add_argument(
        "--quotes",
        help="comma-separated quote counts of the scale phase, e.g. 1000,10000,100000,1000000",
    )
    parser.add_argument(
        "--sharded-follows",
        help="comma-separated channel counts of the three-process broadcast on PostgreSQL",
    )
    parser.add_argument(
        "--no-postgres",
        action="store_true",
        help="skip the PostgreSQL figures (no server is started): a quicker local run",
    )
    return parser


def _counts(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n.strip()]


PHASES = ("latency", "ready", "servers", "scale", "broadcast", "speed", "feeds", "languages")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    preset_name = args.preset or "quick"
    p = PRESETS[preset_name]
    if args.broadcast_per_second is not None:
        p.extra["broadcaster"] = {"per_second": args.broadcast_per_second or None}
    if args.follows is not None:
        p.follows = _counts(args.follows)
    if args.quotes is not None:
        p.quotes = _counts(args.quotes)
    if args.sharded_follows is not None:
        p.sharded_follows = _counts(args.sharded_follows)
    phases = args.only.split(",") if args.only else list(PHASES)
    work = Path(tempfile.mkdtemp(prefix="heroes-bench-"))
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "preset": preset_name,
        "settings": asdict(p),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    try:
        async with bench_postgres(not args.no_postgres) as pg:
            results["postgres"] = await _postgres_facts(pg)
            await _run_phases(p, phases, work, log, pg, results)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    return results


async def _postgres_facts(pg: BenchPostgres | None) -> dict[str, Any]:
    if pg is None:
        return {"skipped": "--no-postgres"}
    return {
        "server_version": await server_version(pg.server.url),
        "server": "started by the bench (tests/postgres_server.py), on this machine, "
        "fsync=off synchronous_commit=off full_page_writes=off",
    }


async def _run_phases(
    p: Preset,
    phases: list[str],
    work: Path,
    log: Any,
    pg: BenchPostgres | None,
    results: dict[str, Any],
) -> None:
    if "latency" in phases:
        results["latency"] = await phase_latency(p, work, log, pg)
    if "ready" in phases:
        results["ready"] = await phase_ready(p, work, log)
    if "servers" in phases:
        results["servers"] = await phase_servers(p, work, log)
    if "scale" in phases:
        results["scale"] = await phase_scale(p, work, log, pg)
    if "broadcast" in phases:
        results["broadcast"] = await phase_broadcast(p, work, log, pg)
    if "speed" in phases:
        results["speed"] = await phase_speed(p, work, log)
    if "feeds" in phases:
        results["feeds"] = await phase_feeds(p, work, log)
    if "languages" in phases:
        results["languages"] = await phase_languages(log)


def compile_sources() -> None:
    """Write the bytecode of every module the bots import, as an installed bot has it (pip
    compiles at install). With PYTHONDONTWRITEBYTECODE set (as on the test machine), each bot
    process would otherwise compile ~95 modules from source at every start (~0.14 s of CPU),
    which `start to ready` would count against heroes-bot and hardly against the baseline."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for folder in ("bot", "cogs", "discord_emulator", "bench", "data"):
        compileall.compile_dir(root / folder, quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    compile_sources()
    results = asyncio.run(run(args))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(report.tables(results))
    if not args.no_plots:
        made = report.plots(results, args.out)
        print("plots: " + (", ".join(str(m) for m in made) if made else "none (no matplotlib)"))
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
