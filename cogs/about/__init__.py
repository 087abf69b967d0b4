"""/about: what the bot is, how it is doing, what it keeps about people and how to delete it."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import About
from ._render import about_card, format_latency, format_uptime

__all__ = [
    "About",
    "about_card",
    "format_latency",
    "format_uptime",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(About(bot))
