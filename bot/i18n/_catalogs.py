"""The compiled catalogs (locale/<ll_CC>/LC_MESSAGES/heroes.mo), read once per locale on first
use with the standard library's gettext, and the lookups every module calls.

The .mo files are committed next to their .po sources (as Django does), so an installed bot
needs no build step; tests/i18n checks that each .mo is exactly its .po compiled.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from ._context import current_locale
from ._locales import DEFAULT, TRANSLATED, catalog_dir

DOMAIN = "heroes"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def catalog(locale: str) -> gettext.NullTranslations:
    """The translations of a supported locale; English (and a locale without a compiled
    catalog) returns every message as written."""
    if locale == DEFAULT or locale not in TRANSLATED:
        return gettext.NullTranslations()
    path = LOCALE_DIR / catalog_dir(locale) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:
        return gettext.NullTranslations()


def _(message: str) -> str:
    """`message` in the current locale (the English text when there is no translation)."""
    return catalog(current_locale()).gettext(message)


def N_(message: str) -> str:
    """Marks a module-level constant for extraction without translating it: the constant stays
    English, and the code translates it where it is shown, with `_(CONSTANT)`."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, by the current locale's plural rule."""
    return catalog(current_locale()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` translated within `context`: the same English word can need two translations
    (a command name and a label)."""
    return catalog(current_locale()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return catalog(current_locale()).npgettext(context, singular, plural, n)
