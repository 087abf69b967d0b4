"""Locales in the emulator, as Discord has them: a member's client language and a server's
preferred locale on every interaction, command localizations checked at sync, and the client
showing (and resolving) the names in the member's locale."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from discord_emulator import (
    DISCORD_LOCALES,
    ClientRefusal,
    Emulator,
    EmulatorUsageError,
    redirect_discord_py,
)
from discord_emulator import _limits as limits

CAST = {
    "name": "cast",
    "description": "Show a cast member",
    "name_localizations": {"pt-BR": "elenco", "es-ES": "reparto"},
    "description_localizations": {"pt-BR": "Mostra alguém do elenco"},
    "options": [
        {
            "type": 3,
            "name": "name",
            "description": "Who",
            "name_localizations": {"pt-BR": "nome", "es-ES": "nombre"},
            "required": True,
        },
        {
            "type": 3,
            "name": "style",
            "description": "How",
            "choices": [
                {"name": "Cards", "value": "cards", "name_localizations": {"pt-BR": "Cartões"}}
            ],
        },
    ],
}


def _errors(cmd: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(path, code) for path, code, _message in limits.check_command_list([cmd])]


def _with(path: list[str | int], key: str, value: Any) -> dict[str, Any]:
    """CAST with one field (reached by `path`) set."""
    cmd = copy.deepcopy(CAST)
    node: Any = cmd
    for part in path:
        node = node[part]
    node[key] = value
    return cmd


# ---------------------------------------------------------------------------- sync checks


def test_valid_localizations_pass() -> None:
    assert _errors(CAST) == []
    menu = {"type": 3, "name": "Check it", "name_localizations": {"fr": "Vérifier ça"}}
    assert limits.check_command_list([menu]) == []


def test_a_key_that_is_not_a_discord_locale_is_refused() -> None:
    assert _errors(_with([], "name_localizations", {"pt": "elenco"})) == [
        ((0, "name_localizations", "pt"), "ENUM_TYPE_COERCE")
    ]
    assert _errors(_with(["options", 0], "description_localizations", {"en": "Who"})) == [
        ((0, "options", 0, "description_localizations", "en"), "ENUM_TYPE_COERCE")
    ]
    assert "ar" in DISCORD_LOCALES and "es-419" in DISCORD_LOCALES


@pytest.mark.parametrize("name", ["Elenco", "two words", "x" * 33, "", "elenco!"])
def test_a_localized_slash_name_obeys_the_name_rule(name: str) -> None:
    assert _errors(_with([], "name_localizations", {"pt-BR": name})) == [
        ((0, "name_localizations", "pt-BR"), "APPLICATION_COMMAND_INVALID_NAME")
    ]
    assert _errors(_with(["options", 0], "name_localizations", {"fr": name})) == [
        ((0, "options", 0, "name_localizations", "fr"), "APPLICATION_COMMAND_INVALID_NAME")
    ]


def test_autocomplete_choices_localizations_are_checked() -> None:
    good = {"name": "Cards", "value": "c", "name_localizations": {"fr": "Cartes"}}
    assert limits.check_autocomplete({"choices": [good]}) == []
    bad = {**good, "name_localizations": {"fr-FR": "Cartes", "de": ""}}
    assert [(p, c) for p, c, _m in limits.check_autocomplete({"choices": [bad]})] == [
        (("data", "choices", 0, "name_localizations", "fr-FR"), "ENUM_TYPE_COERCE"),
        (("data", "choices", 0, "name_localizations", "de"), "BASE_TYPE_BAD_LENGTH"),
    ]


def test_localized_lengths() -> None:
    assert _errors(_with([], "description_localizations", {"fr": "d" * 101}))
    assert _errors(_with([], "description_localizations", {"fr": ""}))
    choice = ["options", 1, "choices", 0]
    assert _errors(_with(choice, "name_localizations", {"fr": "C" * 100})) == []
    assert _errors(_with(choice, "name_localizations", {"fr": "C" * 101})) == [
        ((0, "options", 1, "choices", 0, "name_localizations", "fr"), "BASE_TYPE_BAD_LENGTH")
    ]
    menu = {"type": 2, "name": "Profile", "name_localizations": {"fr": "P" * 33}}
    assert limits.check_command_list([menu])
    assert limits.check_command_list([{**menu, "name_localizations": {"fr": "Le Profil"}}]) == []


def test_a_localized_name_is_unique_among_its_siblings_in_its_locale() -> None:
    twin = _with(["options", 1], "name_localizations", {"es-ES": "nombre"})
    assert _errors(twin) == [
        (
            (0, "options", 1, "name_localizations", "es-ES"),
            "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
        )
    ]
    # A localization equal to a sibling's default name, where that one shows its default.
    clash = _with(["options", 1], "name", "nombre")
    assert _errors(clash) == [
        (
            (0, "options", 0, "name_localizations", "es-ES"),
            "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
        )
    ]
    other = {"name": "crew", "description": "d", "name_localizations": {"pt-BR": "elenco"}}
    found = [(p, c) for p, c, _m in limits.check_command_list([CAST, other])]
    assert found == [((1, "name_localizations", "pt-BR"), "APPLICATION_COMMANDS_DUPLICATE_NAME")]
    # Menus and slash commands are not siblings: the same name is fine.
    menu = {"type": 3, "name": "Elenco", "name_localizations": {"pt-BR": "elenco"}}
    assert limits.check_command_list([CAST, menu]) == []


# ---------------------------------------------------------------------------- REST


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(heartbeat_interval=5.0) as emulator:
        emulator.add_guild("Heroes", preferred_locale="pt-BR")
        yield emulator


async def test_sync_refuses_a_bad_localization_with_discords_form_error(emu: Emulator) -> None:
    url = f"{emu.base_url}/api/v10/applications/{emu.app.id}/commands"
    headers = {"Authorization": f"Bot {emu.token}"}
    bad = _with([], "name_localizations", {"pt-BR": "Elenco"})
    async with (
        aiohttp.ClientSession() as session,
        session.put(url, json=[bad], headers=headers) as r,
    ):
        status, body = r.status, await r.json()
    assert (status, body["code"]) == (400, 50035)
    error = body["errors"]["0"]["name_localizations"]["pt-BR"]["_errors"][0]
    assert error["code"] == "APPLICATION_COMMAND_INVALID_NAME"
    assert [v.kind for v in emu.violations] == ["invalid_form_body"]


async def test_get_commands_returns_the_localizations_as_discord_does(emu: Emulator) -> None:
    url = f"{emu.base_url}/api/v10/applications/{emu.app.id}/commands"
    headers = {"Authorization": f"Bot {emu.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.put(url, json=[CAST], headers=headers) as r:
            assert r.status == 200
            assert (await r.json())[0]["name_localizations"] == CAST["name_localizations"]
        async with session.get(url, params={"with_localizations": "true"}, headers=headers) as r:
            full = (await r.json())[0]
        async with session.get(url, headers={**headers, "X-Discord-Locale": "pt-BR"}) as r:
            plain = (await r.json())[0]
    assert full["name_localizations"] == CAST["name_localizations"]
    assert full["options"][0]["name_localizations"] == {"pt-BR": "nome", "es-ES": "nombre"}
    assert "name_localizations" not in plain and "description_localizations" not in plain
    assert (plain["name_localized"], plain["options"][0]["name_localized"]) == ("elenco", "nome")
    assert plain["options"][1]["choices"][0]["name_localized"] == "Cartões"
    assert emu.synced_commands()[0]["name_localizations"] == CAST["name_localizations"]
    assert emu.violations == []


def test_only_discord_locales_can_be_set(emu: Emulator) -> None:
    with pytest.raises(EmulatorUsageError, match="not a Discord locale"):
        emu.add_user("ana", locale="pt")
    with pytest.raises(EmulatorUsageError, match="es-419"):
        emu.set_locale(emu.default_user, "es-LA")
    assert emu.add_user("ana", locale="pt-BR").locale == "pt-BR"


# ---------------------------------------------------------------------------- a discord.py bot


PORTUGUESE = {"cast": "elenco", "name": "nome", "Show a cast member": "Mostra o elenco"}
PORTUGUESE |= {"Cards": "Cartões", "sequel": "sequencia", "news": "noticias"}
PORTUGUESE |= {"Check it": "Verificar isso"}


class Localizer(app_commands.Translator):
    """A test translator: Portuguese names for /cast, its option and its choice."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.brazil_portuguese:
            return None
        return PORTUGUESE.get(string.message)


def _bot(guild_id: int, seen: list[discord.Interaction]) -> commands.Bot:
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        guild_ready_timeout=0.1,
    )

    @app_commands.command(description="Show a cast member")
    @app_commands.choices(style=[app_commands.Choice(name="Cards", value="cards")])
    async def cast(interaction: discord.Interaction, name: str, style: str = "plain") -> None:
        seen.append(interaction)
        await interaction.response.send_message(f"{name} {style}")

    sequel = app_commands.Group(name="sequel", description="Sequel things")

    @sequel.command(description="Latest news")
    async def news(interaction: discord.Interaction) -> None:
        seen.append(interaction)
        await interaction.response.send_message("news")

    async def check(interaction: discord.Interaction, message: discord.Message) -> None:
        seen.append(interaction)
        await interaction.response.send_message("checked", ephemeral=True)

    menu = app_commands.ContextMenu(name="Check it", callback=check)
    bot.tree.add_command(menu, guild=discord.Object(guild_id))
    bot.tree.add_command(cast, guild=discord.Object(guild_id))
    bot.tree.add_command(sequel, guild=discord.Object(guild_id))

    async def setup_hook() -> None:
        await bot.tree.set_translator(Localizer())
        await bot.tree.sync(guild=discord.Object(guild_id))

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


async def test_a_member_types_the_names_their_client_shows(emu: Emulator) -> None:
    guild = next(iter(emu.state.guilds.values()))
    ana = emu.add_user("ana", locale="pt-BR")
    seen: list[discord.Interaction] = []
    bot = _bot(guild.id, seen)
    with redirect_discord_py(emu.port):
        task = asyncio.create_task(bot.start(emu.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            synced = await emu.wait_synced(guild)
            cast = next(c for c in synced if c["name"] == "cast")
            assert cast["name_localizations"] == {"pt-BR": "elenco"}
            handle = await emu.slash("elenco", {"nome": "pedro", "style": "cards"}, user=ana)
            assert (await handle.response()).content == "pedro cards"
            data = handle.interaction.payload["data"]
            assert data["name"] == "cast"
            assert [o["name"] for o in data["options"]] == ["name", "style"]
            payload = handle.interaction.payload
            assert (payload["locale"], payload["guild_locale"]) == ("pt-BR", "pt-BR")
            assert seen[0].locale is discord.Locale.brazil_portuguese
            assert seen[0].guild_locale is discord.Locale.brazil_portuguese
            news = await emu.slash("sequencia noticias", user=ana)
            assert (await news.response()).content == "news"
            assert news.interaction.payload["data"]["options"][0]["name"] == "news"
            # The English names are not offered to her: the client shows only the Portuguese.
            with pytest.raises(ClientRefusal, match="shown as 'elenco'"):
                await emu.slash("cast", {"nome": "pedro"}, user=ana)
            with pytest.raises(ClientRefusal, match="shown as 'nome'"):
                await emu.slash("elenco", {"name": "pedro"}, user=ana)
            with pytest.raises(ClientRefusal, match="'nome' missing"):
                await emu.slash("elenco", {}, user=ana)
            with pytest.raises(ClientRefusal, match="not a choice of 'style'"):
                await emu.slash("elenco", {"nome": "x", "style": "Cartões"}, user=ana)
            # ...where there is no Portuguese name, the default one is what she sees.
            assert (await (await emu.slash("elenco", {"nome": "x"}, user=ana)).response()).content
            # An English client: the default names, and the localized ones are unknown.
            assert (await (await emu.slash("cast", {"name": "wheels"})).response()).content
            with pytest.raises(EmulatorUsageError, match="not been synced"):
                await emu.slash("elenco", {"nome": "pedro"})
            # A modified client may send the default names anyway.
            forged = await emu.slash("cast", {"name": "x"}, user=ana, forged=True)
            assert (await forged.response()).content == "x plain"
            said = emu.member_says("the sequel is filming", user=ana)
            checked = await emu.right_click(said, "Verificar isso", user=ana)
            assert checked.interaction.payload["data"]["name"] == "Check it"
            with pytest.raises(ClientRefusal, match="shown as 'Verificar isso'"):
                await emu.right_click(said, "Check it", user=ana)
            await emu.set_preferred_locale(guild, "fr")
            await emu.wait_until(lambda: bot.get_guild(guild.id).preferred_locale.value == "fr")
            emu.set_locale(ana, "en-US")
            again = await emu.slash("cast", {"name": "missy"}, user=ana)
            assert again.interaction.payload["guild_locale"] == "fr"
            assert again.interaction.payload["locale"] == "en-US"
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)
    assert emu.violations == []


async def test_guild_create_carries_the_preferred_locale(emu: Emulator) -> None:
    guild = next(iter(emu.state.guilds.values()))
    bot = _bot(guild.id, [])
    with redirect_discord_py(emu.port):
        task = asyncio.create_task(bot.start(emu.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            seen = bot.get_guild(guild.id)
            assert seen is not None and seen.preferred_locale is discord.Locale.brazil_portuguese
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)
