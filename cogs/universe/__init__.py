"""/universe: the "Rodriguez Cinematic Universe" — the titles he named, in his words."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Universe
from ._render import universe_card
from ._service import NamedTitles, QuoteAbout, quotes_about, universe_titles

__all__ = [
    "NamedTitles",
    "QuoteAbout",
    "Universe",
    "quotes_about",
    "setup",
    "universe_card",
    "universe_titles",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Universe(bot))
