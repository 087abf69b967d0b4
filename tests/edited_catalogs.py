"""A translator's change, made as one is in real life: a catalog's .po edited and compiled to
its .mo, in a copy of the catalogs the bot then reads (the committed ones are left alone)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import _catalogs

Retranslate = Callable[[str, str, str, str], None]


@pytest.fixture
def retranslate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Retranslate]:
    """retranslate(locale, context, msgid, new): from then on `msgid` (under that gettext
    context) reads `new` in `locale`, from a compiled catalog as the bot ships it."""
    copy = tmp_path / "locale"
    shutil.copytree(_catalogs.LOCALE_DIR, copy)
    monkeypatch.setattr(_catalogs, "LOCALE_DIR", copy)
    _catalogs.catalog.cache_clear()

    def edit(locale: str, context: str, msgid: str, new: str) -> None:
        folder = copy / locale.replace("-", "_") / "LC_MESSAGES"
        with (folder / "heroes.po").open("rb") as file:
            catalog = read_po(file, locale=locale.replace("-", "_"))
        message = catalog.get(msgid, context=context)
        if message is None:
            raise LookupError(f"{msgid!r} ({context}) is not in the {locale} catalog")
        message.string = new
        with (folder / "heroes.mo").open("wb") as file:
            write_mo(file, catalog)
        _catalogs.catalog.cache_clear()

    yield edit
    _catalogs.catalog.cache_clear()
