"""Small helpers for replying to interactions consistently."""

from __future__ import annotations

import discord

from bot.ui.embeds import CHOICE_NAME, CHOICE_VALUE, shorten


def escape_input(text: str, limit: int = 80) -> str:
    """User input safe to show back: shortened, markdown escaped (pings are off globally)."""
    return discord.utils.escape_markdown(shorten(" ".join(text.split()), limit))


def choice(name: str, value: str) -> discord.app_commands.Choice[str]:
    """An autocomplete choice within Discord's 1-100 character limits."""
    return discord.app_commands.Choice(
        name=shorten(name, CHOICE_NAME) or "?", value=value[:CHOICE_VALUE]
    )
