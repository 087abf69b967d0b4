"""The quote-of-the-day commands and scheduler.

Discord does not allow a command to have both options of its own and subcommands, and /quote
(with its optional `search`) must keep working, so quote of the day is its own top-level group:
/quote-daily set | off | show, shown by default only to members with Manage Server.
"""

from __future__ import annotations

import logging
from functools import partial

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.i18n import _
from bot.policy import guild_of, guild_only, in_guild
from bot.replies import choice
from bot.server_locale import server_locale
from bot.ui.moments import when
from bot.ui.posting import DiscordPoster, in_guilds_of, missing_post_permissions

from ._render import compose_quote, daily_card
from ._service import (
    DailyQuoteScheduler,
    first_day,
    next_post_at,
    parse_time,
    parse_timezone,
)
from ._timezones import suggest_timezones

log = logging.getLogger(__name__)


class QuoteDaily(commands.Cog):
    # Servers only, declared once: synced as contexts [0] and enforced by the tree (bot/tree.py).
    daily = guild_only(
        app_commands.Group(
            name="quote-daily",
            description="A Robert Rodriguez quote every day in a channel of this server",
            default_permissions=discord.Permissions(manage_guild=True),
        )
    )

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.scheduler = DailyQuoteScheduler(
            bot.store,
            DiscordPoster(bot),
            compose_quote,
            clock=bot.clock,
            wait_ready=bot.wait_until_ready,
            serves=in_guilds_of(bot),
            locale_of=partial(server_locale, bot),
        )

    async def cog_load(self) -> None:
        # At start-up the first check posts a quote missed today (once), then checks every
        # minute at most.
        self.scheduler.start()

    async def cog_unload(self) -> None:
        await self.scheduler.stop()

    @daily.command(name="set")
    @app_commands.describe(
        channel="Where the quote is posted",
        time="Time of day, 24-hour HH:MM, e.g. 09:00",
        timezone="IANA timezone, e.g. Europe/Paris or America/New_York (default UTC)",
    )
    async def set_daily(
        self,
        interaction: Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 10],
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Post one quote a day in a channel, at a time of day; no quote repeats until all have."""
        guild = guild_of(interaction)
        problems = []
        post_time, problem = parse_time(time)
        if problem:
            problems.append(problem)
        zone, problem = parse_timezone(timezone)
        if problem:
            problems.append(problem)
        problem = missing_post_permissions(channel, guild.me)
        if problem:
            problems.append(problem)
        if problems or post_time is None or zone is None:
            lines = "\n".join(f"• {discord.utils.escape_markdown(p)}" for p in problems)
            # Translators: above the list of what is wrong with /quote-daily set's options.
            refusal = _("Not set:")
            await interaction.response.send_message(f"{refusal}\n{lines}", ephemeral=True)
            return
        now = self.scheduler.now()
        config = await self.bot.store.daily.configure(
            guild.id,
            channel.id,
            post_time,
            zone,
            starts_on=first_day(now, post_time, zone).isoformat(),
            by=interaction.user.id,
            now=now,
        )
        upcoming = next_post_at(config, now)
        # Translators: {time} is 24-hour HH:MM, {zone} an IANA timezone name (Europe/Paris),
        # {channel} a channel mention, {next} when the next quote comes (a Discord timestamp).
        confirmation = _(
            "Quote of the day: every day at {time} ({zone}) in {channel}. Next: {next}."
        ).format(time=post_time, zone=zone, channel=channel.mention, next=when(upcoming))
        await interaction.response.send_message(confirmation, ephemeral=True)

    @set_daily.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # Forgiving (`paris`, `new york`); what is typed without picking is re-checked by set.
        return [choice(name, name) for name in suggest_timezones(current)]

    @daily.command(name="off")
    async def off(self, interaction: Interaction) -> None:
        """Stop the quote of the day in this server."""
        if await self.bot.store.daily.disable(in_guild(interaction).guild_id):
            text = _("Quote of the day is off. The rotation is remembered if you turn it on again.")
        else:
            text = _("Quote of the day was not on in this server.")
        await interaction.response.send_message(text, ephemeral=True)

    @daily.command(name="show")
    async def show(self, interaction: Interaction) -> None:
        """This server's quote-of-the-day setting and when the next one comes."""
        config = await self.bot.store.daily.get(in_guild(interaction).guild_id)
        upcoming = when(next_post_at(config, self.scheduler.now())) if config else None
        await interaction.response.send_message(
            embed=daily_card(config, next_post=upcoming), ephemeral=True
        )
