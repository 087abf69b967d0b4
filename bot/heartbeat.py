"""The running bot's heartbeat: every 30 s, one row in the `meta` table saying this process is
alive and whether its gateway connection is up. `heroes-bot health` (bot/cli_health.py) reads
the rows; a process that stopped or hangs stops refreshing its row, which then goes stale.

One row a process (`<host>:<pid>`): several shard processes share one database, and each says
for itself whether its own shards are connected.
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from bot.background import BackgroundLoop
from bot.store import open_store_unchanged, stored_version

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 30.0
# A row older than this belongs to a process long gone: ignored by `health`, deleted by the bot.
FORGET_AFTER = timedelta(days=1)


class Beat(msgspec.Struct, frozen=True):
    key: str
    at: datetime
    gateway_up: bool
    shards: list[int]
    guilds: int
    pid: int
    host: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "gateway_up": self.gateway_up,
                "shards": self.shards,
                "guilds": self.guilds,
                "pid": self.pid,
                "host": self.host,
            }
        )

    @classmethod
    def from_json(cls, key: str, text: str) -> Beat | None:
        """The stored heartbeat, or None when the row cannot be read as one."""
        try:
            data = json.loads(text)
            return cls(
                key=key,
                at=datetime.fromisoformat(data["at"]),
                gateway_up=bool(data["gateway_up"]),
                shards=[int(s) for s in data.get("shards") or []],
                guilds=int(data.get("guilds", 0)),
                pid=int(data.get("pid", 0)),
                host=str(data.get("host", "")),
            )
        except (ValueError, TypeError, KeyError):
            return None


def gateway_up(bot: HeroesBot) -> bool:
    """Every shard of this process connected: not closed, and a measured (finite) latency."""
    if bot.is_closed() or not bot.is_ready():
        return False
    latencies = [latency for _, latency in getattr(bot, "latencies", [(0, bot.latency)])]
    return bool(latencies) and all(math.isfinite(latency) for latency in latencies)


def current_beat(bot: HeroesBot) -> Beat:
    host, pid = socket.gethostname(), os.getpid()
    shards = sorted(bot.shards) if hasattr(bot, "shards") else []
    return Beat(
        key=f"{host}:{pid}",
        at=bot.clock.now(),
        gateway_up=gateway_up(bot),
        shards=shards,
        guilds=len(bot.guilds),
        pid=pid,
        host=host,
    )


class HeartbeatLoop(BackgroundLoop):
    """Writes this process's heartbeat every HEARTBEAT_INTERVAL seconds on the bot's clock."""

    name = "heartbeat"

    def __init__(self, bot: HeroesBot, *, interval: float = HEARTBEAT_INTERVAL) -> None:
        super().__init__(wait_ready=bot.wait_until_ready)
        self.bot = bot
        self.interval = interval

    async def beat(self) -> Beat:
        beat = current_beat(self.bot)
        await self.bot.store.meta.heartbeat(beat.key, beat.to_json())
        return beat

    async def forget_old(self) -> None:
        """Delete the rows of processes that stopped beating a day ago (restarts leave one)."""
        cutoff = self.bot.clock.now() - FORGET_AFTER
        stored = await self.bot.store.meta.heartbeats()
        old = [k for k, text in stored.items() if _older(Beat.from_json(k, text), cutoff)]
        await self.bot.store.meta.forget_heartbeats(old)

    async def loop(self) -> None:
        first = True
        while not self.bot.is_closed():
            try:
                await self.beat()
                if first:
                    await self.forget_old()
                    first = False
            except Exception:  # a store hiccup must not end the heartbeat for good
                log.exception("could not write the heartbeat")
            await self.bot.clock.sleep(self.interval)


async def stored_beats(target: Path | str) -> list[Beat] | None:
    """The heartbeats stored in a database, read without creating it: None when it does not
    exist or has no tables (no bot ever ran on it). Shared by `health` and `restore`."""
    if not await stored_version(target):
        return None
    # Read as it is: `health` and `restore` must not migrate the database of a stopped bot
    # (an older heroes-bot could then no longer open it) nor narrow its files.
    async with open_store_unchanged(target) as store:
        stored = await store.meta.heartbeats()
    return [beat for key, text in stored.items() if (beat := Beat.from_json(key, text))]


def _older(beat: Beat | None, cutoff: datetime) -> bool:
    return beat is None or beat.at < cutoff


def start_heartbeat(bot: HeroesBot) -> HeartbeatLoop:
    """Start the heartbeat (from setup_hook); it runs once the bot is ready."""
    loop = HeartbeatLoop(bot)
    loop.start()
    return loop
