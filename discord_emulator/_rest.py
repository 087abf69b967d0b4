"""REST API v10: routing, auth, rate limits, validation and the handlers.

A single catch-all aiohttp route feeds a small route table so that auth,
rate limiting, violation recording and the loud "unimplemented route" path
apply uniformly to everything under ``/api/v10``.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import _limits
from ._components_v2 import check_edit
from ._errors import (
    DiscordHTTPError,
    FieldError,
    Violation,
    already_acknowledged,
    invalid_form_body,
    invalid_webhook_token,
    unauthorized,
    unknown_channel,
    unknown_interaction,
    unknown_message,
    unknown_webhook,
)
from ._events import ScheduledEvents
from ._gateway import Gateway
from ._http import ParsedBody, json_body, no_content, parse_body, path_id
from ._installs import Installs
from ._localizations import as_fetched
from ._poll_routes import PollRoutes
from ._polls import require_send_polls
from ._ratelimit import RateLimiter
from ._schema import SchemaValidator
from ._state import EPHEMERAL, LOADING, Application, Interaction, Message, State

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"

# Interaction callback types -> (spec schema, interaction types allowed to use it).
_CALLBACK_RULES: dict[int, tuple[str | None, tuple[int, ...]]] = {
    1: (None, (1,)),
    4: ("CreateMessageInteractionCallbackRequest", (2, 3, 5)),
    5: ("CreateMessageInteractionCallbackRequest", (2, 3, 5)),
    6: ("UpdateMessageInteractionCallbackRequest", (3, 5)),
    7: ("UpdateMessageInteractionCallbackRequest", (3, 5)),
    8: ("ApplicationCommandAutocompleteCallbackRequest", (4,)),
    9: ("ModalInteractionCallbackRequest", (2, 3)),
}


@dataclass
class RestConfig:
    ack_deadline: float = 3.0  # seconds to send the initial response
    token_lifetime: float = 15 * 60.0  # seconds the interaction token stays valid
    shard_count: int = 1  # recommended by GET /gateway/bot


@dataclass
class RequestRecord:
    method: str
    path: str
    status: int
    body: Any = None


@dataclass
class Fault:
    """A failure Discord sometimes answers with, injected by a test (see RestApi.inject_fault).

    It matches a route by its template (``"POST /channels/{channel_id}/messages"``) and, when
    `params` is given, by those path parameters (``{"channel_id": "123"}``). The first `skip`
    matching requests go through untouched; the next `times` get `status` (a 5xx by default).
    With `after_effect` the request is carried out first (the message is created) and only the
    answer is the error, as when Discord's edge times out after its backend did the work.
    `action`, if set, is called when the fault fires, and awaited if it returns an awaitable,
    before the answer is sent (a test uses it to kill the client at that exact moment).
    """

    route: str
    params: dict[str, str] = field(default_factory=dict)
    status: int = 503
    times: int = 1
    skip: int = 0
    after_effect: bool = False
    action: Callable[[], Awaitable[None] | None] | None = None
    fired: int = 0

    def matches(self, route: str, params: dict[str, str]) -> bool:
        return route == self.route and all(params.get(k) == v for k, v in self.params.items())


_STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Ctx:
    request: web.Request
    params: dict[str, str]
    body: ParsedBody

    @property
    def json(self) -> Any:
        return self.body.json

    def flag(self, name: str) -> bool:
        return self.request.query.get(name, "").lower() in ("1", "true")


Handler = Callable[[Ctx], Awaitable[web.Response]]


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    major: tuple[str, ...]
    interaction: bool  # token-authenticated, exempt from the global limit


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(
        r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    )
    return re.compile(f"^{pattern}$")


@dataclass
class RestApi:
    state: State
    app: Application
    gateway: Gateway
    schema: SchemaValidator
    limiter: RateLimiter
    clock: Callable[[], float]
    config: RestConfig
    base_url: Callable[[], str]
    on_violation: Callable[[Violation], None]
    notify: Callable[[], None]
    requests: deque[RequestRecord] = field(default_factory=lambda: deque(maxlen=10_000))
    faults: list[Fault] = field(default_factory=list)
    _routes: list[_Route] = field(default_factory=list)
    installs: Installs = field(default_factory=Installs)  # user installs (_installs.py)
    polls: PollRoutes = field(init=False)

    def __post_init__(self) -> None:
        r = self._add
        self.polls = PollRoutes(self.state, self.app, self.gateway, self.clock, self.notify)
        r("POST", "/channels/{channel_id}/polls/{message_id}/expire", self.polls.expire)
        r("GET", "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}", self.polls.voters)
        r("GET", "/users/@me", self.get_me)
        r("GET", "/users/{user_id}", self.get_user)
        r("POST", "/users/@me/channels", self.create_dm)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/@me", self.get_application)
        r("GET", "/gateway", self.get_gateway, auth=False)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("GET", "/applications/{app_id}/commands", self.get_commands)
        r("PUT", "/applications/{app_id}/commands", self.put_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self.get_commands)
        r("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self.put_commands)
        r(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self.callback,
            auth=False,
            interaction=True,
        )
        r("POST", "/webhooks/{app_id}/{token}", self.followup, auth=False, interaction=True)
        for method in ("GET", "PATCH", "DELETE"):
            r(
                method,
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self.webhook_message,
                auth=False,
                interaction=True,
            )
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("POST", "/channels/{channel_id}/messages", self.create_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        r("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_member_role)
        r("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.remove_member_role)
        # Guild scheduled events (/watchparty): their own module, routes added through `_add`.
        self.scheduled_events = ScheduledEvents(self, self._add)

    def _add(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        auth: bool = True,
        interaction: bool = False,
    ) -> None:
        major = tuple(
            p
            for p in ("channel_id", "guild_id", "app_id", "token", "interaction_id")
            if "{" + p + "}" in template
        )
        # Literal routes (/users/@me) win over /users/{user_id}: first match in insertion order.
        self._routes.append(
            _Route(method, template, _compile(template), handler, auth, major, interaction)
        )

    def inject_fault(self, route: str, **options: Any) -> Fault:
        """Answer matching requests with an error from now on (see Fault)."""
        fault = Fault(route, **options)
        self.faults.append(fault)
        return fault

    def _fault_for(self, route: _Route, params: dict[str, str]) -> Fault | None:
        name = f"{route.method} {route.template}"
        for fault in self.faults:
            if fault.fired < fault.skip + fault.times and fault.matches(name, params):
                fault.fired += 1
                if fault.fired > fault.skip:
                    return fault
                return None
        return None

    # ------------------------------------------------------------------ dispatch
    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = (
            request.path[len(API_PREFIX) :] if request.path.startswith(API_PREFIX) else request.path
        )
        route, params = self._match(request.method, path)
        body = await parse_body(request)
        if route is None:
            return self._unimplemented(request, path, body)
        decision = self.limiter.check(
            f"{route.method} {route.template}",
            ":".join(params.get(k, "") for k in route.major),
            exempt_from_global=route.interaction,
        )
        if decision.limited:
            _log.info("429 %s %s (global=%s)", request.method, path, decision.is_global)
            self.requests.append(RequestRecord(request.method, path, 429, body.json))
            return json_body(decision.body(), 429, decision.headers)
        try:
            if route.auth and request.headers.get("Authorization") != f"Bot {self.app.token}":
                raise unauthorized()
            if body.error:
                raise DiscordHTTPError(
                    400,
                    50109,
                    "The request body contains invalid JSON.",
                    kind="invalid_json",
                    details=[body.error],
                )
            fault = self._fault_for(route, params)
            if fault is None or fault.after_effect:
                resp = await route.handler(Ctx(request, params, body))
            if fault is not None:
                if fault.action is not None:
                    outcome = fault.action()
                    if outcome is not None:
                        await outcome
                text = _STATUS_TEXT.get(fault.status, "Server Error")
                resp = json_body({"message": f"{fault.status}: {text}", "code": 0}, fault.status)
        except DiscordHTTPError as err:
            if err.record:
                self._violate(err, request.method, path, body.json)
            resp = json_body(err.body(), err.status)
        for key, value in decision.headers.items():
            resp.headers[key] = value
        self.requests.append(RequestRecord(request.method, path, resp.status, body.json))
        return resp

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for route in self._routes:
            if route.method != method:
                continue
            m = route.regex.match(path)
            if m:
                return route, m.groupdict()
        return None, {}

    def _violate(self, err: DiscordHTTPError, method: str, path: str, body: Any) -> None:
        violation = Violation(
            err.kind, method, path, err.status, err.code, err.message, err.details, body
        )
        _log.warning("Discord emulator violation: %s", violation)
        self.on_violation(violation)

    def _unimplemented(self, request: web.Request, path: str, body: ParsedBody) -> web.Response:
        err = DiscordHTTPError(404, 0, "404: Not Found", kind="unimplemented_route")
        _log.error(
            "Discord emulator: UNIMPLEMENTED ROUTE %s %s (answered 404)", request.method, path
        )
        self._violate(err, request.method, path, body.json)
        self.requests.append(RequestRecord(request.method, path, 404, body.json))
        return json_body(err.body(), 404)

    # ------------------------------------------------------------------ validation
    def _validate(self, errors: list[FieldError], schema_name: str | None, instance: Any) -> None:
        if schema_name is not None:
            errors = errors + self.schema.validate(schema_name, instance)
        if errors:
            raise invalid_form_body(errors)

    # ------------------------------------------------------------------ users / app / gateway
    async def get_me(self, ctx: Ctx) -> web.Response:
        return json_body(self.app.bot.to_payload())

    async def get_user(self, ctx: Ctx) -> web.Response:
        user = self.state.users.get(path_id(ctx.params["user_id"]))
        if user is None:
            raise DiscordHTTPError(404, 10013, "Unknown User", kind="unknown_user")
        return json_body(user.to_payload())

    async def create_dm(self, ctx: Ctx) -> web.Response:
        recipient = self.state.users.get(path_id((ctx.json or {}).get("recipient_id")))
        if recipient is None:
            raise DiscordHTTPError(404, 10013, "Unknown User", kind="unknown_user")
        channel = self.state.dm_channel(recipient)
        payload = channel.to_payload()
        payload["recipients"] = [recipient.to_payload()]
        return json_body(payload)

    async def get_application(self, ctx: Ctx) -> web.Response:
        return json_body(self.app.to_payload())

    def _ws_url(self) -> str:
        return self.base_url().replace("http://", "ws://")

    async def get_gateway(self, ctx: Ctx) -> web.Response:
        return json_body({"url": self._ws_url()})

    async def get_gateway_bot(self, ctx: Ctx) -> web.Response:
        return json_body(
            {
                "url": self._ws_url(),
                "shards": self.config.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    # ------------------------------------------------------------------ application commands
    def _check_app(self, ctx: Ctx) -> int | None:
        if path_id(ctx.params["app_id"]) != self.app.id:
            raise DiscordHTTPError(403, 50001, "Missing Access", kind="wrong_application")
        guild_id = ctx.params.get("guild_id")
        if guild_id is None:
            return None
        gid = path_id(guild_id)
        if gid not in self.state.guilds:
            raise DiscordHTTPError(403, 50001, "Missing Access", kind="unknown_guild")
        return gid

    async def get_commands(self, ctx: Ctx) -> web.Response:
        """The stored commands; their localization dicts only with ``with_localizations``
        (else the request's X-Discord-Locale's names, as Discord answers)."""
        commands = self.state.commands_for(self._check_app(ctx))
        if ctx.flag("with_localizations"):
            return json_body(commands)
        locale = ctx.request.headers.get("X-Discord-Locale")
        return json_body([as_fetched(c, locale) for c in commands])

    async def put_commands(self, ctx: Ctx) -> web.Response:
        guild_id = self._check_app(ctx)
        body = ctx.json
        errors = _limits.check_command_list(body)
        if isinstance(body, list):
            if len(body) > 100:
                errors.append(((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
            for i, cmd in enumerate(body):
                errors += [
                    ((i, *p), c, m)
                    for p, c, m in self.schema.validate("ApplicationCommandUpdateRequest", cmd)
                ]
        self._validate(errors, None, body)
        stored = self.state.store_commands(self.app.id, guild_id, body)
        self.notify()
        return json_body(stored)

    # ------------------------------------------------------------------ interactions
    def _interaction_message(
        self, inter: Interaction, body: dict[str, Any], *, reply_type: int
    ) -> Message:
        meta = {
            "id": str(inter.id),
            "type": inter.type,
            "user": inter.user.to_payload(),
            "authorizing_integration_owners": dict(
                inter.payload.get("authorizing_integration_owners") or {}
            ),
        }
        if inter.type == 2:
            meta["name"] = inter.payload["data"]["name"]
        return self.state.new_message(
            inter.channel_id,
            self.app.bot,
            body,
            type=reply_type,
            interaction_id=inter.id,
            webhook_id=self.app.id,
            interaction_metadata=meta,
        )

    async def callback(self, ctx: Ctx) -> web.Response:
        inter = self.state.interactions.get(path_id(ctx.params["interaction_id"]))
        if inter is None or inter.token != ctx.params["token"]:
            raise unknown_interaction()
        if inter.is_acked:
            raise already_acknowledged()
        elapsed = self.clock() - inter.created_at
        if elapsed > self.config.ack_deadline:
            err = unknown_interaction()
            err.kind = "late_initial_response"
            err.details = [
                f"initial response {elapsed:.2f}s after INTERACTION_CREATE"
                f" (limit {self.config.ack_deadline}s)"
            ]
            raise err
        body = ctx.json
        if not isinstance(body, dict):
            raise invalid_form_body(
                [((), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")]
            )
        rtype = body.get("type")
        rule = _CALLBACK_RULES.get(rtype) if isinstance(rtype, int) else None
        if rule is None or inter.type not in rule[1]:
            raise invalid_form_body(
                [
                    (
                        ("type",),
                        "INTERACTION_CALLBACK_TYPE_INVALID",
                        f"Callback type {rtype!r} is not valid for interaction type {inter.type}",
                    )
                ]
            )
        data = body.get("data")
        errors: list[FieldError] = []
        edited = self.state.messages.get(inter.message_id or 0) if rtype == 7 else None
        if edited is not None:  # an edit: the message's V2 flag stays
            errors += check_edit(edited.flags, data, _limits.check_message, ("data",))
        elif rtype in (4, 7):
            errors += _limits.check_message(data, ("data",), require_content=rtype == 4)
        elif rtype in (5, 6) and data is not None:
            errors += _limits.check_message(data, ("data",))
        elif rtype == 8:
            errors += _limits.check_autocomplete(data)
        elif rtype == 9:
            errors += _limits.check_modal(data)
        self._validate(errors, rule[0], body)

        message: Message | None = None
        data = data or {}
        if rtype == 4:
            message = self._interaction_message(
                inter, data, reply_type=20 if inter.type == 2 else 19
            )
            inter.original_message_id = message.id
        elif rtype == 5:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self._interaction_message(
                inter, {"flags": flags}, reply_type=20 if inter.type == 2 else 19
            )
            inter.original_message_id = message.id
        elif rtype in (6, 7):
            inter.original_message_id = inter.message_id
            if rtype == 7 and inter.message_id is not None:
                message = self.state.messages.get(inter.message_id)
                if message is not None:
                    message.apply(data, edit=True)
                    message.edited_timestamp = self.clock()
        elif rtype == 8:
            inter.autocomplete_choices = list(data.get("choices") or [])
        elif rtype == 9:
            inter.modal = data
        inter.response_type = rtype
        inter.response_body = body
        inter.acked_at = self.clock()
        inter.acked.set()
        self.notify()

        if not ctx.flag("with_response"):
            return no_content()
        interaction: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        resource: dict[str, Any] = {"type": rtype}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = bool(message.flags & LOADING)
            interaction["response_message_ephemeral"] = message.ephemeral
            resource["message"] = message.to_payload()
        return json_body({"interaction": interaction, "resource": resource})

    def _webhook_interaction(self, ctx: Ctx) -> Interaction:
        inter = self.state.interactions_by_token.get(ctx.params["token"])
        if inter is None or path_id(ctx.params["app_id"]) != inter.application_id:
            raise unknown_webhook()
        if self.clock() - inter.created_at > self.config.token_lifetime:
            raise invalid_webhook_token()
        if not inter.is_acked:
            err = unknown_webhook()
            err.kind = "webhook_before_ack"
            err.details = ["followup/edit used before the interaction was acknowledged"]
            raise err
        return inter

    async def followup(self, ctx: Ctx) -> web.Response:
        inter = self._webhook_interaction(ctx)
        body = ctx.json
        errors = _limits.check_message(body, require_content=not ctx.body.files)
        self._validate(errors, "IncomingWebhookRequestPartial", body)
        self.installs.count_followup(inter.id, inter.payload.get("authorizing_integration_owners"))
        body = body or {}
        original = self.state.messages.get(inter.original_message_id or 0)
        if original is not None and original.flags & LOADING and not inter.followup_ids:
            # Discord: the first followup after a deferred "thinking" response
            # replaces the loading message instead of posting a new one.
            original.apply(body, edit=True)
            original.edited_timestamp = self.clock()
            message = original
        else:
            message = self._interaction_message(inter, body, reply_type=19)
            inter.followup_ids.append(message.id)
        self.notify()
        return json_body(message.to_payload()) if ctx.flag("wait") else no_content()

    async def webhook_message(self, ctx: Ctx) -> web.Response:
        inter = self._webhook_interaction(ctx)
        raw_id = ctx.params["message_id"]
        mid = inter.original_message_id if raw_id == "@original" else path_id(raw_id)
        if mid is None or (mid != inter.original_message_id and mid not in inter.followup_ids):
            raise unknown_message()
        message = self.state.messages.get(mid)
        if message is None or message.deleted:
            raise unknown_message()
        method = ctx.request.method
        if method == "GET":
            return json_body(message.to_payload())
        if method == "DELETE":
            self._delete(message)
            return no_content()
        body = ctx.json
        errors = check_edit(message.flags, body, _limits.check_message)
        self._validate(errors, "IncomingWebhookUpdateRequestPartial", body)
        message.apply(body or {}, edit=True)
        message.edited_timestamp = self.clock()
        self.notify()
        return json_body(message.to_payload())

    def _delete(self, message: Message) -> None:
        message.deleted = True
        channel = self.state.channels.get(message.channel_id)
        if channel is not None and message in channel.messages:
            channel.messages.remove(message)
        self.notify()

    # ------------------------------------------------------------------ channels / messages
    def _channel(self, ctx: Ctx) -> Any:
        channel = self.state.channels.get(path_id(ctx.params["channel_id"]))
        if channel is None:
            raise unknown_channel()
        self.installs.refuse_bot_access(self.state, channel)  # a place only a user install reaches
        return channel

    def _channel_message(self, ctx: Ctx) -> Message:
        channel = self._channel(ctx)
        message = self.state.messages.get(path_id(ctx.params["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown_message()
        return message

    async def get_channel(self, ctx: Ctx) -> web.Response:
        return json_body(self._channel(ctx).to_payload())

    async def list_messages(self, ctx: Ctx) -> web.Response:
        channel = self._channel(ctx)
        limit = min(max(int(ctx.request.query.get("limit", "50")), 1), 100)
        visible = [m for m in channel.messages if not m.ephemeral]
        return json_body([m.to_payload() for m in reversed(visible[-limit:])])

    async def create_message(self, ctx: Ctx) -> web.Response:
        channel = self._channel(ctx)
        body = ctx.json
        errors = _limits.check_message(body, require_content=not ctx.body.files)
        self._validate(errors, "MessageCreateRequest", body)
        require_send_polls(self.state, channel, self.app.bot.id, body)
        message, created = self.state.create_message_once(channel.id, self.app.bot, body or {})
        if created:
            self.notify()
        return json_body(message.to_payload())

    async def get_message(self, ctx: Ctx) -> web.Response:
        await self.polls.finish_due()  # a poll past its expiry is read as ended
        return json_body(self._channel_message(ctx).to_payload())

    async def edit_message(self, ctx: Ctx) -> web.Response:
        message = self._channel_message(ctx)
        if message.author.id != self.app.bot.id:
            raise DiscordHTTPError(
                403, 50005, "Cannot edit a message authored by another user", kind="forbidden"
            )
        body = ctx.json
        errors = check_edit(message.flags, body, _limits.check_message)
        self._validate(errors, "MessageEditRequestPartial", body)
        message.apply(body or {}, edit=True)
        message.edited_timestamp = self.clock()
        self.notify()
        return json_body(message.to_payload())

    async def delete_message(self, ctx: Ctx) -> web.Response:
        self._delete(self._channel_message(ctx))
        return no_content()

    # ------------------------------------------------------------------ guilds
    def _guild(self, ctx: Ctx) -> Any:
        guild = self.state.guilds.get(path_id(ctx.params["guild_id"]))
        if guild is None and path_id(ctx.params["guild_id"]) in self.installs.guilds:
            raise DiscordHTTPError(403, 50001, "Missing Access", kind="guild_without_bot")
        if guild is None:
            raise DiscordHTTPError(404, 10004, "Unknown Guild", kind="unknown_guild")
        return guild

    async def get_guild(self, ctx: Ctx) -> web.Response:
        return json_body(self._guild(ctx).update_payload(self.app.bot.id))

    async def get_guild_channels(self, ctx: Ctx) -> web.Response:
        return json_body([c.to_payload() for c in self._guild(ctx).channels.values()])

    async def get_member(self, ctx: Ctx) -> web.Response:
        member = self._guild(ctx).members.get(path_id(ctx.params["user_id"]))
        if member is None:
            raise DiscordHTTPError(404, 10007, "Unknown Member", kind="unknown_member")
        return json_body(member.to_payload())

    def _role_change(self, ctx: Ctx) -> tuple[Any, int]:
        """The member and role of a role change, after Discord's checks: the bot needs Manage
        Roles (or Administrator), the role must sit below the bot's highest role, and an
        integration's (managed) role can't be given or taken."""
        guild = self._guild(ctx)
        member = guild.members.get(path_id(ctx.params["user_id"]))
        if member is None:
            raise DiscordHTTPError(404, 10007, "Unknown Member", kind="unknown_member")
        role_id = path_id(ctx.params["role_id"])
        role = guild.roles.get(role_id)
        if role is None or role_id == guild.id:
            raise DiscordHTTPError(404, 10011, "Unknown Role", kind="unknown_role")
        me = guild.members[self.app.bot.id]
        mine = [guild.roles[r] for r in [guild.id, *me.roles] if r in guild.roles]
        permissions = 0
        for held in mine:
            permissions |= held.permissions
        manage_roles, administrator = 1 << 28, 1 << 3
        highest = max((r.position for r in mine), default=0)
        if (
            not permissions & (manage_roles | administrator)
            or role.position >= highest
            or role.managed
        ):
            raise DiscordHTTPError(403, 50013, "Missing Permissions", kind="missing_permissions")
        return member, role_id

    async def add_member_role(self, ctx: Ctx) -> web.Response:
        member, role_id = self._role_change(ctx)
        if role_id not in member.roles:
            member.roles.append(role_id)
        self.notify()
        return no_content()

    async def remove_member_role(self, ctx: Ctx) -> web.Response:
        member, role_id = self._role_change(ctx)
        if role_id in member.roles:
            member.roles.remove(role_id)
        self.notify()
        return no_content()
