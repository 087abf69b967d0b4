"""The emulator deduplicates message creates as Discord does with `enforce_nonce`."""

from __future__ import annotations

from typing import Any

import aiohttp

from discord_emulator import Emulator, FakeClock


async def test_enforce_nonce_returns_the_first_message_instead_of_posting_twice() -> None:
    clock = FakeClock()
    async with Emulator(clock=clock, heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes", channels=("news", "general"))
        news, general = guild.channels.values()
        headers = {"Authorization": f"Bot {emu.token}"}

        async with aiohttp.ClientSession() as session:

            async def create(channel_id: int, body: dict[str, Any]) -> tuple[int, str]:
                url = f"{emu.base_url}/api/v10/channels/{channel_id}/messages"
                async with session.post(url, json=body, headers=headers) as response:
                    return response.status, (await response.json())["id"]

            first = await create(news.id, {"content": "hi", "nonce": "n1", "enforce_nonce": True})
            again = await create(news.id, {"content": "hi", "nonce": "n1", "enforce_nonce": True})
            assert again == first and first[0] == 200  # the same message, 200, nothing posted
            assert len(emu.conversation(news)) == 1
            # Only with enforce_nonce, only in the same channel, only for a few minutes.
            loose = await create(news.id, {"content": "hi", "nonce": "n1"})
            elsewhere = await create(
                general.id, {"content": "hi", "nonce": "n1", "enforce_nonce": True}
            )
            clock.advance(10 * 60)
            late = await create(news.id, {"content": "hi", "nonce": "n9", "enforce_nonce": True})
            later = await create(news.id, {"content": "hi", "nonce": "n9", "enforce_nonce": True})
            clock.advance(10 * 60)
            stale = await create(news.id, {"content": "hi", "nonce": "n9", "enforce_nonce": True})
        assert len({first[1], loose[1], elsewhere[1], late[1], stale[1]}) == 5
        assert later == late
        assert len(emu.conversation(news)) == 4
        assert emu.violations == []
