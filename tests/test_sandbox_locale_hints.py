"""The sandbox's own hints in another language: the words stay the sandbox's (English), but a
command or menu they name is named as the member's client shows it (its localization), and
Discord timestamps read as that client writes them. English sessions are unchanged."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from bot.sandbox._names import shown_example, shown_menu
from bot.sandbox._parse import ParseError, parse
from bot.sandbox._render import readable, render_message
from bot.sandbox._repl import Repl, describe_commands
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import open_store
from discord_emulator import Message, User
from tests.test_sandbox_polls import NoTyping

# Hand-made French names (the catalogs' own translations may change).
COMMANDS: list[dict[str, Any]] = [
    {
        "name": "cast",
        "type": 1,
        "description": "d",
        "name_localizations": {"fr": "casting"},
        "options": [
            {"name": "name", "type": 3, "description": "d", "name_localizations": {"fr": "nom"}}
        ],
    },
    {
        "name": "quote",
        "type": 1,
        "description": "d",
        "name_localizations": {"fr": "citation"},
        "options": [
            {
                "name": "search",
                "type": 3,
                "description": "d",
                "name_localizations": {"fr": "recherche"},
            }
        ],
    },
    {"name": "sequel", "type": 1, "description": "d", "name_localizations": {"fr": "suite"}},
    {
        "name": "poll",
        "type": 1,
        "description": "d",
        "name_localizations": {"fr": "sondage"},
        "options": [
            {
                "name": "cast",
                "type": 1,
                "description": "d",
                "name_localizations": {"fr": "lancer"},
                "options": [],
            }
        ],
    },
    {
        "name": "Check against the source",
        "type": 3,
        "name_localizations": {"fr": "Vérifier dans les sources"},
    },
]
BOT = User(id=1, username="heroes-bot", bot=True)


def test_a_named_command_reads_as_the_client_shows_it() -> None:
    assert shown_example(COMMANDS, "/poll cast", "fr") == "/sondage lancer"
    assert shown_example(COMMANDS, "/cast name: pedro", "fr") == "/casting nom: pedro"
    # What is typed in an option is a value, even one that is also a command's name.
    assert shown_example(COMMANDS, "/cast name: cast", "fr") == "/casting nom: cast"
    assert shown_example(COMMANDS, "/sequel ...", "fr") == "/suite ..."
    assert shown_example(COMMANDS, "/nope x: y", "fr") == "/nope x: y"  # not synced: as written
    assert shown_menu(COMMANDS, "Check against the source", "fr") == "Vérifier dans les sources"
    assert shown_example(COMMANDS, "/poll cast", "pt-BR") == "/poll cast"  # no localization
    assert shown_example(COMMANDS, "/cast name: pedro", "en-US") == "/cast name: pedro"


def test_the_help_footer_names_the_examples_in_the_client_language() -> None:
    french = describe_commands(COMMANDS, "fr")
    assert "Discord: /casting nom: pedro · /citation recherche: lava · /suite ...\n" in french
    assert "suggestions (/casting nom: hol?)" in french
    assert "(right-click Vérifier dans les sources)" in french
    english = describe_commands(COMMANDS)
    assert "Discord: /cast name: pedro · /quote search: lava · /sequel ...\n" in english
    assert "suggestions (/cast name: hol?)" in english
    assert "(right-click Check against the source)" in english


def test_parse_refusals_give_examples_the_client_shows() -> None:
    with pytest.raises(ParseError, match=r"e\.g\. /casting nom: pedro "):
        parse("cast", COMMANDS, "fr")
    with pytest.raises(ParseError, match=r"e\.g\. /suite$"):
        parse("/", COMMANDS, "fr")
    with pytest.raises(ParseError, match=r"e\.g\. /cast name: pedro "):
        parse("cast", COMMANDS)


async def test_session_refusals_name_the_poll_command_as_the_client_shows_it(
    tmp_path: Path,
) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.apply_seed(load_seed())
    settings = Config(token=None, database_path=database)
    async with open_sandbox(settings, keep_data=False, locale="fr") as box:
        poll = next(c for c in box.emu.state.commands[None] if c["name"] == "poll")
        poll["name_localizations"] = {"fr": "sondage"}  # as a translated catalog would
        cast = next(o for o in poll["options"] if o["name"] == "cast")
        cast["name_localizations"] = {"fr": "lancer"}
        out = io.StringIO()
        repl = Repl(box, NoTyping(), out)
        await repl.handle("vote 1")
        await repl.handle("/help")
        menu = shown_menu(box.commands(), "Check against the source", "fr")  # the catalog's
        await repl.handle("locale en-US")
        await repl.handle("vote 1")
    text = out.getvalue()
    assert "! no poll here yet: a manager posts one with /sondage lancer\n" in text
    assert f"(right-click {menu})" in text
    english = text.partition("now in English")[2]
    assert "! no poll here yet: a manager posts one with /poll cast\n" in english


def test_timestamps_read_in_the_client_language() -> None:
    assert readable("<t:172799:R>", {}, now=0, locale="fr") == "dans 2 jours"
    assert readable("<t:0:R>", {}, now=90, locale="pt-BR") == "há 2 minutos"
    assert readable("<t:86399:R>", {}, now=0, locale="es-419") == "dentro de 1 día"
    assert readable("<t:0:R>", {}, now=14 * 86400, locale="fr") == "il y a 14 jours"  # not weeks
    full = readable("<t:1700000000:F>", {}, locale="fr")
    assert "mardi 14 novembre 2023" in full and "22:13 UTC" in full
    assert readable("<t:1700000000:D>", {}, locale="pt-BR") == "14 de novembro de 2023"
    # English as before.
    assert readable("<t:172799:R>", {}, now=0) == "in 2 days"
    assert readable("<t:1700000000:F>", {}) == "2023-11-14 22:13 UTC"


def test_a_message_is_rendered_with_the_client_timestamps() -> None:
    message = Message(
        id=10,
        channel_id=2,
        guild_id=3,
        author=BOT,
        content="Trivia ends <t:4102444800:R>",
        embeds=[{"footer": {"text": "Posted <t:1700000000:D>"}}],
    )
    french = render_message(message, locale="fr")
    assert "Trivia ends dans " in french and "Posted 14 novembre 2023" in french
    english = render_message(message)
    assert "Trivia ends in " in english and "Posted 2023-11-14 22:13 UTC" in english
