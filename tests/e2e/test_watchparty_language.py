"""Watch parties in the server's language (issue 16): an event's default name and description
and a premiere event (name, place, description, the reason stored when none is made) are read
by the whole server, so they follow /settings language:, else the server's Discord language;
the reply to the member who asked stays in theirs.

The catalogs may not translate these strings yet, so each lookup is marked with the locale it
was made in ("[fr] Watch party: ..."), which shows which language each text was asked in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config
from bot.i18n import LOCALES
from cogs.watchparty import due_premiere
from discord_emulator import Emulator, FakeClock
from tests.e2e.harness import World, assert_clean, running_bot, world
from tests.e2e.test_watchparty_premiere import DATED, UNDATED, add_update, opt_in, premiere_state

NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture(autouse=True)
def marked_catalogs(marked: None) -> None:
    """Every locale but English 'translated' by marking it."""


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db", clock=FakeClock()) as value:
        await value.emu.set_preferred_locale(value.guild, "fr")  # the server's Discord language
        for _attempt in range(200):  # until the bot has read the GUILD_UPDATE
            seen = value.bot.get_guild(value.guild.id)
            if seen is not None and str(seen.preferred_locale) == "fr":
                break
            await asyncio.sleep(0.01)
        yield value
        assert_clean(value.emu)


async def _create(w: World) -> str:
    options = {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "Rex cinema", "hours": 3}
    handle = await w.emu.slash("watchparty create", options, user=w.emu.app.owner)
    return (await handle.wait_message()).content or ""


async def test_a_watch_party_event_speaks_the_servers_chosen_language(w: World) -> None:
    await w.bot.store.settings.set_language(w.guild.id, "pt-BR")  # wins over Discord's "fr"
    reply = await _create(w)
    [event] = w.emu.rest.scheduled_events.events.values()
    assert event.name.startswith("[pt-BR] Watch party: ")
    assert (event.description or "").startswith("[pt-BR] Watching: ")
    # The reply is the member's (English), naming the event by its name.
    assert reply.startswith("Scheduled **[pt-BR] Watch party: ")
    assert "\nTimes typed in UTC" in reply


async def test_without_a_choice_the_event_follows_discords_server_language(w: World) -> None:
    await _create(w)
    [event] = w.emu.rest.scheduled_events.events.values()
    assert event.name.startswith("[fr] Watch party: ")


async def test_a_premiere_is_named_and_told_in_the_servers_language(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        async with running_bot(emu, settings, clock=clock) as (bot, _unused):
            await bot.store.settings.set_language(guild.id, "es-ES")
            await opt_in(emu, guild)
            await add_update(bot, clock, UNDATED)
            setting = await premiere_state(bot, guild, "no-date")
            assert (setting.note or "").startswith("[es-ES] No premiere event: ")
            await add_update(bot, clock, DATED)
            await premiere_state(bot, guild, "created")
            [event] = emu.rest.scheduled_events.events.values()
            assert event.name.startswith("[es-ES] Premiere: ")
            assert (event.location or "").startswith("[es-ES] Release day")
            assert (event.description or "").startswith("[es-ES] ")
            assert DATED.text in (event.description or "")  # the source's words, as printed
            # Its name in every language is known: a later pass, after the server changed its
            # language, still finds this event and makes no second one.
            premiere = await due_premiere(bot.store)
            assert premiere is not None and event.name in premiere.names
            assert len(premiere.names) == len(LOCALES)
        assert_clean(emu)
