"""The command tree: one place that answers every command failure, ephemerally."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.cooldowns import format_wait
from bot.errors import UserFacingError

log = logging.getLogger(__name__)


def _names(permissions: list[str]) -> str:
    return ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in permissions)


def describe_error(error: app_commands.AppCommandError) -> str | None:
    """The member-facing message for an expected failure, or None for a crash."""
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down — you can use this again in {format_wait(error.retry_after)}."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_names(error.missing_permissions)} permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I need the {_names(error.missing_permissions)} permission here for this."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {error.value!r} for that option."
    if isinstance(error, app_commands.CommandNotFound):
        return "I don't know that command any more — it may have been removed. Try again soon."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


class HeroesTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        message = describe_error(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "command /%s crashed for user %s in guild %s",
                command,
                interaction.user.id,
                interaction.guild_id,
                exc_info=error,
            )
            message = "Something went wrong on our side; it has been logged. Please try again."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException as exc:  # the interaction may have expired meanwhile
            log.warning("could not report an error to the user: %s", exc)
