"""SHARD_COUNT / SHARD_IDS: the real bot as an AutoShardedBot over the emulator's shards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import ShardedHeroesBot
from bot.config import Config, ConfigError, load_config
from discord_emulator import Emulator
from tests.e2e.harness import assert_clean, running_bot


def test_shard_settings() -> None:
    settings = load_config({"SHARD_COUNT": "4", "SHARD_IDS": "0-1,3"})
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 1, 3))
    assert load_config({}).sharded is False
    for env in (
        {"SHARD_IDS": "0"},
        {"SHARD_COUNT": "0"},
        {"SHARD_COUNT": "2", "SHARD_IDS": "2"},
        {"SHARD_COUNT": "2", "SHARD_IDS": "a"},
        {"SHARD_COUNT": "2", "SHARD_IDS": "0,0"},
    ):
        with pytest.raises(ConfigError, match="SHARD_"):
            load_config(env)


@pytest.mark.parametrize("shard_ids", [None, (1,)])
async def test_sharded_bot_serves_guilds_on_its_shards(
    tmp_path: Path, shard_ids: tuple[int, ...] | None
) -> None:
    async with Emulator(shard_count=2, heartbeat_interval=5.0) as emu:
        guilds = [emu.add_guild(f"g{i}") for i in range(6)]
        fan = emu.add_user("fan")
        settings = Config(
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            shard_count=2,
            shard_ids=shard_ids,
        )
        async with running_bot(emu, settings) as (bot, _):
            assert isinstance(bot, ShardedHeroesBot)
            mine = {g.id for g in guilds if shard_ids is None or (g.id >> 22) % 2 in shard_ids}
            assert {g.id for g in bot.guilds} == mine
            assert {i.shard for i in emu.identifies} == (
                {(0, 2), (1, 2)} if shard_ids is None else {(1, 2)}
            )
            for guild in guilds:
                if guild.id in mine:
                    channel = next(iter(guild.channels.values()))
                    handle = await emu.slash(
                        "cast", {"name": "pedro"}, user=fan, guild=guild, channel=channel
                    )
                    assert (await handle.wait_message()).embeds
        assert_clean(emu)
