"""/trivia: questions generated from the store's facts, answered with buttons, scored per server."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Trivia
from ._game import QuestionView, TriviaGame

__all__ = ["QuestionView", "Trivia", "TriviaGame", "setup"]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Trivia(bot))
