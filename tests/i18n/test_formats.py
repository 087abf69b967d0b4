"""Numbers, dates and lists are written exactly as Babel writes them from CLDR, in every
locale, though a running bot reads CLDR's data from locale/formats.json instead of Babel."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, datetime, timedelta

import babel.dates
import babel.lists
import babel.numbers
import pytest

from bot.i18n import (
    LOCALES,
    format_date,
    format_list,
    format_number,
    format_percent,
    use_locale,
)
from bot.i18n._cldr_formats import stale_formats
from bot.i18n._locales import babel_locale

NUMBERS: list[int | float] = [
    0, 1, 7, 12, 999, 1000, 1234, 9999, 10000, 12345, 123456, 999999, 1000000, 1234567,
    12345678, 123456789, 10**12 + 7, -1, -999, -1000, -1234567, 0.0, -0.0, 0.5, 1.5, 2.5,
    0.1234, 0.0005, 0.0015, 2.0005, 1234.5678, -1234.5678, -0.0001, 3.14159, 99999.9999,
]  # fmt: skip
FRACTIONS = [0.0, 0.001, 0.004, 0.005, 0.015, 0.125, 0.25, 1 / 3, 0.5, 0.995, 1.0, 12.345, -0.25]
WORDS = ["Pedro", "Missy", "Wheels", "Ojo", "Fast Forward", "Rewind", "A Capella"]


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_formats_json_is_cldr_as_babel_gives_it() -> None:
    assert stale_formats() == []


def test_numbers_are_written_as_babel_writes_them(locale: str) -> None:
    rng = random.Random(14)
    numbers = NUMBERS + [rng.randrange(-(10**9), 10**9) for _ in range(200)]
    numbers += [round(rng.uniform(-1e6, 1e6), rng.randrange(0, 6)) for _ in range(200)]
    with use_locale(locale):
        for number in numbers:
            expected = babel.numbers.format_decimal(number, locale=babel_locale(locale))
            assert format_number(number) == expected, (locale, number)


def test_percentages_are_written_as_babel_writes_them(locale: str) -> None:
    rng = random.Random(15)
    fractions = FRACTIONS + [rng.random() for _ in range(200)] + [rng.uniform(0, 200)]
    with use_locale(locale):
        for fraction in fractions:
            expected = babel.numbers.format_percent(fraction, locale=babel_locale(locale))
            assert format_percent(fraction) == expected, (locale, fraction)


@pytest.mark.parametrize("style", ["short", "medium", "long", "full"])
def test_dates_are_written_as_babel_writes_them(locale: str, style: str) -> None:
    days = [date(2020, 12, 25), date(2026, 1, 1), date(1999, 9, 9), date(2005, 3, 31)]
    days += [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 366, 5)]  # every month, day
    with use_locale(locale):
        for day in days:
            expected = babel.dates.format_date(day, format=style, locale=babel_locale(locale))
            assert format_date(day, style) == expected, (locale, style, day)  # type: ignore[arg-type]
        moment = datetime(2026, 12, 2, 23, 59)
        assert format_date(moment, style) == babel.dates.format_date(  # type: ignore[arg-type]
            moment, format=style, locale=babel_locale(locale)
        )


@pytest.mark.parametrize("style", ["standard", "or"])
def test_lists_are_written_as_babel_writes_them(locale: str, style: str) -> None:
    with use_locale(locale):
        for count in range(len(WORDS) + 1):
            items = WORDS[:count]
            expected = babel.lists.format_list(items, style=style, locale=babel_locale(locale))
            assert format_list(items, style) == expected, (locale, style, count)  # type: ignore[arg-type]


def test_formatting_never_imports_babel() -> None:
    # Babel's data would cost a running bot about 5 MB and 50 ms on its first formatted reply.
    probe = (
        "import sys, datetime\n"
        "from bot.i18n import format_number, format_date, format_list, format_percent, use_locale\n"
        "for locale in ('en-US', 'fr', 'pt-BR'):\n"
        "    with use_locale(locale):\n"
        "        format_number(1234.5); format_percent(0.5); format_list(['a', 'b', 'c'])\n"
        "        format_date(datetime.date(2026, 12, 2), 'full')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
