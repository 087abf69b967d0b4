"""`heroes-bot health`: is a bot running and connected? For a service manager or a container's
health check: exit 0 only when some process wrote a fresh heartbeat with its gateway up
(bot/heartbeat.py), 1 otherwise; one line a process says why."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.clock import SystemClock
from bot.heartbeat import FORGET_AFTER, HEARTBEAT_INTERVAL, Beat, stored_beats
from bot.store import redacted as redacted_url
from bot.store import stored_version

DEFAULT_MAX_AGE = 90.0


def add_parser(sub: argparse._SubParsersAction) -> None:
    health = sub.add_parser(
        "health",
        help="exit 0 if a running bot is connected to Discord, 1 if not",
        description="Read the heartbeats running bots write to the database every "
        f"{HEARTBEAT_INTERVAL:.0f} s and exit 0 if at least one is fresh (no older than "
        "--max-age) with its gateway connection up; 1 otherwise. Changes nothing.",
    )
    health.add_argument(
        "--max-age",
        type=float,
        default=DEFAULT_MAX_AGE,
        metavar="SECONDS",
        help=f"how old a heartbeat may be and still count (default {DEFAULT_MAX_AGE:.0f})",
    )
    health.add_argument(
        "--this-host",
        action="store_true",
        help="count only the bots running on this host (a container's own bot, when several "
        "share one PostgreSQL database); its name is socket.gethostname()",
    )


def run(args: argparse.Namespace, target: Path | str, *, out: TextIO | None = None) -> int:
    host = socket.gethostname() if args.this_host else None
    return asyncio.run(check_health(target, max_age=args.max_age, host=host, out=out))


async def check_health(
    target: Path | str,
    *,
    max_age: float = DEFAULT_MAX_AGE,
    host: str | None = None,
    now: datetime | None = None,
    out: TextIO | None = None,
) -> int:
    """Print one line a process and return the exit status (0: some bot is up; on `host`, when
    given)."""
    out = out or sys.stdout
    now = now or SystemClock().now()  # the command's time is the real one
    name = redacted_url(target) if isinstance(target, str) else str(target)
    # Read-only intent: a missing SQLite file is not created, an empty database not migrated.
    version = await stored_version(target)
    if version is None:
        print(f"unhealthy: {name} does not exist: no bot has run on this database", file=out)
        return 1
    beats = await stored_beats(target)
    if beats is None:
        print(f"unhealthy: {name} has no tables: no bot has run on this database", file=out)
        return 1
    recent = [b for b in beats if (now - b.at) <= FORGET_AFTER and host in (None, b.host)]
    if not recent:
        where = f" on {host}" if host else ""
        print(f"unhealthy: no heartbeat in the last day: no bot is running{where}", file=out)
        return 1
    healthy = False
    for beat in sorted(recent, key=lambda b: b.at, reverse=True):
        line, ok = describe(beat, now, max_age)
        healthy = healthy or ok
        print(line, file=out)
    return 0 if healthy else 1


def describe(beat: Beat, now: datetime, max_age: float) -> tuple[str, bool]:
    """One process's line, and whether it counts as a running, connected bot."""
    age = (now - beat.at).total_seconds()
    fresh = age <= max_age
    shards = f", shards {','.join(map(str, beat.shards))}" if beat.shards else ""
    line = (
        f"{'fresh' if fresh else 'stale'} {beat.host} pid {beat.pid}: gateway "
        f"{'up' if beat.gateway_up else 'down'}, {beat.guilds} servers{shards}, "
        f"heartbeat {age:.0f} s ago"
    )
    return line, fresh and beat.gateway_up
