"""Native polls as Discord runs them: the body's limits, Send Polls, votes, expiry and results.

A message created with a ``poll`` keeps a ``PollState``. Members vote (``Emulator.vote``); each
vote is a MESSAGE_POLL_VOTE_ADD/REMOVE event for sessions that asked for the poll intents
(GUILD_MESSAGE_POLLS 1 << 24, DIRECT_MESSAGE_POLLS 1 << 25; not privileged). A poll ends at its
expiry on the emulator's clock, or early by its author (POST .../polls/{message}/expire); its
results are then final (``results.is_finalized``), the poll message is updated and Discord's
POLL_RESULT system message (type 46) is posted in the channel. Finalising happens when something
looks at the poll after its expiry (a fetch, a vote, the expire route) or when a test calls
``Emulator.finish_due_polls``.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._bits import ADMINISTRATOR, SEND_POLLS, VIEW_CHANNEL
from ._components_v2 import IS_COMPONENTS_V2
from ._errors import DiscordHTTPError, FieldError

if TYPE_CHECKING:
    from ._state import Channel, Guild, Message, State

Path = tuple[str | int, ...]

QUESTION_MAX = 300
ANSWER_MAX = 55
ANSWERS_MAX = 10
DURATION_MIN, DURATION_MAX, DURATION_DEFAULT = 1, 768, 24  # hours
LAYOUT_DEFAULT = 1
GUILD_MESSAGE_POLLS = 1 << 24
DIRECT_MESSAGE_POLLS = 1 << 25
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
POLL_RESULT_TYPE = 46


def _length_error(path: Path, limit: int) -> FieldError:
    return (path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length.")


def _check_media(errors: list[FieldError], path: Path, media: Any, limit: int) -> None:
    if not isinstance(media, dict):
        errors.append((path, "MODEL_TYPE_REQUIRED", "This field is required"))
        return
    text = media.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        errors.append(_length_error((*path, "text"), limit))


def _check_answers(errors: list[FieldError], path: Path, answers: Any) -> None:
    if not isinstance(answers, list) or not 1 <= len(answers) <= ANSWERS_MAX:
        errors.append(
            (path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {ANSWERS_MAX} in length.")
        )
        return
    for i, answer in enumerate(answers):
        media = answer.get("poll_media") if isinstance(answer, dict) else None
        _check_media(errors, (*path, i, "poll_media"), media, ANSWER_MAX)


def _check_duration(errors: list[FieldError], path: Path, duration: Any) -> None:
    if duration is None:
        return
    whole = isinstance(duration, int) or (isinstance(duration, float) and duration.is_integer())
    if isinstance(duration, bool) or not whole:
        errors.append((path, "NUMBER_TYPE_COERCE", f"Value {duration!r} is not int."))
    elif not DURATION_MIN <= duration <= DURATION_MAX:
        errors.append(
            (
                path,
                "NUMBER_TYPE_MAX" if duration > DURATION_MAX else "NUMBER_TYPE_MIN",
                f"Int value should be between {DURATION_MIN} and {DURATION_MAX}.",
            )
        )


def check_poll(body: Any, path: Path = ()) -> list[FieldError]:
    """Discord's limits on a message body's ``poll`` (none when the body has no poll)."""
    if not isinstance(body, dict) or body.get("poll") is None:
        return []
    poll, where = body["poll"], (*path, "poll")
    if not isinstance(poll, dict):
        return [(where, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")]
    errors: list[FieldError] = []
    _check_media(errors, (*where, "question"), poll.get("question"), QUESTION_MAX)
    _check_answers(errors, (*where, "answers"), poll.get("answers"))
    _check_duration(errors, (*where, "duration"), poll.get("duration"))
    layout = poll.get("layout_type")
    if layout is not None and layout != LAYOUT_DEFAULT:
        errors.append(((*where, "layout_type"), "ENUM_TYPE_COERCE", f"{layout!r} is not valid."))
    flags = body.get("flags") or 0
    if isinstance(flags, int) and flags & IS_COMPONENTS_V2:
        errors.append(
            (where, "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "polls can't be sent")
        )
    return errors


def channel_permissions(guild: Guild, channel: Channel, user_id: int) -> int:
    """A member's permissions in a channel, as Discord computes them: the server's roles, then
    the channel's overwrites for @everyone, for the member's roles, then for the member."""
    member = guild.members.get(user_id)
    if member is None:
        return 0
    base = guild.permissions_of(member)
    if base & ADMINISTRATOR or user_id == guild.owner_id:
        return base
    overwrites = {int(o["id"]): o for o in channel.permission_overwrites}

    def apply(perms: int, overwrite: dict[str, Any] | None) -> int:
        if overwrite is None:
            return perms
        return (perms & ~int(overwrite.get("deny") or 0)) | int(overwrite.get("allow") or 0)

    perms = apply(base, overwrites.get(guild.id))
    deny = allow = 0
    for role_id in member.roles:
        overwrite = overwrites.get(role_id)
        if overwrite is not None:
            deny |= int(overwrite.get("deny") or 0)
            allow |= int(overwrite.get("allow") or 0)
    perms = (perms & ~deny) | allow
    return apply(perms, overwrites.get(user_id))


def require_send_polls(state: State, channel: Channel, user_id: int, body: Any) -> None:
    """403 Missing Permissions (50013) for a poll in a server channel without Send Polls."""
    if not isinstance(body, dict) or body.get("poll") is None or channel.guild_id is None:
        return
    guild = state.guilds.get(channel.guild_id)
    if guild is None:
        return
    perms = channel_permissions(guild, channel, user_id)
    if not perms & VIEW_CHANNEL or not perms & SEND_POLLS:
        raise DiscordHTTPError(
            403,
            50013,
            "Missing Permissions",
            kind="missing_permissions",
            details=["a poll needs Send Polls (1 << 49) in the channel"],
        )


def _iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, datetime.UTC).isoformat()


@dataclass
class PollState:
    """One message's poll: its answers, every member's votes, and whether it has ended."""

    question: str
    answers: list[dict[str, Any]]  # [{"answer_id": 1, "poll_media": {...}}, ...]
    allow_multiselect: bool
    layout_type: int
    expiry: float
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> answer ids
    finalized: bool = False

    @classmethod
    def from_request(cls, poll: dict[str, Any], created_at: float) -> PollState:
        hours = poll.get("duration")
        hours = DURATION_DEFAULT if hours is None else int(hours)
        answers = [
            {"answer_id": i, "poll_media": copy.deepcopy(a["poll_media"])}
            for i, a in enumerate(poll["answers"], start=1)
        ]
        return cls(
            question=poll["question"]["text"],
            answers=answers,
            allow_multiselect=bool(poll.get("allow_multiselect")),
            layout_type=int(poll.get("layout_type") or LAYOUT_DEFAULT),
            expiry=created_at + hours * 3600,
        )

    @property
    def answer_ids(self) -> list[int]:
        return [a["answer_id"] for a in self.answers]

    def count(self, answer_id: int) -> int:
        return sum(answer_id in chosen for chosen in self.votes.values())

    def voters(self, answer_id: int) -> list[int]:
        return sorted(user for user, chosen in self.votes.items() if answer_id in chosen)

    def to_payload(self) -> dict[str, Any]:
        counts = [
            {"id": answer_id, "count": self.count(answer_id), "me_voted": False}
            for answer_id in self.answer_ids
            if self.count(answer_id)
        ]
        return {
            "question": {"text": self.question},
            "answers": copy.deepcopy(self.answers),
            "expiry": _iso(self.expiry),
            "allow_multiselect": self.allow_multiselect,
            "layout_type": self.layout_type,
            "results": {"answer_counts": counts, "is_finalized": self.finalized},
        }

    def result_embed(self) -> dict[str, Any]:
        """The POLL_RESULT message's embed: the winner only when one answer has the most votes."""
        total = len([chosen for chosen in self.votes.values() if chosen])
        fields = [("poll_question_text", self.question), ("total_votes", str(total))]
        counts = {a: self.count(a) for a in self.answer_ids}
        best = max(counts.values(), default=0)
        leaders = [a for a, n in counts.items() if n == best]
        if best > 0 and len(leaders) == 1:
            answer = next(a for a in self.answers if a["answer_id"] == leaders[0])
            fields += [
                ("victor_answer_votes", str(best)),
                ("victor_answer_id", str(leaders[0])),
                ("victor_answer_text", answer["poll_media"].get("text") or ""),
            ]
        return {
            "type": "poll_result",
            "fields": [{"name": n, "value": v, "inline": False} for n, v in fields],
        }


def poll_of(message: Message) -> PollState:
    """The message's poll, or Discord's 520006 for a message without one."""
    poll = message.poll
    if poll is None:
        raise DiscordHTTPError(
            400, 520006, "Cannot expire a non-poll message", kind="not_a_poll", record=True
        )
    return poll
