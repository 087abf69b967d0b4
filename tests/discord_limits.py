"""Whether Discord would refuse an embed or a Components V2 message, by the emulator's checks
of Discord's limits.

The bot's EmbedBuilder keeps every embed inside the limits; these tests check what it built
against the emulator's separate reading of them (a copy in the bot would share its mistakes).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import discord

from discord_emulator import SchemaValidator, check_embeds, check_message

IS_COMPONENTS_V2 = 1 << 15


def refused_by_discord(embed: discord.Embed) -> list[Any]:
    """Every limit the embed breaks, as Discord's error (path, code, message); empty if none."""
    return check_embeds([embed.to_dict()])


def refused_v2(view: discord.ui.LayoutView, *, ephemeral: bool = False) -> list[Any]:
    """Every rule a Components V2 message carrying `view` breaks (the emulator's limits and
    Discord's OpenAPI spec of a message), as (path, code, message); empty if none. The body is
    what discord.py sends for it."""
    flags = IS_COMPONENTS_V2 | (64 if ephemeral else 0)
    body = {"flags": flags, "components": view.to_components()}
    return check_message(body) + _schema().validate("MessageCreateRequest", body)


@cache
def _schema() -> SchemaValidator:
    return SchemaValidator()  # reads the spec once per test run
