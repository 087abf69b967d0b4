"""Premiere events end to end (issue 15 part 4): when the sequel's stage becomes "release date
set", a server that opted in gets one scheduled event on the release day the sources give: not
before a source gives a date, never a second one (across a restart, a later "released" update,
or a create whose answer was lost after Discord made the event)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.client import HeroesBot
from bot.config import Config
from bot.store import NewUpdate, PremiereSetting
from discord_emulator import Emulator, FakeClock, Guild
from tests.e2e.harness import assert_clean, running_bot

YEAR = datetime.now(UTC).year + 2
TODAY = datetime.now(UTC).date().isoformat()
DATED = NewUpdate(
    "Sequel release date announced",
    f"Netflix says the sequel premieres on June 4, {YEAR}.",
    published_at=TODAY,
    source_outlet="Variety",
    source_url="https://variety.example/heroes-2",
    stage="release-date-set",
)
UNDATED = NewUpdate(
    "The sequel has a release date",
    "Netflix has set a release date for the sequel, without saying which.",
    published_at=TODAY,
    source_outlet="Deadline",
    stage="release-date-set",
)


async def premiere_state(
    bot: HeroesBot, guild: Guild, state: str, note: str = ""
) -> PremiereSetting:
    for _ in range(400):
        setting = await bot.store.watch_parties.premiere(guild.id)
        if setting is not None and setting.state == state and note in (setting.note or ""):
            return setting
        await asyncio.sleep(0.025)
    raise AssertionError(f"the premiere never reached {state!r}: {setting}")


async def add_update(bot: HeroesBot, clock: FakeClock, update: NewUpdate) -> None:
    """As `heroes-bot news add` does from another process: the sequel's delivery worker sees it
    at its next pass (every 30 s), and the premieres are looked at after that pass."""
    await bot.store.tracker.add_update(update)
    clock.advance(31)


async def opt_in(emu: Emulator, guild: Guild) -> str:
    handle = await emu.slash(
        "watchparty premiere", {"enabled": True}, user=emu.app.owner, guild=guild
    )
    return (await handle.response()).content or ""


async def test_premiere_made_once_from_the_sources_date_and_never_again(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        async with running_bot(emu, settings, clock=clock) as (bot, _):
            assert "Premiere event: on" in await opt_in(emu, guild)
            await add_update(bot, clock, UNDATED)
            setting = await premiere_state(bot, guild, "no-date")
            assert "gives no release date" in (setting.note or "")
            assert emu.rest.scheduled_events.events == {}  # no date in the sources: no event
            handle = await emu.slash("watchparty premiere", {}, user=emu.app.owner, guild=guild)
            assert "gives no release date" in ((await handle.response()).content or "")

            await add_update(bot, clock, DATED)
            setting = await premiere_state(bot, guild, "created")
            [event] = emu.rest.scheduled_events.events.values()
            assert setting.release_on == f"{YEAR}-06-04" and setting.event_id == event.id
            assert event.start == datetime(YEAR, 6, 4, tzinfo=UTC)  # the server's zone: UTC
            assert (event.entity_type, event.guild_id) == (3, guild.id)
            assert DATED.text in (event.description or "")  # the source's words, verbatim
            assert "Variety · https://variety.example/heroes-2" in (event.description or "")
        async with running_bot(emu, settings, clock=clock) as (bot, _):
            await bot.store.tracker.add_update(
                NewUpdate(
                    "The sequel is out",
                    f"The sequel was released on June 4, {YEAR}.",
                    published_at=TODAY,
                    stage="released",
                )
            )
            await bot.get_cog("WatchParty").premieres.run_once()  # type: ignore[union-attr]
            assert len(emu.rest.scheduled_events.events) == 1
            await opt_in(emu, guild)  # turned on again: still made once
            assert len(emu.rest.scheduled_events.events) == 1
        assert_clean(emu)


async def test_a_create_whose_answer_was_lost_is_not_made_twice(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        # Discord makes the event, then the answer is lost (a 503 after the effect; discord.py
        # does not retry a 503): the bot is left not knowing, its claim released.
        lost = emu.inject_fault(
            "POST /guilds/{guild_id}/scheduled-events", status=503, after_effect=True
        )
        async with running_bot(emu, settings, clock=clock) as (bot, _):
            await opt_in(emu, guild)
            await add_update(bot, clock, DATED)
            for _ in range(50):  # a later pass finds the event it made and keeps it
                setting = await bot.store.watch_parties.premiere(guild.id)
                if setting is not None and setting.state == "created":
                    break
                clock.advance(301)
                await asyncio.sleep(0.05)
            assert lost.fired == 1  # the first create was made and its answer lost...
            [event] = emu.rest.scheduled_events.events.values()  # ...and never made again
            assert setting is not None and setting.event_id == event.id
        assert emu.violations == []


async def test_a_duplicate_made_by_discord_py_retrying_a_500_is_deleted(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        # A 500 after the effect: discord.py retries the create on its own, a second event.
        emu.inject_fault("POST /guilds/{guild_id}/scheduled-events", status=500, after_effect=True)
        async with running_bot(emu, settings, clock=clock) as (bot, _):
            await opt_in(emu, guild)
            await add_update(bot, clock, DATED)
            setting = await premiere_state(bot, guild, "created")
            [event] = emu.rest.scheduled_events.events.values()
            assert setting.event_id == event.id
        assert emu.violations == []


async def test_a_missing_permission_is_said_and_the_premiere_made_once_granted(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        async with running_bot(emu, settings, clock=clock) as (bot, _):
            for role in list(guild.roles.values()):
                await emu.update_role(guild, role, permissions=role.permissions & ~(1 << 33))
            await opt_in(emu, guild)
            await add_update(bot, clock, DATED)
            await premiere_state(bot, guild, "waiting", "missing Manage Events")
            handle = await emu.slash("watchparty premiere", {}, user=emu.app.owner, guild=guild)
            assert "Manage Events (or Create Events)" in ((await handle.response()).content or "")
            assert emu.rest.scheduled_events.events == {}
            bot_role = guild.roles[guild.members[emu.bot_user.id].roles[0]]
            await emu.update_role(guild, bot_role, permissions=bot_role.permissions | 1 << 33)
            clock.advance(31)  # the sequel's next pass, then the premieres'
            await premiere_state(bot, guild, "created")
            assert len(emu.rest.scheduled_events.events) == 1
        assert_clean(emu)
