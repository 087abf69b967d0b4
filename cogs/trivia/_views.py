"""The question's answer buttons: open to every member, each may answer once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.i18n import N_
from bot.ui.embeds import shorten
from bot.ui.views import LoggedView, speak_to

from ._questions import LETTERS

if TYPE_CHECKING:
    from ._service import TriviaGame

BUTTON_TEXT_LIMIT = 40  # longer options are listed in the embed and the buttons show letters


class AnswerButton(discord.ui.Button["QuestionView"]):
    def __init__(self, index: int, option: str, *, letters_only: bool) -> None:
        label = LETTERS[index] if letters_only else f"{LETTERS[index]} · {option}"
        super().__init__(label=shorten(label, 80), style=discord.ButtonStyle.primary, row=0)
        self.index = index

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.view is None:  # a button is only ever pressed on a view it belongs to
            raise RuntimeError("a trivia answer button was pressed outside its question")
        # The view's check set it already; said again here so the receipt is in the presser's
        # language whoever calls the callback (a test, a future check that skips it).
        speak_to(interaction)
        await self.view.game.answer(interaction, self.index)


class QuestionView(LoggedView):
    """Open to every member (unlike OwnedView); each may answer once."""

    def __init__(self, game: TriviaGame, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.game = game
        options = game.question.options
        letters_only = any(len(option) > BUTTON_TEXT_LIMIT for option in options)
        self.buttons = [
            AnswerButton(i, option, letters_only=letters_only) for i, option in enumerate(options)
        ]
        for button in self.buttons:
            self.add_item(button)

    def reveal(self) -> None:
        """Disable every button and colour the right one green."""
        for button in self.buttons:
            button.disabled = True
            right = button.index == self.game.question.answer
            button.style = discord.ButtonStyle.success if right else discord.ButtonStyle.secondary

    async def on_timeout(self) -> None:
        # A safety net: the game closes itself before this, revealing the answer.
        await self.game.close(note=N_("Closed when its buttons expired."))
