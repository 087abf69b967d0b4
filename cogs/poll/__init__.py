"""/poll: native Discord polls about the cast, and their votes once Discord has counted them."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Polls
from ._finisher import PollFinisher
from ._render import results_card
from ._service import DEFAULT_QUESTION, draft_poll, resolve_answer

__all__ = [
    "DEFAULT_QUESTION",
    "PollFinisher",
    "Polls",
    "draft_poll",
    "resolve_answer",
    "results_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Polls(bot))
