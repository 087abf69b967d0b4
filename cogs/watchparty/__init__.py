"""/watchparty: watch parties as Discord scheduled events, and the sequel's premiere event."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import WatchParty
from ._premiere import PremiereWorker, due_premiere
from ._release import ReleaseDate, dates_in, release_date
from ._render import party_description, premiere_description
from ._times import parse_start

__all__ = [
    "PremiereWorker",
    "ReleaseDate",
    "WatchParty",
    "dates_in",
    "due_premiere",
    "parse_start",
    "party_description",
    "premiere_description",
    "release_date",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(WatchParty(bot))
