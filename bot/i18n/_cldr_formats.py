"""The formatting data of each locale, taken from CLDR by Babel when the catalogs are built
(`python -m bot.i18n update`) and committed as `locale/formats.json`, as the compiled .mo files
are: a running bot formats numbers, dates and lists from that small file and never imports
Babel, whose locale and global data cost about 5 MB of memory and 50 ms on the first formatted
reply (BENCHMARKS.md). `python -m bot.i18n check` (CI) fails when the file is not what Babel
gives now, and tests/i18n/test_formats.py compares every format with Babel's own output.

Only this module and the catalog tools import Babel.
"""

from __future__ import annotations

import json
from typing import Any

from babel import Locale

from ._format import DATE_PART, FORMATS_PATH
from ._locales import LOCALES, babel_locale

DATE_STYLES = ("short", "medium", "long", "full")
LIST_STYLES = ("standard", "or")
LIST_PARTS = ("start", "middle", "end", "2")
# The date fields bot/i18n/_format.py writes (a pattern using another one is refused here, so a
# CLDR update that needs more fails the build, not a reply).
SUPPORTED_FIELDS = {"y": (1, 2, 4), "M": (1, 2, 3, 4), "d": (1, 2), "E": (1, 2, 3, 4)}


def _check_date_pattern(locale: str, pattern: str) -> None:
    for _quoted, field, letter, _text in DATE_PART.findall(pattern):
        if letter and len(field) not in SUPPORTED_FIELDS.get(letter, ()):
            raise ValueError(f"{locale}: date pattern {pattern!r} uses {field!r}")


def _number_format(cldr: Locale) -> dict[str, Any]:
    decimal = cldr.decimal_formats[None]
    percent = cldr.percent_formats[None]
    symbols = cldr.number_symbols[cldr.default_numbering_system]
    if decimal.pattern != "#,##0.###" or percent.frac_prec != (0, 0):
        raise ValueError(f"{cldr}: unexpected number patterns {decimal.pattern!r}")
    percent_sign = symbols["percentSign"]
    return {
        "decimal": symbols["decimal"],
        "group": symbols["group"],
        "minus": symbols["minusSign"],
        "grouping": list(decimal.grouping),
        "percent_prefix": percent.prefix[0].replace("%", percent_sign),
        "percent_suffix": percent.suffix[0].replace("%", percent_sign),
        "percent_grouping": list(percent.grouping),
    }


def _date_format(locale: str, cldr: Locale) -> dict[str, Any]:
    patterns = {style: cldr.date_formats[style].pattern for style in DATE_STYLES}
    for pattern in patterns.values():
        _check_date_pattern(locale, pattern)
    months, days = cldr.months["format"], cldr.days["format"]
    return {
        "dates": patterns,
        # Babel numbers months 1-12 and days 0-6 from Monday, as date.weekday() does.
        "months": {
            width: [months[width][m] for m in range(1, 13)] for width in ("wide", "abbreviated")
        },
        "days": {width: [days[width][d] for d in range(7)] for width in ("wide", "abbreviated")},
    }


def _list_format(cldr: Locale) -> dict[str, Any]:
    return {
        style: {part: cldr.list_patterns[style][part] for part in LIST_PARTS}
        for style in LIST_STYLES
    }


def cldr_formats() -> dict[str, Any]:
    """Every supported locale's formatting data, as Babel reads it from CLDR now."""
    formats: dict[str, Any] = {}
    for locale in LOCALES:
        cldr = Locale.parse(babel_locale(locale))
        formats[locale] = {
            **_number_format(cldr),
            **_date_format(locale, cldr),
            "lists": _list_format(cldr),
        }
    return formats


def formats_text() -> str:
    """formats.json's content: stable, so a rebuild without a change in CLDR changes nothing."""
    return json.dumps(cldr_formats(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_formats() -> None:
    FORMATS_PATH.write_text(formats_text(), encoding="utf-8")


def stale_formats() -> list[str]:
    """A problem line if formats.json is missing or not what Babel gives now."""
    if not FORMATS_PATH.is_file() or FORMATS_PATH.read_text(encoding="utf-8") != formats_text():
        return [f"{FORMATS_PATH.name} is not CLDR's formats as Babel gives them (run make i18n)"]
    return []
