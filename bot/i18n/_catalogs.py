"""The compiled catalogs (locale/<ll_CC>/LC_MESSAGES/heroes.mo), read once per locale on first
use with the standard library's gettext, and the lookups every module calls.

The .mo files are committed next to their .po sources (as Django does), so an installed bot
needs no build step; tests/i18n checks that each .mo is exactly its .po compiled.
"""

from __future__ import annotations

import gettext
import hashlib
from functools import cache
from pathlib import Path

from ._context import current_locale
from ._locales import DEFAULT, TRANSLATED, catalog_dir

DOMAIN = "heroes"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compiled_catalog(locale: str) -> Path:
    """Where a locale's compiled catalog (.mo) is read from."""
    return LOCALE_DIR / catalog_dir(locale) / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalog(locale: str) -> gettext.NullTranslations:
    """The translations of a supported locale; English (and a locale without a compiled
    catalog) returns every message as written."""
    if locale == DEFAULT or locale not in TRANSLATED:
        return gettext.NullTranslations()
    path = compiled_catalog(locale)
    try:
        with path.open("rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:
        return gettext.NullTranslations()


def catalogs_digest() -> str | None:
    """A digest of every compiled catalog and of the code that turns them into command
    localizations (which locales, which gettext context per kind of string): what the sync
    fingerprint needs to know of the translations without parsing a catalog (bot/sync.py).
    None when that code's source cannot be read (an install without .py files)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    try:
        for source in ("_translator.py", "_locales.py", "_catalogs.py"):
            digest.update((here / source).read_bytes())
    except OSError:
        return None
    for locale in TRANSLATED:
        path = compiled_catalog(locale)
        digest.update(locale.encode())
        digest.update(path.read_bytes() if path.is_file() else b"no catalog")
    return digest.hexdigest()


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
