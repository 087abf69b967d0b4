"""/poll: native Discord polls about the cast, and their votes once Discord has counted them."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Polls
from ._discord import DiscordPolls, PollCount, count_of
from ._finisher import PollFinisher
from ._render import polls_list, results_card
from ._service import DEFAULT_QUESTION, PollDraft, draft_poll, resolve_answer

__all__ = [
    "DEFAULT_QUESTION",
    "DiscordPolls",
    "PollCount",
    "PollDraft",
    "PollFinisher",
    "Polls",
    "count_of",
    "draft_poll",
    "polls_list",
    "resolve_answer",
    "results_card",
    "setup",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Polls(bot))
