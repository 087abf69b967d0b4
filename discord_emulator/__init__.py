"""Protocol-level Discord emulator for testing an unmodified discord.py bot.

REST (``/api/v10``) and the v10 gateway are served by aiohttp on one
127.0.0.1 port. The emulator is strict like Discord: request bodies are checked
against Discord's documented limits (and, when the OpenAPI spec is available,
its JSON schemas), interaction timing/ack rules are enforced, and every breach
is answered with Discord's error body *and* recorded in ``Emulator.violations``.

Typical test::

    async with Emulator() as emu:
        guild = emu.add_guild("Heroes")
        with redirect_discord_py(emu.port):
            task = asyncio.create_task(bot.start(emu.token))
            await emu.wait_ready()
            await emu.wait_synced(guild)          # after the bot's tree.sync()
            handle = await emu.slash("cast", {"name": "pedro"})
            response = await handle.response()
            assert response.content == "..."
            choices = await emu.autocomplete("cast", "name", "pe")
            click = await emu.press(handle.original, "vote")
            await bot.close(); await task
        assert emu.violations == []

Nothing in the bot's production code imports this package.
"""

from ._clock import Clock, FakeClock, SystemClock
from ._driver import ClientRefusal, EmulatorUsageError, InteractionHandle, InteractionResponse
from ._emulator import Emulator
from ._errors import Violation
from ._gateway import PRIVILEGED_INTENTS, Identify
from ._ratelimit import RateLimitConfig
from ._redirect import redirect_discord_py, skip_identify_wait
from ._rest import RequestRecord
from ._schema import SPEC_ENV_VAR, SchemaValidator, default_spec_path
from ._state import Channel, Guild, Interaction, Member, Message, Role, User

__all__ = [
    "PRIVILEGED_INTENTS",
    "SPEC_ENV_VAR",
    "Channel",
    "ClientRefusal",
    "Clock",
    "Emulator",
    "EmulatorUsageError",
    "FakeClock",
    "Guild",
    "Identify",
    "Interaction",
    "InteractionHandle",
    "InteractionResponse",
    "Member",
    "Message",
    "RateLimitConfig",
    "RequestRecord",
    "Role",
    "SchemaValidator",
    "SystemClock",
    "User",
    "Violation",
    "default_spec_path",
    "redirect_discord_py",
    "skip_identify_wait",
]
