"""In-memory Discord model: users, guilds, channels, messages, interactions.

Each entity knows how to render itself as the JSON payload Discord would
send, so the gateway and REST layers never hand-assemble objects.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._bits import ADMINISTRATOR
from ._polls import PollState
from ._snowflake import SnowflakeGenerator

# A broad but non-administrator permission set for @everyone/members.
DEFAULT_PERMISSIONS = 0x0000_0006_4C7E_FEC1
EPHEMERAL = 1 << 6
LOADING = 1 << 7
# How long a message create with `enforce_nonce` and a nonce already used by the same author in
# the same channel returns the earlier message. Discord documents only "the past few minutes";
# the emulator honours the shortest reading, so a bot relying on a longer window fails here first.
NONCE_WINDOW = 120.0


# What GUILD_CREATE adds to the guild object (GET /guilds/{id} and GUILD_UPDATE lack them).
GUILD_CREATE_ONLY = (
    "channels",
    "members",
    "threads",
    "presences",
    "voice_states",
    "joined_at",
    "large",
    "member_count",
)


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    # The member's client language: every interaction they start carries it as `locale`.
    locale: str = "en-US"

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            out["bot"] = True
        return out


@dataclass
class Role:
    id: int
    name: str
    permissions: int = DEFAULT_PERMISSIONS
    position: int = 0
    color: int = 0
    mentionable: bool = False  # "Allow anyone to @mention this role"
    managed: bool = False  # an integration's role (a bot's, the booster role): never assignable

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: float = 0.0

    def to_payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "user": self.user.to_payload(),
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            # discord.py reads ``flags`` unconditionally.
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            out["permissions"] = str(permissions)
        return out


@dataclass
class Message:
    """A message as stored by the emulator (readable by tests)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    timestamp: float = 0.0
    edited_timestamp: float | None = None
    type: int = 0
    interaction_id: int | None = None
    webhook_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    deleted: bool = False
    raw_body: dict[str, Any] | None = None
    nonce: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # a member's uploads
    poll: PollState | None = None  # a poll is set when the message is created, never by an edit
    message_reference: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def apply(self, body: dict[str, Any], *, edit: bool) -> None:
        """Apply a create/edit body; on edit only present keys change."""
        if "content" in body or not edit:
            self.content = body.get("content") or ""
        if "embeds" in body or not edit:
            self.embeds = copy.deepcopy(body.get("embeds") or [])
        if "components" in body or not edit:
            self.components = copy.deepcopy(body.get("components") or [])
        if "allowed_mentions" in body:
            self.allowed_mentions = copy.deepcopy(body["allowed_mentions"])
        if "flags" in body and body["flags"] is not None:
            # Ephemeral can only be set at creation; keep it on edits.
            keep = self.flags & EPHEMERAL
            self.flags = (int(body["flags"]) & ~LOADING) | keep if edit else int(body["flags"])
        elif edit:
            self.flags &= ~LOADING
        if not edit and isinstance(body.get("poll"), dict):
            self.poll = PollState.from_request(body["poll"], self.timestamp)
        self.raw_body = copy.deepcopy(body)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        stack = list(self.components)
        while stack:
            comp = stack.pop()
            if not isinstance(comp, dict):
                continue
            if comp.get("custom_id") == custom_id:
                return comp
            for key in ("components", "items"):
                stack.extend(comp.get(key) or [])
            for key in ("accessory", "component"):
                if isinstance(comp.get(key), dict):
                    stack.append(comp[key])
        return None

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp) if self.edited_timestamp else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": copy.deepcopy(self.attachments),
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "pinned": False,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            out["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            out["webhook_id"] = str(self.webhook_id)
            out["application_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            out["interaction_metadata"] = copy.deepcopy(self.interaction_metadata)
        if self.nonce is not None:
            out["nonce"] = self.nonce
        if self.poll is not None:
            out["poll"] = self.poll.to_payload()
        if self.message_reference is not None:
            out["message_reference"] = copy.deepcopy(self.message_reference)
        return out


@dataclass
class Channel:
    id: int
    guild_id: int | None
    name: str
    type: int = 0
    position: int = 0
    permission_overwrites: list[dict[str, Any]] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": copy.deepcopy(self.permission_overwrites),
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": str(self.messages[-1].id) if self.messages else None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.guild_id is not None:
            out["guild_id"] = str(self.guild_id)
        if self.type in (2, 13):  # voice and stage channels: Discord sends their voice settings
            out.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None})
        return out


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    joined_at: float = 0.0
    # The server's "Server Primary Language": interactions carry it as `guild_locale`.
    preferred_locale: str = "en-US"
    # In an outage: READY lists it as unavailable and it is followed by GUILD_DELETE with
    # `unavailable: true` instead of GUILD_CREATE, as Discord does.
    outage: bool = False

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def shard_id(self, shard_count: int) -> int:
        return (self.id >> 22) % max(shard_count, 1)

    def permissions_of(self, member: Member) -> int:
        if member.user.id == self.owner_id:
            return (1 << 53) - 1
        perms = self.everyone.permissions
        for rid in member.roles:
            role = self.roles.get(rid)
            if role is not None:
                perms |= role.permissions
        if perms & ADMINISTRATOR:  # Discord: Administrator implies every permission
            return (1 << 53) - 1
        return perms

    def update_payload(self, bot_user_id: int) -> dict[str, Any]:
        """The guild object of GET /guilds/{id} and GUILD_UPDATE: no channels, members or the
        other fields only GUILD_CREATE carries."""
        payload = self.to_payload(bot_user_id)
        for key in GUILD_CREATE_ONLY:
            payload.pop(key, None)
        return payload

    def to_payload(self, bot_user_id: int) -> dict[str, Any]:
        """Full GUILD_CREATE payload (only the bot's own member, like no-members-intent)."""
        bot_member = self.members.get(bot_user_id)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": self.preferred_locale,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "application_id": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [r.to_payload() for r in self.roles.values()],
            "channels": [c.to_payload() for c in self.channels.values()],
            "threads": [],
            "members": [bot_member.to_payload()] if bot_member else [],
            "member_count": len(self.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": iso(self.joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
        }


@dataclass
class Interaction:
    """One interaction the emulator sent to the bot, with its ack state."""

    id: int
    token: str
    type: int
    application_id: int
    created_at: float
    guild_id: int | None
    channel_id: int
    user: User
    payload: dict[str, Any]
    message_id: int | None = None  # component interactions: the clicked message
    response_type: int | None = None
    response_body: dict[str, Any] | None = None
    acked_at: float | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    acked: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def is_acked(self) -> bool:
        return self.response_type is not None


class State:
    """All emulated entities plus id/token generation."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.snowflake = SnowflakeGenerator(clock)
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        # key None = global commands, else guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.command_puts: list[tuple[int | None, Any]] = []
        # (channel, author, nonce) -> (message id, created at), for enforce_nonce.
        self.nonces: dict[tuple[int, int, str], tuple[int, float]] = {}

    # -- creation helpers -------------------------------------------------
    def add_user(self, username: str, *, id: int | None = None, bot: bool = False) -> User:
        user = User(id=id or self.snowflake(), username=username, global_name=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_channel(self, guild: Guild, name: str, *, id: int | None = None, **kw: Any) -> Channel:
        channel = Channel(
            id=id or self.snowflake(),
            guild_id=guild.id,
            name=name,
            position=len(guild.channels),
            **kw,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def dm_channel(self, user: User) -> Channel:
        for channel in self.channels.values():
            if channel.type == 1 and channel.name == f"dm-{user.id}":
                return channel
        channel = Channel(id=self.snowflake(), guild_id=None, name=f"dm-{user.id}", type=1)
        self.channels[channel.id] = channel
        return channel

    def new_token(self) -> str:
        # Shape-alike of Discord's interaction tokens: opaque, long, URL-safe.
        return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)

    def new_message(
        self, channel_id: int, author: User, body: dict[str, Any], **kw: Any
    ) -> Message:
        channel = self.channels.get(channel_id)
        msg = Message(
            id=self.snowflake(),
            channel_id=channel_id,
            guild_id=channel.guild_id if channel else None,
            author=author,
            timestamp=self.clock(),
            **kw,
        )
        msg.apply(body, edit=False)
        self.messages[msg.id] = msg
        if channel is not None:
            channel.messages.append(msg)
        return msg

    def create_message_once(
        self, channel_id: int, author: User, body: dict[str, Any]
    ) -> tuple[Message, bool]:
        """A channel message create as Discord does it: with `enforce_nonce` and a nonce this
        author used in this channel within NONCE_WINDOW, the earlier message is returned and
        nothing is posted. Returns (message, created)."""
        raw = body.get("nonce")
        nonce = None if raw is None else str(raw)
        key = (channel_id, author.id, nonce) if nonce is not None else None
        if key is not None and body.get("enforce_nonce"):
            seen = self.nonces.get(key)
            earlier = self.messages.get(seen[0]) if seen else None
            if seen and earlier is not None and self.clock() - seen[1] < NONCE_WINDOW:
                return earlier, False
        message = self.new_message(channel_id, author, body)
        message.nonce = nonce
        if key is not None:
            self.nonces[key] = (message.id, message.timestamp)
        return message, True

    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        return self.commands.get(guild_id, [])

    def store_commands(
        self, application_id: int, guild_id: int | None, body: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Bulk overwrite: keep ids of commands with the same (type, name), like Discord."""
        old = {(c.get("type", 1), c["name"]): c for c in self.commands.get(guild_id, [])}
        stored: list[dict[str, Any]] = []
        for cmd in body:
            ctype = cmd.get("type", 1)
            prev = old.get((ctype, cmd.get("name")))
            out = copy.deepcopy(cmd)
            out["id"] = prev["id"] if prev else str(self.snowflake())
            out["application_id"] = str(application_id)
            out["version"] = str(self.snowflake())
            out["type"] = ctype
            out.setdefault("description", "")
            out.setdefault("default_member_permissions", None)
            out.setdefault("nsfw", False)
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            else:
                out.setdefault("integration_types", [0])
                out.setdefault("contexts", None)
            stored.append(out)
        self.commands[guild_id] = stored
        self.command_puts.append((guild_id, copy.deepcopy(body)))
        return stored


@dataclass
class Application:
    """The bot's application and user, plus the token it must present."""

    id: int
    name: str
    bot: User
    owner: User
    token: str
    # GATEWAY_MESSAGE_CONTENT_LIMITED etc. are irrelevant here; 0 = no flags.
    flags: int = 0
    # A team-owned application: Discord's team object (see Emulator.set_team), else None.
    team: dict[str, Any] | None = None
    # The Developer Portal's Bot and Installation pages, as GET /applications/@me reports them:
    # "Public Bot", "Requires OAuth2 Code Grant", the default install link's scopes and
    # permissions (None: no default link) and the installation contexts ("0" guild, "1" user).
    bot_public: bool = True
    bot_require_code_grant: bool = False
    install_params: dict[str, Any] | None = None
    integration_types_config: dict[str, dict[str, Any]] = field(default_factory=lambda: {"0": {}})

    def _owner_payload(self) -> dict[str, Any]:
        if self.team is None:
            return self.owner.to_payload()
        # A team-owned app's "owner" is the team's pseudo-user (flag TEAM_PSEUDO_USER, 1 << 10).
        team_id = self.team["id"]
        pseudo = User(int(team_id), f"team{team_id}").to_payload()
        return {**pseudo, "public_flags": 1 << 10, "flags": 1 << 10}

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": self.bot_public,
            "bot_require_code_grant": self.bot_require_code_grant,
            "verify_key": "0" * 64,
            "flags": self.flags,
            "owner": self._owner_payload(),
            "team": copy.deepcopy(self.team),
            "bot": self.bot.to_payload(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": 0,
            "integration_types_config": copy.deepcopy(self.integration_types_config),
            **(
                {"install_params": copy.deepcopy(self.install_params)}
                if self.install_params
                else {}
            ),
        }
