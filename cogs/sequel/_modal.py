"""The /sequel-admin post modal, and the button that reopens it when the input was refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.ui.views import LoggedModal, OwnedView

from ._validate import MAX_HEADLINE, MAX_OUTLET, MAX_TEXT, MAX_URL

# headline, text, source_url, outlet, stage -> handled by the cog
Submit = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]
FIELDS = ("headline", "text", "source_url", "outlet", "stage")


class PostUpdateModal(LoggedModal):
    """Headline, text, source link and name, new stage. Validated on submit (_validate.py)."""

    def __init__(self, submit: Submit, *, values: dict[str, str] | None = None) -> None:
        super().__init__(title="Post a sequel update", timeout=900)
        self._submit = submit
        values = values or {}
        self.headline: discord.ui.TextInput[Any] = discord.ui.TextInput(
            placeholder="Filming begins in Austin",
            max_length=MAX_HEADLINE,
            default=values.get("headline", "")[:MAX_HEADLINE] or None,
        )
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder="What happened, in a few sentences.",
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
            placeholder="e.g. Variety",
            required=False,
            max_length=MAX_OUTLET,
            default=values.get("outlet", "")[:MAX_OUTLET] or None,
        )
        self.stage: discord.ui.TextInput[Any] = discord.ui.TextInput(
            placeholder="filming",
            required=False,
            max_length=40,
            default=values.get("stage", "")[:40] or None,
        )
        labels = (
            ("Headline", "Shown as the post's title (at most 256 characters)", self.headline),
            ("Text", "The news itself (at most 4000 characters)", self.text),
            ("Source link", "Optional: an https:// link to where it was reported", self.source_url),
            ("Source name", "Optional: who reported it; default: the link's website", self.outlet),
            (
                "New stage",
                "Optional: announced, in development, pre-production, filming, post-production…",
                self.stage,
            ),
        )
        for text, description, component in labels:
            self.add_item(discord.ui.Label(text=text, description=description, component=component))

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name).value or "" for name in FIELDS}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._submit(interaction, self.values())


class RetryView(OwnedView):
    """'Edit and try again': reopens the modal with what was typed."""

    def __init__(self, owner_id: int, submit: Submit, values: dict[str, str]) -> None:
        super().__init__(owner_id, command_hint="/sequel-admin post", timeout=900)
        self._submit = submit
        self._values = values

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(PostUpdateModal(self._submit, values=self._values))
