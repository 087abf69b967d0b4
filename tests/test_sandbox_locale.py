"""The sandbox in another language: `sandbox --locale es-419` (and `locale fr` at the prompt)
makes the person's Discord client and the sandbox server speak it; commands, options and choices
go by the names that client shows (their localizations), and the bot gets the default names."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.config import Config
from bot.sandbox._complete import complete
from bot.sandbox._parse import ParseError, convert, parse
from bot.sandbox._places import Places
from bot.sandbox._repl import Repl, describe_commands
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import open_store
from discord_emulator import Emulator
from tests.test_sandbox import _sandbox
from tests.test_sandbox_polls import NoTyping

# Hand-made localizations (the catalogs are translated later): Latin American Spanish names.
COMMANDS: list[dict[str, Any]] = [
    {
        "name": "cast",
        "type": 1,
        "description": "Show a cast member",
        "name_localizations": {"es-419": "elenco"},
        "description_localizations": {"es-419": "Muestra a alguien del elenco"},
        "options": [
            {
                "name": "name",
                "type": 3,
                "description": "Who",
                "name_localizations": {"es-419": "nombre"},
                "required": True,
            },
            {
                "name": "style",
                "type": 3,
                "description": "How",
                "choices": [
                    {"name": "Cards", "value": "cards", "name_localizations": {"es-419": "Fichas"}}
                ],
            },
        ],
    },
    {
        "name": "sequel",
        "type": 1,
        "description": "d",
        "name_localizations": {"es-419": "secuela"},
        "options": [
            {
                "name": "news",
                "type": 1,
                "description": "d",
                "name_localizations": {"es-419": "noticias"},
                "options": [],
            }
        ],
    },
    {"name": "about", "type": 1, "description": "About the bot"},
    {"name": "Check it", "type": 3, "name_localizations": {"es-419": "Verificar"}},
]


def test_parse_goes_by_the_names_the_client_shows() -> None:
    inv = parse("/elenco nombre: pedro style: fichas", COMMANDS, "es-419")
    assert (inv.full_name, inv.options) == ("elenco", {"nombre": "pedro", "style": "fichas"})
    assert convert(inv, {}) == {"nombre": "pedro", "style": "cards"}
    assert parse("/secuela noticias", COMMANDS, "es-419").full_name == "secuela noticias"
    assert parse("/about", COMMANDS, "es-419").full_name == "about"  # no localization: English
    with pytest.raises(ParseError, match="no command /cast; the bot has: /elenco, /secuela"):
        parse("/cast name: pedro", COMMANDS, "es-419")
    with pytest.raises(ParseError, match="unknown option `name` for /elenco"):
        parse("/elenco name: pedro", COMMANDS, "es-419")
    with pytest.raises(ParseError, match="needs: nombre"):
        convert(parse("/elenco", COMMANDS, "es-419"), {})
    assert parse("/cast name: pedro", COMMANDS).full_name == "cast"  # English: as before


async def test_tab_offers_the_localized_names() -> None:
    async def suggest(invocation: object) -> list[dict[str, Any]]:
        return []

    async def offered(before: str, locale: str = "es-419") -> list[str]:
        return [c.text for c in await complete(before, COMMANDS, suggest, {}, locale)]

    assert await offered("/") == ["/about ", "/elenco ", "/help ", "/secuela "]
    assert await offered("/secuela n") == ["noticias "]
    assert await offered("/elenco ") == ["nombre: ", "style: "]
    assert await offered("/elenco style: f") == [" Fichas"]
    assert await offered("right-click ") == ["Verificar"]
    assert await offered("locale es") == ["es-419", "es-ES"]
    assert await offered("/", "en-US") == ["/about ", "/cast ", "/help ", "/sequel "]


def test_help_lists_the_localized_names_and_descriptions() -> None:
    text = describe_commands(COMMANDS, "es-419")
    assert "/elenco nombre: <text> [style: <text>]" in text
    assert "Muestra a alguien del elenco" in text
    assert "/secuela noticias" in text and "right-click Verificar" in text
    assert "  /cast" not in text
    assert "Discord: /elenco nombre: pedro · /quote search: lava · /secuela ..." in text
    assert "/cast name: <text>" in describe_commands(COMMANDS)


def test_an_unknown_locale_is_refused_with_the_supported_ones(tmp_path: Path) -> None:
    result = _sandbox([], "sandbox", "--locale", "pt", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "the bot speaks en-US, es-419, es-ES, pt-BR, fr; no locale 'pt'" in result.stderr
    assert "Traceback" not in result.stderr


def test_sandbox_locale_runs_as_a_member_with_that_client(tmp_path: Path) -> None:
    lines = ["/about", "locale", "locale de", "locale fr", "/about"]
    result = _sandbox(lines, "sandbox", "--locale", "es-419", tmp_path=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Your Discord client and the server are in Español (Latinoamérica) (es-419)." in out
    assert "heroes [es-419]> /about" in out
    assert "locale pt-BR   Português (Brasil)" in out  # `locale` lists the languages
    assert "! no locale 'de': the bot speaks en-US, es-419, es-ES, pt-BR, fr" in out
    assert "(your Discord client and the sandbox server are now in Français (fr))" in out
    assert "heroes [fr]> /about" in out
    assert "Traceback" not in out + result.stderr


async def test_the_member_types_localized_names_and_the_bot_gets_the_default_ones(
    tmp_path: Path,
) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.apply_seed(load_seed())
    settings = Config(token=None, database_path=database)
    async with open_sandbox(settings, keep_data=False, locale="es-419") as box:
        about = next(c for c in box.emu.state.commands[None] if c["name"] == "about")
        about["name_localizations"] = {"es-419": "acerca"}  # as a translated catalog would
        out = io.StringIO()
        repl = Repl(box, NoTyping(), out)
        await repl.handle("/acerca")
        await repl.handle("/about")
        sent = list(box.emu.state.interactions.values())[-1].payload
        guild = box.bot.get_guild(box.guild.id)
        assert guild is not None and guild.preferred_locale is discord.Locale.latin_american_spanish
        await repl.handle("locale pt-BR")
        await box.emu.wait_until(lambda: guild.preferred_locale.value == "pt-BR")
    assert sent["data"]["name"] == "about"
    assert (sent["locale"], sent["guild_locale"]) == ("es-419", "es-419")
    text = out.getvalue()
    assert "── heroes-bot" in text  # /acerca was answered
    assert "! no command /about; the bot has:" in text and "/acerca" in text
    # In Portuguese the name has no localization: the client shows the English one again.
    assert "/about" in text.partition("now in Português (Brasil)")[2]


def test_the_prompt_says_which_language_the_client_speaks() -> None:
    emu = Emulator()
    guild = emu.add_guild("Sandbox server")
    me = emu.add_user("me", locale="pt-BR")
    places = Places(emu, me, guild, next(iter(guild.channels.values())))
    assert places.prompt() == "heroes [pt-BR]> "
    places.go("group")
    assert places.prompt() == "heroes [group DM · pt-BR]> "
    emu.set_locale(me, "en-US")
    assert places.prompt() == "heroes [group DM]> "
