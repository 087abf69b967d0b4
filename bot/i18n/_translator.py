"""Command names, descriptions, options and choices in every supported locale, for Discord's
localization fields (name_localizations...), read from the same catalogs as the replies.

Each kind of string is looked up under its own gettext context, so "name" the option and
"name" in a sentence can be translated differently (an option name must be lowercase, one word).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from ._catalogs import catalog
from ._context import current_locale
from ._locales import TRANSLATED

# The gettext context of each kind of command string (the extractor writes the same ones).
CONTEXTS: dict[Where, str] = {
    Where.command_name: "command name",
    Where.group_name: "command name",
    Where.command_description: "command description",
    Where.group_description: "command description",
    Where.parameter_name: "option name",
    Where.parameter_description: "option description",
    Where.choice_name: "choice",
}


def translate_command_string(message: str, kind: str, locale: str) -> str | None:
    """The translation of a command string of `kind` (a CONTEXTS value), or None where the
    locale has none or it reads as the English."""
    if locale not in TRANSLATED:
        return None
    translated = catalog(locale).pgettext(kind, message)
    return translated if translated != message else None


def shown_command(path: str) -> str:
    """A command as the current locale's Discord app shows it, for a sentence that names it:
    "/trivia forget-me" -> "/quiz esqueça-me" in pt-BR (each word is a command or group name;
    a word without a translation stays as it is)."""
    locale = current_locale()
    words = path.removeprefix("/").split()
    shown = [translate_command_string(word, "command name", locale) or word for word in words]
    return "/" + " ".join(shown)


class HeroesTranslator(app_commands.Translator):
    """What discord.py asks while building the synced payload (and the sync fingerprint)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        kind = CONTEXTS.get(context.location)
        if kind is None:
            return None
        return translate_command_string(string.message, kind, locale.value)
