"""What a command declares about who may use it and how it answers; the tree enforces it.

- `guild_only` on a command, group or GroupCog: servers only. Synced to Discord (contexts
  [0]) and enforced by `HeroesTree.interaction_check` before the command runs, for clients that
  ignore the declaration. The body then reads the server through `in_guild(interaction)`, a
  `GuildInteraction` whose `guild_id` is an int.
- `owner_only()` on a command: only the people running the bot (OWNER_IDS, else the
  application's owner or team) may run it; anyone else gets `NotOwner`'s one wording.
- `ReplyPolicy`, one per command that may answer publicly: `decide()` says whether the reply is
  private (the member's `private` option, else the server's default, public in DMs) and charges
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

if TYPE_CHECKING:
    from bot.store import Store

    class GuildInteraction(discord.Interaction[Any]):
        """An interaction from a server: what `in_guild` returns (the same object)."""

        guild_id: int

else:
    GuildInteraction = discord.Interaction

T = TypeVar("T")

PRIVATE_DESCRIBE = "Only you see the answer (default: this server's setting, see /settings)"
NOT_OWNER = "Only the people running this bot (OWNER_IDS) can do this."

# Servers only, as one declaration; the tree refuses a DM before the command runs.
guild_only = app_commands.guild_only


class NotOwner(UserFacingError, app_commands.CheckFailure):
    """An owner-only action attempted by someone else."""

    def __init__(self) -> None:
        super().__init__(NOT_OWNER)


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
            private = interaction.guild_id is not None and (
                (await self.store.settings.get(interaction.guild_id)).private_replies
            )
        if not private:
            self.cooldown.hit(interaction)
        return private
