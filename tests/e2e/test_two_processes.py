"""Two OS processes of the real bot, each with half the shards, sharing one database file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bench.bot_process import PROBE_KEY
from bench.live import BotProcess, start_bot
from discord_emulator import Emulator

WRITES = 200


async def _start(emu: Emulator, db: Path, logs: Path, shard: int) -> BotProcess:
    return await start_bot(
        emu,
        "heroes",
        db=db,
        log_dir=logs,
        guild_ready_timeout=0.05,
        shard_count=2,
        shard_ids=str(shard),
        extra_args=["--write-probe", str(WRITES)],
        timeout=60,
    )


async def test_two_processes_share_one_database_without_a_lost_write(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    async with Emulator(shard_count=2, heartbeat_interval=5.0) as emu:
        guilds = [emu.add_guild(f"g{i}") for i in range(8)]
        fan = emu.add_user("fan")
        # Both start at once on a database that does not exist yet: the migrations, the seed
        # and the command sync race each other.
        bots = await asyncio.gather(*(_start(emu, db, tmp_path / "logs", s) for s in (0, 1)))
        try:
            assert {tuple(b.ready["shards"]) for b in bots} == {(0,), (1,)}
            assert sum(b.ready["guilds"] for b in bots) == len(guilds)
            await emu.wait_synced(None, timeout=10)
            # Each process answers its own shard's servers while both write.
            handles = []
            for guild in guilds * 3:
                channel = next(iter(guild.channels.values()))
                handles.append(
                    await emu.slash(
                        "cast", {"name": "pedro"}, user=fan, guild=guild, channel=channel
                    )
                )
            # And members' commands write too, in both processes: every server's reply setting.
            owner = emu.app.owner
            for guild in guilds:
                channel = next(iter(guild.channels.values()))
                handles.append(
                    await emu.slash(
                        "settings",
                        {"replies": "private"},
                        user=owner,
                        guild=guild,
                        channel=channel,
                    )
                )
            for handle in handles:
                await handle.wait_message(timeout=20)
            for bot in bots:
                assert bot.proc.stdout is not None
                line = await asyncio.wait_for(bot.proc.stdout.readline(), 60)
                assert line.strip() == f"WROTE {WRITES}".encode(), line
        finally:
            codes = [await bot.stop() for bot in bots]
        assert emu.violations == []
    assert codes == [0, 0]
    for bot in bots:
        log = bot.log_path.read_text()
        assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    with sqlite3.connect(db) as check:
        (value,) = check.execute("SELECT value FROM meta WHERE key = ?", (PROBE_KEY,)).fetchone()
        assert int(value) == 2 * WRITES  # no increment lost
        people = check.execute("SELECT count(*) FROM people").fetchone()[0]
        keys = check.execute("SELECT count(DISTINCT key) FROM people").fetchone()[0]
        assert people == keys > 0  # the seed applied once, not twice
        private = check.execute(
            "SELECT count(*) FROM guild_settings WHERE private_replies = 1"
        ).fetchone()[0]
        assert private == len(guilds)  # every server's setting, written by either process
