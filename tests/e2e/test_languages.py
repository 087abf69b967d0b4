"""The bot in each language it speaks, end to end: a member whose Discord client is in pt-BR
types the Portuguese command names and reads a Portuguese card whose excerpts are the English
originals, marked as such; a French server's news post is in French. The emulator checks every
localized payload against Discord's limits (assert_clean)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.i18n import DEFAULT, LOCALES, TRANSLATED, _, use_locale
from bot.i18n._checks import kept_in_english
from discord_emulator import ClientRefusal, Emulator, InteractionResponse, shown_name
from tests.e2e.cards import card_text, is_card, is_v2
from tests.e2e.harness import World, assert_clean, running_bot, world
from tests.edited_catalogs import Retranslate

ORIGINAL = "Original text, as the source prints it"


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


def said(locale: str, english: str) -> str:
    """`english` as the bot says it in `locale`; a translated locale must really translate it."""
    with use_locale(locale):
        text = _(english)
    if locale != DEFAULT and english not in kept_in_english(locale):  # "Source" in French
        assert text != english, f"{locale} has no translation of {english!r}"
    return text


def typed(emu: Emulator, path: str, options: dict[str, Any], locale: str) -> tuple[str, dict]:
    """What a member whose client is in `locale` types for `/path options`: the names their
    client shows (the bot still receives the default names)."""
    words = path.split()
    node: dict[str, Any] = next(c for c in emu.synced_commands() if c["name"] == words[0])
    shown = [shown_name(node, locale)]
    for word in words[1:]:
        node = next(o for o in node["options"] if o["name"] == word)
        shown.append(shown_name(node, locale))
    params = {o["name"]: o for o in node.get("options", [])}
    return " ".join(shown), {shown_name(params[k], locale): v for k, v in options.items()}


async def ask(w: World, locale: str, path: str, **options: Any) -> InteractionResponse:
    w.emu.set_locale(w.fan, locale)
    command, values = typed(w.emu, path, options, locale)
    handle = await w.emu.slash(command, values, user=w.fan)
    return await handle.response()


def shown(response: InteractionResponse) -> str:
    parts = [response.content or ""]
    if response.message is not None and is_card(response.message):
        parts.append(card_text(response.message))
    for embed in response.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(parts)


async def test_a_brazilian_member_types_the_portuguese_name_and_reads_the_english_source(
    w: World,
) -> None:
    command, _values = typed(w.emu, "cast", {}, "pt-BR")
    assert command != "cast"
    w.emu.set_locale(w.fan, "pt-BR")
    with pytest.raises(ClientRefusal):  # a Portuguese client does not show the English name
        await w.emu.slash("cast", {"name": "Pedro Pascal"}, user=w.fan)
    text = shown(await ask(w, "pt-BR", "cast", name="Pedro Pascal"))
    person = await w.bot.store.person((await w.bot.store.find_people("Pedro Pascal"))[0].person_key)
    assert person is not None and person.excerpt[:60] in text  # verbatim, never translated
    assert said("pt-BR", ORIGINAL) in text and ORIGINAL not in text


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_main_commands_answer_in_the_members_language(w: World, locale: str) -> None:
    cast = shown(await ask(w, locale, "cast", name="Pedro Pascal"))
    assert said(locale, "Source: {citation}").split("{")[0] in cast
    assert (said(locale, ORIGINAL) in cast) is (locale != DEFAULT)
    assert said(locale, "Stage") in shown(await ask(w, locale, "sequel status"))
    assert said(locale, "About heroes-bot") in shown(await ask(w, locale, "about"))
    # /film and /quote: answered within every Discord limit in this language (assert_clean).
    assert shown(await ask(w, locale, "film")) and shown(await ask(w, locale, "quote"))


@pytest.mark.parametrize("locale", TRANSLATED)
async def test_a_refusal_is_in_the_members_language(w: World, locale: str) -> None:
    text = shown(await ask(w, locale, "cast", name="Zzyzx Qwerty"))
    english = shown(await ask(w, DEFAULT, "cast", name="Zzyzx Qwerty"))
    assert text != english and "Zzyzx Qwerty" in text


async def test_news_posts_follow_each_servers_language(tmp_path: Path) -> None:
    async with Emulator(heartbeat_interval=5.0) as emu:
        owner = emu.default_user
        french = emu.add_guild("Les héros", channels=("news",), preferred_locale="fr")
        chosen = emu.add_guild("Fans", channels=("news",), preferred_locale="pt-BR")
        english = emu.add_guild("Heroes HQ", channels=("news",))
        settings = Config(
            token=None,
            database_path=tmp_path / "heroes.db",
            guild_ready_timeout=0.05,
            owner_ids=frozenset({owner.id}),
        )
        async with running_bot(emu, settings) as (bot, _task):
            await bot.store.settings.set_language(chosen.id, "es-ES")  # /settings language:
            channels = {}
            for guild in (french, chosen, english):
                channels[guild.id] = next(iter(guild.channels.values()))
                await bot.store.tracker.follow(guild.id, channels[guild.id].id, None)
            opened = await emu.slash("sequel-admin post", guild=english, user=owner)
            assert (await opened.response()).type == 9  # the post form
            modal = opened.interaction.modal or {}
            ids = [label["component"]["custom_id"] for label in modal["components"]]
            typed_in = ["Filming begins", "Cameras roll in Austin.", "https://variety.com/x", ""]
            await emu.submit_modal(opened, dict(zip(ids, [*typed_in, ""], strict=True)))

            def posted(channel: Any) -> list[Any]:  # not the owner's private progress reply
                return [m for m in emu.conversation(channel) if is_card(m) and not m.ephemeral]

            def posts() -> list[Any]:
                return [m for c in channels.values() for m in posted(c)]

            await emu.wait_until(lambda: len(posts()) == 3, timeout=10, what="three posts")
            for guild, locale in ((french, "fr"), (chosen, "es-ES"), (english, DEFAULT)):
                (post,) = posted(channels[guild.id])
                assert is_v2(post)
                text = card_text(post)
                assert "Filming begins" in text and "Cameras roll in Austin." in text
                tracker = "We Can Be Heroes sequel tracker · update #{number} · /sequel news"
                assert said(locale, tracker).format(number=2) in text, (locale, text)
                assert said(locale, "Source") in text
        assert emu.violations == []


async def test_a_changed_translation_is_synced_once_and_only_once(
    tmp_path: Path, retranslate: Retranslate
) -> None:
    async with world(tmp_path / "heroes.db") as first:
        emu, settings = first.emu, first.bot.config
        await first.bot.close()
        assert len(emu.command_sync_bodies()) == 1
        # A translator's change of mind, in the French catalog the next start reads.
        retranslate("fr", "command name", "cast", "distribution")
        for _restart in range(2):
            async with running_bot(emu, settings):
                pass
        assert len(emu.command_sync_bodies()) == 2  # the change once, then nothing
        (cast,) = [c for c in emu.synced_commands() if c["name"] == "cast"]
        assert cast["name_localizations"]["fr"] == "distribution"
        assert_clean(emu)
