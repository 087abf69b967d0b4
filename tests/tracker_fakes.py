"""Strict fakes for the sequel tracker's tests: servers, roles, members, channels, a poster.

Built on tests.fakes.Strict, so each fake may only define attributes its discord class has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot.ui.posting import OutgoingPost
from tests.fakes import FakeInteraction, FakeResponse, FakeUser, Sent, Strict


class FakeRole(Strict, real=discord.Role):
    def __init__(
        self,
        role_id: int,
        name: str = "sequel-fans",
        position: int = 1,
        *,
        managed: bool = False,
        mentionable: bool = True,
        default: bool = False,
        permissions: discord.Permissions | None = None,
    ) -> None:
        self.id = role_id
        self.name = name
        self.position = position
        self.managed = managed
        self.mentionable = mentionable
        self.permissions = permissions or discord.Permissions.none()
        self.mention = f"<@&{role_id}>"
        self._default = default

    def is_default(self) -> bool:
        return self._default

    def __ge__(self, other: FakeRole) -> bool:
        return self.position >= other.position

    def __lt__(self, other: FakeRole) -> bool:
        return self.position < other.position


class FakeMember(FakeUser, real=discord.Member):
    def __init__(
        self,
        user_id: int = 1001,
        name: str = "fan",
        *,
        roles: list[FakeRole] | None = None,
        permissions: discord.Permissions | None = None,
        top_role: FakeRole | None = None,
        refuse: bool = False,
    ) -> None:
        super().__init__(user_id, name)
        self.roles = list(roles or [])
        self.guild_permissions = permissions or discord.Permissions.none()
        self.top_role = top_role or FakeRole(1, "@everyone", 0, default=True)
        self.calls: list[tuple[str, int]] = []
        self._refuse = refuse

    def get_role(self, role_id: int) -> FakeRole | None:
        return next((r for r in self.roles if r.id == role_id), None)

    async def add_roles(self, *roles: FakeRole, reason: str | None = None) -> None:
        if self._refuse:
            raise discord.Forbidden(
                _response(403), {"code": 50013, "message": "Missing Permissions"}
            )
        for role in roles:
            self.calls.append(("add", role.id))
            self.roles.append(role)

    async def remove_roles(self, *roles: FakeRole, reason: str | None = None) -> None:
        for role in roles:
            self.calls.append(("remove", role.id))
            self.roles = [r for r in self.roles if r.id != role.id]


class FakeGuild(Strict, real=discord.Guild):
    def __init__(
        self,
        guild_id: int,
        me: FakeMember,
        roles: list[FakeRole] | None = None,
        *,
        owner_id: int = 1001,  # the default FakeUser: the owner may pick any news role
        members: list[FakeMember] | None = None,
    ) -> None:
        self.id = guild_id
        self.name = "Heroes HQ"
        self.me = me
        self.roles = list(roles or [])
        self.owner_id = owner_id
        self.default_role = FakeRole(guild_id, "@everyone", 0, default=True)
        self.channels: list[Any] = []
        self._members = {m.id: m for m in members or []}

    def get_member(self, user_id: int) -> FakeMember | None:
        return self._members.get(user_id)

    async def fetch_member(self, user_id: int, /) -> FakeMember:
        member = self._members.get(user_id)
        if member is None:
            raise discord.NotFound(_response(404), {"code": 10007, "message": "Unknown Member"})
        return member

    def get_role(self, role_id: int) -> FakeRole | None:
        return next((r for r in self.roles if r.id == role_id), None)


class FakeTextChannel(Strict, real=discord.TextChannel):
    def __init__(
        self,
        channel_id: int,
        permissions: discord.Permissions,
        *,
        per_member: dict[int, discord.Permissions] | None = None,
    ) -> None:
        self.id = channel_id
        self.name = f"news-{channel_id}"
        self.mention = f"<#{channel_id}>"
        self._permissions = permissions
        self._per_member = per_member or {}

    def permissions_for(self, member: Any) -> discord.Permissions:
        return self._per_member.get(member.id, self._permissions)


class ModalResponse(FakeResponse, real=discord.InteractionResponse):
    async def send_modal(self, modal: discord.ui.Modal) -> None:
        self._ack()
        self._interaction.sent.append(Sent("modal", view=modal))


class GuildInteraction(FakeInteraction, real=discord.Interaction):
    """An interaction in a server, with the server, and edits of the original response."""

    def __init__(self, guild: FakeGuild | None, user: FakeUser | None = None) -> None:
        super().__init__(user=user, guild_id=guild.id if guild else None)
        self.guild = guild
        self.response = ModalResponse(self)

    async def edit_original_response(
        self, *, content: str | None = None, embed: discord.Embed | None = None
    ) -> None:
        self.sent.append(Sent("edit_original_response", content, [embed] if embed else []))


def _response(status: int) -> Any:
    class Response:
        reason = "fake"

    response = Response()
    response.status = status  # type: ignore[attr-defined]
    return response


def http_error(kind: type[discord.HTTPException], status: int, code: int, text: str) -> Any:
    return kind(_response(status), {"code": code, "message": text})


class SimulatedCrash(BaseException):
    """The process dying: not an Exception, so nothing in the bot catches it."""


@dataclass
class Posted:
    channel_id: int
    message_id: int
    message: OutgoingPost
    nonce: str


@dataclass
class FakePoster:
    """Discord's side of posting: per-channel failures, nonce deduplication (as with
    enforce_nonce), a crash after N posts, and a count of concurrent sends."""

    missing: set[int] = field(default_factory=set)  # deleted channels: 404
    forbidden: set[int] = field(default_factory=set)  # no access: 403
    server_error_once: set[int] = field(default_factory=set)  # a 500 on the first try
    crash_after: int | None = None  # crash on the post after this many
    crash_after_discord_got_it: bool = True
    posted: list[Posted] = field(default_factory=list)
    attempts: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    _nonces: dict[str, int] = field(default_factory=dict)
    _next_id: int = 900_000

    def messages_in(self, channel_id: int) -> list[Posted]:
        return [p for p in self.posted if p.channel_id == channel_id]

    async def post(self, channel_id: int, message: OutgoingPost, *, nonce: str) -> int:
        import asyncio

        self.attempts += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let other sends interleave
            if channel_id in self.missing:
                raise http_error(discord.NotFound, 404, 10003, "Unknown Channel")
            if channel_id in self.forbidden:
                raise http_error(discord.Forbidden, 403, 50013, "Missing Permissions")
            crashing = self.crash_after is not None and len(self.posted) >= self.crash_after
            if crashing and not self.crash_after_discord_got_it:
                self.crash_after = None
                raise SimulatedCrash("killed before the request reached Discord")
            if nonce in self._nonces:  # Discord returns the first message, posts nothing
                return self._nonces[nonce]
            self._next_id += 1
            self._nonces[nonce] = self._next_id
            self.posted.append(Posted(channel_id, self._next_id, message, nonce))
            if channel_id in self.server_error_once:
                self.server_error_once.discard(channel_id)
                raise http_error(discord.DiscordServerError, 500, 0, "Internal Server Error")
            if crashing:
                self.crash_after = None
                raise SimulatedCrash("killed after Discord posted, before it was recorded")
            return self._next_id
        finally:
            self.in_flight -= 1


class FakeClock:
    """A Clock (bot/clock.py) whose time moves only when told to, and whose `sleep` moves it at
    once: for a service driven by one task that only sleeps (the scheduler, the rate gate), a
    test runs it without advancing anything. `at` may be set directly (a wall time to probe).
    For the whole bot, with sleepers woken in order, see bot.clock.ManualClock."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
        self.monotonic_value = 1000.0

    def now(self) -> datetime:
        return self.at

    def __call__(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.monotonic_value

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.at += step
        self.monotonic_value += step.total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds=seconds)
