"""/settings: a server's defaults (Manage Server), and forgetting a server the bot leaves."""

from __future__ import annotations

import logging

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.i18n import LOCALES, NATIVE_NAMES
from bot.policy import guild_only, in_guild
from bot.server_locale import server_locale
from bot.store import GuildSettings

from ._render import cards_text, language_text, replies_text

log = logging.getLogger(__name__)

PUBLIC, PRIVATE = "public", "private"
V2, CLASSIC = "v2", "classic"
AUTO = "auto"  # /settings language: back to the server's Discord language (stores None)
# Each language by its own name (never translated: a member looks for the one they read).
LANGUAGE_CHOICES = [
    app_commands.Choice(name="Server default (Discord's server language)", value=AUTO),
    *(app_commands.Choice(name=NATIVE_NAMES[code], value=code) for code in LOCALES),
]


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
        language="The language of the bot's posts here (news, quote of the day, events)",
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
        language=LANGUAGE_CHOICES,
    )
    async def settings(
        self,
        interaction: Interaction,
        replies: app_commands.Choice[str] | None = None,
        cards: app_commands.Choice[str] | None = None,
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        """Server defaults: public or private replies, card style, language of the bot's posts
        (Manage Server)."""
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
        if language is not None:
            current = await self._set_language(guild_id, language.value)
        text = "\n".join(
            (
                replies_text(current.private_replies, changed=replies is not None),
                cards_text(current.classic_cards, changed=cards is not None),
                language_text(
                    current.language,
                    await server_locale(self.bot, guild_id),
                    changed=language is not None,
                ),
            )
        )
        await interaction.response.send_message(text, ephemeral=True)

    async def _set_language(self, guild_id: int, value: str) -> GuildSettings:
        """Store the chosen language ("auto": the server's Discord language). A value that is
        no choice (a stale client's, or typed through the API) is read as "auto"."""
        code = value if value in LOCALES else None
        current = await self.bot.store.settings.set_language(
            guild_id, code, now=self.bot.clock.now()
        )
        log.info("guild %s set the language of its posts to %s", guild_id, code or AUTO)
        return current

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
