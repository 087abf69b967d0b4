"""Stops cleanly: the real bot in its own OS process gets SIGTERM mid-broadcast. It refuses the
interaction that arrives meanwhile with the restart wording, lets the broadcast under way finish
within its 10 s grace, exits 0, and a restart on the same database leaves every following channel
with exactly one post. Below, the background loop's part: the pass under way may end, bounded
on the bot's clock."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

from bench.live import BotProcess, start_bot
from bot.background import BackgroundLoop
from bot.clock import ManualClock
from bot.seed import load_seed
from bot.shutdown import STOP_GRACE
from bot.store import NewUpdate, open_store
from bot.tree import RESTARTING
from discord_emulator import Emulator

FOLLOWERS = 120
STOP_AT = 31  # SIGTERM as Discord creates the 31st post, before the answer reaches the bot


def _states(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as check:
        return Counter(state for (state,) in check.execute("SELECT state FROM sequel_deliveries"))


async def _start(emu: Emulator, db: Path, logs: Path) -> BotProcess:
    return await start_bot(
        emu,
        "heroes",
        db=db,
        log_dir=logs,
        guild_ready_timeout=0.05,
        extra_args=["--delivery-stale-after", "1", "--log-level", "INFO"],
        timeout=30,
    )


async def test_sigterm_mid_broadcast_refuses_new_work_finishes_and_exits_0(
    tmp_path: Path,
) -> None:
    db = tmp_path / "heroes.db"
    async with Emulator(heartbeat_interval=5.0) as emu:
        guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(FOLLOWERS)]
        channels = [next(iter(guild.channels.values())) for guild in guilds]
        elsewhere = emu.add_guild("Fan club", channels=("general",))  # follows nothing
        async with open_store(db) as store:
            await store.apply_seed(load_seed())
            for guild, channel in zip(guilds, channels, strict=True):
                await store.tracker.follow(guild.id, channel.id, None)
            await store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll in Austin."))

        first: list[BotProcess] = []
        started = asyncio.Event()
        answers: list[str | None] = []
        stopped_at: list[float] = []

        async def sigterm_then_ask() -> None:
            await started.wait()  # (the broadcast may begin before start_bot returns)
            os.kill(first[0].pid, signal.SIGTERM)
            stopped_at.append(time.monotonic())
            await asyncio.sleep(0.5)  # the signal is handled: the bot is stopping
            # Asked while this post's answer is held: the broadcast is still under way.
            asked = await emu.slash("sequel status", guild=elsewhere)
            answers.append((await asked.response(5)).content)

        emu.rest.inject_fault(
            "POST /channels/{channel_id}/messages",
            skip=STOP_AT - 1,
            status=500,  # discord.py retries it with the same nonce; Discord returns the post
            after_effect=True,
            action=sigterm_then_ask,
        )
        first.append(await _start(emu, db, tmp_path / "logs"))
        started.set()
        assert await asyncio.wait_for(first[0].proc.wait(), 20) == 0
        assert stopped_at and time.monotonic() - stopped_at[0] < 12
        assert answers == [RESTARTING]
        log = first[0].log_path.read_text()
        assert "Traceback" not in log, log[-3000:]

        second = await _start(emu, db, tmp_path / "logs")
        try:
            await emu.wait_until(
                lambda: all(emu.conversation(c) for c in channels),
                timeout=20,
                what="a post in every channel",
            )
            for _ in range(200):  # the last posts are recorded just after Discord answers
                if _states(db)["sent"] == FOLLOWERS:
                    break
                await asyncio.sleep(0.05)
        finally:
            assert await second.stop() == 0

        assert [len(emu.conversation(c)) for c in channels] == [1] * FOLLOWERS
        assert _states(db) == Counter({"sent": FOLLOWERS})
        assert emu.violations == []


class _Passes(BackgroundLoop):
    """A loop whose passes last until the test lets them end."""

    def __init__(self) -> None:
        super().__init__()
        self.started = 0
        self.ended = 0
        self.release = asyncio.Event()

    async def loop(self) -> None:
        while True:
            async with self.one_pass():
                self.started += 1
                await self.release.wait()
                self.ended += 1
            await asyncio.sleep(0)


async def test_finishing_a_loop_lets_the_pass_under_way_end_and_starts_no_new_one() -> None:
    clock = ManualClock()
    passes = _Passes()
    passes.start()
    await clock.run_until_idle()
    finishing = asyncio.ensure_future(passes.finish(clock, STOP_GRACE))
    await clock.run_until_idle()
    passes.release.set()
    assert await finishing is True
    assert (passes.started, passes.ended, passes.running) == (1, 1, False)


async def test_finishing_a_loop_cuts_off_a_pass_that_outlasts_the_grace_on_the_bots_clock() -> None:
    clock = ManualClock()
    passes = _Passes()
    passes.start()
    await clock.run_until_idle()
    finishing = asyncio.ensure_future(passes.finish(clock, STOP_GRACE))
    await clock.advance(STOP_GRACE - 0.1)
    assert not finishing.done()
    await clock.advance(0.1)
    assert await finishing is False
    assert (passes.started, passes.ended, passes.running) == (1, 0, False)
