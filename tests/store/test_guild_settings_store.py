"""A server's settings on both engines: the language of its posts (issue 16) is stored next to
the other settings, only as a code the bot speaks, and None follows Discord's server language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import LOCALES
from bot.store import Store

GUILD, OTHER_GUILD = 10, 20
NOW = datetime(2026, 5, 1, 12, 0, 7, 123_456, tzinfo=UTC)


async def test_a_server_without_a_setting_follows_discord(store: Store) -> None:
    assert (await store.settings.get(GUILD)).language is None


@pytest.mark.parametrize("language", LOCALES)
async def test_each_language_the_bot_speaks_is_stored(store: Store, language: str) -> None:
    updated = await store.settings.set_language(GUILD, language, now=NOW)
    assert updated.language == language and updated.updated_at == "2026-05-01T12:00:07.123Z"
    assert (await store.settings.get(GUILD)).language == language
    assert (await store.settings.get(OTHER_GUILD)).language is None


async def test_none_goes_back_to_discords_server_language(store: Store) -> None:
    await store.settings.set_language(GUILD, "fr")
    assert (await store.settings.set_language(GUILD, None)).language is None
    assert (await store.settings.get(GUILD)).language is None


@pytest.mark.parametrize("code", ["de", "en-GB", "pt_BR", "FR", "", "fr; DROP TABLE x"])
async def test_a_language_the_bot_does_not_speak_is_refused(store: Store, code: str) -> None:
    await store.settings.set_language(GUILD, "pt-BR")
    with pytest.raises(ValueError, match="not a language"):
        await store.settings.set_language(GUILD, code)
    assert (await store.settings.get(GUILD)).language == "pt-BR"


async def test_the_language_and_the_other_settings_keep_each_other(store: Store) -> None:
    await store.settings.set_private_replies(GUILD, True)
    await store.settings.set_language(GUILD, "es-419")
    await store.settings.set_classic_cards(GUILD, True)
    settings = await store.settings.get(GUILD)
    assert (settings.private_replies, settings.classic_cards, settings.language) == (
        True,
        True,
        "es-419",
    )


async def test_the_language_is_forgotten_with_the_server(store: Store) -> None:
    await store.settings.set_language(GUILD, "fr")
    report = await store.lifecycle.forget_guild(GUILD)
    assert ("guild_settings", 1) in {(c.datum.table, c.rows) for c in report.changes}
    assert (await store.settings.get(GUILD)).language is None
