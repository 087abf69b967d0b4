"""The /sequel-admin post modal, and the button that reopens it when the input was refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.i18n import _
from bot.ui.views import LoggedModal, OwnedView

from ._render import stage_name
from ._validate import MAX_HEADLINE, MAX_OUTLET, MAX_TEXT, MAX_URL, stage_names

# headline, text, source_url, outlet, stage -> handled by the cog
Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]
FIELDS = ("headline", "text", "source_url", "outlet", "stage")


class PostUpdateModal(LoggedModal):
    """Headline, text, source link and name, new stage. Validated on submit (_validate.py)."""

    def __init__(self, submit: Submit, *, values: dict[str, str] | None = None) -> None:
        # Translators: a form's title (at most 45 characters).
        super().__init__(title=_("Post a sequel update"), timeout=900)
        self._submit = submit
        values = values or {}
        self.headline: discord.ui.TextInput[Any] = discord.ui.TextInput(
            # Translators: an example headline of sequel news (at most 100 characters).
            placeholder=_("Filming begins in Austin"),
            max_length=MAX_HEADLINE,
            default=values.get("headline", "")[:MAX_HEADLINE] or None,
        )
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder=_("What happened, in a few sentences."),
            max_length=MAX_TEXT,
            default=values.get("text", "")[:MAX_TEXT] or None,
        )
        self.source_url: discord.ui.TextInput[Any] = discord.ui.TextInput(
            placeholder="https://www.example.com/article",
            required=False,
            max_length=MAX_URL,
            default=values.get("source_url", "")[:MAX_URL] or None,
        )
        self.outlet: discord.ui.TextInput[Any] = discord.ui.TextInput(
            # Translators: an example news outlet's name (at most 100 characters).
            placeholder=_("e.g. Variety"),
            required=False,
            max_length=MAX_OUTLET,
            default=values.get("outlet", "")[:MAX_OUTLET] or None,
        )
        self.stage: discord.ui.TextInput[Any] = discord.ui.TextInput(
            # A stage name the owner may type, in their language (parse_stage reads both).
            placeholder=stage_name("filming").lower(),
            required=False,
            max_length=40,
            default=values.get("stage", "")[:40] or None,
        )
        self.add_labelled(self._labels())

    def _labels(self) -> tuple[tuple[str, str, discord.ui.TextInput[Any]], ...]:
        """(label, description, input) of each field, in the owner's language."""
        # Translators: the form's field labels (at most 45 characters) and their descriptions
        # (at most 100 characters). The limits stay plain digits, as the refusals print them.
        headline = _("Shown as the post's title (at most {count} characters)")
        text = _("The news itself (at most {count} characters)")
        # The first five stages: the whole list would not fit in a description.
        stages = ", ".join(stage_names()[:5])
        return (
            (_("Headline"), headline.format(count=MAX_HEADLINE), self.headline),
            (_("Text"), text.format(count=MAX_TEXT), self.text),
            (
                _("Source link"),
                _("Optional: an https:// link to where it was reported"),
                self.source_url,
            ),
            (
                _("Source name"),
                _("Optional: who reported it; default: the link's website"),
                self.outlet,
            ),
            (_("New stage"), _("Optional: {stages}…").format(stages=stages), self.stage),
        )

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).value or "" for name in FIELDS}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, self.values())


class RetryView(OwnedView):
    """'Edit and try again': reopens the modal with what was typed."""

    def __init__(self, owner_id: int, submit: Submit, values: dict[str, str]) -> None:
        # 14 minutes: its timeout edit (buttons off) goes through the interaction's token, which
        # Discord honours for 15 minutes after the interaction; at 900 s it always came too late.
        super().__init__(owner_id, command_hint="/sequel-admin post", timeout=840)
        self._submit = submit
        self._values = values
        # The decorator's label is read at import, in English: the owner's language is set now.
        # Translators: a button label (at most 80 characters).
        self.retry.label = _("Edit and try again")

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(PostUpdateModal(self._submit, values=self._values))
