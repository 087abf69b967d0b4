"""Check against the source: a message's right-click menu that shows what the stored sources
say on its subject, privately.

The message's text comes from the interaction itself (Discord sends the target message in the
interaction's resolved data, content included, to message commands): no message-content intent
is needed. The answer is always private: it is for the member who asked, and quoting excerpts
under someone else's message in public would read as a ruling on it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.i18n import _
from bot.policy import everywhere

from ._render import NO_TEXT, check_card, nothing_text

MENU_NAME = "Check against the source"
# The excerpts shown at most: the best few, within one embed.
MAX_EXCERPTS = 5


class FactCheck(commands.Cog):
    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        # A context menu cannot be declared inside a cog class: it is built here and added to
        # the tree while the cog is loaded.
        self.menu = everywhere(app_commands.ContextMenu(name=MENU_NAME, callback=self.check))

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def check(self, interaction: discord.Interaction, message: discord.Message) -> None:
        text = message.content
        if not text.strip():
            await interaction.response.send_message(_(NO_TEXT), ephemeral=True)
            return
        # Answered first: the search over every stored excerpt may take longer than the 3
        # seconds Discord gives a reply (a large news history), then the answer follows.
        await interaction.response.defer(ephemeral=True, thinking=True)
        check = await self.bot.store.excerpts.check(text, limit=MAX_EXCERPTS)
        if not check.matches:
            await interaction.followup.send(nothing_text(check), ephemeral=True)
            return
        await interaction.followup.send(embed=check_card(check), ephemeral=True)
