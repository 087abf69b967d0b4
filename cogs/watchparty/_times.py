"""A watch party's start, typed in the server's timezone, read strictly; shown as Discord
timestamps every member sees in their own timezone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import msgspec

from bot.i18n import _
from bot.replies import escape_input
from bot.ui.moments import when

# 'YYYY-MM-DD HH:MM' (24-hour; a 'T' between them is accepted, as ISO 8601 writes it).
_LOCAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})")
# A Discord timestamp pasted from the message box's date picker: '<t:1805050800:F>'. Its moment
# is absolute (discord.py 2.7's app_commands.Timestamp reads the same form; it is not the option
# type here because a typed local time must be accepted too).
_DISCORD_STAMP = re.compile(r"<t:(-?\d{1,13})(?::[tTdDfFsSR])?>")
EXAMPLE = "2027-03-14 20:00"


class Start(msgspec.Struct, frozen=True):
    moment: datetime | None  # UTC; None when `problem` says why
    problem: str | None = None


def _local(text: str, zone: str) -> Start:
    match = _LOCAL.fullmatch(text)
    if match is None:
        # Translators: {typed} is what the member typed; keep YYYY-MM-DD HH:MM as it is (the
        # format the bot reads); {timezone} is an IANA name; {example} a time in that format.
        problem = _(
            "“{typed}” is not a start time. Type it as YYYY-MM-DD HH:MM (24-hour, {timezone}), "
            "e.g. {example}, or paste a Discord timestamp such as `<t:1805050800:F>`."
        )
        return Start(
            None, problem.format(typed=escape_input(text, 60), timezone=zone, example=EXAMPLE)
        )
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        naive = datetime(year, month, day, hour, minute)
    except ValueError:
        problem = _("“{typed}” is not a real date and time (24-hour clock).")
        return Start(None, problem.format(typed=escape_input(text, 60)))
    tz = ZoneInfo(zone)
    local = naive.replace(tzinfo=tz)
    # A time the clocks skip (spring forward) does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        # Translators: {typed} is the time typed; {timezone} an IANA name such as Europe/Paris.
        problem = _("{typed} does not exist in {timezone}: the clocks skip it that day.")
        return Start(None, problem.format(typed=text, timezone=zone))
    return Start(local.astimezone(UTC))


def parse_start(typed: str, zone: str, now: datetime) -> Start:
    """The start as a UTC moment, or why not: not in the format, not a real time, or past."""
    text = " ".join(typed.split())
    stamp = _DISCORD_STAMP.fullmatch(text)
    if stamp is not None:
        try:
            start = Start(datetime.fromtimestamp(int(stamp.group(1)), UTC))
        except (OverflowError, OSError, ValueError):
            problem = _("“{typed}” is not a time Discord can show.")
            return Start(None, problem.format(typed=escape_input(text, 60)))
    else:
        start = _local(text, zone)
    if start.moment is not None and start.moment <= now:
        # Translators: {when} is a Discord timestamp each member sees in their own language.
        problem = _("{typed} ({timezone}) is in the past: it was {when}.")
        return Start(None, problem.format(typed=text, timezone=zone, when=when(start.moment)))
    return start
