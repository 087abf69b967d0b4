"""The ``Emulator`` facade: lifecycle, world building, and user actions."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from . import _message_commands as message_commands
from ._client_rules import modal_problems
from ._clock import Clock, SystemClock
from ._driver import ClientRefusal, EmulatorUsageError, InteractionHandle, PayloadBuilder
from ._errors import DiscordHTTPError, Violation
from ._gateway import Gateway, GatewayConfig, Identify
from ._http import json_body
from ._localizations import DEFAULT_LOCALE, DISCORD_LOCALES, is_locale
from ._ratelimit import RateLimitConfig, RateLimiter
from ._rest import Fault, RequestRecord, RestApi, RestConfig
from ._schema import SchemaValidator
from ._server import HttpServer
from ._state import Application, Channel, Guild, Interaction, Member, Message, Role, State, User

_log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_TOKEN = "emulator.bot.token"
# Permissions the bot's managed role gets: send messages, embed links, etc., no admin.
BOT_ROLE_PERMISSIONS = 0x0000_0000_0006_4C00 | (1 << 31) | (1 << 35)


class Emulator:
    """A Discord REST + gateway emulator on one 127.0.0.1 port.

    Use as ``async with Emulator() as emu:`` (or ``await emu.start()`` /
    ``await emu.stop()``). Build the world with :meth:`add_guild` /
    :meth:`add_user`, point discord.py at :attr:`port` with
    :func:`redirect_discord_py`, then drive it with :meth:`slash`,
    :meth:`autocomplete`, :meth:`press`, :meth:`submit_modal`.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_name: str = "heroes-bot",
        port: int = 0,
        clock: Clock | None = None,
        heartbeat_interval: float = 41.25,
        rate_limits: RateLimitConfig | None = None,
        shard_count: int = 1,
        spec_path: str | os.PathLike[str] | None = None,
        schema: SchemaValidator | None = None,
        validate_schema: bool = True,
        ack_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        application_flags: int = 0,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.state = State(self.clock)
        bot = User(self.state.snowflake(), bot_name, bot=True)
        owner = User(self.state.snowflake(), "owner")
        self.state.users[bot.id] = bot
        self.state.users[owner.id] = owner
        self.app = Application(
            self.state.snowflake(), bot_name, bot, owner, token, flags=application_flags
        )
        self.default_user = self.state.add_user("tester")
        self.violations: list[Violation] = []
        if schema is None:
            schema = SchemaValidator(
                spec_path,
                disabled_reason=None if validate_schema else "disabled (validate_schema=False)",
            )
        self.schema = schema
        self._waiters: set[asyncio.Future[None]] = set()
        self.limiter = RateLimiter(rate_limits or RateLimitConfig())
        self.gateway = Gateway(
            self.state,
            self.app,
            GatewayConfig(heartbeat_interval_ms=int(heartbeat_interval * 1000)),
            self._base_url,
            self._notify,
        )
        self.rest = RestApi(
            state=self.state,
            app=self.app,
            gateway=self.gateway,
            schema=self.schema,
            limiter=self.limiter,
            clock=self.clock,
            config=RestConfig(
                ack_deadline=ack_deadline, token_lifetime=token_lifetime, shard_count=shard_count
            ),
            base_url=self._base_url,
            on_violation=self.violations.append,
            notify=self._notify,
        )
        # User installs, and the servers and private channels only they reach (_installs.py).
        self.installs = self.rest.installs
        self._builder = PayloadBuilder(self.state, self.app.id, bot.id, self.installs)
        self._server = HttpServer(
            gateway=self.gateway.handle,
            rest=self.rest.handle,
            fallback=self._fallback,
            host="127.0.0.1",
            port=port,
        )

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> Emulator:
        await self._server.start()
        return self

    async def stop(self) -> None:
        self.gateway.drop()
        await self._server.stop()

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._server.port is None:
            raise RuntimeError("emulator not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        return self._base_url()

    def _base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return self.app.token

    @property
    def bot_user(self) -> User:
        return self.app.bot

    @property
    def schema_validation_skipped_reason(self) -> str | None:
        return self.schema.skipped_reason

    async def _fallback(self, request: web.Request) -> web.StreamResponse:
        err = DiscordHTTPError(404, 0, "404: Not Found", kind="unimplemented_route")
        _log.error("Discord emulator: UNIMPLEMENTED PATH %s %s", request.method, request.path)
        self.violations.append(
            Violation(err.kind, request.method, request.path, 404, 0, err.message)
        )
        return json_body(err.body(), 404)

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait_until(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> T:
        """Return ``predicate()`` once truthy; re-checked whenever emulator state changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"Discord emulator: timed out after {timeout}s waiting for {what}"
                )
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            # Poll at least every 50 ms: some changes (socket closes) don't notify.
            await asyncio.wait({fut}, timeout=min(remaining, 0.05))
            self._waiters.discard(fut)

    async def wait_for_identify(self, count: int = 1, timeout: float = 5.0) -> Identify:  # noqa: ASYNC109
        await self.wait_until(lambda: len(self.identifies) >= count, timeout, f"IDENTIFY #{count}")
        return self.identifies[count - 1]

    async def wait_ready(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every shard has a session that got READY and its GUILD_CREATEs."""

        def ready() -> bool:
            sessions = [s for s in self.gateway.sessions.values() if s.ready]
            if not sessions:
                return False
            count = sessions[-1].shard_count
            return {s.shard_id for s in sessions if s.shard_count == count} == set(range(count))

        await self.wait_until(ready, timeout, "READY")

    async def wait_resumed(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.wait_until(lambda: self.resumes >= count, timeout, f"RESUME #{count}")

    async def wait_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every live session has a websocket attached."""

        def connected() -> bool:
            sessions = list(self.gateway.sessions.values())
            return bool(sessions) and all(
                s.connection is not None and not s.connection.closed for s in sessions
            )

        await self.wait_until(connected, timeout, "a connected gateway session")

    async def wait_synced(
        self,
        guild: Guild | int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        key = _gid(guild)
        return await self.wait_until(
            lambda: key in self.state.commands and self.state.commands[key], timeout, "command sync"
        )

    # ------------------------------------------------------------------ counters / views
    @property
    def identifies(self) -> list[Identify]:
        return self.gateway.identifies

    @property
    def resumes(self) -> int:
        return self.gateway.resumes

    @property
    def served_429(self) -> int:
        return self.limiter.served_429

    @property
    def requests(self) -> list[RequestRecord]:
        return list(self.rest.requests)

    def synced_commands(self, guild: Guild | int | None = None) -> list[dict[str, Any]]:
        return list(self.state.commands_for(_gid(guild)))

    def command_sync_bodies(self) -> list[tuple[int | None, Any]]:
        """Raw bodies of every bulk PUT the bot sent, as ``(guild_id, body)``."""
        return list(self.state.command_puts)

    def conversation(self, channel: Channel | int) -> list[Message]:
        """Messages currently visible in ``channel`` (including ephemeral ones), oldest first."""
        cid = channel.id if isinstance(channel, Channel) else channel
        ch = self.state.channels.get(cid)
        return list(ch.messages) if ch else []

    # ------------------------------------------------------------------ world building
    def add_user(
        self,
        username: str,
        *,
        id: int | None = None,
        guilds: list[Guild] | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> User:
        """Create a user; they become a member of ``guilds`` (default: all guilds). ``locale``:
        their client's language (a Discord locale such as "pt-BR")."""
        user = self.state.add_user(username, id=id)
        self.set_locale(user, locale)
        for guild in self.state.guilds.values() if guilds is None else guilds:
            guild.members[user.id] = Member(user, joined_at=self.clock())
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        id: int | None = None,
        channels: tuple[str, ...] | list[str] = ("general",),
        owner: User | None = None,
        everyone_permissions: int | None = None,
        bot_permissions: int = BOT_ROLE_PERMISSIONS,
        preferred_locale: str = DEFAULT_LOCALE,
    ) -> Guild:
        """Create a guild the bot is in (with @everyone, a bot role and text channels), whose
        "Server Primary Language" is ``preferred_locale``."""
        _require_locale(preferred_locale)
        gid = id or self.state.snowflake()
        owner = owner or self.app.owner
        guild = Guild(gid, name, owner.id, joined_at=self.clock())
        guild.preferred_locale = preferred_locale
        everyone = Role(gid, "@everyone")
        if everyone_permissions is not None:
            everyone.permissions = everyone_permissions
        bot_role = Role(
            self.state.snowflake(), self.app.bot.username, permissions=bot_permissions, position=1
        )
        guild.roles = {everyone.id: everyone, bot_role.id: bot_role}
        now = self.clock()
        guild.members[self.app.bot.id] = Member(self.app.bot, roles=[bot_role.id], joined_at=now)
        for user in {
            owner.id: owner,
            **{u.id: u for u in self.state.users.values() if not u.bot},
        }.values():
            guild.members.setdefault(user.id, Member(user, joined_at=now))
        self.state.guilds[gid] = guild
        for channel_name in channels:
            self.state.add_channel(guild, channel_name)
        return guild

    def set_locale(self, user: User, locale: str) -> None:
        """The member switches their Discord client's language: their interactions carry
        ``locale`` from now on, and their client shows the commands' names in it."""
        _require_locale(locale)
        user.locale = locale

    async def set_preferred_locale(self, guild: Guild, locale: str) -> None:
        """A server manager changes the server's primary language (Server Settings, Community):
        interactions there carry it as ``guild_locale``, and the bot gets GUILD_UPDATE."""
        _require_locale(locale)
        guild.preferred_locale = locale
        if self.gateway.session_for_guild(guild.id) is not None:  # a bot connected to tell
            payload = guild.update_payload(self.app.bot.id)
            await self.gateway.dispatch("GUILD_UPDATE", payload, guild_id=guild.id)
        self._notify()

    def set_team(self, owner: User, members: list[tuple[User, int, str]]) -> dict[str, Any]:
        """Make the application team-owned, as GET /oauth2/applications/@me then reports it.

        ``members`` are ``(user, membership_state, role)``: state 1 invited, 2 accepted; role
        "admin", "developer" or "read_only". The team's owner is listed as an accepted admin.
        """
        team_id = self.state.snowflake()
        listed = [(owner, 2, "admin"), *((u, s, r) for u, s, r in members if u.id != owner.id)]
        for _, membership_state, role in listed:
            if membership_state not in (1, 2) or role not in ("admin", "developer", "read_only"):
                raise EmulatorUsageError(f"not a team member state/role: {membership_state} {role}")
        self.app.team = {
            "id": str(team_id),
            "icon": None,
            "name": "Team",
            "owner_user_id": str(owner.id),
            "members": [
                {
                    "user": user.to_payload(),
                    "team_id": str(team_id),
                    "membership_state": membership_state,
                    "role": role,
                    "permissions": ["*"],
                }
                for user, membership_state, role in listed
            ],
        }
        return self.app.team

    def add_channel(
        self, guild: Guild, name: str, *, permission_overwrites: list[dict[str, Any]] | None = None
    ) -> Channel:
        return self.state.add_channel(
            guild, name, permission_overwrites=list(permission_overwrites or [])
        )

    def install_for_user(self, user: User) -> None:
        """``user`` adds the app to their own account (a user install): its commands that
        allow it are offered to them in any server, in DMs and in group DMs."""
        self.installs.users.add(user.id)

    def uninstall_for_user(self, user: User) -> None:
        self.installs.users.discard(user.id)

    def add_guild_without_bot(
        self, name: str = "Fan Server", *, members: list[User] | None = None
    ) -> Guild:
        """A server the bot is not in: only a member's user install reaches it (_installs.py).
        ``members`` default to every user."""
        return self.installs.add_guild(self.state, name, members or self._people())

    def add_group_dm(self, *users: User, name: str = "group chat") -> Channel:
        """A group DM (channel type 3) of ``users`` (the first owns it); the bot is not in it."""
        return self.installs.add_private(self.state, list(users), name=name, group=True)

    def add_user_dm(self, user: User, other: User) -> Channel:
        """A DM between two users (type 1, interaction context 2); the bot is not in it."""
        return self.installs.add_private(self.state, [user, other], name="dm", group=False)

    def _people(self) -> list[User]:
        return [u for u in self.state.users.values() if not u.bot]

    def _message(self, message: Message | int) -> Message:
        """A message given as itself or by id (deleted ones too: the caller says if it may be)."""
        msg = message if isinstance(message, Message) else self.state.messages.get(message)
        if msg is None:
            raise EmulatorUsageError(f"unknown message {message!r}")
        return msg

    async def delete_channel(self, guild: Guild, channel: Channel) -> None:
        """A server manager deletes a channel: REST answers Unknown Channel (10003) from now on,
        and a connected bot gets CHANNEL_DELETE, as Discord does."""
        guild.channels.pop(channel.id, None)
        self.state.channels.pop(channel.id, None)
        if self.gateway.session_for_guild(guild.id) is not None:
            await self.gateway.dispatch("CHANNEL_DELETE", channel.to_payload(), guild_id=guild.id)

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        members: list[User] = (),  # type: ignore[assignment]
        mentionable: bool = False,
        managed: bool = False,
        position: int | None = None,
    ) -> Role:
        """A role (top of the list unless ``position`` is given: those at or above it move up)."""
        if position is None:
            position = len(guild.roles)
        else:
            for other in guild.roles.values():
                if other.id != guild.id and other.position >= position:
                    other.position += 1
        role = Role(
            self.state.snowflake(),
            name,
            permissions=permissions,
            position=position,
            mentionable=mentionable,
            managed=managed,
        )
        guild.roles[role.id] = role
        for user in members:
            guild.members[user.id].roles.append(role.id)
        return role

    async def update_role(self, guild: Guild, role: Role, **changes: Any) -> Role:
        """Change a role as a server manager would (permissions, mentionable, position...)
        and tell the bot with GUILD_ROLE_UPDATE, as Discord does."""
        for key, value in changes.items():
            if not hasattr(role, key) or key == "id":
                raise EmulatorUsageError(f"a role has no changeable field {key!r}")
            setattr(role, key, value)
        await self.gateway.dispatch(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(guild.id), "role": role.to_payload()},
            guild_id=guild.id,
        )
        return role

    async def join_guild(self, name: str = "New Guild", **kw: Any) -> Guild:
        """Add a guild at runtime and dispatch GUILD_CREATE to the owning shard."""
        guild = self.add_guild(name, **kw)
        payload = guild.to_payload(self.app.bot.id)
        # Discord omits ``unavailable`` for a fresh join; discord.py maps
        # ``unavailable: false`` to on_guild_available instead of on_guild_join.
        del payload["unavailable"]
        await self.gateway.dispatch("GUILD_CREATE", payload, guild_id=guild.id)
        return guild

    async def remove_guild(self, guild: Guild | int) -> None:
        """The bot leaves/is kicked: GUILD_DELETE (without ``unavailable``)."""
        gid = _gid(guild)
        if gid is None:
            raise EmulatorUsageError("remove_guild needs a guild")
        self.state.guilds.pop(gid, None)
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(gid)}, guild_id=gid)

    # ------------------------------------------------------------------ gateway control
    async def dispatch(
        self, event: str, data: dict[str, Any], *, guild_id: int | None = None
    ) -> int:
        """Send a raw DISPATCH event; returns its sequence number."""
        return await self.gateway.dispatch(event, data, guild_id=guild_id)

    async def disconnect(self, code: int = 4000) -> None:
        await self.gateway.disconnect(code)

    def drop(self) -> None:
        self.gateway.drop()

    async def send_reconnect(self) -> None:
        await self.gateway.send_reconnect()

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        await self.gateway.invalidate_session(resumable=resumable)

    def inject_fault(self, route: str, **options: Any) -> Fault:
        """Answer REST requests to ``route`` (e.g. ``"GET /users/@me"``) with an error, as
        Discord sometimes does: a 503 once by default (see :class:`Fault` for the options)."""
        return self.rest.inject_fault(route, **options)

    # ------------------------------------------------------------------ user actions
    def _context(
        self, guild: Guild | int | None, channel: Channel | int | None, user: User | int | None
    ) -> tuple[Guild | None, Channel, User]:
        ch: Channel | None = None
        if channel is not None:
            ch = channel if isinstance(channel, Channel) else self.state.channels.get(channel)
            if ch is None:
                raise EmulatorUsageError(f"unknown channel {channel!r}")
        g: Guild | None
        if guild is not None:
            g = guild if isinstance(guild, Guild) else self.installs.guild(self.state, guild)
            if g is None:
                raise EmulatorUsageError(f"unknown guild {guild!r}")
        elif ch is not None:
            g = self.installs.guild(self.state, ch.guild_id)
        else:
            if len(self.state.guilds) != 1:
                raise EmulatorUsageError("pass guild= (there is not exactly one guild)")
            g = next(iter(self.state.guilds.values()))
        if ch is None:
            if g is None or not g.channels:
                raise EmulatorUsageError("pass channel=")
            ch = next(iter(g.channels.values()))
        u = (
            user
            if isinstance(user, User)
            else self.state.users.get(user)
            if user is not None
            else self.default_user
        )
        if u is None:
            raise EmulatorUsageError(f"unknown user {user!r}")
        return g, ch, u

    async def _send_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        guild: Guild | None,
        channel: Channel,
        user: User,
        *,
        message: Message | None = None,
        owners: dict[str, str] | None = None,
    ) -> InteractionHandle:
        if owners is None and message is not None and message.interaction_metadata:
            # A press on an interaction's reply: authorised by the installs that authorised it.
            owners = message.interaction_metadata.get("authorizing_integration_owners")
        payload = self._builder.envelope(itype, data, user, guild, channel, owners=owners)
        iid = self.state.snowflake()
        token = self.state.new_token()
        payload["id"] = str(iid)
        payload["token"] = token
        if message is not None:
            payload["message"] = message.to_payload()
        inter = Interaction(
            id=iid,
            token=token,
            type=itype,
            application_id=self.app.id,
            created_at=self.clock(),
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            user=user,
            payload=payload,
            message_id=message.id if message else None,
        )
        self.state.interactions[iid] = inter
        self.state.interactions_by_token[token] = inter
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=inter.guild_id)
        return InteractionHandle(self, inter)

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        user: User | int | None = None,
        guild: Guild | int | None = None,
        channel: Channel | int | None = None,
        forged: bool = False,
    ) -> InteractionHandle:
        """Invoke ``/command`` (``"group sub"`` or ``subcommand=`` for subcommands).

        In a DM channel (``channel=emu.state.dm_channel(user)``) it is sent as a DM interaction.
        What Discord's client refuses (options out of range, servers-only commands in DMs...)
        raises ClientRefusal, unless ``forged`` (a modified client's request)."""
        g, ch, u = self._context(guild, channel, user)
        data = self._builder.command_data(
            command, options, subcommand, g, forged=forged, channel=ch, user=u
        )
        return await self._send_interaction(2, data, g, ch, u)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        user: User | int | None = None,
        guild: Guild | int | None = None,
        channel: Channel | int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        forged: bool = False,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused``; returns the choices the bot answered."""
        g, ch, u = self._context(guild, channel, user)
        opts = {**(options or {}), focused: value}
        data = self._builder.command_data(
            command, opts, subcommand, g, focused=focused, forged=forged, channel=ch, user=u
        )
        handle = await self._send_interaction(4, data, g, ch, u)
        response = await handle.response(timeout)
        return response.choices

    async def press(
        self,
        message: Message | int,
        custom_id: str,
        *,
        values: list[str] | None = None,
        user: User | int | None = None,
    ) -> InteractionHandle:
        """Click a button (or pick ``values`` in a select) on ``message``."""
        msg = self._message(message)
        if msg.deleted:
            raise EmulatorUsageError(f"unknown message {message!r}")
        comp = msg.find_component(custom_id)
        if comp is None:
            raise EmulatorUsageError(
                f"message {msg.id} has no component with custom_id {custom_id!r}"
            )
        if comp.get("disabled"):
            raise EmulatorUsageError(f"component {custom_id!r} is disabled")
        g, ch, u = self._context(msg.guild_id, msg.channel_id, user)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp["type"] != 2:
            data["values"] = list(values or [])
        return await self._send_interaction(3, data, g, ch, u, message=msg)

    async def submit_modal(
        self,
        opened_by: InteractionHandle,
        values: dict[str, Any],
        *,
        user: User | int | None = None,
        forged: bool = False,
    ) -> InteractionHandle:
        """Submit the modal the bot answered ``opened_by`` with. Values the client would not
        submit (a required field empty, text beyond its max_length) raise ClientRefusal, unless
        ``forged``."""
        modal = opened_by.interaction.modal
        if modal is None:
            raise EmulatorUsageError("that interaction was not answered with a modal")
        problems = [] if forged else modal_problems(modal, values)
        if problems:
            raise ClientRefusal("the modal can't be submitted: " + "; ".join(problems))
        inter = opened_by.interaction
        g, ch, u = self._context(
            inter.guild_id, inter.channel_id, user if user is not None else inter.user
        )
        data = {
            "custom_id": modal["custom_id"],
            "components": self._builder.modal_components(modal, values),
        }
        msg = self.state.messages.get(inter.message_id) if inter.message_id else None
        owners = inter.payload.get("authorizing_integration_owners")
        return await self._send_interaction(5, data, g, ch, u, message=msg, owners=owners)

    async def vote(
        self, message: Message | int, answers: list[int], *, user: User | int | None = None
    ) -> None:
        """A member votes in the message's poll (answer ids from 1; [] withdraws the vote).
        A vote Discord's client does not offer (an ended poll, two answers in a one-answer
        poll) raises ClientRefusal."""
        msg = self._message(message)
        _, _, u = self._context(msg.guild_id, msg.channel_id, user)
        await self.rest.polls.vote(msg, u, list(answers))

    async def finish_due_polls(self) -> list[Message]:
        """End every poll whose expiry has passed on the emulator's clock (results final,
        POLL_RESULT posted), as Discord does at the expiry; returns the polls' messages."""
        return await self.rest.polls.finish_due()

    def member_says(
        self,
        content: str,
        *,
        files: tuple[str, ...] = (),
        user: User | int | None = None,
        guild: Guild | int | None = None,
        channel: Channel | int | None = None,
    ) -> Message:
        """A member posts a message, with ``files`` (file names) attached; what the client
        refuses (empty, over 4,000 characters) raises ClientRefusal."""
        _, ch, u = self._context(guild, channel, user)
        attachments = [message_commands.attachment(name) for name in files]
        return message_commands.member_message(self.state, ch, u, content, attachments)

    async def right_click(
        self,
        message: Message | int,
        command: str,
        *,
        user: User | int | None = None,
        forged: bool = False,
    ) -> InteractionHandle:
        """Right-click ``message`` and pick the message command ``command`` under Apps."""
        msg = self._message(message)
        g, ch, u = self._context(msg.guild_id, msg.channel_id, user)

        def refuse_unoffered(cmd: dict[str, Any]) -> None:
            # Its contexts (a DM between members is context 2), and an install reaching here.
            self._builder.refuse_unoffered(cmd, g, ch, u)

        data = message_commands.message_command_data(
            self.state, command, msg, g, None if forged else refuse_unoffered, u.locale
        )
        return await self._send_interaction(2, data, g, ch, u)

    def interaction(self, interaction_id: int) -> Interaction | None:
        return self.state.interactions.get(interaction_id)


def _require_locale(locale: str) -> None:
    if not is_locale(locale):
        raise EmulatorUsageError(
            f"{locale!r} is not a Discord locale; Discord's are: {', '.join(DISCORD_LOCALES)}"
        )


def _gid(guild: Guild | int | None) -> int | None:
    return guild.id if isinstance(guild, Guild) else guild
