"""The two ways to install the bot, and what it asks for, with the reason for each permission.

- To a server (`invite_url`, Discord's integration_type 0): the bot joins with the permissions
  below; every command works there, the server commands included.
- To a member's own account (`user_install_url`, integration_type 1, scope
  applications.commands only): no bot joins anything and no permission is asked; the
  information commands (bot/policy.py `everywhere`) then work for that member in any server,
  in DMs and in group DMs. The application must allow it: Developer Portal > Installation >
  Installation Contexts > User Install.
"""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")
USER_INSTALL_SCOPES = ("applications.commands",)
USER_INSTALL = 1  # Discord's integration type for a member's own account (a server is 0)

# Slash command replies need no channel permissions (they are interaction responses).
# Each entry: permission attribute -> why the bot asks for it.
PERMISSION_REASONS: dict[str, str] = {
    "view_channel": "to see the channel a server picks for sequel news or the quote of the day",
    "send_messages": "to post sequel news and the quote of the day there",
    "embed_links": "so those posts show as cards (embeds)",
    # Only used when a server picks a role in /sequel-admin follow.
    "manage_roles": "to give members the sequel-news role when they press Notify me",
    "send_polls": "to post native polls with /poll cast",
    # /watchparty: Discord asks these of whoever schedules an event (Connect and View Channel
    # for one in a voice channel); the bot never joins a voice channel.
    "manage_events": "to schedule watch parties and the sequel's premiere as server events",
    "connect": "Discord requires it of whoever schedules an event in a voice channel",
}


def invite_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(PERMISSION_REASONS, True))


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=invite_permissions(), scopes=SCOPES)


def user_install_url(client_id: int) -> str:
    """The link that adds the app to the member's own account (a user install)."""
    url = discord.utils.oauth_url(client_id, scopes=USER_INSTALL_SCOPES)
    return f"{url}&integration_type={USER_INSTALL}"
