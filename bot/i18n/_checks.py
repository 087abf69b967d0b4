"""What CI checks in the catalogs (tests/i18n/ and `python -m bot.i18n check`): each problem is a
line naming the locale and the string, so a failing run says what to fix."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from ._catalog_files import compiled, mo_path, po_path, read_catalog
from ._catalogs import LOCALE_DIR
from ._locales import TRANSLATED, catalog_dir

# Reviewed strings that read the same as the English in a language ("Netflix", "Instagram"), one
# per line in locale/<ll_CC>/kept-in-english.txt; names and titles that every translation must
# keep verbatim (and never add), one per line in locale/names.txt. '#' starts a comment.
KEPT_FILE = "kept-in-english.txt"
NAMES = LOCALE_DIR / "names.txt"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Discord's rule for slash command and option names (and lowercase where a lowercase exists).
CHAT_NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
MARKUP = ("**", "`", "<t:", "\n")
LIMITS = {"command description": 100, "option description": 100, "choice": 100}

Key = tuple[str, str | None]


def _key(message: Message) -> Key:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def _forms(message: Message) -> list[str]:
    string = message.string
    return list(string) if isinstance(string, tuple | list) else [string]


def _english(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def kept_in_english(locale: str) -> set[str]:
    return set(_lines(LOCALE_DIR / catalog_dir(locale) / KEPT_FILE))


def protected_names() -> tuple[str, ...]:
    return tuple(_lines(NAMES))


def missing(template: Catalog, catalog: Catalog, locale: str) -> Iterator[str]:
    have = {_key(m): m for m in catalog if m.id}
    for message in template:
        if not message.id:
            continue
        found = have.get(_key(message))
        if found is None or not all(_forms(found)):
            yield f"{locale}: no translation for {_key(message)!r}"
        elif found.fuzzy:
            yield f"{locale}: fuzzy (unreviewed) translation for {_key(message)!r}"
    wanted = {_key(m) for m in template if m.id}
    for key in have.keys() - wanted:
        yield f"{locale}: {key!r} is no longer used (run make i18n)"


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def same_shape(message: Message, locale: str) -> Iterator[str]:
    """Placeholders, Discord markup and numbers carried over exactly."""
    english = _english(message)
    wanted = _placeholders(english[-1])
    for form in _forms(message):
        if not form:
            continue
        have = _placeholders(form)
        if have != wanted and not (len(english) > 1 and have | {"count"} == wanted | {"count"}):
            yield f"{locale}: placeholders {sorted(have)} ≠ {sorted(wanted)} in {english[0]!r}"
        for mark in MARKUP:
            if form.count(mark) != english[-1].count(mark) and len(english) == 1:
                yield f"{locale}: {mark!r} appears a different number of times in {english[0]!r}"
        if len(english) == 1 and Counter(NUMBER.findall(form)) != Counter(
            NUMBER.findall(english[0])
        ):
            yield f"{locale}: numbers differ from the English in {english[0]!r}"


def same_names(message: Message, locale: str, names: tuple[str, ...]) -> Iterator[str]:
    """A name or title is kept verbatim, and none is added."""
    english = " ".join(_english(message))
    for form in _forms(message):
        for name in names:
            if (name in english) != (name in form):
                yield f"{locale}: {name!r} must appear as in the English in {english!r}"


def discord_limits(message: Message, locale: str) -> Iterator[str]:
    text = _forms(message)[0]
    english = _english(message)[0]
    context = message.context or ""
    if context in LIMITS and len(text) > LIMITS[context]:
        yield f"{locale}: {context} over {LIMITS[context]} characters: {text!r}"
    if context in ("command name", "option name"):
        if CHAT_NAME.match(english) and english == english.lower():  # a slash name
            if not CHAT_NAME.match(text) or text != text.lower():
                yield f"{locale}: {context} {text!r} must be lowercase, no spaces, 1-32 chars"
        elif not 1 <= len(text) <= 32:  # a context menu's name
            yield f"{locale}: menu name {text!r} must be 1-32 characters"


def untranslated(message: Message, locale: str, allowed: set[str]) -> Iterator[str]:
    for english, form in zip(_english(message), _forms(message), strict=False):
        words = PLACEHOLDER.sub("", english)  # "{count}h": no word of its own to translate
        if form == english and re.search(r"[A-Za-z]{3}", words) and english not in allowed:
            yield f"{locale}: left in English: {english!r} (or list it in {KEPT_FILE})"


def stale_mo(catalog: Catalog, locale: str) -> Iterator[str]:
    path = mo_path(locale)
    if not path.exists() or path.read_bytes() != compiled(catalog):
        yield f"{locale}: {path.name} is not its .po compiled (run make i18n)"


def problems(template: Catalog, locales: tuple[str, ...] = TRANSLATED) -> list[str]:
    """Every problem of each locale's catalog against the template."""
    names = protected_names()
    found: list[str] = []
    for locale in locales:
        path = po_path(locale)
        if not path.exists():
            found.append(f"{locale}: no catalog at {path} (run make i18n)")
            continue
        catalog = read_catalog(path, locale)
        found += missing(template, catalog, locale)
        for message in catalog:
            if message.id and all(_forms(message)):
                found += same_shape(message, locale)
                found += same_names(message, locale, names)
                found += discord_limits(message, locale)
                found += untranslated(message, locale, kept_in_english(locale))
        found += stale_mo(catalog, locale)
    return found
