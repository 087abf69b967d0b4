"""/universe: the "Rodriguez Cinematic Universe" — the titles he named, in his words."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, everywhere

from ._render import universe_card
from ._service import quotes_about, universe_titles

UNIVERSE_KIND = "universe"


class Universe(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.replies = ReplyPolicy(bot.store, PublicCooldown("/universe", clock=bot.clock))

    @everywhere
    @app_commands.command(name="universe")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def universe(self, interaction: Interaction, private: bool | None = None) -> None:
        """The Rodriguez Cinematic Universe: the titles and characters he named, in his words."""
        store = self.bot.store
        facts = await store.facts(kind=UNIVERSE_KIND)
        quotes = await store.all_quotes()
        named = universe_titles(await store.works(), quotes, facts)
        about = quotes_about(named, quotes, also_shown=[f.excerpt for f in facts])
        embed = universe_card(facts, named, about)
        ephemeral = await self.replies.decide(interaction, private)
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Universe(bot))
