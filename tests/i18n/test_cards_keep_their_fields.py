"""A card says as much in every language as in English: EmbedBuilder leaves out a field that
would break Discord's 6000-character total, and shortens a value over 1024 characters, so a
translation longer than the English could silently drop or cut what the card states. Each card
is rendered in every language with the real catalogs and compared with the English one."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.i18n import LOCALES, use_locale
from tests.commands import invoke
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction

GUILD = 4242
CARDS: list[tuple[str, dict[str, Any]]] = [
    ("about", {"private": True}),
    ("film", {"private": True}),
    ("sequel status", {"private": True}),
    ("universe", {"private": True}),
    ("cast", {"name": "pedro", "private": True}),
    ("cast", {"private": True}),
    ("quote", {"search": "comic book", "private": True}),
]


async def _card(bot: HeroesBot, locale: str, command: str, options: dict[str, Any]) -> Any:
    interaction = FakeInteraction(guild_id=GUILD, locale=discord.Locale(locale))
    with use_locale(locale):  # what the tree's interaction_check sets (tests.commands skips it)
        interaction = await invoke(bot, command, interaction, **options)
    (sent,) = interaction.sent
    (embed,) = sent.embeds
    return embed


@pytest.mark.parametrize(("command", "options"), CARDS)
async def test_a_card_keeps_every_field_and_value_whole_in_every_language(
    bot: HeroesBot, command: str, options: dict[str, Any]
) -> None:
    await bot.store.settings.set_classic_cards(GUILD, True)  # embeds: fields to count
    english = await _card(bot, "en-US", command, options)
    english_cut = sum(str(f.value).endswith("…") for f in english.fields)
    for locale in LOCALES:
        card = await _card(bot, locale, command, options)
        assert refused_by_discord(card) == [], locale
        assert len(card.fields) >= len(english.fields), (locale, command)
        cut = [str(f.name) for f in card.fields if str(f.value).endswith("…")]
        assert len(cut) <= english_cut, (locale, command, cut)
        assert bool(card.footer.text) == bool(english.footer.text), (locale, command)
