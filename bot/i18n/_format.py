"""Numbers, dates and lists written the current locale's way, from CLDR's data for that locale
(`locale/formats.json`, taken from CLDR by Babel when the catalogs are built: see
_cldr_formats.py). No formatting table is written by hand, and a running bot never imports
Babel: its data would cost about 5 MB and 50 ms on the first formatted reply. Every function
here gives exactly what Babel's function of the same name gives (tests/i18n/test_formats.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ._context import current_locale
from ._locales import DEFAULT

DateStyle = Literal["short", "medium", "long", "full"]
FORMATS_PATH = Path(__file__).resolve().parent / "locale" / "formats.json"
# A CLDR date pattern: a quoted literal ('' is a quote), a run of one field letter, or text.
DATE_PART = re.compile(r"'((?:[^']|'')*)'|(([A-Za-z])\3*)|([^A-Za-z']+)")
_THOUSANDTH = Decimal("0.001")  # the default decimal pattern keeps at most 3 decimals


@cache
def _all_formats() -> dict[str, Any]:
    with FORMATS_PATH.open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


def _formats() -> dict[str, Any]:
    formats = _all_formats()
    return formats.get(current_locale()) or formats[DEFAULT]


def _grouped(digits: str, grouping: Sequence[int], separator: str) -> str:
    """'1234567' -> '1,234,567' (CLDR's primary, then secondary, group size)."""
    primary, secondary = grouping
    if len(digits) <= primary:
        return digits
    groups = [digits[-primary:]]
    rest = digits[:-primary]
    while len(rest) > secondary:
        groups.append(rest[-secondary:])
        rest = rest[:-secondary]
    groups.append(rest)
    return separator.join(reversed(groups))


def _decimal(value: Decimal, places: Decimal, grouping: Sequence[int], formats: Any) -> str:
    """The digits of `value` rounded half-even to `places`, trailing zeros dropped, with the
    locale's group and decimal separators and minus sign (as Babel's NumberPattern.apply)."""
    rounded = abs(value).quantize(places, rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{rounded:f}".partition(".")
    fraction = fraction.rstrip("0")
    text = _grouped(whole, grouping, formats["group"])
    if fraction:
        text += formats["decimal"] + fraction
    return formats["minus"] + text if value.is_signed() else text


def format_number(number: int | float) -> str:
    """1234567 -> '1,234,567' (en), '1.234.567' (es-ES, pt-BR), '1 234 567' (fr)."""
    value = Decimal(number) if isinstance(number, int) else Decimal(str(number))
    formats = _formats()
    return _decimal(value, _THOUSANDTH, formats["grouping"], formats)


def format_percent(fraction: float) -> str:
    """0.25 -> '25%' (en), '25 %' (fr)."""
    formats = _formats()
    value = Decimal(str(fraction)) * 100
    digits = _decimal(value, Decimal(1), formats["percent_grouping"], formats)
    sign, digits = (formats["minus"], digits[1:]) if value.is_signed() else ("", digits)
    return sign + formats["percent_prefix"] + digits + formats["percent_suffix"]


def _date_field(day: date, field: str, formats: dict[str, Any]) -> str:
    letter, width = field[0], len(field)
    if letter == "y":
        return f"{day.year % 100:02d}" if width == 2 else f"{day.year:0{width}d}"
    if letter == "M":
        if width >= 3:
            return formats["months"]["wide" if width == 4 else "abbreviated"][day.month - 1]
        return f"{day.month:0{width}d}"
    if letter == "d":
        return f"{day.day:0{width}d}"
    if letter == "E":
        return formats["days"]["wide" if width == 4 else "abbreviated"][day.weekday()]
    raise ValueError(f"date field {field!r} is not supported")  # refused when formats.json is built


def format_date(day: date | datetime, style: DateStyle = "long") -> str:
    """A calendar day: 'December 25, 2020' (en), '25 de dezembro de 2020' (pt-BR)."""
    formats = _formats()
    calendar_day = day.date() if isinstance(day, datetime) else day
    parts = []
    for quoted, field, _letter, text in DATE_PART.findall(formats["dates"][style]):
        if field:
            parts.append(_date_field(calendar_day, field, formats))
        else:
            parts.append(text or quoted.replace("''", "'") or "'")
    return "".join(parts)


def format_list(items: Sequence[str], style: Literal["standard", "or"] = "standard") -> str:
    """['a', 'b', 'c'] -> 'a, b, and c' (en), 'a, b et c' (fr); style 'or' joins with 'or'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    patterns = _formats()["lists"][style]
    if len(items) == 2:
        return str(patterns["2"]).format(*items)
    result = str(patterns["start"]).format(items[0], items[1])
    for item in items[2:-1]:
        result = str(patterns["middle"]).format(result, item)
    return str(patterns["end"]).format(result, items[-1])


def join_clauses(clauses: Sequence[str]) -> str:
    """Clauses that each have commas of their own, joined with semicolons ("a, b; c"), in the
    current language's typography (French puts a space before the semicolon)."""
    from ._catalogs import pgettext

    # Translators: between the items of a list whose items contain commas; French: " ; ".
    return pgettext("list separator", "; ").join(clauses)
