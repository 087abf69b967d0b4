"""The poll routes (end a poll, list an answer's voters), members' votes, and a poll's end.

See _polls.py for what a poll is; this module is what happens to one: a member votes, its author
ends it early, its expiry passes. Events go only to gateway sessions that asked for them
(intents), as Discord sends them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._driver import ClientRefusal, EmulatorUsageError
from ._errors import DiscordHTTPError, invalid_form_body, unknown_channel, unknown_message
from ._http import json_body, path_id
from ._polls import (
    DIRECT_MESSAGE_POLLS,
    DIRECT_MESSAGES,
    GUILD_MESSAGE_POLLS,
    GUILD_MESSAGES,
    POLL_RESULT_TYPE,
    PollState,
    poll_of,
)

if TYPE_CHECKING:
    from ._gateway import Gateway
    from ._rest import Ctx
    from ._state import Application, Message, State, User

VOTERS_LIMIT_DEFAULT, VOTERS_LIMIT_MAX = 25, 100


class PollRoutes:
    """Votes, early ends and expiry of the polls in the emulator's messages."""

    def __init__(
        self,
        state: State,
        app: Application,
        gateway: Gateway,
        clock: Callable[[], float],
        notify: Callable[[], None],
    ) -> None:
        self.state = state
        self.app = app
        self.gateway = gateway
        self.clock = clock
        self.notify = notify
        # Messages with an open poll, and how many of the state's messages were looked at for
        # polls: each GET of a message ends the due polls, without walking every message again.
        self._open: dict[int, Message] = {}
        self._scanned = 0

    # ------------------------------------------------------------------ events
    async def _send(self, event: str, data: dict[str, Any], guild_id: int | None, bit: int) -> None:
        """Dispatch to the session receiving this server's events, if it asked for `bit`."""
        session = self.gateway.session_for_guild(guild_id)
        if session is not None and (session.identify.intents or 0) & bit:
            await session.dispatch(event, data)

    async def _message_event(self, event: str, message: Message) -> None:
        bit = GUILD_MESSAGES if message.guild_id is not None else DIRECT_MESSAGES
        await self._send(event, message.to_payload(), message.guild_id, bit)

    async def _vote_event(self, added: bool, message: Message, user: User, answer: int) -> None:
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "answer_id": answer,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        bit = GUILD_MESSAGE_POLLS if message.guild_id is not None else DIRECT_MESSAGE_POLLS
        event = "MESSAGE_POLL_VOTE_ADD" if added else "MESSAGE_POLL_VOTE_REMOVE"
        await self._send(event, data, message.guild_id, bit)

    # ------------------------------------------------------------------ ending
    async def finish(self, message: Message) -> None:
        """End the poll: results final, the message updated, POLL_RESULT posted."""
        poll = poll_of(message)
        if poll.finalized:
            return
        poll.finalized = True
        poll.expiry = min(poll.expiry, self.clock())
        message.edited_timestamp = self.clock()
        result = self.state.new_message(
            message.channel_id,
            message.author,
            {"embeds": [poll.result_embed()]},
            type=POLL_RESULT_TYPE,
        )
        result.message_reference = {
            "type": 0,
            "message_id": str(message.id),
            "channel_id": str(message.channel_id),
            **({"guild_id": str(message.guild_id)} if message.guild_id is not None else {}),
        }
        self.notify()
        await self._message_event("MESSAGE_UPDATE", message)
        await self._message_event("MESSAGE_CREATE", result)

    async def finish_due(self) -> list[Message]:
        """End every poll whose expiry has passed on the emulator's clock; returns them."""
        messages = self.state.messages  # only ever added to (a deleted message is marked)
        for message in itertools.islice(messages.values(), self._scanned, None):
            if message.poll is not None and not message.poll.finalized:
                self._open[message.id] = message
        self._scanned = len(messages)
        # A deleted poll message just goes: nothing is counted or posted for it.
        for message_id in [i for i, m in self._open.items() if m.deleted]:
            del self._open[message_id]
        now = self.clock()
        due = [m for m in self._open.values() if m.poll is not None and m.poll.expiry <= now]
        for message in due:
            await self.finish(message)
            del self._open[message.id]
        return due

    # ------------------------------------------------------------------ votes
    def _open_poll(self, message: Message, answers: list[int]) -> PollState:
        if message.deleted or message.poll is None:
            raise EmulatorUsageError(f"message {message.id} has no poll")
        poll = message.poll
        if poll.finalized or poll.expiry <= self.clock():
            raise ClientRefusal("the poll has ended: Discord's client offers no vote")
        unknown = [a for a in answers if a not in poll.answer_ids]
        if unknown:
            raise EmulatorUsageError(
                f"the poll has no answer(s) {unknown}; it has {poll.answer_ids}"
            )
        if len(set(answers)) > 1 and not poll.allow_multiselect:
            raise ClientRefusal("the poll allows one answer only")
        return poll

    async def vote(self, message: Message, user: User, answers: list[int]) -> None:
        """A member's vote (it replaces their earlier one): an event per answer added/removed."""
        await self.finish_due()
        poll = self._open_poll(message, answers)
        if message.guild_id is not None:
            guild = self.state.guilds.get(message.guild_id)
            if guild is None or user.id not in guild.members:
                raise EmulatorUsageError(f"{user.username} is not a member of that server")
        before = poll.votes.get(user.id, [])
        after = sorted(set(answers))
        poll.votes[user.id] = after
        self.notify()
        for answer in (a for a in before if a not in after):
            await self._vote_event(False, message, user, answer)
        for answer in (a for a in after if a not in before):
            await self._vote_event(True, message, user, answer)

    # ------------------------------------------------------------------ routes
    def _message(self, ctx: Ctx) -> Message:
        channel = self.state.channels.get(path_id(ctx.params["channel_id"]))
        if channel is None:
            raise unknown_channel()
        message = self.state.messages.get(path_id(ctx.params["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown_message()
        return message

    async def expire(self, ctx: Ctx) -> web.Response:
        """POST /channels/{c}/polls/{m}/expire: only the poll's author may end it, once."""
        await self.finish_due()
        message = self._message(ctx)
        poll = poll_of(message)
        if message.author.id != self.app.bot.id:
            raise DiscordHTTPError(
                403, 50005, "Cannot edit a message authored by another user", kind="forbidden"
            )
        if poll.finalized:
            raise DiscordHTTPError(400, 520001, "Poll expired", kind="poll_expired")
        await self.finish(message)
        return json_body(message.to_payload())

    async def voters(self, ctx: Ctx) -> web.Response:
        """GET /channels/{c}/polls/{m}/answers/{a}: the voters, by id, `after` and `limit`."""
        await self.finish_due()
        message = self._message(ctx)
        poll = message.poll
        answer = path_id(ctx.params["answer_id"])
        if poll is None or answer not in poll.answer_ids:
            raise DiscordHTTPError(404, 10008, "Unknown Message", kind="unknown_answer")
        query = ctx.request.query
        limit = path_id(query.get("limit", VOTERS_LIMIT_DEFAULT))
        if not 1 <= limit <= VOTERS_LIMIT_MAX:
            raise invalid_form_body(
                [
                    (
                        ("limit",),
                        "NUMBER_TYPE_MAX",
                        f"Int value should be between 1 and {VOTERS_LIMIT_MAX}.",
                    )
                ]
            )
        after = path_id(query.get("after", 0))
        ids = [u for u in poll.voters(answer) if u > after][:limit]
        users = [self.state.users[u].to_payload() for u in ids if u in self.state.users]
        return json_body({"users": users})
