"""IANA timezone names found forgivingly: `paris` is Europe/Paris, `new york` America/New_York.

Names are compared without case, accents, or the difference between spaces, `_` and `-`, and by
their city (the last part) as well as in full. Only names this system's tz database has are
offered, so every suggestion can be stored and used.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from zoneinfo import available_timezones

import msgspec

SUGGESTIONS = 25  # Discord shows at most 25 autocomplete choices
# Shown before anything is typed: UTC and one zone from each populous region.
COMMON = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Johannesburg",
)
# Not places: a host's own setting and a placeholder zone.
_NOT_ZONES = {"localtime", "Factory", "posixrules"}
# Old names kept by the tz database as links (US/Eastern, GB, Etc/GMT+5, ...): still accepted
# when typed, offered after the Area/City names.
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """Lower case, no accents, spaces/underscores/hyphens as one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", plain).strip()


class _Zone(msgspec.Struct, frozen=True):
    name: str
    full: str  # folded: "america/new york"
    city: str  # folded last part: "new york"
    parts: tuple[str, ...]
    regional: bool  # Area/City, not an old link


@lru_cache(maxsize=1)
def _zones() -> tuple[_Zone, ...]:
    zones = []
    for name in sorted(available_timezones() - _NOT_ZONES):
        full = fold(name)
        parts = tuple(full.split("/"))
        zones.append(_Zone(name, full, parts[-1], parts, name.startswith(_REGIONS)))
    return tuple(zones)


def _rank(zone: _Zone, query: str) -> int | None:
    """0 best; None when the zone does not match at all."""
    if zone.full == query:
        return 0
    if zone.city == query:
        return 1
    if zone.city.startswith(query):
        return 2
    if zone.full.startswith(query) or any(part.startswith(query) for part in zone.parts):
        return 3
    if query in zone.full:
        return 4
    return None


def suggest_timezones(typed: str, limit: int = SUGGESTIONS) -> list[str]:
    """The names best matching what was typed, best first; common zones for nothing typed."""
    query = fold(typed)[:64]
    if not query:
        known = {zone.name for zone in _zones()}
        return [name for name in COMMON if name in known][:limit]
    ranked = [(rank, zone) for zone in _zones() if (rank := _rank(zone, query)) is not None]
    if not ranked:  # a misspelling: the closest cities, then the closest full names
        import difflib  # here: only a misspelling needs it, not the start

        matched = {zone.name for _, zone in ranked}
        by_city = {zone.city: zone for zone in _zones() if zone.regional}
        by_full = {zone.full: zone for zone in _zones()}
        for key_to_zone in (by_city, by_full):
            for key in difflib.get_close_matches(query, list(key_to_zone), n=limit, cutoff=0.6):
                zone = key_to_zone[key]
                if zone.name not in matched:
                    matched.add(zone.name)
                    ranked.append((5, zone))
    ranked.sort(key=lambda pair: (pair[0], not pair[1].regional, pair[1].name))
    return [zone.name for _, zone in ranked[:limit]]


def find_timezone(typed: str) -> str | None:
    """The one zone meant: its full name in any case or spelling of separators, or a city
    only one Area/City zone has (`paris`, `new york`). None when there is no such single zone."""
    query = fold(typed)
    if not query:
        return None
    for zone in _zones():
        if zone.full == query:
            return zone.name
    cities = [zone.name for zone in _zones() if zone.regional and zone.city == query]
    return cities[0] if len(cities) == 1 else None
