"""/quote-daily: one Robert Rodriguez quote a day in a channel, at a time the server chooses."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import QuoteDaily

__all__ = ["QuoteDaily", "setup"]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(QuoteDaily(bot))
