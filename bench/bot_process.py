"""One bot under test, in its own OS process: heroes-bot (through bot.runner.run_bot, as main()
does) or the baseline (a minimal discord.py bot), pointed at the emulator on 127.0.0.1.

It prints one line ``READY {json}`` on stdout when discord.py fires on_ready, and stops cleanly
on SIGTERM (heroes-bot: run_bot's own handlers, bot/shutdown.py).
Run by the benchmark driver: ``python -m bench.bot_process --port P --db PATH``.
"""

from __future__ import annotations

import time

STARTED = time.time()  # before the heavy imports: process start as seen by Python

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

# discord.py's [speed] extra and what aiohttp picks up by itself when installed: orjson (JSON),
# zstandard (zstd-stream gateway compression instead of zlib-stream), aiodns/pycares (DNS),
# Brotli (br responses). A None entry makes each import fail as if it were not installed, so
# one venv measures both: the modules are blocked before discord (or aiohttp) is imported.
SPEED_MODULES = ("orjson", "zstandard", "aiodns", "pycares", "brotli", "brotlicffi")
WITHOUT_SPEED = "--without-speed-extra"
BLOCK = "--block-modules"  # some of them only, e.g. "orjson": what each one changes
BLOCKED = list(SPEED_MODULES) if WITHOUT_SPEED in sys.argv else []
if BLOCK in sys.argv[:-1]:
    BLOCKED += sys.argv[sys.argv.index(BLOCK) + 1].split(",")
for name in BLOCKED:
    sys.modules[name] = None  # type: ignore[assignment]

import discord  # noqa: E402
from discord.ext import commands  # noqa: E402

from discord_emulator import redirect_discord_py, skip_identify_wait  # noqa: E402

IMPORTED = time.time()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument(
        "--db", default="bench.db", help="a SQLite file, or a postgresql:// URL (DATABASE_URL)"
    )
    parser.add_argument("--baseline", action="store_true", help="run the minimal bot instead")
    parser.add_argument("--sync", action="store_true", help="baseline: sync its commands")
    parser.add_argument("--guild-ready-timeout", type=float, default=0.1)
    parser.add_argument("--shard-count", type=int)
    parser.add_argument("--shard-ids", help="e.g. 0 or 0-1")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument(
        WITHOUT_SPEED,
        action="store_true",
        help="as if discord.py's [speed] extra were not installed (read before the imports)",
    )
    parser.add_argument(BLOCK, help="comma-separated modules to treat as not installed")
    parser.add_argument(
        "--delivery-stale-after",
        type=float,
        help="heroes: seconds after which a news delivery left mid-send is retried (default "
        "30); the kill -9 test shortens it so the restarted bot resumes at once",
    )
    parser.add_argument(
        "--write-probe",
        type=int,
        default=0,
        help="heroes: once ready, make this many read-modify-write transactions on the shared "
        "counter meta 'probe.counter' (tests of several processes sharing one database)",
    )
    return parser


def speed_modules() -> dict[str, Any]:
    """What discord.py and aiohttp use here: JSON library, gateway compression, resolver."""
    from aiohttp.resolver import DefaultResolver

    return {
        "orjson": discord.utils.HAS_ORJSON,
        "gateway_compression": discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE,
        "resolver": DefaultResolver.__name__,
    }


def _report(bot: commands.Bot) -> None:
    line = {
        "started": STARTED,
        "imported": IMPORTED,
        "ready": time.time(),
        "guilds": len(bot.guilds),
        "shards": sorted(bot.shards) if isinstance(bot, commands.AutoShardedBot) else None,
        "speed": speed_modules(),
        # CPU seconds (user + system) the process used from its start to ready: what the start
        # costs the bot itself, whatever else the machine was doing meanwhile.
        "cpu": time.process_time(),
    }
    print("READY " + json.dumps(line), flush=True)


async def run_heroes(args: argparse.Namespace) -> None:
    from bot.config import configure_logging, load_config
    from bot.emulated import RemoteEmulator, emulated_bot

    database = "DATABASE_URL" if args.db.startswith(("postgresql://", "postgres://")) else None
    env = {
        database or "DATABASE_PATH": args.db,
        "LOG_LEVEL": args.log_level,
        "GUILD_READY_TIMEOUT": str(args.guild_ready_timeout),
    }
    if args.shard_count:
        env["SHARD_COUNT"] = str(args.shard_count)
    if args.shard_ids:
        env["SHARD_IDS"] = args.shard_ids
    # The same settings path as main(); emulated_bot() gives it the emulator's token.
    settings = load_config(env)
    configure_logging(settings.log_level)

    probes: list[asyncio.Future[None]] = []

    def created(bot: commands.Bot) -> None:
        if args.delivery_stale_after is not None:
            _shorten_stale_after(bot, args.delivery_stale_after)

        async def on_ready() -> None:
            _report(bot)
            if args.write_probe:
                probes.append(asyncio.ensure_future(_write_probe(bot, args.write_probe)))

        bot.add_listener(on_ready, "on_ready")

    # The same start as the tests and the sandbox (run_bot, redirected, identify without the
    # 5 s wait); the emulator runs in the benchmark's process. Runs until SIGTERM or SIGINT
    # stops the bot cleanly, through run_bot's own signal handlers, as `heroes-bot run` does.
    emulator = RemoteEmulator(args.port, args.token)
    async with emulated_bot(
        settings, emulator, on_bot=created, ready_timeout=None, install_signal_handlers=True
    ) as running:
        await running.task


def _shorten_stale_after(bot: commands.Bot, seconds: float) -> None:
    """Set the sequel broadcaster's `stale_after` once setup_hook has loaded the cogs (before
    the delivery worker's first pass, which waits for ready)."""
    from datetime import timedelta

    setup_hook = bot.setup_hook

    async def setup_then_shorten() -> None:
        await setup_hook()
        sequel = bot.get_cog("Sequel")
        sequel.broadcaster.stale_after = timedelta(seconds=seconds)  # type: ignore[union-attr]

    bot.setup_hook = setup_then_shorten  # type: ignore[method-assign]


PROBE_KEY = "probe.counter"


async def _write_probe(bot: commands.Bot, count: int) -> None:
    """Increment a shared counter `count` times, reading then writing in one transaction (the
    pattern that loses writes when transactions of two processes interleave)."""
    store = bot.store  # type: ignore[attr-defined]
    for _ in range(count):
        async with store.database.transaction() as db:
            row = await db.one("SELECT value FROM meta WHERE key = ?", (PROBE_KEY,))
            value = int(row[0]) if row else 0
            await asyncio.sleep(0)  # let the other tasks (and process) run mid-transaction
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (PROBE_KEY, str(value + 1)),
            )
    print(f"WROTE {count}", flush=True)


async def run_baseline(args: argparse.Namespace) -> None:
    from bench.baseline import create_baseline_bot

    logging.basicConfig(level=getattr(logging, args.log_level))
    bot = create_baseline_bot(
        guild_ready_timeout=args.guild_ready_timeout,
        sync=args.sync,
        shard_count=args.shard_count,
    )
    skip_identify_wait(bot)  # as emulated_bot() does for heroes-bot

    async def on_ready() -> None:
        _report(bot)

    bot.add_listener(on_ready, "on_ready")
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(args.token)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # BENCH_PROFILE=PREFIX profiles each bot from its imports of bot/ (or the baseline) to its
    # stop with the standard library's cProfile: PREFIX.heroes.prof (for pstats or snakeviz) and
    # PREFIX.heroes.txt (the 40 costliest calls, cumulative and own time); the same for baseline.
    # A later start of the same bot gets the next free name: PREFIX.heroes.2.prof, ...
    profile = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    with contextlib.suppress(KeyboardInterrupt):
        if args.baseline:
            with redirect_discord_py(args.port):
                asyncio.run(run_baseline(args))
        else:
            asyncio.run(run_heroes(args))  # emulated_bot() redirects
    if profiler is not None:
        profiler.disable()
        _write_profile(profiler, f"{profile}.{'baseline' if args.baseline else 'heroes'}")
    return 0


def _write_profile(profiler: cProfile.Profile, prefix: str) -> None:
    taken = [prefix, *(f"{prefix}.{n}" for n in range(2, 1000))]
    prefix = next(name for name in taken if not Path(f"{name}.prof").exists())
    profiler.dump_stats(f"{prefix}.prof")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(40)
    Path(f"{prefix}.txt").write_text(text.getvalue())


if __name__ == "__main__":
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    sys.exit(main())
