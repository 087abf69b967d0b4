"""What the bot needs to schedule an event, checked before Discord is called, in Discord's own
words: Manage Events (or Create Events) in the server, and in the event's channel View Channel
and Connect (voice) or Manage Channels, Mute Members and Move Members (stage)."""

from __future__ import annotations

import discord

from bot.i18n import N_, _, format_list, join_clauses

# Permission names as Discord's own settings show them (translated there too).
_IN_CHANNEL = {
    discord.ChannelType.voice: (("view_channel", N_("View Channel")), ("connect", N_("Connect"))),
    discord.ChannelType.stage_voice: (
        ("manage_channels", N_("Manage Channels")),
        ("mute_members", N_("Mute Members")),
        ("move_members", N_("Move Members")),
    ),
}


def missing_event_permissions(
    me: discord.Member, channel: discord.VoiceChannel | discord.StageChannel | None
) -> str | None:
    """None when the bot may schedule (or cancel) the event, else exactly what it lacks."""
    missing: list[str] = []
    server = me.guild_permissions
    if not (server.manage_events or server.create_events):
        # Translators: permission names as Discord's own settings show them in your language.
        missing.append(_("Manage Events (or Create Events) in this server"))
    if channel is not None:
        held = channel.permissions_for(me)
        lacking = [
            _(label) for name, label in _IN_CHANNEL.get(channel.type, ()) if not getattr(held, name)
        ]
        if lacking:
            # Translators: {permissions} lists Discord permission names; {channel} is a channel
            # mention such as #movie-night.
            missing.append(
                _("{permissions} in {channel}").format(
                    permissions=format_list(lacking), channel=channel.mention
                )
            )
    if not missing:
        return None
    # Translators: {missing} is one or more permissions, "; " between them.
    return _("I'm missing {missing}.").format(missing=join_clauses(missing))
