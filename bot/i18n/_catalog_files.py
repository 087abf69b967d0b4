"""The catalog files: the template (locale/heroes.pot), each locale's .po (translated by hand)
and .mo (compiled, committed so an installed bot needs no build step). Used by `make i18n`."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ._catalogs import DOMAIN, LOCALE_DIR, compiled_catalog
from ._locales import NATIVE_NAMES, TRANSLATED, babel_locale, catalog_dir

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
WIDTH = 100
HEADER = """\
# heroes-bot: {language} translations, written by hand for a fan community (not a legal notice).
# Quotes and source excerpts are never translated: the bot shows them as the source prints them.
# `make i18n` adds new strings here (empty); `python -m bot.i18n check` lists what is missing.
#"""


def po_path(locale: str) -> Path:
    return LOCALE_DIR / catalog_dir(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return compiled_catalog(locale)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=babel_locale(locale) if locale else None, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=False, include_previous=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog, fuzzy entries left out (an unreviewed guess is not shown)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update(template: Catalog) -> list[str]:
    """Writes the template, merges it into every locale's .po (new strings empty, removed ones
    dropped, no fuzzy guesses: a guess would read as a translation) and compiles each .mo.
    Returns one line per locale saying how many strings still need a translation."""
    _write(TEMPLATE, template)
    report = []
    for locale in TRANSLATED:
        path = po_path(locale)
        catalog = read_catalog(path, locale) if path.exists() else _new_catalog(locale, template)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        _write(path, catalog)
        # Compiled from the file as written, exactly as the check compiles it.
        mo_path(locale).write_bytes(compiled(read_catalog(path, locale)))
        strings = [message for message in catalog if message.id]
        missing = sum(1 for message in strings if not _translated(message))
        report.append(f"{locale}: {len(strings)} strings, {missing} to translate")
    return report


def _new_catalog(locale: str, template: Catalog) -> Catalog:
    """A locale's first catalog, its header complete (a fuzzy header would be left out of the
    .mo, and with it the language's plural rule)."""
    catalog = Catalog(
        locale=babel_locale(locale),
        header_comment=HEADER.format(language=NATIVE_NAMES[locale]),
        version="1",
        msgid_bugs_address="the project's issue tracker",
        domain=DOMAIN,
        project="heroes-bot",
        fuzzy=False,
        creation_date=template.creation_date,
        revision_date=template.revision_date,
        copyright_holder=template.copyright_holder,
        last_translator=template.last_translator,
        language_team=template.language_team,
    )
    return catalog


def _translated(message: object) -> bool:
    string = getattr(message, "string", "")
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)
