"""/sequel and /sequel-admin: the sequel tracker (status, news timeline, following, posting)."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Sequel
from ._views import NotifyButton

__all__ = ["NotifyButton", "Sequel", "setup"]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Sequel(bot))
