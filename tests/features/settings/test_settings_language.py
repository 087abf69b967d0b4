"""/settings language: the language of a server's posts (issue 16): each language the bot speaks
by its own name, "auto" back to Discord's server language, and the reply says what posts use."""

from __future__ import annotations

import discord
import pytest

from bot.client import HeroesBot
from bot.i18n import LOCALES, NATIVE_NAMES
from bot.server_locale import server_locale
from tests.commands import find_command, invoke
from tests.fakes import FakeInteraction

GUILD = 4242


def _language_option(bot: HeroesBot) -> discord.app_commands.Parameter:
    return next(p for p in find_command(bot, "settings").parameters if p.name == "language")


async def _set_language(bot: HeroesBot, value: str) -> discord.Message:
    choice = discord.app_commands.Choice(name=value, value=value)
    sent = (await invoke(bot, "settings", FakeInteraction(guild_id=GUILD), language=choice)).sent
    assert len(sent) == 1 and sent[0].ephemeral
    return sent[0]


def test_the_choices_are_auto_then_each_language_by_its_own_name(bot: HeroesBot) -> None:
    option = _language_option(bot)
    assert not option.required
    assert [(c.name, c.value) for c in option.choices] == [
        ("Server default (Discord's server language)", "auto"),
        *((NATIVE_NAMES[code], code) for code in LOCALES),
    ]
    assert all(len(c.name) <= 100 for c in option.choices)  # Discord's limit for a choice


@pytest.mark.parametrize("code", LOCALES)
async def test_a_chosen_language_is_stored_and_said(bot: HeroesBot, code: str) -> None:
    reply = await _set_language(bot, code)
    assert (await bot.store.settings.get(GUILD)).language == code
    assert f"are now in **{NATIVE_NAMES[code]}**" in reply.content
    assert "own Discord language" in reply.content  # replies still follow each member
    assert await server_locale(bot, GUILD) == code


async def test_auto_goes_back_to_the_servers_discord_language(bot: HeroesBot) -> None:
    await _set_language(bot, "fr")
    reply = await _set_language(bot, "auto")
    assert (await bot.store.settings.get(GUILD)).language is None
    # The test bot sees no such server: its posts fall back to English.
    assert "now follow the server's language in Discord: **English**" in reply.content


async def test_a_value_that_is_no_choice_is_read_as_auto(bot: HeroesBot) -> None:
    await _set_language(bot, "pt-BR")
    await _set_language(bot, "de")  # a stale client's, or typed through the API
    assert (await bot.store.settings.get(GUILD)).language is None


async def test_the_summary_shows_the_language_and_other_options_keep_it(bot: HeroesBot) -> None:
    await _set_language(bot, "es-419")
    shown = (await invoke(bot, "settings", FakeInteraction(guild_id=GUILD))).sent[0]
    assert "are in **Español (Latinoamérica)**" in shown.content and "Done" not in shown.content
    cards = discord.app_commands.Choice(name="classic", value="classic")
    await invoke(bot, "settings", FakeInteraction(guild_id=GUILD), cards=cards)
    assert (await bot.store.settings.get(GUILD)).language == "es-419"


async def test_without_a_choice_posts_follow_discord(bot: HeroesBot) -> None:
    shown = (await invoke(bot, "settings", FakeInteraction(guild_id=GUILD))).sent[0]
    assert "follow the server's language in Discord" in shown.content
