"""/settings: a server's defaults (Manage Server), and forgetting a server the bot leaves."""

from __future__ import annotations

import logging

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.policy import guild_only, in_guild

from ._render import cards_text, replies_text

log = logging.getLogger(__name__)

PUBLIC, PRIVATE = "public", "private"
V2, CLASSIC = "v2", "classic"


class ServerSettings(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot

    @app_commands.command(name="settings")
    @guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        replies=(
            "Whether commands with a private option answer publicly or privately when it is "
            "left out"
        ),
        cards="How /sequel status, /sequel news, /film and sequel news posts look here",
    )
    @app_commands.choices(
        replies=[
            app_commands.Choice(name="public: everyone in the channel sees answers", value=PUBLIC),
            app_commands.Choice(name="private: only the member who asked sees them", value=PRIVATE),
        ],
        cards=[
            app_commands.Choice(name="new: Discord's newer card layout (default)", value=V2),
            app_commands.Choice(name="classic: embeds", value=CLASSIC),
        ],
    )
    async def settings(
        self,
        interaction: Interaction,
        replies: app_commands.Choice[str] | None = None,
        cards: app_commands.Choice[str] | None = None,
    ) -> None:
        """This server's defaults: public or private replies, and how cards look (Manage Server)."""
        guild_id = in_guild(interaction).guild_id
        store = self.bot.store.settings
        current = await store.get(guild_id)
        if replies is not None:
            private = replies.value == PRIVATE
            current = await store.set_private_replies(guild_id, private, now=self.bot.clock.now())
            log.info("guild %s set replies to %s", guild_id, replies.value)
        if cards is not None:
            classic = cards.value == CLASSIC
            current = await store.set_classic_cards(guild_id, classic, now=self.bot.clock.now())
            log.info("guild %s set cards to %s", guild_id, cards.value)
        text = (
            replies_text(current.private_replies, changed=replies is not None)
            + "\n"
            + cards_text(current.classic_cards, changed=cards is not None)
        )
        await interaction.response.send_message(text, ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Leaving a server deletes everything kept for it, in every feature (follows,
        deliveries, quote of the day, trivia, settings: see bot/store/_stored_data.py)."""
        report = await self.bot.store.lifecycle.forget_guild(guild.id)
        log.info(
            "left server %s: deleted %d rows (%s)",
            guild.id,
            report.rows,
            ", ".join(f"{c.datum.table} {c.rows}" for c in report.changes) or "none kept",
        )


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(ServerSettings(bot))
