"""A Discord emulator for testing an unmodified discord.py bot (see README.md beside this file).

REST (``/api/v10``) and the v10 gateway are served by aiohttp on one
127.0.0.1 port. The emulator is strict like Discord: request bodies are checked
against Discord's documented limits (and, when the OpenAPI spec is available,
its JSON schemas), interaction timing/ack rules are enforced, and every breach
is answered with Discord's error body *and* recorded in ``Emulator.violations``.
What Discord's *client* would never send (an option out of range, a command in
the wrong place) is refused with :class:`ClientRefusal` before it reaches the bot.

Typical test::

    async with Emulator() as emu:
        guild = emu.add_guild("Test server")
        with redirect_discord_py(emu.port):
            task = asyncio.create_task(bot.start(emu.token))
            await emu.wait_ready()
            await emu.wait_synced(guild)          # after the bot's tree.sync()
            handle = await emu.slash("ping")
            response = await handle.response()
            assert response.content == "pong"
            choices = await emu.autocomplete("cast", "name", "pe")
            click = await emu.press(handle.original, "vote")
            await bot.close(); await task
        assert emu.violations == []

A package of its own: it imports nothing of the project that tests with it
(tests/test_layout.py), and the project's production code never imports it
(tests/test_production_imports.py).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._clock import Clock, FakeClock, SystemClock
    from ._driver import ClientRefusal, EmulatorUsageError, InteractionHandle, InteractionResponse
    from ._emulator import Emulator
    from ._errors import Violation
    from ._events import ScheduledEvent
    from ._gateway import PRIVILEGED_INTENTS, Identify
    from ._limits import check_embeds, check_message
    from ._localizations import DISCORD_LOCALES, shown_description, shown_name
    from ._ratelimit import RateLimitConfig
    from ._redirect import redirect_discord_py, skip_identify_wait
    from ._rest import Fault, RequestRecord
    from ._schema import SPEC_ENV_VAR, SchemaValidator, default_spec_path
    from ._state import Channel, Guild, Interaction, Member, Message, Role, User

# Each name is imported from its module when first asked for (PEP 562): a bot process that only
# needs `redirect_discord_py` (the benchmark's bots, which talk to an emulator in another
# process) does not load the emulator, its aiohttp server and its state (about 7 MB, 0.1 s).
_HOMES = {
    "Clock": "_clock",
    "FakeClock": "_clock",
    "SystemClock": "_clock",
    "ClientRefusal": "_driver",
    "EmulatorUsageError": "_driver",
    "InteractionHandle": "_driver",
    "InteractionResponse": "_driver",
    "Emulator": "_emulator",
    "Violation": "_errors",
    "ScheduledEvent": "_events",
    "PRIVILEGED_INTENTS": "_gateway",
    "Identify": "_gateway",
    "check_embeds": "_limits",
    "check_message": "_limits",
    "DISCORD_LOCALES": "_localizations",
    "shown_description": "_localizations",
    "shown_name": "_localizations",
    "RateLimitConfig": "_ratelimit",
    "redirect_discord_py": "_redirect",
    "skip_identify_wait": "_redirect",
    "Fault": "_rest",
    "RequestRecord": "_rest",
    "SPEC_ENV_VAR": "_schema",
    "SchemaValidator": "_schema",
    "default_spec_path": "_schema",
    "Channel": "_state",
    "Guild": "_state",
    "Interaction": "_state",
    "Member": "_state",
    "Message": "_state",
    "Role": "_state",
    "User": "_state",
}


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # asked once
    return value


__all__ = [
    "DISCORD_LOCALES",
    "PRIVILEGED_INTENTS",
    "SPEC_ENV_VAR",
    "Channel",
    "ClientRefusal",
    "Clock",
    "Emulator",
    "EmulatorUsageError",
    "FakeClock",
    "Fault",
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
    "ScheduledEvent",
    "SchemaValidator",
    "SystemClock",
    "User",
    "Violation",
    "check_embeds",
    "check_message",
    "default_spec_path",
    "redirect_discord_py",
    "shown_description",
    "shown_name",
    "skip_identify_wait",
]
