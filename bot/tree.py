"""The command tree: one place that enforces what every command declares (bot/policy.py: servers
only, owners only, reply policy; the option declarations), and answers every refusal and failure,
ephemerally, in one wording per kind."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from bot.cooldowns import format_wait
from bot.errors import DATABASE_AWAY, UserFacingError, database_away
from bot.i18n import N_, _, format_list, ngettext, set_locale
from bot.log_context import ERROR, REFUSED, enter_interaction, note_outcome
from bot.log_context import RESTARTING as RESTARTING_OUTCOME
from bot.option_check import option_problem, suggestions_wanted
from bot.policy import ServerInstallNeeded, permission_name, server_installed
from bot.replies import escape_input

log = logging.getLogger(__name__)

AnyCommand = app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu


class InvalidOption(UserFacingError):
    """An option value the command's declaration does not allow (a forged or outdated client)."""


# Marked, not translated: shown as `_(RESTARTING)` in the member's language.
RESTARTING = N_("The bot is restarting; try again in a moment.")
CRASHED = N_("Something went wrong on our side; it has been logged. Please try again.")


class Restarting(UserFacingError):
    """An interaction that arrived after the bot began to stop (bot/shutdown.py)."""

    def __init__(self) -> None:
        super().__init__(_(RESTARTING))


def _top(command: AnyCommand) -> AnyCommand:
    """Where Discord reads install types and contexts: the top-level command or group."""
    root = command if isinstance(command, app_commands.ContextMenu) else command.root_parent
    return root or command


def allows_user_install(command: AnyCommand) -> bool:
    """Whether the command is declared usable through a member's own install (bot/policy.py
    `everywhere`); undeclared, Discord's default is servers' installs only."""
    installs = _top(command).allowed_installs
    return installs is not None and installs.user


def is_guild_only(command: AnyCommand) -> bool:
    """Whether the command (through its top-level group) is declared usable only in servers,
    with `guild_only` or with `allowed_contexts` that exclude DMs and group DMs."""
    top = _top(command)
    contexts = top.allowed_contexts
    if contexts is not None:
        return not (contexts.dm_channel or contexts.private_channel)
    return top.guild_only


def context_refusal(
    command: AnyCommand, interaction: discord.Interaction
) -> app_commands.CheckFailure | None:
    """What Discord refuses from the synced declarations, refused again for clients that skip
    them: a servers-only command outside a server, or a server-install command in a server
    where only the member installed the app (the bot is not there to act for the server)."""
    if interaction.guild_id is None:
        return app_commands.NoPrivateMessage() if is_guild_only(command) else None
    if not server_installed(interaction) and not allows_user_install(command):
        return ServerInstallNeeded()
    return None


def _unconvertible(error: app_commands.TransformerError) -> str:
    """What a failed conversion says: the raw value only when it is text or a number the member
    typed, escaped; never a Python object's repr (an AppCommandChannel, a Member...)."""
    value = error.value
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        # Translators: {value} is what the member typed in a command option.
        return _("I couldn't understand “{value}” for that option.").format(
            value=escape_input(str(value), 100)
        )
    kinds = discord.AppCommandOptionType
    if error.type is kinds.channel:
        return _("I can't use that channel for this option here: please pick another.")
    if error.type is kinds.role:
        return _("I can't use that role for this option here: please pick another.")
    if error.type is kinds.user:
        return _("I can't use that member for this option here: please pick another.")
    if error.type is kinds.mentionable:
        return _("I can't use that member or role for this option here: please pick another.")
    return _("I can't use that value for this option here: please pick another.")


def _missing_permissions(error: app_commands.MissingPermissions) -> str:
    names = [permission_name(p) for p in error.missing_permissions]
    # Translators: {permissions} is a list of Discord permission names ("Manage Server").
    return ngettext(
        "You need the {permissions} permission for this.",
        "You need the {permissions} permissions for this.",
        len(names),
    ).format(permissions=format_list(names))


def _bot_missing_permissions(error: app_commands.BotMissingPermissions) -> str:
    names = [permission_name(p) for p in error.missing_permissions]
    # Translators: {permissions} is a list of Discord permission names ("Embed Links").
    return ngettext(
        "I need the {permissions} permission here for this.",
        "I need the {permissions} permissions here for this.",
        len(names),
    ).format(permissions=format_list(names))


def describe_error(error: app_commands.AppCommandError) -> str | None:
    """The member-facing message for an expected failure, in the current locale, or None for a
    crash."""
    if isinstance(error, UserFacingError):
        return str(error)  # written in the member's language where it was raised
    if database_away(error):
        return _(DATABASE_AWAY)
    if isinstance(error, app_commands.CommandOnCooldown):
        # Translators: {wait} is a short time left, such as "2m 5s".
        return _("Slow down — you can use this again in {wait}.").format(
            wait=format_wait(error.retry_after)
        )
    if isinstance(error, app_commands.MissingPermissions):
        return _missing_permissions(error)
    if isinstance(error, app_commands.BotMissingPermissions):
        return _bot_missing_permissions(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return _("This command works only in a server.")
    if isinstance(error, app_commands.TransformerError):
        return _unconvertible(error)
    if isinstance(error, app_commands.CommandSignatureMismatch):
        # Discord's definition differs from the bot's (a sync pending, or a modified client).
        return _(
            "This command has changed since your Discord app loaded it: try again in a minute."
        )
    if isinstance(error, app_commands.CommandNotFound):
        return _("I don't know that command any more — it may have been removed. Try again soon.")
    if isinstance(error, app_commands.CheckFailure):
        return _("You can't use this command here.")
    return None


def _database_away(error: app_commands.AppCommandError) -> bool:
    """Whether describe_error answers `error` with DATABASE_AWAY (its own wording goes first)."""
    return not isinstance(error, UserFacingError) and database_away(error)


def failure_outcome(error: app_commands.AppCommandError, message: str | None) -> str:
    """How a failed interaction is counted: the bot stopping, its own failure (a crash, the
    database away), or a refusal of what the member asked."""
    if isinstance(error, Restarting):
        return RESTARTING_OUTCOME
    # The error's kind, not the message's text: the text is in the member's language.
    return ERROR if message is None or _database_away(error) else REFUSED


class HeroesTree(app_commands.CommandTree):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refusing = False
        # The tasks answering interactions right now, so a clean stop can let them finish.
        self._in_flight: set[asyncio.Task[Any]] = set()

    def refuse_new_interactions(self) -> None:
        """The bot is stopping: every interaction from now on is answered with RESTARTING."""
        self._refusing = True

    @property
    def refusing(self) -> bool:
        """Whether the bot is stopping (buttons and forms check it too: bot/ui/views.py)."""
        return self._refusing

    def in_flight(self) -> set[asyncio.Task[Any]]:
        return {task for task in self._in_flight if not task.done()}

    def track_current_task(self) -> None:
        """The running task answers an interaction: a clean stop lets it finish."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Before any command or autocomplete runs: what Discord's client enforces from the synced
        declarations (servers only, option types, ranges, lengths, choices) is enforced here
        too, for clients that skip it. A refusal is raised to on_error, so it reads the same as
        every other failure. Once the bot is stopping, every interaction is refused."""
        # First: every answer from here on (a refusal too) is in the member's language.
        set_locale(interaction.locale)
        enter_interaction(interaction)  # its log lines and metrics (bot/log_context.py)
        command = interaction.command
        autocomplete = interaction.type is discord.InteractionType.autocomplete
        if self._refusing:
            if autocomplete:
                await interaction.response.autocomplete([])
                return False
            raise Restarting()
        self.track_current_task()
        if command is None:
            return True  # discord.py answers an unknown command itself (CommandNotFound)
        refusal = context_refusal(command, interaction)
        if refusal is not None:
            if autocomplete:  # an autocomplete can only be answered with suggestions
                await interaction.response.autocomplete([])
                return False
            raise refusal
        data = interaction.data if isinstance(interaction.data, dict) else {}
        if autocomplete and not (
            isinstance(command, app_commands.Command) and suggestions_wanted(command, data)
        ):  # a modified client's request: no suggestions rather than an error in the log
            await interaction.response.autocomplete([])
            return False
        if not autocomplete and isinstance(command, app_commands.Command):
            problem = option_problem(command, data)
            if problem:
                raise InvalidOption(problem)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        # The same task as interaction_check; set again for an error raised before it ran.
        set_locale(interaction.locale)
        message = describe_error(error)
        note_outcome(failure_outcome(error, message))
        if isinstance(error, app_commands.CommandSignatureMismatch):
            log.warning("%s (a stale command definition, or a modified client)", error)
        if _database_away(error):
            log.warning("database out of reach during /%s: %s", interaction.command, error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "command /%s crashed for user %s in guild %s",
                command,
                interaction.user.id,
                interaction.guild_id,
                exc_info=error,
            )
            message = _(CRASHED)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException as exc:  # the interaction may have expired meanwhile
            log.warning("could not report an error to the user: %s", exc)
