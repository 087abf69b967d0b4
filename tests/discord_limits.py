"""Whether Discord would refuse an embed, by the emulator's checks of Discord's limits.

The bot's EmbedBuilder keeps every embed inside the limits; these tests check what it built
against the emulator's separate reading of them (a copy in the bot would share its mistakes).
"""

from __future__ import annotations

from typing import Any

import discord

from discord_emulator import check_embeds


def refused_by_discord(embed: discord.Embed) -> list[Any]:
    """Every limit the embed breaks, as Discord's error (path, code, message); empty if none."""
    return check_embeds([embed.to_dict()])
