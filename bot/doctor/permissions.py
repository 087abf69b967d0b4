"""What heroes-bot may do in a server, computed from objects fetched over HTTP (no gateway, so no
cache): its permissions in a channel, and whether a news role is still safe and assignable by
the rule /sequel-admin follow and the Notify me button apply (cogs.sequel)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

import discord
import msgspec

from cogs.sequel import role_permission_problem, role_problem

# What posting news or the quote of the day takes, in Discord's words.
POSTING = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}
POSTING_WORDS = "View Channel, Send Messages and Embed Links"


class FetchedGuild(msgspec.Struct, frozen=True):
    """The parts of a server the checks read, as `Guild.channels` would give them with a cache:
    a fetched guild has its roles but no channels, so they are fetched and kept beside it."""

    guild: discord.Guild
    me: discord.Member
    channels: Sequence[discord.abc.GuildChannel]

    @property
    def default_role(self) -> discord.Role:
        return self.guild.default_role

    def channel(self, channel_id: int) -> discord.abc.GuildChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def label(self) -> str:
        return f"server {self.guild.name} ({self.guild.id})"


def posting_gap(channel: discord.abc.GuildChannel, me: discord.Member) -> str | None:
    """The first posting permission heroes-bot lacks in `channel` (roles, then overwrites, then
    a timeout: discord.py's own resolution), or None. Only the first is named: Discord takes
    away the later ones with it (no View Channel, no sending; no Send Messages, no embeds)."""
    granted = channel.permissions_for(me)
    return next((words for name, words in POSTING.items() if not getattr(granted, name)), None)


def news_role_problem(server: FetchedGuild, role: discord.Role) -> str | None:
    """Why `role` is not safe to hand out or cannot be given by heroes-bot, in plain text."""
    # role_permission_problem reads only `default_role` and `channels` of the guild it is given.
    guild_like = cast(discord.Guild, server)
    problem = role_problem(server.me, role) or role_permission_problem(guild_like, role)
    return None if problem is None else plain(problem, server)


_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_CHANNEL_MENTION = re.compile(r"<#(\d+)>")


def plain(text: str, server: FetchedGuild) -> str:
    """Discord markdown for a terminal: role and channel mentions as names, no bold."""

    def role_name(match: re.Match[str]) -> str:
        role = server.guild.get_role(int(match.group(1)))
        return f"@{role.name} ({role.id})" if role else match.group(0)

    def channel_name(match: re.Match[str]) -> str:
        channel = server.channel(int(match.group(1)))
        return f"#{channel.name}" if channel else match.group(0)

    text = _ROLE_MENTION.sub(role_name, text)
    text = _CHANNEL_MENTION.sub(channel_name, text)
    return text.replace("**", "")
