"""emulated_bot(): the one way the tests, the sandbox and the benchmarks start the real bot."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config
from bot.emulated import emulated_bot
from discord_emulator import FakeClock


async def test_emulated_bot_makes_its_own_emulator_and_passes_bot_options_through(
    tmp_path: Path,
) -> None:
    config = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    clock = FakeClock()  # the emulator's fake clock has the bot's Clock shape
    async with emulated_bot(config, clock=clock) as running:
        assert running.emulator is not None
        assert running.bot.is_ready()
        assert running.bot.clock is clock
        assert running.emulator.synced_commands()  # the real start: setup_hook synced
    assert running.task.done() and running.bot.is_closed()
    assert running.emulator.violations == []
