"""Queries of native polls: each poll /poll cast posted, its answers (names from the stored cast),
and the votes Discord counted, stored once the poll has ended.

A poll asks; it states no fact. What is stored of its outcome is only Discord's final count of
votes per answer, labelled as votes wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec

from ._database import Repository
from ._times import iso, parse_iso

_COLUMNS = (
    "id, guild_id, channel_id, message_id, question, multiselect, created_by, created_at, "
    "expires_at, finalized_at"
)


class PollAnswer(msgspec.Struct, frozen=True):
    answer_id: int  # Discord's number for the answer, 1..10 in the order sent
    person_key: str
    label: str  # the name as the store prints it, shown on the poll
    votes: int | None  # Discord's final count; None until the poll has ended


class StoredPoll(msgspec.Struct, frozen=True):
    id: int
    guild_id: int
    channel_id: int
    message_id: int
    question: str
    multiselect: bool
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    finalized_at: datetime | None
    answers: tuple[PollAnswer, ...]

    @property
    def finished(self) -> bool:
        """Whether Discord's final results are stored."""
        return self.finalized_at is not None


class NewPoll(msgspec.Struct, frozen=True):
    """A poll Discord accepted, to be stored."""

    guild_id: int
    channel_id: int
    message_id: int
    question: str
    answers: Sequence[tuple[str, str]]  # (person_key, label), in the order sent
    multiselect: bool
    created_by: int | None
    created_at: datetime
    expires_at: datetime


def _poll(row: Sequence[Any], answers: Sequence[Sequence[Any]]) -> StoredPoll:
    return StoredPoll(
        id=int(row[0]),
        guild_id=int(row[1]),
        channel_id=int(row[2]),
        message_id=int(row[3]),
        question=row[4],
        multiselect=bool(row[5]),
        created_by=None if row[6] is None else int(row[6]),
        created_at=parse_iso(row[7]),
        expires_at=parse_iso(row[8]),
        finalized_at=None if row[9] is None else parse_iso(row[9]),
        answers=tuple(
            PollAnswer(int(a[0]), a[1], a[2], None if a[3] is None else int(a[3])) for a in answers
        ),
    )


class PollStore(Repository):
    """The polls of every server over the store's connection."""

    async def record(self, poll: NewPoll) -> StoredPoll:
        """Store a poll Discord has posted, with its answers, in one transaction."""
        async with self._db.transaction() as db:
            inserted = await db.one(
                f"INSERT INTO polls ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) RETURNING id",
                (
                    poll.guild_id,
                    poll.channel_id,
                    poll.message_id,
                    poll.question,
                    int(poll.multiselect),
                    poll.created_by,
                    iso(poll.created_at),
                    iso(poll.expires_at),
                ),
            )
            if inserted is None:
                raise RuntimeError("the database returned no id for a new poll")
            poll_id = int(inserted[0])
            await db.execute_many(
                "INSERT INTO poll_answers (message_id, answer_id, person_key, label) "
                "VALUES (?, ?, ?, ?)",
                [
                    (poll.message_id, number, key, label)
                    for number, (key, label) in enumerate(poll.answers, start=1)
                ],
            )
        # The poll as `get` would read it back (times to the second, as stored), without
        # asking the database again for what it was just given.
        return StoredPoll(
            id=poll_id,
            guild_id=poll.guild_id,
            channel_id=poll.channel_id,
            message_id=poll.message_id,
            question=poll.question,
            multiselect=poll.multiselect,
            created_by=poll.created_by,
            created_at=parse_iso(iso(poll.created_at)),
            expires_at=parse_iso(iso(poll.expires_at)),
            finalized_at=None,
            answers=tuple(
                PollAnswer(number, key, label, None)
                for number, (key, label) in enumerate(poll.answers, start=1)
            ),
        )

    async def _with_answers(self, rows: Sequence[Sequence[Any]]) -> list[StoredPoll]:
        if not rows:
            return []
        messages = [int(r[3]) for r in rows]
        marks = ", ".join("?" for _ in messages)
        answers = await self._db.all(
            "SELECT message_id, answer_id, person_key, label, votes FROM poll_answers "
            f"WHERE message_id IN ({marks}) ORDER BY message_id, answer_id",
            tuple(messages),
        )
        by_message: dict[int, list[Sequence[Any]]] = {}
        for answer in answers:
            by_message.setdefault(int(answer[0]), []).append(answer[1:])
        return [_poll(r, by_message.get(int(r[3]), [])) for r in rows]

    async def get(self, guild_id: int, poll_id: int) -> StoredPoll | None:
        """A poll of this server (another server's poll is not found)."""
        rows = await self._db.all(
            f"SELECT {_COLUMNS} FROM polls WHERE id = ? AND guild_id = ?", (poll_id, guild_id)
        )
        found = await self._with_answers(rows)
        return found[0] if found else None

    async def of_guild(self, guild_id: int, limit: int = 25) -> list[StoredPoll]:
        """The server's polls, newest first."""
        rows = await self._db.all(
            f"SELECT {_COLUMNS} FROM polls WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return await self._with_answers(rows)

    async def due(self, now: datetime, limit: int = 50) -> list[StoredPoll]:
        """Polls past their expiry whose final results are not stored yet, oldest first."""
        rows = await self._db.all(
            f"SELECT {_COLUMNS} FROM polls WHERE finalized_at IS NULL AND expires_at <= ? "
            "ORDER BY expires_at, id LIMIT ?",
            (iso(now), limit),
        )
        return await self._with_answers(rows)

    async def next_expiry(self) -> datetime | None:
        """When the next open poll ends, if any poll is open."""
        row = await self._db.one("SELECT min(expires_at) FROM polls WHERE finalized_at IS NULL")
        return parse_iso(row[0]) if row and row[0] is not None else None

    async def finalize(
        self, poll_id: int, votes: Mapping[int, int] | None, *, now: datetime, ended_at: datetime
    ) -> bool:
        """Store Discord's final counts (answer id -> votes; an answer not listed had none),
        once: False when they were already stored (by another process, or an earlier pass).
        `votes` None: the poll ended without a count to store (its message was deleted)."""
        async with self._db.transaction() as db:
            changed = await db.execute(
                # Ended early: the end is when it ended, never later than its expiry.
                "UPDATE polls SET finalized_at = ?, "
                "expires_at = CASE WHEN ? < expires_at THEN ? ELSE expires_at END "
                "WHERE id = ? AND finalized_at IS NULL",
                (iso(now), iso(ended_at), iso(ended_at), poll_id),
            )
            if not changed:
                return False
            if votes is None:
                return True
            answers = "(SELECT message_id FROM polls WHERE id = ?)"
            await db.execute(
                f"UPDATE poll_answers SET votes = 0 WHERE message_id = {answers}", (poll_id,)
            )
            await db.execute_many(
                f"UPDATE poll_answers SET votes = ? WHERE message_id = {answers} AND answer_id = ?",
                [(count, poll_id, answer) for answer, count in votes.items()],
            )
            return True
