"""/cast: the whole cast in the order printed, and one person's card."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Cast
from ._render import NOT_PRINTED, cast_pages, person_card

__all__ = [
    "NOT_PRINTED",
    "Cast",
    "cast_pages",
    "person_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Cast(bot))
