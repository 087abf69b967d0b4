"""Numbers, dates and lists written the current locale's way, by Babel from CLDR's data (no
formatting table is written here). Babel is imported on first use: a bot that formats nothing
at start-up does not pay for loading it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Literal

from ._context import current_locale
from ._locales import babel_locale

if TYPE_CHECKING:
    from babel import Locale

DateStyle = Literal["short", "medium", "long", "full"]


@cache
def _cldr(locale: str) -> Locale:
    from babel import Locale

    return Locale.parse(babel_locale(locale))


def format_number(number: int | float) -> str:
    """1234567 -> '1,234,567' (en), '1.234.567' (es, pt-BR), '1 234 567' (fr)."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_cldr(current_locale()))


def format_percent(fraction: float) -> str:
    """0.25 -> '25%' (en), '25 %' (fr)."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(fraction, locale=_cldr(current_locale()))


def format_date(day: date | datetime, style: DateStyle = "long") -> str:
    """A calendar day: 'December 25, 2020' (en), '25 de dezembro de 2020' (pt-BR)."""
    from babel.dates import format_date as babel_date

    return babel_date(day, format=style, locale=_cldr(current_locale()))


def format_list(items: Sequence[str], style: Literal["standard", "or"] = "standard") -> str:
    """['a', 'b', 'c'] -> 'a, b, and c' (en), 'a, b et c' (fr); style 'or' joins with 'or'."""
    from babel.lists import format_list as babel_list

    return babel_list(list(items), style=style, locale=_cldr(current_locale()))


def join_clauses(clauses: Sequence[str]) -> str:
    """Clauses that each have commas of their own, joined with semicolons ("a, b; c"), in the
    current language's typography (French puts a space before the semicolon)."""
    from ._catalogs import pgettext

    # Translators: between the items of a list whose items contain commas; French: " ; ".
    return pgettext("list separator", "; ").join(clauses)
