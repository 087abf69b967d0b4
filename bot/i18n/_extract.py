"""What the catalogs must hold: every `_()`-family call in the bot's code, and every command
string the Translator will be asked for (names, descriptions, options, choices), read from the
real command tree so nothing a member sees can be missed.

Imported only by `python -m bot.i18n` and the tests: the bot never extracts.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from discord import app_commands

from ._catalogs import DOMAIN
from ._locales import NATIVE_NAMES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("bot", "cogs")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
# What each kind of command string must be: shown to translators above the entry.
RULES = {
    "command name": "A slash command's name: lowercase, no spaces, 1-32 letters, digits, - or _.",
    "menu name": "A right-click (Apps) menu entry: 1-32 characters.",
    "command description": "A command's description: at most 100 characters.",
    "option name": "An option's name: lowercase, no spaces, 1-32 letters, digits, - or _.",
    "option description": "An option's description: at most 100 characters.",
    "choice": "A choice shown in the option's list: at most 100 characters.",
}

STABLE_DATE = datetime(2026, 12, 1, tzinfo=UTC)
CommandString = tuple[str, str, str]  # (context, English text, where it is)


def source_messages(root: Path = PROJECT_ROOT) -> Iterator[tuple[str, int, Any, list[str], Any]]:
    """(file, line, message, translator comments, context) of every marked string."""
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            root / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            yield f"{folder}/{filename}", lineno, message, comments, context


def _where(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> str:
    """Where a string is used, as a location without spaces or colons (a colon would be read
    back as a line number and dropped): "/poll/cast"."""
    return "/" + command.qualified_name.replace(" ", "/")


def _parameter_strings(command: app_commands.Command[Any, ..., Any]) -> Iterator[CommandString]:
    where = _where(command)
    for parameter in command.parameters:
        yield "option name", parameter.display_name, f"{where}.{parameter.display_name}"
        yield "option description", parameter.description, f"{where}.{parameter.display_name}"
        for choice in parameter.choices:
            if choice.name not in NATIVE_NAMES.values():  # a language's own name: never translated
                yield "choice", choice.name, f"{where}.{parameter.display_name}"


def tree_strings(tree: app_commands.CommandTree[Any]) -> Iterator[CommandString]:
    """Every string of every registered command, group and context menu."""
    for command in tree.walk_commands():
        where = _where(command)
        yield "command name", command.name, where
        yield "command description", command.description, where
        if isinstance(command, app_commands.Command):
            yield from _parameter_strings(command)
    for kind in (discord.AppCommandType.message, discord.AppCommandType.user):
        for menu in tree.walk_commands(type=kind):
            yield "menu name", menu.name, f"{kind.name}-menu"


async def _loaded_tree_strings() -> list[CommandString]:
    """Loads every extension into an offline bot (a throw-away database) and reads its tree."""
    from bot.client import HeroesBot
    from bot.config import Config, Secret
    from bot.store import open_store
    from bot.sync import SyncMode

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.db"
        settings = Config(token=Secret("extract." + "x" * 60), database_path=path)
        async with open_store(path) as store:
            bot = HeroesBot(settings, store, sync=SyncMode.OFF)
            try:
                await bot.setup_hook()
                return list(tree_strings(bot.tree))
            finally:
                await bot.close()


def command_messages() -> list[CommandString]:
    return asyncio.run(_loaded_tree_strings())


def template(commands: list[CommandString] | None = None) -> Catalog:
    """The template (heroes.pot): the source strings, then the command strings."""
    catalog = Catalog(
        domain=DOMAIN,
        project="heroes-bot",
        charset="utf-8",
        fuzzy=False,
        # Fixed: a date that changed at every `make i18n` would rewrite every catalog's header.
        creation_date=STABLE_DATE,
        revision_date=STABLE_DATE,
        copyright_holder="the heroes-bot contributors",
        last_translator="the heroes-bot contributors",
        language_team="heroes-bot <https://github.com/heroes-bot>",
    )
    for filename, lineno, message, comments, context in source_messages():
        catalog.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    for context, text, where in commands if commands is not None else command_messages():
        # A menu name is looked up under "command name" too (the Translator cannot tell them
        # apart); its own rule is shown to the translator.
        gettext_context = "command name" if context == "menu name" else context
        catalog.add(
            text,
            locations=[(where, None)],
            auto_comments=[RULES[context]],
            context=gettext_context,
        )
    return catalog
