"""How the store writes and reads timestamps (ISO 8601 text, UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """A UTC timestamp as stored: '2025-06-01T12:00:00+00:00'."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Trivia and server settings were first written by SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
# ('2025-06-01T12:00:00.123Z': UTC, milliseconds, 'Z'). The store now passes the time in (the
# bot's clock; one spelling for SQLite and PostgreSQL), in exactly that text, so rows written
# before and after compare the same way (they are ordered as text).
def millisecond_stamp(moment: datetime | None = None) -> str:
    """`moment` (default: now) as '2025-06-01T12:00:00.123Z'."""
    moment = utcnow() if moment is None else moment
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
