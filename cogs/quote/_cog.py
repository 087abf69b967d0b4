"""/quote: a random Rodriguez quote, or the best match for a search."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.i18n import _
from bot.policy import PRIVATE_DESCRIBE, ReplyPolicy, everywhere
from bot.replies import choice, escape_input
from bot.ui.render_memo import RenderMemo

from ._render import quote_card

KEY_PREFIX = "quote:"
# Suggestions rank at most this many matches per keystroke (see Store.search_quotes).
SUGGESTION_CANDIDATES = 50


class Quotes(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.replies = ReplyPolicy(bot.store, PublicCooldown("/quote", clock=bot.clock))
        # Each card is rendered once per state of the store, not once per command.
        self.quote_cards = RenderMemo(quote_card, size=32)

    @everywhere
    @app_commands.command(name="quote")
    @app_commands.describe(
        search="Words to look for, e.g. 'lava' or 'comic book'", private=PRIVATE_DESCRIBE
    )
    async def quote(
        self,
        interaction: Interaction,
        search: app_commands.Range[str, 1, 100] | None = None,
        private: bool | None = None,
    ) -> None:
        """A Robert Rodriguez quote from the article: random, or the best match for a search."""
        store = self.bot.store
        if search is None:
            found = await store.random_quote()
        elif search.startswith(KEY_PREFIX):
            found = await store.quote(search.removeprefix(KEY_PREFIX))
        else:
            results = await store.search_quotes(search, limit=1)
            found = results[0] if results else None
        if found is None:
            text = (
                _(
                    "No quote matches “{search}”. Try other words, or /quote alone "
                    "for a random one."
                ).format(search=escape_input(search))
                if search
                else _("The store holds no quotes yet.")
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        ephemeral = await self.replies.decide(interaction, private)
        await interaction.response.send_message(embed=self.quote_cards(found), ephemeral=ephemeral)

    @quote.autocomplete("search")
    async def quote_search_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        store = self.bot.store
        quotes = (
            await store.search_quotes(current, limit=25, candidates=SUGGESTION_CANDIDATES)
            if current.strip()
            else []
        )
        return [choice(q.text, KEY_PREFIX + q.key) for q in quotes]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Quotes(bot))
