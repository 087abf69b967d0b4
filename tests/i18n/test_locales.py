"""Which language the bot speaks where: the member's for a reply, the server's for a post,
English for anything unknown; lookups cached; the Translator and the sync fingerprint."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot import sync as sync_module
from bot.client import HeroesBot
from bot.i18n import (
    DEFAULT,
    HeroesTranslator,
    _,
    catalog,
    current_locale,
    format_number,
    resolve,
    set_locale,
    use_locale,
)
from bot.server_locale import chosen_locale
from bot.sync import command_payload, fingerprint, sync_key
from tests.edited_catalogs import Retranslate

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_and_english_locales_fall_back_to_english() -> None:
    assert resolve("de") == resolve(None) == resolve("en-GB") == DEFAULT
    assert resolve(discord.Locale.brazil_portuguese) == "pt-BR"
    assert resolve("es-419") == "es-419" and resolve("es-ES") == "es-ES"


def test_a_server_choice_wins_over_its_discord_language() -> None:
    assert chosen_locale(None, discord.Locale.french) == "fr"
    assert chosen_locale("pt-BR", discord.Locale.french) == "pt-BR"
    assert chosen_locale(None, None) == DEFAULT


def test_a_locale_set_in_one_task_never_leaks_into_another() -> None:
    async def answer(locale: str, seen: list[str]) -> None:
        set_locale(locale)
        await asyncio.sleep(0)
        seen.append(current_locale())

    async def both() -> list[str]:
        seen: list[str] = []
        await asyncio.gather(answer("fr", seen), answer("pt-BR", seen))
        return seen

    assert sorted(asyncio.run(both())) == ["fr", "pt-BR"]
    assert current_locale() == DEFAULT


def test_numbers_follow_the_locale() -> None:
    assert format_number(1234567) == "1,234,567"
    with use_locale("pt-BR"):
        assert format_number(1234567) == "1.234.567"
    with use_locale("fr"):
        assert format_number(1234567).replace("\u202f", " ") == "1 234 567"


def test_lookups_are_cached_per_locale() -> None:
    assert catalog("fr") is catalog("fr")
    assert catalog("de").gettext("Cast") == "Cast"


def test_a_translated_reply_reads_the_compiled_catalog() -> None:
    """A string every catalog translates: the tree's refusal outside a server."""
    english = "This command works only in a server."
    with use_locale("fr"):
        french = _(english)
    assert french != english and _(english) == english


async def test_the_translator_gives_every_command_its_localized_name(bot: HeroesBot) -> None:
    translator = HeroesTranslator()
    cast = bot.tree.get_command("cast")
    assert isinstance(cast, app_commands.Command)
    payload = await cast.get_translated_payload(bot.tree, translator)
    names = payload.get("name_localizations", {})
    assert set(names) >= {"pt-BR", "fr", "es-ES", "es-419"}
    assert all(name == name.lower() and " " not in name for name in names.values())
    assert "en-US" not in names


async def test_a_changed_translation_changes_the_sync_fingerprint(bot: HeroesBot) -> None:
    class Renaming(HeroesTranslator):
        async def translate(self, string, locale, context):  # type: ignore[no-untyped-def]
            if string.message == "cast" and locale is discord.Locale.french:
                return "distribution-bis"
            return await super().translate(string, locale, context)

    before = fingerprint(await command_payload(bot))
    assert fingerprint(await command_payload(bot)) == before  # stable: synced once
    await bot.tree.set_translator(Renaming())
    assert fingerprint(await command_payload(bot)) != before


async def test_the_sync_key_changes_with_a_compiled_catalog_and_only_then(
    bot: HeroesBot, retranslate: Retranslate
) -> None:
    # The key is taken from the payload's inputs (the catalogs' bytes), not the payload: it must
    # move exactly when the payload does.
    payload, key = fingerprint(await command_payload(bot)), await sync_key(bot)
    assert await sync_key(bot) == key  # stable: a restart syncs nothing
    retranslate("fr", "command name", "cast", "distribution")
    assert fingerprint(await command_payload(bot)) != payload
    assert await sync_key(bot) != key
    changed = await sync_key(bot)
    retranslate("fr", "command name", "cast", "distribution")
    assert await sync_key(bot) == changed  # the same catalog compiled again: the same key


async def test_the_sync_key_without_the_translators_source_is_the_payloads_own(
    bot: HeroesBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An install without .py files cannot digest the translator's code: the exact, slower way.
    monkeypatch.setattr(sync_module, "catalogs_digest", lambda: None)
    assert await sync_key(bot) == fingerprint(await command_payload(bot))


async def test_the_sync_key_changes_with_a_command(bot: HeroesBot) -> None:
    key = await sync_key(bot)
    bot.tree.remove_command("about")
    assert await sync_key(bot) != key


def _imports_gettext(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("bot.i18n")
        and any(alias.name == "_" for alias in node.names)
        for node in tree.body
    )


def test_no_module_that_translates_reuses_the_name_of_the_translation_function() -> None:
    """`for _ in ...` in a module that imports `_` would make `_("...")` call an int."""
    offenders = []
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("cogs/**/*.py")]:
        tree = ast.parse(path.read_text("utf-8"))
        if not _imports_gettext(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
