"""The sequel card's field names for its facts ("Title", "Production start", "Release date", "Why
a sequel") are the bot's words (bot/seed.py LABELS), so a member reading another language reads
them in it, like every other field name on the card; a label stored as anything else (a source's
own words, an owner's edit) is shown as stored."""

from __future__ import annotations

import discord
import pytest

from bot.client import HeroesBot
from bot.i18n import use_locale
from bot.store import Fact, Source
from cogs.sequel._render import FACT_FIELD_NAMES, fact_field_name
from tests.commands import invoke
from tests.fakes import FakeInteraction

FRENCH = "fr"


@pytest.fixture(autouse=True)
def every_locale_marked(marked: None) -> None:
    """Every locale but English 'translated' by marking it (tests/marked_catalogs.py)."""


def _texts(payload: object) -> list[str]:
    """Every piece of text in a message's components (the card's V2 layout)."""
    if isinstance(payload, dict):
        return [text for value in payload.values() for text in _texts(value)]
    if isinstance(payload, list):
        return [text for value in payload for text in _texts(value)]
    return [payload] if isinstance(payload, str) else []


async def status_card(bot: HeroesBot, locale: str) -> str:
    """The /sequel status card's text, as a member whose client speaks `locale` reads it."""
    interaction = FakeInteraction(locale=discord.Locale(locale))
    with use_locale(locale):  # what the tree's interaction_check sets (tests.commands skips it)
        interaction = await invoke(bot, "sequel status", interaction, private=True)
    (sent,) = interaction.sent
    texts = [f"{field.name}: {field.value}" for embed in sent.embeds for field in embed.fields]
    if sent.view is not None:
        texts += _texts(sent.view.to_components())
    return "\n".join(texts)


async def test_the_sequel_cards_fact_field_names_are_in_the_readers_language(
    bot: HeroesBot,
) -> None:
    card = await status_card(bot, FRENCH)
    for english in ("Title", "Production start", "Release date", "Why a sequel"):
        assert f"[{FRENCH}] {english}" in card
        assert f"**{english}" not in card
    # The THR figure's label is the article's own words: shown as printed.
    assert "**A report from THR suggests" in card


async def test_the_sequel_cards_fact_field_names_in_english_are_as_before(
    bot: HeroesBot,
) -> None:
    card = await status_card(bot, "en-US")
    for english in ("Title", "Production start", "Release date", "Why a sequel"):
        assert f"**{english}" in card


def test_a_fact_label_stored_otherwise_is_shown_as_stored() -> None:
    source = Source(key="s", title="t", outlet=None, url=None, published=None)
    fact = Fact("k", "sequel", "title", "Working title, as Variety puts it", None, "x", source)
    assert fact_field_name(fact) == "Working title, as Variety puts it"
    assert set(FACT_FIELD_NAMES) == {"title", "production-start", "release-date", "reason"}
