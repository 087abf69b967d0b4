"""/trivia: questions generated from the store's facts, answered with buttons, scored per server."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Trivia
from ._questions import (
    LETTERS,
    OPTIONS,
    Material,
    Question,
    generate_questions,
    load_material,
    pick_question,
    split_quote,
    work_name,
)
from ._render import leaderboard_embed, question_embed, result_embed
from ._service import TriviaGame
from ._views import QuestionView

__all__ = [
    "LETTERS",
    "OPTIONS",
    "Material",
    "Question",
    "QuestionView",
    "Trivia",
    "TriviaGame",
    "generate_questions",
    "leaderboard_embed",
    "load_material",
    "pick_question",
    "question_embed",
    "result_embed",
    "setup",
    "split_quote",
    "work_name",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Trivia(bot))
