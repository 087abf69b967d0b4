"""CI's checks of the translations: the moment a string is added without its translations, or a
translation breaks a placeholder, a fact, a name or one of Discord's limits, this fails and says
which string in which language (`python -m bot.i18n check` prints the same list)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from babel.messages.catalog import Catalog, Message

from bot.i18n import TRANSLATED
from bot.i18n._catalog_files import po_path, read_catalog
from bot.i18n._checks import (
    discord_limits,
    kept_in_english,
    missing,
    protected_names,
    same_names,
    same_shape,
    stale_mo,
    untranslated,
)
from bot.i18n._extract import template


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """What the code and the command tree need translated, extracted now."""
    return template()


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {locale: read_catalog(po_path(locale), locale) for locale in TRANSLATED}


def _each(
    catalogs: dict[str, Catalog], check: Callable[[Message, str], Iterator[str]]
) -> list[str]:
    return [
        problem
        for locale, catalog in catalogs.items()
        for message in catalog
        if message.id and message.string and all(message.string)
        for problem in check(message, locale)
    ]


def test_every_string_is_translated_in_every_language(
    extracted: Catalog, catalogs: dict[str, Catalog]
) -> None:
    problems = [p for locale, c in catalogs.items() for p in missing(extracted, c, locale)]
    assert problems == [], "\n".join(problems[:40]) + "\n(run make i18n, then translate)"


def test_placeholders_markup_and_numbers_are_carried_over(catalogs: dict[str, Catalog]) -> None:
    problems = _each(catalogs, same_shape)
    assert problems == [], "\n".join(problems)


def test_names_and_titles_are_kept_verbatim_and_never_added(catalogs: dict[str, Catalog]) -> None:
    names = protected_names()
    assert "We Can Be Heroes" in names
    problems = _each(catalogs, lambda message, locale: same_names(message, locale, names))
    assert problems == [], "\n".join(problems)


def test_command_strings_keep_to_discords_limits(catalogs: dict[str, Catalog]) -> None:
    problems = _each(catalogs, discord_limits)
    assert problems == [], "\n".join(problems)


def test_no_english_is_left_in_a_translation(catalogs: dict[str, Catalog]) -> None:
    problems = _each(
        catalogs,
        lambda message, locale: untranslated(message, locale, kept_in_english(locale)),
    )
    assert problems == [], "\n".join(problems)


def test_each_compiled_catalog_is_its_source_compiled(catalogs: dict[str, Catalog]) -> None:
    problems = [p for locale, c in catalogs.items() for p in stale_mo(c, locale)]
    assert problems == [], "\n".join(problems)


def test_the_checks_catch_what_they_guard() -> None:
    """Strict, not decorative: each check refuses a bad translation."""
    broken = Message("Page {page} of {pages} · 44 million", "Page {pages} · 45 millions")
    assert list(same_shape(broken, "fr"))
    renamed = Message("The cast of We Can Be Heroes", "Le casting de Nous sommes des héros")
    assert list(same_names(renamed, "fr", ("We Can Be Heroes",)))
    shouting = Message("cast", "Elenco Completo", context="command name")
    assert list(discord_limits(shouting, "pt-BR"))
    lazy = Message("Something went wrong", "Something went wrong")
    assert list(untranslated(lazy, "es-419", set()))
