"""Guild scheduled events: the REST routes, Discord's validation and the gateway events.

Routes (all under /guilds/{guild_id}/scheduled-events): GET list, POST create, GET one, PATCH
(edit, or a status change: SCHEDULED -> ACTIVE or CANCELED, ACTIVE -> COMPLETED) and DELETE.
What Discord refuses is refused the same way: a body outside the spec or its rules (name 1-100,
description <= 1000, privacy_level 2 (GUILD_ONLY), a stage (1) or voice (2) event in a channel of
that type, an external (3) event with no channel, a location and an end time, a start in the
future and an end after it) gets 400 50035 with the field's error; a bot without the permissions
gets 403 50013: Create Events or Manage Events to create (and, in the event's channel, View Channel
and Connect for voice; Manage Channels, Mute Members and Move Members for stage), Manage Events (or
Create Events on its own event) to edit or delete. GUILD_SCHEDULED_EVENT_CREATE/UPDATE/DELETE go
to a session that identified with the GUILD_SCHEDULED_EVENTS intent (1 << 16, not privileged).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._bits import (
    CONNECT,
    CREATE_EVENTS,
    MANAGE_CHANNELS,
    MANAGE_EVENTS,
    MOVE_MEMBERS,
    MUTE_MEMBERS,
    VIEW_CHANNEL,
)
from ._errors import DiscordHTTPError, FieldError, invalid_form_body
from ._http import json_body, no_content, path_id
from ._polls import channel_permissions

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._rest import Ctx, RestApi

    AddRoute = Callable[[str, str, Callable[[Ctx], Awaitable[web.Response]]], None]
    from ._state import Channel, Guild

GUILD_SCHEDULED_EVENTS_INTENT = 1 << 16

STAGE, VOICE, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2
# entity type -> (the channel type it needs, the spec's create and patch schemas)
_ENTITY_RULES: dict[int, tuple[int | None, str, str]] = {
    STAGE: (13, "StageScheduledEventCreateRequest", "StageScheduledEventPatchRequestPartial"),
    VOICE: (2, "VoiceScheduledEventCreateRequest", "VoiceScheduledEventPatchRequestPartial"),
    EXTERNAL: (
        None,
        "ExternalScheduledEventCreateRequest",
        "ExternalScheduledEventPatchRequestPartial",
    ),
}
_NEEDED_IN_CHANNEL = {
    VOICE: VIEW_CHANNEL | CONNECT,
    STAGE: MANAGE_CHANNELS | MUTE_MEMBERS | MOVE_MEMBERS,
}
_TRANSITIONS = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    creator_id: int
    name: str
    start: datetime.datetime
    entity_type: int
    privacy_level: int = GUILD_ONLY
    description: str | None = None
    channel_id: int | None = None
    end: datetime.datetime | None = None
    location: str | None = None
    status: int = SCHEDULED
    creator: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id) if self.channel_id else None,
            "creator_id": str(self.creator_id),
            "creator": self.creator,
            "name": self.name,
            "description": self.description,
            "image": None,
            "scheduled_start_time": self.start.isoformat(),
            "scheduled_end_time": self.end.isoformat() if self.end else None,
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": {"location": self.location} if self.location else None,
            "recurrence_rule": None,
            "user_count": 0,
        }


def _permissions_in(guild: Guild, user_id: int, channel: Channel | None) -> int:
    """The member's permissions in the server (`channel` None) or in a channel, overwrites
    applied as the poll routes compute them (_polls.channel_permissions)."""
    if channel is not None:
        return channel_permissions(guild, channel, user_id)
    member = guild.members.get(user_id)
    return guild.permissions_of(member) if member is not None else 0


def _time(errors: list[FieldError], name: str, value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        errors.append(((name,), "DATE_TIME_TYPE_PARSE", "Could not parse the date and time."))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _missing_permissions() -> DiscordHTTPError:
    return DiscordHTTPError(403, 50013, "Missing Permissions", kind="missing_permissions")


class ScheduledEvents:
    """Every guild's scheduled events, and the routes that manage them."""

    def __init__(self, rest: RestApi, add_route: AddRoute) -> None:
        self.rest = rest
        self.events: dict[int, ScheduledEvent] = {}
        add_route("GET", "/guilds/{guild_id}/scheduled-events", self.list_events)
        add_route("POST", "/guilds/{guild_id}/scheduled-events", self.create)
        one = "/guilds/{guild_id}/scheduled-events/{event_id}"
        add_route("GET", one, self.get)
        add_route("PATCH", one, self.modify)
        add_route("DELETE", one, self.delete)

    def _refuse(self, errors: list[FieldError], schema: str | None, body: Any) -> None:
        """400 50035 with every field's error: Discord's own rules and the spec's schema."""
        if schema is not None:
            errors = errors + self.rest.schema.validate(schema, body)
        if errors:
            raise invalid_form_body(errors)

    def of_guild(self, guild_id: int) -> list[ScheduledEvent]:
        return [e for e in self.events.values() if e.guild_id == guild_id]

    def _now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.rest.clock(), datetime.UTC)

    def _guild(self, ctx: Ctx) -> Guild:
        guild = self.rest.state.guilds.get(path_id(ctx.params["guild_id"]))
        if guild is None or self.rest.app.bot.id not in guild.members:
            raise DiscordHTTPError(404, 10004, "Unknown Guild", kind="unknown_guild")
        return guild

    def _event(self, ctx: Ctx, guild: Guild) -> ScheduledEvent:
        event = self.events.get(path_id(ctx.params["event_id"]))
        if event is None or event.guild_id != guild.id:
            raise DiscordHTTPError(
                404, 10070, "Unknown Guild Scheduled Event", kind="unknown_scheduled_event"
            )
        return event

    async def _dispatch(self, name: str, event: ScheduledEvent) -> None:
        session = self.rest.gateway.session_for_guild(event.guild_id)
        intents = session.identify.intents if session is not None else None
        if session is not None and (intents or 0) & GUILD_SCHEDULED_EVENTS_INTENT:
            await session.dispatch(name, event.to_payload())

    async def delete_in_discord(self, event_id: int) -> None:
        """A server manager deletes the event in Discord's own interface: gone from the routes,
        GUILD_SCHEDULED_EVENT_DELETE to a session with the intent."""
        event = self.events.pop(event_id)
        await self._dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        self.rest.notify()

    # ------------------------------------------------------------------ routes
    async def list_events(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        live = [e for e in self.of_guild(guild.id) if e.status in (SCHEDULED, ACTIVE)]
        return json_body([e.to_payload() for e in live])

    async def get(self, ctx: Ctx) -> web.Response:
        return json_body(self._event(ctx, self._guild(ctx)).to_payload())

    async def create(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        body = ctx.json if isinstance(ctx.json, dict) else {}
        event = self._checked_new(guild, body)
        self.events[event.id] = event
        await self._dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        self.rest.notify()
        return json_body(event.to_payload())

    async def modify(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        event = self._event(ctx, guild)
        self._check_manage(guild, event)
        body = ctx.json if isinstance(ctx.json, dict) else {}
        self._apply_changes(guild, event, body)
        await self._dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        self.rest.notify()
        return json_body(event.to_payload())

    async def delete(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        event = self._event(ctx, guild)
        self._check_manage(guild, event)
        del self.events[event.id]
        await self._dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        self.rest.notify()
        return no_content()

    # ------------------------------------------------------------------ rules
    def _check_manage(self, guild: Guild, event: ScheduledEvent) -> None:
        bot_id = self.rest.app.bot.id
        perms = _permissions_in(guild, bot_id, None)
        own = event.creator_id == bot_id and perms & CREATE_EVENTS
        if not (perms & MANAGE_EVENTS or own):
            raise _missing_permissions()

    def _checked_new(self, guild: Guild, body: dict[str, Any]) -> ScheduledEvent:
        entity_type = body.get("entity_type")
        rule = _ENTITY_RULES.get(entity_type) if isinstance(entity_type, int) else None
        if rule is None or not isinstance(entity_type, int):
            raise invalid_form_body(
                [(("entity_type",), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3).")]
            )
        errors: list[FieldError] = []
        channel = self._entity_channel(errors, guild, body, entity_type, rule[0])
        start, end = self._times(errors, body, None, None)
        if body.get("privacy_level") != GUILD_ONLY:
            errors.append((("privacy_level",), "BASE_TYPE_CHOICES", "Value must be one of (2,)."))
        errors += _text_errors(body, creating=True)
        self._refuse(errors, rule[1], body)
        self._check_create_permissions(guild, channel, entity_type)
        metadata = body.get("entity_metadata") or {}
        bot = self.rest.app.bot
        return ScheduledEvent(
            id=self.rest.state.snowflake(),
            guild_id=guild.id,
            creator_id=bot.id,
            creator=bot.to_payload(),
            name=body["name"],
            description=body.get("description"),
            start=start or self._now(),
            end=end,
            entity_type=entity_type,
            channel_id=channel.id if channel else None,
            location=metadata.get("location"),
        )

    def _check_create_permissions(
        self, guild: Guild, channel: Channel | None, entity_type: int
    ) -> None:
        perms = _permissions_in(guild, self.rest.app.bot.id, channel)
        needed = _NEEDED_IN_CHANNEL.get(entity_type, 0) if channel is not None else 0
        if not perms & (CREATE_EVENTS | MANAGE_EVENTS) or perms & needed != needed:
            raise _missing_permissions()

    def _entity_channel(
        self,
        errors: list[FieldError],
        guild: Guild,
        body: dict[str, Any],
        entity_type: int,
        channel_type: int | None,
    ) -> Channel | None:
        channel_id = body.get("channel_id")
        if channel_type is None:  # external: no channel, a location
            if channel_id is not None:
                errors.append((("channel_id",), "BASE_TYPE_NONE", "Must be null for external."))
            location = (body.get("entity_metadata") or {}).get("location")
            if not isinstance(location, str) or not 1 <= len(location) <= 100:
                errors.append(
                    (
                        ("entity_metadata", "location"),
                        "BASE_TYPE_REQUIRED",
                        "An external event needs a location of 1 to 100 characters.",
                    )
                )
            if body.get("scheduled_end_time") is None:
                errors.append(
                    (
                        ("scheduled_end_time",),
                        "BASE_TYPE_REQUIRED",
                        "An external event needs an end time.",
                    )
                )
            return None
        channel = guild.channels.get(path_id(channel_id))
        if channel is None:
            errors.append((("channel_id",), "BASE_TYPE_REQUIRED", "Unknown channel."))
        elif channel.type != channel_type:
            errors.append(
                (
                    ("channel_id",),
                    "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL_TYPE",
                    f"Entity type {entity_type} needs a channel of type {channel_type}.",
                )
            )
            return None
        return channel

    def _times(
        self,
        errors: list[FieldError],
        body: dict[str, Any],
        start: datetime.datetime | None,
        end: datetime.datetime | None,
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        if "scheduled_start_time" in body:
            start = _time(errors, "scheduled_start_time", body["scheduled_start_time"])
            if start is not None and start <= self._now():
                errors.append(
                    (
                        ("scheduled_start_time",),
                        "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                        "Cannot schedule event in the past.",
                    )
                )
        if "scheduled_end_time" in body:
            end = _time(errors, "scheduled_end_time", body["scheduled_end_time"])
        if start is not None and end is not None and end <= start:
            errors.append(
                (
                    ("scheduled_end_time",),
                    "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                    "The end time must be after the start time.",
                )
            )
        return start, end

    def _apply_changes(self, guild: Guild, event: ScheduledEvent, body: dict[str, Any]) -> None:
        errors: list[FieldError] = []
        status = body.get("status")
        if status is not None and status not in _TRANSITIONS.get(event.status, set()):
            errors.append(
                (
                    ("status",),
                    "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                    f"Cannot change the status from {event.status} to {status}.",
                )
            )
        start, end = self._times(errors, body, event.start, event.end)
        errors += _text_errors(body, creating=False)
        self._refuse(errors, _ENTITY_RULES[event.entity_type][2], body)
        if status is not None:
            event.status = status
        event.start, event.end = start or event.start, end
        event.name = body.get("name", event.name)
        event.description = body.get("description", event.description)


def _text_errors(body: dict[str, Any], *, creating: bool) -> list[FieldError]:
    """The name (1-100, required to create) and the description (at most 1000)."""
    errors: list[FieldError] = []
    name = body.get("name")
    if (creating or "name" in body) and (not isinstance(name, str) or not 1 <= len(name) <= 100):
        errors.append((("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."))
    description = body.get("description")
    if isinstance(description, str) and len(description) > 1000:
        errors.append(
            (("description",), "BASE_TYPE_MAX_LENGTH", "Must be 1000 or fewer in length.")
        )
    return errors
