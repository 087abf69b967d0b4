"""Poll cycles of the feed watcher, measured in a process of its own (`bench/feeds.py` runs it):
`python -m bench.feeds_poll --server http://127.0.0.1:PORT --feeds 200 --db FILE`.

Each cycle is one `FeedWatcher.run_once()` (cogs/feeds), the pass the bot's loop runs: every due
feed fetched (at most 8 at once), parsed, its items decided and stored, the poll recorded. No
review notifier (as from the command line), auto-publish off. Between cycles the watcher's clock
moves past the interval, so every feed is due again; the feed server (bench/feeds_server.py, in
another process) is told what to answer. Cycles:

- first: every feed answers its whole body and every item is new (stored);
- not modified: conditional GETs (ETag) answered 304;
- one new item each: every feed changed (a new ETag), whole bodies, one new item per feed;
- unchanged, full body: the server ignores the ETag; every item is a duplicate (not stored).

Per cycle: CPU seconds of this process (user + system, every thread: aiosqlite's included), wall
seconds, peak resident memory during the cycle (VmHWM, reset before it through
/proc/self/clear_refs) and the resident memory before it. One JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.clock import SystemClock
from bot.store import open_store
from cogs.feeds import FeedWatcher, WatcherSettings

CYCLES = (
    ("first", "etag=on"),
    ("not_modified", "etag=on"),
    ("one_new_item_each", "etag=on&bump=1"),
    ("unchanged_full_body", "etag=off"),
)
INTERVAL_S = 900


class ShiftedClock(SystemClock):
    """The real time moved forward by `offset`: every feed is due again without waiting."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return super().now() + self.offset


def memory_kb() -> dict[str, int]:
    values: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def reset_peak() -> bool:
    """Start VmHWM again from the current resident size (Linux 4.0+); False if refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


async def cycle(watcher: FeedWatcher, name: str) -> dict[str, Any]:
    gc.collect()
    before = memory_kb()
    peak_reset = reset_peak()
    cpu, wall = time.process_time(), time.perf_counter()
    outcomes = await watcher.run_once()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    after = memory_kb()
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {
        "cycle": name,
        "feeds_polled": len(outcomes),
        "statuses": statuses,
        "items_stored": sum(len(o.stored) for o in outcomes),
        "candidates_stored": sum(len(o.candidates) for o in outcomes),
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "rss_before_kb": before.get("VmRSS", 0),
        "peak_kb": after.get("VmHWM", 0),
        "peak_is_this_cycle": peak_reset,
    }


async def run(server: str, count: int, db: Path) -> dict[str, Any]:
    clock = ShiftedClock()
    rows = []
    async with open_store(db) as store, aiohttp.ClientSession() as control:
        for number in range(count):
            await store.feeds.add_feed(f"{server}/feed/{number}.xml", interval_s=INTERVAL_S)
        watcher = FeedWatcher(store.feeds, None, clock=clock, settings=WatcherSettings())
        for name, answers in CYCLES:
            async with control.post(f"{server}/control?{answers}") as response:
                response.raise_for_status()
            rows.append(await cycle(watcher, name))
            clock.offset += timedelta(seconds=INTERVAL_S * 2)  # past any jittered next poll
        stored = len(await store.feeds.items(limit=1_000_000))
        pending = len(await store.feeds.pending_review())
    return {"feeds": count, "cycles": rows, "items_stored": stored, "candidates_pending": pending}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds_poll")
    parser.add_argument("--server", required=True)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.server, args.feeds, args.db))))


if __name__ == "__main__":
    main()
