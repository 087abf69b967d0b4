"""The feeds phase: what one poll cycle of N feeds costs the bot, in CPU and memory.

Two processes besides the bench's: the feeds, served on 127.0.0.1 (bench/feeds_server.py), and
the poller (bench/feeds_poll.py), which runs the feed watcher's passes on a SQLite database and
measures itself, so neither the server's work nor the bench's own state is counted.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT

POLL_TIMEOUT_S = 600


async def run_feeds(count: int, work: Path, log: Callable[[str], None]) -> dict[str, Any]:
    try:
        from cogs.feeds import FeedWatcher  # noqa: F401 (only: is the watcher importable?)
    except ImportError as exc:
        return {"pending": f"the feed watcher is not importable: {exc}"}
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.feeds_server",
        "--feeds",
        str(count),
        cwd=PROJECT_ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        first = await asyncio.wait_for(server.stdout.readline(), 60)  # type: ignore[union-attr]
        port = int(first.decode().removeprefix("port ").strip())
        result = await _poll(f"http://127.0.0.1:{port}", count, work / f"feeds-{count}.db")
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        try:
            await asyncio.wait_for(server.wait(), 10)
        except TimeoutError:
            server.kill()
            await server.wait()
    for row in result["cycles"]:
        log(f"feeds {count}, cycle {row['cycle']}: {row}")
    return result


async def _poll(server: str, count: int, db: Path) -> dict[str, Any]:
    poller = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.feeds_poll",
        "--server",
        server,
        "--feeds",
        str(count),
        "--db",
        str(db),
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(poller.communicate(), POLL_TIMEOUT_S)
    if poller.returncode != 0:
        raise RuntimeError(f"the feed poller failed ({poller.returncode}): {err.decode()[-2000:]}")
    return json.loads(out.decode().strip().splitlines()[-1])
