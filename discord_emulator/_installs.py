"""Where the app is installed, and who authorised an interaction, as Discord decides it.

An app is installed to a server (its bot joins: `State.guilds`) or to a user's own account (a
"user install": `Installs.users`). A user install reaches places the bot is not in: servers
without the bot, group DMs, and DMs between users. Their channels live in `State.channels`, so an
interaction there can be answered (the response is the app's, not the bot's), but the bot's own
REST calls to them are refused as Discord refuses them: 403 Missing Access (50001).

Each interaction says how it was authorised (`authorizing_integration_owners`): "0" (server
install) maps to the server's id, or "0" in the bot's DM; "1" (user install) maps to the user's
id. A key is there only when the app is installed that way AND the command allows that install
type (its `integration_types`). Its `context` is 0 (a server), 1 (the bot's DM) or 2 (a group DM
or a DM between users). An interaction authorised by a user install only may create at most 5
follow-up messages (Discord's 40094 after that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._bits import ATTACH_FILES, EMBED_LINKS, MENTION_EVERYONE, USE_EXTERNAL_EMOJIS
from ._errors import DiscordHTTPError
from ._state import Channel, Guild, Member, Role, State, User

GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
# What an app may do where its bot is not: @everyone's permissions, limited to those an
# interaction response uses. In group DMs and DMs between users: these three.
RESPONSE_PERMISSIONS = ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS
PRIVATE_CHANNEL_APP_PERMISSIONS = ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE
USER_INSTALL_FOLLOWUP_LIMIT = 5
GROUP_DM, DM = 3, 1


def missing_access(kind: str) -> DiscordHTTPError:
    return DiscordHTTPError(403, 50001, "Missing Access", kind=kind)


@dataclass
class PrivateChannel:
    """A group DM (type 3) or a DM between two users (type 1): the bot is not a recipient."""

    channel: Channel
    recipients: list[User]
    owner_id: int

    def to_payload(self, viewer: User) -> dict[str, Any]:
        others = [u.to_payload() for u in self.recipients if u.id != viewer.id]
        out: dict[str, Any] = {
            "id": str(self.channel.id),
            "type": self.channel.type,
            "last_message_id": None,
            "flags": 0,
            "recipients": others,
        }
        if self.channel.type == GROUP_DM:
            out |= {"name": self.channel.name, "icon": None, "owner_id": str(self.owner_id)}
        return out


@dataclass
class Installs:
    """User installs, and the servers and private channels only a user install reaches."""

    users: set[int] = field(default_factory=set)
    guilds: dict[int, Guild] = field(default_factory=dict)  # servers the bot is not in
    private: dict[int, PrivateChannel] = field(default_factory=dict)
    followups: dict[int, int] = field(default_factory=dict)  # interaction id -> created

    def add_guild(self, state: State, name: str, members: list[User]) -> Guild:
        """A server the bot is not in, with @everyone, one text channel and `members` (the
        first owns it)."""
        if not members:
            raise ValueError("a server needs at least one member")
        guild = Guild(state.snowflake(), name, members[0].id, joined_at=state.clock())
        guild.roles = {guild.id: Role(guild.id, "@everyone")}
        guild.members = {u.id: Member(u, joined_at=state.clock()) for u in members}
        state.add_channel(guild, "general")
        self.guilds[guild.id] = guild
        return guild

    def add_private(self, state: State, users: list[User], *, name: str, group: bool) -> Channel:
        """A group DM (type 3) or a DM between two users (type 1) the bot is not in."""
        if len(users) < 2 or (not group and len(users) != 2):
            raise ValueError("a DM is between two users; a group DM needs two or more")
        channel = Channel(state.snowflake(), None, name, type=GROUP_DM if group else DM)
        state.channels[channel.id] = channel
        self.private[channel.id] = PrivateChannel(channel, list(users), users[0].id)
        return channel

    def guild(self, state: State, guild_id: int | None) -> Guild | None:
        """A server by id, with the bot or without it."""
        if guild_id is None:
            return None
        return state.guilds.get(guild_id) or self.guilds.get(guild_id)

    def context(self, guild: Guild | None, channel: Channel) -> int:
        if guild is not None:
            return GUILD_CONTEXT
        return PRIVATE_CHANNEL_CONTEXT if channel.id in self.private else BOT_DM_CONTEXT

    def owners(
        self,
        state: State,
        command: dict[str, Any] | None,
        guild: Guild | None,
        channel: Channel,
        user: User,
    ) -> dict[str, str]:
        """`authorizing_integration_owners` for an interaction with `command` (None: a message
        the bot posted itself, which only its server install can have made)."""
        types = set(command.get("integration_types") or [0]) if command else {GUILD_INSTALL}
        context = self.context(guild, channel)
        owners: dict[str, str] = {}
        if GUILD_INSTALL in types:
            if context == GUILD_CONTEXT and guild is not None and guild.id in state.guilds:
                owners["0"] = str(guild.id)
            elif context == BOT_DM_CONTEXT:
                owners["0"] = "0"
        if USER_INSTALL in types and user.id in self.users:
            owners["1"] = str(user.id)
        return owners

    def app_permissions(self, state: State, guild: Guild | None, channel: Channel) -> int | None:
        """What Discord reports the app may do where its bot is not; None where the bot is
        (the caller computes the bot's own permissions) or in the bot's DM."""
        if guild is not None:
            if guild.id in state.guilds:
                return None
            return guild.everyone.permissions & RESPONSE_PERMISSIONS
        if channel.id in self.private:
            return PRIVATE_CHANNEL_APP_PERMISSIONS
        return None

    def refuse_bot_access(self, state: State, channel: Channel) -> None:
        """The bot's own REST call to a channel it cannot see: a server it is not in, a group DM
        or a DM between users."""
        if channel.id in self.private:
            raise missing_access("private_channel_without_bot")
        if channel.guild_id is not None and channel.guild_id not in state.guilds:
            raise missing_access("guild_without_bot")

    def count_followup(self, interaction_id: int, owners: dict[str, Any] | None) -> None:
        """One more follow-up message for the interaction; the 6th of an interaction only a
        user install authorised is refused."""
        sent = self.followups.get(interaction_id, 0)
        if "0" not in (owners or {}) and sent >= USER_INSTALL_FOLLOWUP_LIMIT:
            raise DiscordHTTPError(
                400,
                40094,
                "This interaction has hit the maximum number of follow up messages",
                kind="followup_limit",
            )
        self.followups[interaction_id] = sent + 1
