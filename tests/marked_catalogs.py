"""Catalogs that mark every translated string with its locale ("[pt-BR] Trivia"), for tests that
must see which language rendered what before any translation is written: a string left in
English, or rendered in the wrong language, shows without its mark or with another one."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from bot.i18n import DEFAULT


class MarkedCatalog(gettext.NullTranslations):
    def __init__(self, locale: str) -> None:
        super().__init__()
        self.mark = f"[{locale}] "

    def gettext(self, message: str) -> str:
        return self.mark + message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.mark + (msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.mark + message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.mark + (msgid1 if n == 1 else msgid2)


def marked_catalog(locale: str) -> gettext.NullTranslations:
    return gettext.NullTranslations() if locale == DEFAULT else MarkedCatalog(locale)


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every lookup in a locale other than English returns the English text marked with it."""
    # The lookups read the module's `catalog` when called: replacing it swaps every catalog.
    monkeypatch.setattr("bot.i18n._catalogs.catalog", marked_catalog)
    yield


@pytest.fixture
def marked_commands(monkeypatch: pytest.MonkeyPatch, marked: None) -> Iterator[None]:
    """`marked`, and command names too ("/[pt-BR] cast" where a sentence names a command)."""
    monkeypatch.setattr("bot.i18n._translator.catalog", marked_catalog)
    yield
