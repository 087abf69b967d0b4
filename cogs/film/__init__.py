"""/film: the We Can Be Heroes card, every statement with its excerpt."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Film
from ._render import film_card

__all__ = [
    "Film",
    "film_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Film(bot))
