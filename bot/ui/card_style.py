"""Which style a card is shown in: Components V2 (the default) or a classic embed, a server's
choice (/settings cards:). Where a server's settings don't apply (DMs, group DMs, a server where
only the member installed the app: bot/policy.py's server_installed) the default applies: V2."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.policy import server_installed

if TYPE_CHECKING:
    from bot.store import Store


async def classic_cards(store: Store, guild_id: int | None) -> bool:
    """True when the server `guild_id` chose classic embeds; False (V2 cards) otherwise."""
    if guild_id is None:
        return False
    return (await store.settings.get(guild_id)).classic_cards


async def classic_cards_for(store: Store, interaction: discord.Interaction) -> bool:
    """The style of a reply to `interaction`: its server's choice, where the bot is installed."""
    if not server_installed(interaction):
        return False
    return await classic_cards(store, interaction.guild_id)
