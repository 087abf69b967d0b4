"""What a command declares about who may use it and how it answers; the tree enforces it.

- Where a command can be installed and used, declared on every top-level command, group or
  GroupCog (tests/test_install_policy.py fails for one that declares nothing):
  - `everywhere`: installed to a server or to a member's own account (a "user install"), and
    usable in servers (even ones the bot is not in), the bot's DMs and group DMs. For
    commands that only read the shared store and answer the member who asked.
  - `server_only` (alias `guild_only`): installed to a server, used in that server only.
    For commands that change or read a server's own records, or need the bot in the server.
  Both are synced to Discord (integration_types, contexts) and enforced by
  `HeroesTree.interaction_check` before the command runs, for clients that ignore them. A
  server-only body reads the server through `in_guild(interaction)`, a `GuildInteraction`
  whose `guild_id` is an int.
- `server_installed(interaction)`: whether the bot is installed in the server the interaction
  comes from. Only then do the server's settings apply and may the bot's own permissions there
  be relied on; otherwise (a user install, a DM, a group DM) nothing of the server is known.
- `owner_only()` on a command: only the people running the bot (OWNER_IDS, else the
  application's owner or team) may run it; anyone else gets `NotOwner`'s one wording.
- `ReplyPolicy`, one per command that may answer publicly: `decide()` says whether the reply is
  private (the member's `private` option, else the server's setting where the bot is installed
  in the server, else USER_INSTALL_PRIVATE_DEFAULT in a server without the bot, public in DMs
  and group DMs) and charges
  a public reply to the command's cooldown, which raises PublicCooldownError when spent.

Every refusal is an exception the tree's `on_error` answers, privately, in one wording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.cooldowns import PublicCooldown
from bot.errors import UserFacingError
from bot.i18n import N_, _

if TYPE_CHECKING:
    from bot.store import Store

    class GuildInteraction(discord.Interaction[Any]):
        """An interaction from a server: what `in_guild` returns (the same object)."""

        guild_id: int

else:
    GuildInteraction = discord.Interaction

T = TypeVar("T")

PRIVATE_DESCRIBE = (
    "Only you see the answer (default: the server's /settings; private in servers without the bot)"
)
# Marked, not translated: shown as `_(NOT_OWNER)` in the member's language.
NOT_OWNER = N_("Only the people running this bot (OWNER_IDS) can do this.")

# In a server that did not install the bot (a member's user install), no server setting exists:
# replies are private unless the member asks otherwise, since nobody running that server chose
# to have the bot answer there in public.
USER_INSTALL_PRIVATE_DEFAULT = True


def _declare(target: T, *, user_install: bool, guild_context_only: bool) -> T:
    """Set a command's (or group's, or GroupCog's) install types and contexts, through
    discord.py's public decorators (they handle commands, groups, callbacks and GroupCogs)."""
    target = app_commands.allowed_installs(guilds=True, users=user_install)(target)
    if guild_context_only:
        return app_commands.guild_only(target)  # contexts: servers only
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(target)


def everywhere(target: T) -> T:
    """Declare a command usable wherever Discord is: installed to a server or to a member's own
    account, in servers (with or without the bot), the bot's DMs and group DMs."""
    return _declare(target, user_install=True, guild_context_only=False)


def server_only(target: T | None = None) -> Any:
    """Declare a command installed to servers and used in servers only (with or without
    parentheses, like discord.py's guild_only). The tree refuses any other context."""

    def inner(decorated: T) -> T:
        return _declare(decorated, user_install=False, guild_context_only=True)

    return inner if target is None else inner(target)


# The older name: servers only (now also: installed to a server).
guild_only = server_only


def server_installed(interaction: discord.Interaction) -> bool:
    """Whether the bot is installed in the server this interaction comes from (Discord names
    the server in `authorizing_integration_owners`). False in DMs, group DMs and servers where
    only the member installed the app: there the server's settings, channels and the bot's
    permissions are not the bot's to use."""
    return interaction.is_guild_integration()


SERVER_INSTALL_NEEDED = N_(
    "This command works only in a server that added the bot: ask its admins to add it, "
    "or use it where it is."
)


class ServerInstallNeeded(UserFacingError, app_commands.CheckFailure):
    """A server-only command used in a server where only the member installed the app."""

    def __init__(self) -> None:
        # Raised while answering the interaction: its message is in the member's language.
        super().__init__(_(SERVER_INSTALL_NEEDED))


class NotOwner(UserFacingError, app_commands.CheckFailure):
    """An owner-only action attempted by someone else."""

    def __init__(self) -> None:
        super().__init__(_(NOT_OWNER))


# Discord's names of the permissions the bot asks for or checks (its client shows the same
# names, translated); any other permission is named from its attribute, in English.
PERMISSION_NAMES = {
    # Translators: a Discord permission, as Discord's client names it in your language.
    "view_channel": N_("View Channel"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "send_messages": N_("Send Messages"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "send_messages_in_threads": N_("Send Messages in Threads"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "embed_links": N_("Embed Links"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "read_message_history": N_("Read Message History"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "manage_guild": N_("Manage Server"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "manage_events": N_("Manage Events"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "manage_channels": N_("Manage Channels"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "manage_roles": N_("Manage Roles"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "manage_messages": N_("Manage Messages"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "mention_everyone": N_("Mention @everyone, @here and All Roles"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "moderate_members": N_("Timeout Members"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "create_events": N_("Create Events"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "connect": N_("Connect"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "mute_members": N_("Mute Members"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "move_members": N_("Move Members"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "send_polls": N_("Create Polls"),
    # Translators: a Discord permission, as Discord's client names it in your language.
    "administrator": N_("Administrator"),
}


def permission_name(permission: str) -> str:
    """A permission (discord.py's attribute, 'manage_guild') as Discord's client names it
    ('Manage Server'), in the current locale."""
    known = PERMISSION_NAMES.get(permission)
    if known is not None:
        return _(known)
    return permission.replace("_", " ").replace("guild", "server").title()


def in_guild(interaction: discord.Interaction) -> GuildInteraction:
    """The interaction, typed as coming from a server; in a DM, the tree's refusal.

    The tree refuses a DM before a `guild_only` command runs; this keeps the body honest when
    called any other way (a view, a modal, a test)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction  # type: ignore[return-value]  # guild_id checked just above


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    """The server an interaction comes from, as a cached guild; in a DM, the tree's refusal."""
    guild = interaction.guild
    if guild is None:
        raise app_commands.NoPrivateMessage()
    return guild


def owner_only() -> Callable[[T], T]:
    """Declare a command owner-only: anyone else gets NotOwner, answered by the tree. The
    client decides who is an owner (OWNER_IDS, else the application's owner or team)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        client: Any = interaction.client
        if not await client.is_owner(interaction.user):
            raise NotOwner()
        return True

    return app_commands.check(predicate)


class ReplyPolicy:
    """One command's reply policy: private or public, and the cooldown a public reply costs."""

    def __init__(self, store: Store, cooldown: PublicCooldown) -> None:
        self.store = store
        self.cooldown = cooldown

    async def decide(self, interaction: discord.Interaction, private: bool | None) -> bool:
        """Whether to reply privately (ephemerally). A public reply is counted against the
        cooldown, which raises PublicCooldownError (answered by the tree with the time left)."""
        if private is None:
            private = await self.default_private(interaction)
        if not private:
            self.cooldown.hit(interaction)
        return private

    async def default_private(self, interaction: discord.Interaction) -> bool:
        """Without a `private` option: the server's setting where the bot is installed, the
        user-install default in a server without it, public in DMs and group DMs."""
        if interaction.guild_id is None:
            return False
        if not server_installed(interaction):
            return USER_INSTALL_PRIVATE_DEFAULT
        return (await self.store.settings.get(interaction.guild_id)).private_replies
