"""/film: the We Can Be Heroes card, every statement with its excerpt."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.errors import UserFacingError
from bot.i18n import _
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, everywhere
from bot.store import FILM_KEY, SEQUEL_KEY
from bot.ui.card_style import classic_cards_for
from bot.ui.layout import build_layout, card_from_embed

from ._render import film_card


class Film(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.replies = ReplyPolicy(bot.store, PublicCooldown("/film", clock=bot.clock))

    @everywhere
    @app_commands.command(name="film")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def film(self, interaction: Interaction, private: bool | None = None) -> None:
        """We Can Be Heroes: who it stars, what it succeeds, THR's viewing report, where to watch"""
        store = self.bot.store
        card = await store.work_card(FILM_KEY)
        if card is None:
            raise UserFacingError(_("The store knows nothing about the film yet."))
        ephemeral = await self.replies.decide(interaction, private)
        embed = film_card(card, await store.cast(FILM_KEY), sequel=await store.work(SEQUEL_KEY))
        if await classic_cards_for(store, interaction):
            await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
            return
        # The same card as a Components V2 layout (the default), its source a link beside it.
        layout = build_layout(card_from_embed(embed, source_url=card.work.source.url))
        await interaction.response.send_message(view=layout, ephemeral=ephemeral)


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Film(bot))
