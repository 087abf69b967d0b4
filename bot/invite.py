"""What the bot asks for when invited, with the reason for each permission."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")

# Slash command replies need no channel permissions (they are interaction responses).
# Each entry: permission attribute -> why the bot asks for it.
PERMISSION_REASONS: dict[str, str] = {
    "view_channel": "to see the channel a server picks for sequel news or the quote of the day",
    "send_messages": "to post sequel news and the quote of the day there",
    "embed_links": "so those posts show as cards (embeds)",
    # Only used when a server picks a role in /sequel-admin follow.
    "manage_roles": "to give members the sequel-news role when they press Notify me",
}


def invite_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(PERMISSION_REASONS, True))


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=invite_permissions(), scopes=SCOPES)
