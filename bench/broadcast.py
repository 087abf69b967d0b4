"""Broadcast time: one sequel update to N following channels, against Discord's global limit.

The floor is N / 50 s: Discord allows a bot 50 requests per second in all, and the emulator
enforces that with real 429 answers (``RateLimitConfig(global_per_second=50)``). The sender is
the tracker's Broadcaster with discord.py's HTTP client (logged in over HTTP only; posting needs
no gateway), in this process with the emulator: the work is bound by the limit, not the CPU.

The broadcaster is the sequel tracker's (cogs/sequel/_service.py); while it is not importable
this phase reports itself as pending instead of failing the run.

`run_sharded_broadcast` is the deployment PostgreSQL allows: three bot processes
(`bench.bot_process`, SHARD_COUNT=3, SHARD_IDS 0, 1, 2) on one PostgreSQL database, each
delivering to its own shard's servers and sharing one send pace through the database
(`store.pacing`). The update is stored from this process, as `/sequel-admin post` in one of them
or the news command line would; the processes learn of it from PostgreSQL's notices (or their
30 s poll). Timed from the moment the update is stored to the moment every delivery is 'sent'.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

from bot.clock import SystemClock
from bot.store import open_store
from discord_emulator import Emulator, Guild, RateLimitConfig, redirect_discord_py

from .live import BotProcess, quiet_emulator, start_bot

GLOBAL_PER_SECOND = 50
SHARD_PROCESSES = 3


async def run_broadcast(
    follows: list[int], work: Path, log: Callable[[str], None], **broadcaster_options: Any
) -> dict[str, Any]:
    try:
        from bot.store import NewUpdate
        from bot.ui.posting import DiscordPoster, OutgoingPost
        from cogs.sequel import Broadcaster
    except ImportError as exc:
        return {"pending": f"the sequel tracker's broadcaster is not importable: {exc}"}

    def compose(update: Any, delivery: Any) -> OutgoingPost:
        return OutgoingPost(embed=discord.Embed(title=update.headline, description=update.text))

    rows = []
    for count in follows:
        limits = RateLimitConfig(global_per_second=GLOBAL_PER_SECOND, route_limit=5, route_window=1)
        async with quiet_emulator(rate_limits=limits) as emu:
            guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(count)]
            async with open_store(work / f"broadcast-{count}.db") as store:
                for guild in guilds:
                    channel = next(iter(guild.channels.values()))
                    await store.tracker.follow(guild.id, channel.id, None)
                update, queued = await store.tracker.add_update(
                    NewUpdate(headline="Bench news", text="The sequel has a benchmark.")
                )
                client = discord.Client(intents=discord.Intents.none())
                with redirect_discord_py(emu.port):
                    await client.login(emu.token)
                    try:
                        broadcaster = Broadcaster(
                            store.tracker,
                            DiscordPoster(client),
                            compose,
                            clock=SystemClock(),  # measured in real time
                            **broadcaster_options,
                        )
                        served_before = emu.limiter.served_429
                        start = time.perf_counter()
                        await broadcaster.run_pass()
                        elapsed = time.perf_counter() - start
                    finally:
                        await client.close()
                counts = await store.tracker.delivery_counts(update.id)
            posted = sum(len(emu.conversation(next(iter(g.channels.values())))) for g in guilds)
            floor = count / GLOBAL_PER_SECOND
            row = {
                "channels": count,
                "queued": queued,
                "sent": counts.sent,
                "posted": posted,
                "seconds": round(elapsed, 3),
                "floor_s": floor,
                "ratio": round(elapsed / floor, 3),
                "http_429": emu.limiter.served_429 - served_before,
                "global_429": emu.limiter.served_global_429,
            }
        log(f"broadcast {count}: {row}")
        rows.append(row)
    return {"global_per_second": GLOBAL_PER_SECOND, "options": broadcaster_options, "rows": rows}


# ---------------------------------------------------------------------------- three processes


def spread_guilds(emu: Emulator, count: int, shards: int) -> list[Guild]:
    """`count` servers, one 'news' channel each, spread evenly over the shards.

    A shard is (guild id >> 22) % shard_count, the id's millisecond: servers created in one
    millisecond would all land on one shard, so each gets its own (past) millisecond. Worker
    bits 31 keep these ids apart from the emulator's own snowflakes (worker 1)."""
    first_ms = (emu.state.snowflake() >> 22) - count - 1000
    return [
        emu.add_guild(f"Follower {i}", id=((first_ms + i) << 22) | (31 << 17), channels=("news",))
        for i in range(count)
    ]


async def _follow_all(store: Any, guilds: list[Guild]) -> None:
    """Each server follows the news in its channel, a few at a time (the pool's connections)."""
    follows = [(g.id, next(iter(g.channels.values())).id) for g in guilds]
    for start in range(0, len(follows), 8):
        await asyncio.gather(
            *(store.tracker.follow(gid, cid, None) for gid, cid in follows[start : start + 8])
        )


async def _start_shards(emu: Emulator, database_url: str, work: Path) -> list[BotProcess]:
    started = await asyncio.gather(
        *(
            start_bot(
                emu,
                "heroes",
                db=database_url,
                log_dir=work / "logs",
                guild_ready_timeout=0.1,
                shard_count=SHARD_PROCESSES,
                shard_ids=str(shard),
                timeout=600,
            )
            for shard in range(SHARD_PROCESSES)
        ),
        return_exceptions=True,
    )
    bots = [bot for bot in started if isinstance(bot, BotProcess)]
    failed = [error for error in started if isinstance(error, BaseException)]
    if failed:
        for bot in bots:
            await bot.stop()
        raise failed[0]
    return bots


async def _time_delivery(store: Any, count: int, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
    """Store one update, then poll its deliveries until none is left: seconds to the first
    and to the last 'sent'."""
    from bot.store import NewUpdate

    update, queued = await store.tracker.add_update(
        NewUpdate(headline="Bench news", text="The sequel has a benchmark.")
    )
    stored = time.perf_counter()
    first: float | None = None
    while True:
        counts = await store.tracker.delivery_counts(update.id)
        now = time.perf_counter()
        if first is None and counts.sent:
            first = now - stored
        if counts.done or now - stored > timeout:
            break
        await asyncio.sleep(0.05)
    return {"queued": queued, "counts": counts, "first_sent_s": first, "seconds": now - stored}


async def run_sharded_broadcast(
    count: int, database_url: str, work: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """One update to `count` channels by three shard processes on one PostgreSQL database."""
    from bot.seed import load_seed

    limits = RateLimitConfig(global_per_second=GLOBAL_PER_SECOND, route_limit=5, route_window=1)
    async with quiet_emulator(rate_limits=limits, shard_count=SHARD_PROCESSES) as emu:
        guilds = spread_guilds(emu, count, SHARD_PROCESSES)
        channels = [next(iter(g.channels.values())) for g in guilds]
        async with open_store(database_url) as store:
            await store.apply_seed(load_seed())
            await _follow_all(store, guilds)
            bots = await _start_shards(emu, database_url, work)
            try:
                served_before = emu.limiter.served_429
                global_before = emu.limiter.served_global_429
                floor = count / GLOBAL_PER_SECOND
                timed = await _time_delivery(store, count, timeout=3 * floor + 60)
            finally:
                codes = [await bot.stop() for bot in bots]
        posts = Counter({c.id: len(emu.conversation(c)) for c in channels})
        shards = Counter(g.shard_id(SHARD_PROCESSES) for g in guilds)
        counts = timed["counts"]
        row = {
            "channels": count,
            "processes": SHARD_PROCESSES,
            "servers_per_shard": [shards[i] for i in range(SHARD_PROCESSES)],
            "queued": timed["queued"],
            "sent": counts.sent,
            "not_sent": counts.total - counts.sent,
            "posted": sum(1 for n in posts.values() if n),
            "duplicates": sum(n - 1 for n in posts.values() if n > 1),
            "first_sent_s": _round(timed["first_sent_s"]),
            "seconds": round(timed["seconds"], 3),
            "floor_s": floor,
            "ratio": round(timed["seconds"] / floor, 3),
            "http_429": emu.limiter.served_429 - served_before,
            "served_global_429": emu.limiter.served_global_429,
            "global_429_during": emu.limiter.served_global_429 - global_before,
            "exit_codes": codes,
            "violations": len(emu.violations),
        }
    log(f"broadcast 3 processes on PostgreSQL, {count}: {row}")
    return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
