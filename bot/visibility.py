"""Whether a reply is private (ephemeral): the member's choice, else the server's default."""

from __future__ import annotations

import discord

from bot.cooldowns import PublicCooldown
from bot.store import Store

PRIVATE_DESCRIBE = "Only you see the answer (default: this server's setting, see /settings)"


async def is_private(interaction: discord.Interaction, private: bool | None, store: Store) -> bool:
    """An explicit `private` option wins; otherwise the server's default; in DMs, public."""
    if private is not None:
        return private
    if interaction.guild_id is None:
        return False
    return (await store.settings.get(interaction.guild_id)).private_replies


async def reply_privately(
    interaction: discord.Interaction,
    private: bool | None,
    store: Store,
    cooldown: PublicCooldown | None = None,
) -> bool:
    """`is_private`, then, for a public reply, count it against `cooldown` (which raises
    PublicCooldownError, answered by the command tree with the time left)."""
    ephemeral = await is_private(interaction, private, store)
    if not ephemeral and cooldown is not None:
        cooldown.hit(interaction)
    return ephemeral
