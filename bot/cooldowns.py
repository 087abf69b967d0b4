"""Cooldowns on replies posted publicly: per member and per channel, with the time left.

Commands call `PublicCooldown.hit()` once they know the reply is public (a private reply
bothers nobody and is never limited). The state lives on the cog that owns the cooldown, so
every bot instance (and every test) starts fresh.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import discord
from discord import app_commands

from bot.clock import Clock
from bot.errors import UserFacingError
from bot.i18n import _, format_number, shown_command

Scope = Literal["member", "channel"]
PRUNE_ABOVE = 1024  # buckets kept before idle ones are dropped
# (uses, seconds): enough to look up a handful of names in a row, not to flood a channel.
MEMBER_RATE = (5, 60.0)
CHANNEL_RATE = (12, 60.0)


class PublicCooldownError(UserFacingError, app_commands.CommandOnCooldown):
    """A public reply refused for now; its message says by whom, where, and for how long."""

    def __init__(
        self,
        cooldown: app_commands.Cooldown,
        retry_after: float,
        *,
        scope: Scope,
        command: str,
        private_option: bool,
    ) -> None:
        app_commands.CommandOnCooldown.__init__(self, cooldown, retry_after)
        self.scope: Scope = scope
        self.command = command
        self.private_option = private_option
        self.args = (
            cooldown_text(command, retry_after, scope=scope, private_option=private_option),
        )

    def __str__(self) -> str:
        return str(self.args[0])


def cooldown_text(command: str, retry_after: float, *, scope: Scope, private_option: bool) -> str:
    """What a member reads when a public reply is refused for now (in the current locale)."""
    wait = format_wait(retry_after)
    if scope == "channel":
        # Translators: {command} is a slash command ("/cast"); {wait} a time left ("2m 5s").
        text = _(
            "{command} was just posted in this channel; it can be posted here again in {wait}."
        )
    else:
        # Translators: {command} is a slash command ("/cast"); {wait} a time left ("2m 5s").
        text = _("Slow down — you can post {command} again in {wait}.")
    text = text.format(command=shown_command(command), wait=wait)
    if private_option:
        # Translators: follows a cooldown refusal; `private: True` is the option, kept as is.
        text += " " + _("Add `private: True` to see it just for yourself right now.")
    return text


def format_wait(seconds: float) -> str:
    """'1s', '45s', '2m 5s': rounded up, so it never says 0s while still waiting."""
    total = max(1, math.ceil(seconds))
    minutes, rest = divmod(total, 60)
    shown = {"minutes": format_number(minutes), "seconds": format_number(rest)}
    if minutes and rest:
        # Translators: a short wait, minutes and seconds abbreviated ("2m 5s").
        return _("{minutes}m {seconds}s").format(**shown)
    if minutes:
        # Translators: a short wait in minutes, abbreviated ("2m").
        return _("{minutes}m").format(**shown)
    # Translators: a short wait in seconds, abbreviated ("45s").
    return _("{seconds}s").format(**shown)


class PublicCooldown:
    """`member` uses per member and `channel` uses per channel, each as (uses, seconds), on
    the bot's clock."""

    def __init__(
        self,
        command: str,
        *,
        clock: Clock,
        member: tuple[int, float] = MEMBER_RATE,
        channel: tuple[int, float] = CHANNEL_RATE,
        private_option: bool = True,
    ) -> None:
        self.command = command
        self.member_rate = member
        self.channel_rate = channel
        self.private_option = private_option
        self.clock = clock
        self._members: dict[tuple[int, int], app_commands.Cooldown] = {}
        self._channels: dict[int, app_commands.Cooldown] = {}

    @staticmethod
    def _bucket(
        buckets: dict[Any, app_commands.Cooldown], key: Any, rate: tuple[int, float], now: float
    ) -> app_commands.Cooldown:
        bucket = buckets.get(key)
        if bucket is None:
            if len(buckets) >= PRUNE_ABOVE:
                idle = [k for k, b in buckets.items() if b.get_tokens(now) >= b.rate]
                for k in idle:
                    del buckets[k]
            bucket = buckets[key] = app_commands.Cooldown(*rate)
        return bucket

    def hit(self, interaction: discord.Interaction) -> None:
        """Count one public reply, or raise PublicCooldownError with the time left.

        Direct messages are not limited: nobody else sees them.
        """
        if interaction.guild_id is None:
            return
        now = self.clock.monotonic()
        member = self._bucket(
            self._members, (interaction.guild_id, interaction.user.id), self.member_rate, now
        )
        channel_id = interaction.channel_id or 0
        channel = self._bucket(self._channels, channel_id, self.channel_rate, now)
        waits = [
            (member.get_retry_after(now), "member", member),
            (channel.get_retry_after(now), "channel", channel),
        ]
        retry_after, scope, bucket = max(waits, key=lambda w: w[0])
        if retry_after > 0:
            raise PublicCooldownError(
                bucket,
                retry_after,
                scope=scope,  # type: ignore[arg-type]
                command=self.command,
                private_option=self.private_option,
            )
        member.update_rate_limit(now)
        channel.update_rate_limit(now)
