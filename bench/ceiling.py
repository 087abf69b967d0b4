"""The sustained-rate ceiling of one bot: the highest offered rate it serves with p99 under
100 ms, found by raising the rate geometrically until a step fails, then bisecting between the
last passing and the first failing rate.

Every step records the CPU of the harness (emulator + load generator), of each bot process and
of the whole machine, so a ceiling can be told apart from the harness running out of its core.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import live

P99_LIMIT_MS = 100.0
# The harness counts as saturated at a step when it used this much of its one core (its event
# loop is one thread), or offered less than this share of the rate it meant to.
HARNESS_BUSY = 0.9
OFFERED_SHARE = 0.97
# The machine counts as saturated when its cores were this busy on average.
MACHINE_BUSY = 0.95
CORES = len(os.sched_getaffinity(0))
MIN_RATE = 10


@dataclass(frozen=True)
class Search:
    first_rate: int
    factor: float  # geometric steps: first_rate, first_rate * factor, ...
    precision: float  # bisect until first failing / last passing <= 1 + precision
    max_rate: int  # stop raising here (the ceiling is then "at least max_rate")
    step_seconds: float
    settle_seconds: float = 0.5  # between steps, so one step's backlog does not start the next


def passes(step: dict[str, Any]) -> bool:
    return not step["timeouts"] and step.get("p99", math.inf) <= P99_LIMIT_MS


def machine_saturated(step: dict[str, Any]) -> bool:
    """Every core busy (whoever used them): the bot was then short of CPU, not of capacity."""
    return step["cpu_cores"]["machine"] >= MACHINE_BUSY * CORES


def harness_saturated(step: dict[str, Any]) -> bool:
    return (
        step["cpu_cores"]["harness"] >= HARNESS_BUSY
        or step["achieved_per_s"] < OFFERED_SHARE * step["offered_per_s"]
    )


async def find_ceiling(
    t: live.Target, search: Search, pids: dict[str, int], log: Callable[[str], None]
) -> dict[str, Any]:
    """Raise, then bisect; every step measured as `live.open_loop` does."""
    steps: list[dict[str, Any]] = []

    async def measure(rate: int) -> bool:
        step = await live.open_loop(
            live.mixed(t.sends), rate=rate, duration=search.step_seconds, pids=pids
        )
        step["harness_saturated"] = harness_saturated(step)
        step["machine_saturated"] = machine_saturated(step)
        steps.append(step)
        cpu = step["cpu_cores"]
        log(
            f"ceiling {t.kind} {rate}/s: p99 {step.get('p99')} ms, timeouts {step['timeouts']}, "
            f"cores harness {cpu['harness']} bot {cpu['bot']} rest {cpu['rest_of_machine']}"
        )
        await asyncio.sleep(search.settle_seconds)
        return passes(step)

    passing, failing = 0, None
    rate = search.first_rate
    while rate <= search.max_rate:
        if not await measure(rate):
            failing = rate
            break
        passing, rate = rate, math.ceil(rate * search.factor)
    # Failing from the first step (a busy machine): step down until one passes.
    while not passing and failing and failing > MIN_RATE:
        rate = max(MIN_RATE, failing // search.factor)
        if await measure(int(rate)):
            passing = int(rate)
        else:
            failing = int(rate)
    while failing is not None and passing and failing > passing * (1 + search.precision):
        middle = round(math.sqrt(passing * failing))
        if await measure(middle):
            passing = middle
        else:
            failing = middle
    return summary(passing, failing, steps)


def summary(passing: int, failing: int | None, steps: list[dict[str, Any]]) -> dict[str, Any]:
    at_failure = next((s for s in steps if s["offered_per_s"] == failing), None)
    return {
        "ceiling_per_s": passing,
        "first_failing_per_s": failing,
        # No step failed before the search's max_rate: the ceiling is higher than measured.
        "limited_by_max_rate": failing is None,
        # The harness, not the bot, may have been what failed: see BENCHMARKS.md.
        "harness_saturated_at_failure": bool(at_failure and at_failure["harness_saturated"]),
        "machine_saturated_at_failure": bool(at_failure and at_failure["machine_saturated"]),
        "cpu_cores_at_ceiling": next(
            (s["cpu_cores"] for s in steps if s["offered_per_s"] == passing), None
        ),
        "cpu_cores_at_failure": at_failure["cpu_cores"] if at_failure else None,
        "steps": steps,
    }


def median_ceiling(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median ceiling (its own steps and CPU), with every run's ceiling."""
    ordered = sorted(runs, key=lambda run: run["ceiling_per_s"])
    chosen = ordered[(len(ordered) - 1) // 2]
    return {**chosen, "ceilings_per_s": [run["ceiling_per_s"] for run in runs]}
