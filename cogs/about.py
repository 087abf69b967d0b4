"""/about: what the bot is, how it is doing, what it keeps about people and how to delete it."""

from __future__ import annotations

import math
import time

import discord
from discord import Interaction, app_commands
from discord.ext import commands

import bot as bot_package
from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.render.limits import EmbedBuilder
from bot.render.privacy import deleting_text, stored_fields
from bot.visibility import PRIVATE_DESCRIBE, reply_privately

PROJECT = "Self-hosted; see the README of this installation."


def format_uptime(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{value}{unit}" for value, unit in parts if value][:2]
    return " ".join(shown) or "0s"


def format_latency(latency: float) -> str:
    """The gateway heartbeat latency; unknown before the first heartbeat (nan or inf)."""
    if not math.isfinite(latency) or latency < 0:
        return "unknown"
    return f"{latency * 1000:.0f} ms"


class About(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.cooldown = PublicCooldown("/about")

    @app_commands.command(name="about")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def about(self, interaction: Interaction, private: bool | None = None) -> None:
        """Version, uptime, what the bot stores about you and how to delete it, its source."""
        store = self.bot.store
        ephemeral = await reply_privately(interaction, private, store, self.cooldown)
        await interaction.response.send_message(embed=await self.card(), ephemeral=ephemeral)

    async def card(self) -> discord.Embed:
        store = self.bot.store
        builder = EmbedBuilder(
            "About heroes-bot",
            description=(
                "Answers about *We Can Be Heroes* and its sequel from a news article, every "
                "fact shown with the excerpt of the article it comes from."
            ),
        )
        builder.field("Version", bot_package.__version__, inline=True)
        builder.field("Uptime", format_uptime(time.monotonic() - self.bot.started_at), inline=True)
        builder.field("Gateway latency", format_latency(self.bot.latency), inline=True)
        builder.field("Servers", str(len(self.bot.guilds)), inline=True)
        counts = await store.counts()
        builder.field(
            "What it knows",
            f"{counts.get('people', 0)} people, {counts.get('works', 0)} titles, "
            f"{counts.get('facts', 0)} facts, {counts.get('quotes', 0)} quotes",
            inline=True,
        )
        sources = {
            record.source.key: record.source.citation()
            for record in [*await store.works(), *await store.facts()]
        }
        builder.field("Source of its facts", "\n".join(sources.values()) or "No source loaded yet.")
        # Rendered from the declarations that drive the deleting (bot/store/_stored_data.py).
        for name, value in stored_fields():
            builder.field(name, value)
        builder.field("Having it deleted", deleting_text())
        builder.field("Project", PROJECT)
        return builder.build()


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(About(bot))
