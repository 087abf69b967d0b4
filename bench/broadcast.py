"""Broadcast time: one sequel update to N following channels, against Discord's global limit.

The floor is N / 50 s: Discord allows a bot 50 requests per second in all, and the emulator
enforces that with real 429 answers (``RateLimitConfig(global_per_second=50)``). The sender is
the tracker's Broadcaster with discord.py's HTTP client (logged in over HTTP only; posting needs
no gateway), in this process with the emulator: the work is bound by the limit, not the CPU.

The broadcaster is the sequel tracker's (cogs/sequel/_service.py); while it is not importable
this phase reports itself as pending instead of failing the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

from bot.clock import SystemClock
from bot.store import open_store
from discord_emulator import RateLimitConfig, redirect_discord_py

from .live import quiet_emulator

GLOBAL_PER_SECOND = 50


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
