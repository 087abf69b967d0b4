"""One clock (issue 11 §4): the bot reads time and waits only through the Clock it was given."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from bot.client import HeroesBot
from bot.clock import Clock, ManualClock, SystemClock, wait_for_event
from bot.cooldowns import PublicCooldown
from discord_emulator import FakeClock

ROOT = Path(__file__).resolve().parent.parent

# Reading the wall clock or waiting on the event loop's real time, outside bot/clock.py.
WALL_CLOCK = re.compile(
    r"time\.time\(|time\.monotonic\b|time\.perf_counter\b|datetime\.now\(|\butcnow\(\)|"
    r"asyncio\.sleep\((?!0\))|asyncio\.wait_for\(|asyncio\.timeout\(|loop\.time\("
)
# Where real time is the point, and why.
REAL_TIME = {
    "bot/clock.py": "SystemClock itself",
    "bot/sandbox": "a person at a terminal: the emulator and the bot run in real time for them",
    "bot/emulated.py": "a bound on how long a stopping bot may take (tests, sandbox, benchmarks)",
    # SQLite's busy lock and writes by other processes sharing the file happen in real time;
    # `now=None` stamps real time for callers without a clock (every call from the bot and the
    # news command passes its clock's time).
    "bot/store": "waits on other processes through SQLite",
    # A remote server answers in real time: a feed fetch's 10 s budget bounds the network, which
    # a test clock cannot speed up (the bot's clock still schedules the polls).
    "cogs/feeds/_fetch.py": "the time limit of an HTTP fetch from another server",
}


def _allowed(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return any(relative == key or relative.startswith(key + "/") for key in REAL_TIME)


def test_no_module_reads_the_wall_clock_or_waits_on_it_but_the_clock() -> None:
    offenders = []
    for folder in ("bot", "cogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if _allowed(path):
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if WALL_CLOCK.search(code) and not code.lstrip().startswith(("(", '"', "`")):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def _clocks(value: Any, depth: int = 0) -> list[object]:
    """Every Clock reachable from a cog's attributes (services, guards, cooldowns)."""
    if depth > 3 or isinstance(value, HeroesBot | str | bytes | int | float | type(None)):
        return []
    if isinstance(value, Clock) and not isinstance(value, PublicCooldown):
        return [value]
    found: list[object] = []
    for name, attribute in vars(value).items() if hasattr(value, "__dict__") else ():
        if not name.startswith("__"):
            found += _clocks(attribute, depth + 1)
    return found


async def test_every_cog_and_service_runs_on_the_bots_clock(bot: HeroesBot) -> None:
    # Seven ways of injecting time (time_scale, clock=, monotonic=, sleep=, owners_clock, ...)
    # let a test fake one and miss another; the bot now hands its one clock to all of them.
    assert isinstance(bot.clock, ManualClock)
    found = {name: _clocks(cog) for name, cog in bot.cogs.items()}
    for name in ("Sequel", "QuoteDaily", "Trivia", "Film", "Cast", "Quotes", "About"):
        assert found[name], f"{name} holds no clock"
    assert all(clock is bot.clock for clocks in found.values() for clock in clocks), found


async def test_manual_clock_wakes_each_sleeper_at_its_own_time_only_when_advanced() -> None:
    clock = ManualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    start = clock.monotonic()
    tasks = [asyncio.create_task(sleeper("late", 5)), asyncio.create_task(sleeper("soon", 2))]
    await clock.run_until_idle()
    assert woke == [] and clock.sleepers == 2  # nothing moves by itself
    await clock.advance(10)
    assert woke == [("soon", start + 2), ("late", start + 5)]
    assert clock.monotonic() == start + 10
    assert (clock.now() - ManualClock().now()).total_seconds() == 10
    await asyncio.gather(*tasks)


async def test_waiting_for_an_event_times_out_on_the_clock_not_the_loop() -> None:
    clock = ManualClock()
    event = asyncio.Event()
    waiting = asyncio.create_task(wait_for_event(clock, event, 30))
    await clock.advance(29)
    assert not waiting.done()
    await clock.advance(1)
    assert await waiting is False
    event.set()
    assert await wait_for_event(clock, event, 30) is True


def test_the_emulators_clocks_are_bot_clocks() -> None:
    # discord_emulator may not import bot; its clocks still have the Clock shape, so one
    # FakeClock can drive the emulator and the bot together (tests/e2e/harness.py world()).
    assert isinstance(FakeClock(), Clock)
    assert isinstance(SystemClock(), Clock)


class _SlowToStopClock(ManualClock):
    """A clock whose sleep takes a few loop turns to finish once cancelled (as a real timer's
    cleanup may), so a cancel can reach wait_for_event while it is tidying up its timer."""

    async def sleep(self, seconds: float) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            for _ in range(5):
                await asyncio.sleep(0)
            raise


async def test_wait_for_event_lets_a_cancel_during_its_cleanup_through() -> None:
    # A loop waiting on wait_for_event must end when its task is cancelled, even if the cancel
    # arrives while the wait tidies up its timer: swallowed, the loop slept out its interval and
    # a stopping bot hung in teardown.
    event = asyncio.Event()
    waiting = asyncio.create_task(wait_for_event(_SlowToStopClock(), event, 300))
    await asyncio.sleep(0)
    event.set()
    for _ in range(3):  # the event's waiter finishes; the wait now cancels its timer
        await asyncio.sleep(0)
    waiting.cancel()
    try:
        await waiting
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the cancel was swallowed: wait_for_event returned normally")
    assert waiting.cancelled()
