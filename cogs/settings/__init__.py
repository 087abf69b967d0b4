"""/settings: a server's defaults for the bot's replies (Manage Server)."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import ServerSettings

__all__ = [
    "ServerSettings",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(ServerSettings(bot))
