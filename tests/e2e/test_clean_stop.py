"""Stops cleanly: the real bot in its own OS process gets SIGTERM mid-broadcast. It refuses the
interaction that arrives meanwhile with the restart wording, lets the broadcast under way finish
within its 10 s grace, exits 0, and a restart on the same database leaves every following channel
with exactly one post. Below, the background loop's part: the pass under way may end, bounded
on the bot's clock."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from bench.live import BotProcess
from bot.background import BackgroundLoop
from bot.clock import ManualClock
from bot.shutdown import STOP_GRACE
from bot.tree import RESTARTING
from discord_emulator import Emulator
from tests.e2e.broadcast import (
    assert_one_post_each,
    followers_with_one_update,
    start_heroes,
    wait_for_every_post,
)

STOP_AT = 31  # SIGTERM as Discord creates the 31st post, before the answer reaches the bot


async def test_sigterm_mid_broadcast_refuses_new_work_finishes_and_exits_0(
    tmp_path: Path,
) -> None:
    db = tmp_path / "heroes.db"
    async with Emulator(heartbeat_interval=5.0) as emu:
        channels = await followers_with_one_update(emu, db)
        elsewhere = emu.add_guild("Fan club", channels=("general",))  # follows nothing

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
        first.append(await start_heroes(emu, db, tmp_path / "logs", "--log-level", "INFO"))
        started.set()
        assert await asyncio.wait_for(first[0].proc.wait(), 20) == 0
        assert stopped_at and time.monotonic() - stopped_at[0] < 12
        assert answers == [RESTARTING]
        log = first[0].log_path.read_text()
        assert "Traceback" not in log, log[-3000:]

        second = await start_heroes(emu, db, tmp_path / "logs")
        try:
            await wait_for_every_post(emu, db, channels)
        finally:
            assert await second.stop() == 0
        assert_one_post_each(emu, db, channels)


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
