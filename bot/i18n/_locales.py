"""The languages the bot speaks, by Discord's locale codes, and how any code maps to one."""

from __future__ import annotations

# English is the source language: the catalogs' message ids are the English text.
DEFAULT = "en-US"

# The translated locales, as Discord spells them (interaction.locale, guild.preferred_locale).
TRANSLATED: tuple[str, ...] = ("es-419", "es-ES", "pt-BR", "fr")

LOCALES: tuple[str, ...] = (DEFAULT, *TRANSLATED)

# Each language's own name, for /settings language: and the sandbox (never translated: a member
# looks for the name of the language they read).
NATIVE_NAMES: dict[str, str] = {
    DEFAULT: "English",
    "es-419": "Español (Latinoamérica)",
    "es-ES": "Español (España)",
    "pt-BR": "Português (Brasil)",
    "fr": "Français",
}


def resolve(code: object) -> str:
    """The supported locale for a Discord locale (a `discord.Locale` or its code); anything else,
    British English or None included, falls back to English."""
    value = getattr(code, "value", code)
    if isinstance(value, str) and value in TRANSLATED:
        return value
    return DEFAULT


def catalog_dir(locale: str) -> str:
    """The catalog folder of a locale, as gettext and Babel name it: 'pt-BR' -> 'pt_BR'."""
    return locale.replace("-", "_")


def babel_locale(locale: str) -> str:
    """The Babel (CLDR) identifier of a supported locale: 'en-US' -> 'en_US'."""
    return catalog_dir(locale)
