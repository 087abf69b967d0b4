"""/about: what the bot is, how it is doing, what it keeps about people and how to delete it."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

import bot as bot_package
from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, everywhere

from ._render import about_card


class About(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.replies = ReplyPolicy(bot.store, PublicCooldown("/about", clock=bot.clock))

    @everywhere
    @app_commands.command(name="about")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def about(self, interaction: Interaction, private: bool | None = None) -> None:
        """Version, uptime, what the bot stores about you and how to delete it, its source."""
        store = self.bot.store
        ephemeral = await self.replies.decide(interaction, private)
        store = self.bot.store
        embed = about_card(
            version=bot_package.__version__,
            uptime=self.bot.clock.monotonic() - self.bot.started_at,
            latency=self.bot.latency,
            servers=len(self.bot.guilds),
            counts=await store.counts(),
            sources=[*await store.works(), *await store.facts()],
        )
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(About(bot))
