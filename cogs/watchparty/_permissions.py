"""What the bot needs to schedule an event, checked before Discord is called, in Discord's own
words: Manage Events (or Create Events) in the server, and in the event's channel View Channel
and Connect (voice) or Manage Channels, Mute Members and Move Members (stage)."""

from __future__ import annotations

import discord

_IN_CHANNEL = {
    discord.ChannelType.voice: (("view_channel", "View Channel"), ("connect", "Connect")),
    discord.ChannelType.stage_voice: (
        ("manage_channels", "Manage Channels"),
        ("mute_members", "Mute Members"),
        ("move_members", "Move Members"),
    ),
}


def missing_event_permissions(
    me: discord.Member, channel: discord.VoiceChannel | discord.StageChannel | None
) -> str | None:
    """None when the bot may schedule (or cancel) the event, else exactly what it lacks."""
    missing: list[str] = []
    server = me.guild_permissions
    if not (server.manage_events or server.create_events):
        missing.append("Manage Events (or Create Events) in this server")
    if channel is not None:
        held = channel.permissions_for(me)
        lacking = [
            label for name, label in _IN_CHANNEL.get(channel.type, ()) if not getattr(held, name)
        ]
        if lacking:
            missing.append(f"{', '.join(lacking)} in {channel.mention}")
    if not missing:
        return None
    return "I'm missing " + "; ".join(missing) + "."
