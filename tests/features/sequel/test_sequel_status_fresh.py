"""/sequel status renders its card once per state of the store, and never shows an old one: after
a new update, a stage change, an edit of the sequel's record, here or by another process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.client import HeroesBot
from bot.store import NewUpdate, Store, open_store
from tests.commands import invoke
from tests.discord_limits import refused_by_discord
from tests.engines import both_engines
from tests.fakes import FakeInteraction

# The card is made from the store's cached reads: proven on both engines.
pytestmark = both_engines

EDIT_SUMMARY = "UPDATE works SET summary = 'Edited by an owner.', edited = 1 WHERE key = 'sequel'"


async def status_card(bot: HeroesBot) -> discord.Embed:
    interaction = await invoke(bot, "sequel status", FakeInteraction(), private=True)
    (sent,) = interaction.sent
    (embed,) = sent.embeds
    assert refused_by_discord(embed) == []
    return embed


def fields(embed: discord.Embed) -> dict[str, str]:
    return {str(f.name): str(f.value) for f in embed.fields}


async def card_within_two_seconds(bot: HeroesBot, shows: str) -> discord.Embed:
    """/sequel status again and again until its card shows `shows` (another process's write is
    noticed within a second: SQLite's data_version recheck, PostgreSQL's notice)."""
    deadline = time.monotonic() + 2.0
    embed = await status_card(bot)
    while shows not in str(embed.to_dict()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        embed = await status_card(bot)
    return embed


@pytest.fixture(autouse=True)
async def classic_cards(bot: HeroesBot) -> None:
    """The server (FakeInteraction's) shows classic embeds: these tests read the embed's fields.
    The V2 card is that embed laid out, cached with it (tests/features/sequel/test_cards_v2.py)."""
    await bot.store.settings.set_classic_cards(4242, True)


@pytest.fixture
async def other_process(store: Store, database_target: Path | str) -> AsyncIterator[Store]:
    """A second process's store on the same database (opened after `store` seeded it)."""
    async with open_store(database_target) as opened:
        yield opened


async def test_status_card_is_rendered_once_while_nothing_changes(bot: HeroesBot) -> None:
    first = await status_card(bot)
    again = await status_card(bot)
    assert again is first
    memo = bot.get_cog("Sequel").status_card  # type: ignore[union-attr]
    assert (memo.misses, memo.hits) == (1, 1)


async def test_status_card_after_a_stage_change_is_the_new_one(bot: HeroesBot) -> None:
    before = await status_card(bot)
    await bot.store.tracker.add_update(
        NewUpdate("Filming begins", "Cameras roll.", "2025-03-01", stage="filming"),
        announce=False,
    )
    after = await status_card(bot)
    assert fields(before)["Stage"] == "In development"
    assert fields(after)["Stage"] == "Filming"
    assert "Latest update — 2025-03-01" in fields(after)
    assert "✅ In development" in fields(after)["Progress"]


async def test_status_card_after_an_update_without_a_stage_shows_it_as_latest(
    bot: HeroesBot,
) -> None:
    await status_card(bot)
    await bot.store.tracker.add_update(
        NewUpdate("Casting rumours", "Names are floated.", "2025-04-02"), announce=False
    )
    after = fields(await status_card(bot))
    assert after["Stage"] == "In development"
    assert "Names are floated." in after["Latest update — 2025-04-02"]


async def test_status_card_after_an_owner_edits_the_sequel_record_is_the_new_one(
    bot: HeroesBot,
) -> None:
    assert "Edited by an owner." not in str((await status_card(bot)).description)
    async with bot.store.database.transaction() as tx:
        await tx.execute(EDIT_SUMMARY)
    assert (await status_card(bot)).description == "Edited by an owner."


async def test_status_card_after_another_process_adds_an_update_is_the_new_one(
    bot: HeroesBot, other_process: Store
) -> None:
    assert fields(await status_card(bot))["Stage"] == "In development"
    await other_process.tracker.add_update(
        NewUpdate("Dated at last", "Out in May.", "2025-06-01", stage="release-date-set"),
        announce=False,
    )
    after = fields(await card_within_two_seconds(bot, "Dated at last"))
    assert after["Stage"] == "Release date set"
    assert after["Release date"].startswith("update #")


async def test_status_card_after_another_process_edits_the_sequel_record_is_the_new_one(
    bot: HeroesBot, other_process: Store
) -> None:
    await status_card(bot)
    async with other_process.database.transaction() as tx:
        await tx.execute(EDIT_SUMMARY)
    embed = await card_within_two_seconds(bot, "Edited by an owner.")
    assert embed.description == "Edited by an owner."


async def test_status_card_without_the_read_cache_is_rendered_from_every_read(
    bot: HeroesBot,
) -> None:
    bot.store.database.bypass_read_cache()
    await status_card(bot)
    async with bot.store.database.transaction() as tx:
        await tx.execute(EDIT_SUMMARY)
    assert (await status_card(bot)).description == "Edited by an owner."
    memo = bot.get_cog("Sequel").status_card  # type: ignore[union-attr]
    assert memo.hits == 0  # every read was new records: nothing to reuse, nothing stale
