"""Posting a message in a channel by the bot itself (sequel news, quote of the day): the message,
the poster that sends it through discord.py, what a refusal means, and the permission check a
server's choice of channel must pass first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import discord
import msgspec

from bot.i18n import ngettext
from bot.policy import permission_name


class OutgoingPost(msgspec.Struct, frozen=True):
    """One message to post in a channel: a classic one (`embed`, with `content` and `view`), or
    a Components V2 one (`layout` alone: such a message has no content or embed)."""

    embed: discord.Embed | None
    content: str | None = None
    view: discord.ui.View | None = None
    layout: discord.ui.LayoutView | None = None
    allowed_mentions: discord.AllowedMentions = msgspec.field(
        default_factory=discord.AllowedMentions.none
    )


class Poster(Protocol):
    """Posts a message in a channel and returns its id; raises discord.NotFound when the
    channel is gone and discord.Forbidden when the bot may not post there."""

    async def post(self, channel_id: int, message: OutgoingPost, *, nonce: str) -> int: ...


class DiscordPoster:
    """The real Poster: one HTTP request per channel, through discord.py's rate limiter."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def post(self, channel_id: int, message: OutgoingPost, *, nonce: str) -> int:
        channel = self._client.get_partial_messageable(channel_id)
        if message.layout is not None:
            sent = await channel.send(
                view=message.layout, allowed_mentions=message.allowed_mentions, nonce=nonce
            )
            return sent.id
        extra = {"view": message.view} if message.view is not None else {}
        sent = await channel.send(
            content=message.content,
            embed=message.embed,
            allowed_mentions=message.allowed_mentions,
            nonce=nonce,
            **extra,
        )
        return sent.id


def guild_ids_of(client: discord.Client) -> Callable[[], set[int]]:
    """The servers this client is in, asked afresh at each call: the set the store filters
    background work by (a shard's process delivers only to its own servers). Once ready, READY
    has listed every server of its shards, unavailable ones too."""
    return lambda: {guild.id for guild in client.guilds}


def in_guilds_of(client: discord.Client) -> Callable[[int], bool]:
    """`serves` for the bot's background work: the servers this client is in. Used once the
    client is ready, when READY has listed every server of its shards (unavailable ones too)."""
    return lambda guild_id: client.get_guild(guild_id) is not None


def describe_failure(exc: discord.HTTPException) -> tuple[str, bool]:
    """(reason for people, whether the channel is at fault) for a refused send. In English:
    it is logged and stored (a server's last failure), not written for one reader."""
    if isinstance(exc, discord.NotFound):
        return "the channel no longer exists (Discord: Unknown Channel)", True
    if isinstance(exc, discord.Forbidden):
        if exc.code == 50001:
            return "the bot can no longer see the channel (Discord: Missing Access)", True
        if exc.code == 50013:
            return (
                "the bot lacks a permission in the channel: it needs View Channel, Send Messages "
                "and Embed Links (Discord: Missing Permissions)",
                True,
            )
        return f"Discord refused the post (403: {exc.text or 'Forbidden'})", True
    return f"Discord rejected the message ({exc.status}: {exc.text or 'no details'})", False


# What the bot needs in a channel it posts to by itself (news, quote of the day).
POSTING_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def missing_post_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> str | None:
    """Which permission the bot lacks to post in `channel`, said with the fix (in the current
    locale, with Discord's names of the permissions); None if none."""
    permissions = channel.permissions_for(me)
    missing = [
        permission_name(name) for name in POSTING_PERMISSIONS if not getattr(permissions, name)
    ]
    if not missing:
        return None
    # Translators: {channel} is a channel mention; {permissions} a list of Discord permission
    # names ("View Channel, Embed Links"); "Edit Channel → Permissions" is Discord's menu.
    text = ngettext(
        "In {channel} I'm missing **{permissions}**. Add it for my role in the channel's "
        "settings (Edit Channel → Permissions).",
        "In {channel} I'm missing **{permissions}**. Add them for my role in the channel's "
        "settings (Edit Channel → Permissions).",
        len(missing),
    )
    # An enumeration with commas (not a sentence's "a and b"): it reads the same in any locale.
    return text.format(channel=channel.mention, permissions=", ".join(missing))
