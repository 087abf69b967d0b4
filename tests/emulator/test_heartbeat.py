"""discord.py's gateway latency, as the emulator makes it look."""

from __future__ import annotations

import asyncio
import contextlib

import discord

from discord_emulator import Emulator, redirect_discord_py, skip_identify_wait

INTERVAL = 0.1
BEATS = 16


async def test_heartbeat_ack_does_not_outrun_discord_py_noting_the_send() -> None:
    # An ACK sent the instant the heartbeat arrived reached discord.py before its heartbeat
    # thread had noted the send, so latency was measured from the previous heartbeat: the
    # sandbox's /about said "Gateway latency: 30003 ms" and discord.py warned "Can't keep up".
    async with Emulator(heartbeat_interval=INTERVAL) as emu:
        emu.add_guild("g")
        client = discord.Client(intents=discord.Intents.none())
        skip_identify_wait(client)
        with redirect_discord_py(emu.port):
            task = asyncio.create_task(client.start(emu.token))
            try:
                await emu.wait_ready()
                # When heartbeat n+1 arrives, discord.py has handled the ACK of heartbeat n:
                # note the latency it measured each time (the race did not strike every beat).
                seen: dict[int, float] = {}

                def beats() -> bool:
                    seen[emu.gateway.heartbeats] = client.latency
                    return emu.gateway.heartbeats >= BEATS

                await emu.wait_until(beats, timeout=10)
                assert max(seen.values()) < INTERVAL / 2, seen
            finally:
                await client.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
