"""The Edit form of a feed item under review: headline, excerpt (a passage of what the feed
served, checked on submit) and stage."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.i18n import _
from bot.ui.embeds import shorten
from bot.ui.views import LoggedModal
from cogs.sequel import stage_choices

MAX_HEADLINE = 256  # the update's headline, an embed title (cogs/sequel/_validate.py)
MAX_EXCERPT = 4000  # a modal text input's maximum
MAX_STAGE = 40
FIELDS = ("headline", "excerpt", "stage")

# The submitted form (headline, excerpt, stage) -> handled by the review desk
Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]


def whole_words(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a space, never inside a word: a form's default must
    itself pass the check that an edit is whole words of what the feed served."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isalnum() and cut[-1].isalnum() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip()


class EditItemModal(LoggedModal):
    """Publish a candidate with a shorter headline, a passage of its summary, or a stage."""

    def __init__(self, submit: Submit, *, headline: str, excerpt: str, stage: str = "") -> None:
        # Translators: a form's title (at most 45 characters).
        super().__init__(title=shorten(_("Edit, then publish"), 45), timeout=900)
        self._submit = submit
        self.headline: discord.ui.TextInput[Any] = discord.ui.TextInput(
            max_length=MAX_HEADLINE, default=whole_words(headline, MAX_HEADLINE) or None
        )
        self.excerpt: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            max_length=MAX_EXCERPT,
            default=whole_words(excerpt, MAX_EXCERPT) or None,
        )
        self.stage: discord.ui.TextInput[Any] = discord.ui.TextInput(
            required=False, max_length=MAX_STAGE, default=stage[:MAX_STAGE] or None
        )
        self.add_labelled(self._labels())

    def _labels(self) -> tuple[tuple[str, str, discord.ui.TextInput[Any]], ...]:
        """(label, description, input) of each field, in the owner's language."""
        # Translators: the form's field labels (at most 45 characters) and their descriptions
        # (at most 100 characters).
        return (
            (
                _("Headline"),
                _("The feed's own words (its headline, shortened): the post credits the outlet"),
                self.headline,
            ),
            (
                _("Excerpt"),
                _("A passage of what the feed served, word for word: shorten it, don't reword it"),
                self.excerpt,
            ),
            (
                _("Stage"),
                _("Optional: {stages}").format(stages=stage_choices()),
                self.stage,
            ),
        )

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).value or "" for name in FIELDS}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, self.values())
