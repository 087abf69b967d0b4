"""/film, /universe, /cast, /about, /quote and Check against the source in another language:
the bot's own words are translated, what the store holds (titles, names, excerpts, quotes,
citations) is shown as stored, numbers are written the reader's way. Marked catalogs
(tests/features/marked_catalogs.py) show each translated string with its locale."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.i18n import use_locale
from bot.store import SourceCheck
from cogs.about import about_card
from cogs.factcheck import check_card
from tests.commands import invoke
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction

pytestmark = pytest.mark.usefixtures("marked")

FR = "[fr] "


async def _in_french(bot: HeroesBot, command: str, /, **options: Any) -> FakeInteraction:
    """The command as a member whose client is in French asks it (the tree sets the locale)."""
    interaction = FakeInteraction(locale=discord.Locale.french)
    with use_locale(interaction.locale):
        return await invoke(bot, command, interaction, **options)  # type: ignore[no-any-return]


def _fields(embed: discord.Embed) -> dict[str, str]:
    assert refused_by_discord(embed) == []
    return {field.name or "": field.value or "" for field in embed.fields}


async def test_film_card(bot: HeroesBot) -> None:
    await bot.store.settings.set_classic_cards(4242, True)
    embed = (await _in_french(bot, "film")).sent[0].embeds[0]
    assert embed.title == "We Can Be Heroes"  # the title as printed
    fields = _fields(embed)
    assert "> A report from THR suggests" in fields[FR + "Viewing figures"]
    assert FR + "See /sequel" in fields[FR + "A sequel"]
    stars = fields["We Can Be Heroes stars"]  # the article's own words, as printed
    assert stars.startswith("**Pedro Pascal, Christian Slater, Boyd Holdbrook**")
    assert FR + "…and 20 more in /cast" in stars


async def test_universe_card(bot: HeroesBot) -> None:
    fields = _fields((await _in_french(bot, "universe")).sent[0].embeds[0])
    named = fields[FR + "Named: Spy Kids, The Adventures of Sharkboy and Lava Girl"]
    assert "You could have a Desperado character with a Machete" in named
    assert named.endswith("— Robert Rodriguez")
    assert any(name.startswith(FR + "On The Adventures of Sharkboy") for name in fields)


async def test_cast_list_and_card(bot: HeroesBot) -> None:
    page = (await _in_french(bot, "cast")).sent[0].embeds[0]
    assert page.title == FR + "We Can Be Heroes — cast"  # the film's title kept inside
    assert "Pedro Pascal" in (page.description or "")
    assert (page.footer.text or "").startswith(FR + "Page 1/")
    card = (await _in_french(bot, "cast", name="Boyd Holbrook")).sent[0].embeds[0]
    fields = _fields(card)
    correction = f"Boyd Holbrook ({FR}a spelling the sources do not print)"
    assert fields[FR + "Also found by"] == correction


async def test_refusals(bot: HeroesBot) -> None:
    nobody = (await _in_french(bot, "cast", name="Zzyzx Qwerty")).sent[0]
    assert nobody.ephemeral and nobody.content.startswith(FR + "I don't know anyone called “")
    no_quote = (await _in_french(bot, "quote", search="zzyzx qwerty")).sent[0]
    assert no_quote.ephemeral and no_quote.content.startswith(FR + "No quote matches “")


async def test_about_card_labels_and_numbers(bot: HeroesBot) -> None:
    fields = _fields((await _in_french(bot, "about")).sent[0].embeds[0])
    assert fields[FR + "Gateway latency"] == FR + "unknown"
    assert fields[FR + "Servers"] == "0"
    assert "ComicBook.com" in fields[FR + "Source of its facts"]  # citations as stored
    counts = {"people": 1234, "works": 1, "facts": 2, "quotes": 0}
    with use_locale("pt-BR"):
        card = about_card(
            version="1", uptime=90061, latency=1.5, servers=2500, counts=counts, sources=[]
        )
    about = _fields(card)
    assert about["[pt-BR] What it knows"] == (
        "[pt-BR] 1.234 people, [pt-BR] 1 title, [pt-BR] 2 facts, [pt-BR] 0 quotes"
    )
    assert about["[pt-BR] Servers"] == "2.500"
    assert about["[pt-BR] Gateway latency"] == "[pt-BR] 1.500 ms"
    assert about["[pt-BR] Uptime"] == "[pt-BR] 1d [pt-BR] 1h"


def test_check_against_the_source_nothing() -> None:
    with use_locale("fr"):
        card = check_card(SourceCheck(("zzyzx",), ()))
        assert card.title == FR + "What the stored sources say"
        assert (card.footer.text or "") == FR + "Words looked up: zzyzx"


async def test_a_suggestion_says_why_it_matched_in_the_members_language(bot: HeroesBot) -> None:
    cog = bot.get_cog("Cast")
    with use_locale("fr"):
        choices = await cog.cast_name_autocomplete(FakeInteraction(), "Boyd Holbrook")  # type: ignore[union-attr]
    names = [c.name for c in choices if c.value == "person:boyd-holbrook"]
    assert names == [FR + "Boyd Holdbrook (found by “Boyd Holbrook”)"]  # the printed name first
