"""Check against the source: right-click a message to see what the stored sources say on it."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import MENU_NAME, FactCheck
from ._render import check_card

__all__ = [
    "MENU_NAME",
    "FactCheck",
    "check_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(FactCheck(bot))
