"""/sequel: where the sequel stands, what is known and what is not."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.errors import UserFacingError
from bot.render.cards import sequel_card
from bot.store import FILM_KEY, SEQUEL_KEY


class Sequel(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot

    @app_commands.command(name="sequel")
    async def sequel(self, interaction: Interaction) -> None:
        """The We Can Be Heroes sequel: its stage, who makes it, and what is still unknown."""
        card = await self.bot.store.work_card(SEQUEL_KEY)
        if card is None:
            raise UserFacingError("The store knows nothing about the sequel yet.")
        film_facts = await self.bot.store.facts(work_key=FILM_KEY)
        await interaction.response.send_message(embed=sequel_card(card, film_facts))


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Sequel(bot))
