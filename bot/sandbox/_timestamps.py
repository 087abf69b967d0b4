"""Discord timestamps (`<t:…>`) as a member's client shows them: in its language.

English keeps the sandbox's own wording; other locales use the CLDR patterns Babel carries
(a real client localizes these itself, so the bot's catalogs play no part).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_time,
    format_timedelta,
    get_date_format,
    get_datetime_format,
    get_time_format,
)

from bot.i18n import DEFAULT

# Discord rounds a relative time to the nearest unit, moving up a unit near its end (22 hours
# on shows as days): a 48-hour poll a moment old ends "in 2 days", not "in 1 day".
_UNITS = ((86400, 22 * 3600, "day"), (3600, 45 * 60, "hour"), (60, 45, "minute"), (1, 0, "second"))

# Discord's styles: t/T a time, d/D a date, f (the default) a date and time, F with the weekday
# (the CLDR date length each uses).
_DATE_LENGTHS = {"f": "long", "F": "full"}


def _rounded(seconds: float) -> tuple[int, int, str]:
    """(count, unit size in seconds, unit) as Discord rounds `seconds` (absolute)."""
    size, unit = next((size, unit) for size, start, unit in _UNITS if seconds >= start)
    count = max(1, round(seconds / size)) if size > 1 else int(seconds)
    return count, size, unit


def relative(seconds: float, locale: str = DEFAULT) -> str:
    """`<t:…:R>`: 'in 2 days', '2 minutes ago' ('dans 2 jours' in fr)."""
    ahead = seconds >= 0
    count, size, unit = _rounded(abs(seconds))
    if locale == DEFAULT:
        text = f"{count} {unit}{'s' if count != 1 else ''}"
        return f"in {text}" if ahead else f"{text} ago"
    count = max(count, 1)  # Babel has no words for "0 seconds"
    delta = timedelta(seconds=count * size if ahead else -count * size)
    # A threshold of `count` keeps Babel on this unit: any larger one is worth less than count.
    return format_timedelta(delta, threshold=count, add_direction=True, locale=_babel(locale))


def absolute(when: int, style: str | None, locale: str = DEFAULT) -> str:
    """`<t:…>`, `<t:…:F>`…: the moment in UTC, as the sandbox has no time zone of its own."""
    if locale == DEFAULT:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(when))
    moment = datetime.fromtimestamp(when, UTC)
    shown = _babel(locale)
    if style in ("d", "D"):
        return format_date(moment, "short" if style == "d" else "long", locale=shown)
    if style in ("t", "T"):
        return format_time(moment, "short" if style == "t" else "medium", locale=shown) + " UTC"
    length = _DATE_LENGTHS.get(style or "f", "long")
    # The locale's own way of joining a date and a time ("{1} 'à' {0}"), not ours.
    pattern = (
        str(get_datetime_format(length, locale=shown))
        .replace("{1}", get_date_format(length, locale=shown).pattern)
        .replace("{0}", get_time_format("short", locale=shown).pattern)
    )
    return format_datetime(moment, pattern, tzinfo=UTC, locale=shown) + " UTC"


def _babel(locale: str) -> Locale:
    return Locale.parse(locale, sep="-")
