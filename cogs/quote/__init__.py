"""/quote: a random Robert Rodriguez quote, or the best match for a search."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Quotes
from ._render import quote_card

__all__ = [
    "Quotes",
    "quote_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Quotes(bot))
