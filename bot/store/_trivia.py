"""Trivia: rounds, one answer per member per question, and per-server scores.

Answers and points are written in one transaction (under SQLite's write lock; on PostgreSQL the
open round's row is locked while an answer is recorded), and the database itself refuses a
second answer (primary key) and decides whether an answer is right (it holds the right option of
every open round), so many simultaneous presses can neither lose nor double a point.
"""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec

from bot.ui.display_names import clean_display_name

from ._database import Repository
from ._errors import ConstraintError
from ._models import Source
from ._times import millisecond_stamp

POINTS_PER_CORRECT_ANSWER = 1
DISPLAY_NAME_LIMIT = 100
# One answer's points, added to the member's score in that server (created at the first).
# The score's own columns are named with the table: PostgreSQL finds a bare `points` ambiguous
# next to `excluded.points`.
_ADD_TO_SCORE = """
    INSERT INTO trivia_scores (guild_id, user_id, display_name, points, answered, correct,
                               updated_at)
    VALUES (?, ?, ?, ?, 1, ?, ?)
    ON CONFLICT(guild_id, user_id) DO UPDATE SET
        points = trivia_scores.points + excluded.points,
        answered = trivia_scores.answered + 1,
        correct = trivia_scores.correct + excluded.correct,
        display_name = excluded.display_name,
        updated_at = excluded.updated_at
"""


class AnswerStatus(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this member already answered this question
    CLOSED = "closed"  # the question is closed (or unknown)


class AnswerOutcome(msgspec.Struct, frozen=True):
    status: AnswerStatus
    correct: bool = False

    @property
    def recorded(self) -> bool:
        return self.status is AnswerStatus.RECORDED


class RoundAnswer(msgspec.Struct, frozen=True):
    user_id: int
    display_name: str
    choice: int
    correct: bool


class ScoreEntry(msgspec.Struct, frozen=True):
    rank: int  # 1-based; members with equal points share a rank
    user_id: int
    display_name: str
    points: int
    answered: int
    correct: int


class PersonName(msgspec.Struct, frozen=True):
    key: str
    name: str
    excerpt: str
    source: Source


class CreditRecord(msgspec.Struct, frozen=True):
    """A credit with both ends named, for building questions."""

    work_key: str
    work_title: str | None
    work_kind: str
    person_key: str
    person_name: str
    role: str
    billing: int | None
    top_billed: bool
    excerpt: str
    source: Source


class TriviaStore(Repository):
    # ------------------------------------------------------------------ material for questions

    async def people(self) -> list[PersonName]:
        rows = await self._db.all(
            "SELECT p.key, p.name, p.excerpt, s.key, s.title, s.outlet, s.url, s.published "
            "FROM people p JOIN sources s ON s.id = p.source_id ORDER BY p.id"
        )
        return [PersonName(r[0], r[1], r[2], Source(*r[3:8])) for r in rows]

    async def credits(self) -> list[CreditRecord]:
        rows = await self._db.all(
            """
            SELECT w.key, w.title, w.kind, p.key, p.name, c.role, c.billing, c.top_billed,
                   c.excerpt, s.key, s.title, s.outlet, s.url, s.published
            FROM credits c
            JOIN works w ON w.id = c.work_id
            JOIN people p ON p.id = c.person_id
            JOIN sources s ON s.id = c.source_id
            ORDER BY c.id
            """
        )
        return [
            CreditRecord(*r[:7], bool(r[7]), r[8], Source(r[9], r[10], r[11], r[12], r[13]))
            for r in rows
        ]

    # ------------------------------------------------------------------ rounds and answers

    async def open_round(
        self,
        guild_id: int,
        channel_id: int,
        question_key: str,
        correct_option: int,
        *,
        now: datetime | None = None,
    ) -> int | None:
        """Start a question; None when the channel already has one open (the database's unique
        index on open rounds refuses a second one, on both engines, even from another process)."""
        try:
            async with self._db.transaction() as db:
                inserted = await db.one(
                    "INSERT INTO trivia_rounds (guild_id, channel_id, question_key, correct_option,"
                    " started_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (guild_id, channel_id, question_key, correct_option, millisecond_stamp(now)),
                )
                return int(inserted[0]) if inserted else None
        except ConstraintError:
            return None

    async def record_answer(
        self,
        round_id: int,
        user_id: int,
        display_name: str,
        choice: int,
        *,
        now: datetime | None = None,
    ) -> AnswerOutcome:
        """Record a member's only answer to an open question and score it, atomically."""
        # Stored already cleaned of direction overrides and pill syntax (bot/ui/display_names.py).
        name = clean_display_name(display_name)[:DISPLAY_NAME_LIMIT] or str(user_id)
        stamp = millisecond_stamp(now)
        async with self._db.transaction() as db:
            # PostgreSQL: the shared lock holds close_round off until this answer is in (and an
            # answer waiting on a closing round sees it closed); SQLite's write lock does both.
            row = await db.one(
                "SELECT guild_id, correct_option FROM trivia_rounds "
                "WHERE id = ? AND closed_at IS NULL"
                + self._db.dialect(sqlite="", postgres=" FOR SHARE"),
                (round_id,),
            )
            if row is None:
                return AnswerOutcome(AnswerStatus.CLOSED)
            guild_id, correct_option = row
            correct = int(choice == correct_option)
            changed = await db.execute(
                "INSERT INTO trivia_answers (round_id, user_id, choice, correct, answered_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (round_id, user_id, choice, correct, stamp),
            )
            if changed == 0:
                return AnswerOutcome(AnswerStatus.DUPLICATE)
            points = correct * POINTS_PER_CORRECT_ANSWER
            await db.execute(_ADD_TO_SCORE, (guild_id, user_id, name, points, correct, stamp))
            return AnswerOutcome(AnswerStatus.RECORDED, bool(correct))

    async def close_round(self, round_id: int, *, now: datetime | None = None) -> list[RoundAnswer]:
        """Close a question and return its answers in the order given; they are then deleted
        (the scores keep the totals)."""
        async with self._db.transaction() as db:
            # Closed first: on PostgreSQL this waits for answers being recorded, so the answers
            # read next include every one that scored.
            await db.execute(
                "UPDATE trivia_rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                (millisecond_stamp(now), round_id),
            )
            rows = await db.all(
                """
                SELECT a.user_id, coalesce(s.display_name, CAST(a.user_id AS TEXT)), a.choice,
                       a.correct
                FROM trivia_answers a
                JOIN trivia_rounds r ON r.id = a.round_id
                LEFT JOIN trivia_scores s ON s.guild_id = r.guild_id AND s.user_id = a.user_id
                WHERE a.round_id = ?
                ORDER BY a.answered_at, a.user_id
                """,
                (round_id,),
            )
            await db.execute("DELETE FROM trivia_answers WHERE round_id = ?", (round_id,))
        return [RoundAnswer(r[0], str(r[1]), r[2], bool(r[3])) for r in rows]

    async def close_stale_rounds(
        self, *, started_before: datetime | None = None, now: datetime | None = None
    ) -> int:
        """Close rounds left open by a previous run (their buttons no longer work).

        `started_before`: only rounds started before then. Processes sharing the database (shards)
        must pass it, so one restarting never closes another's live question: a round older than
        the longest question is nobody's any more."""
        stale = "closed_at IS NULL AND (CAST(:cutoff AS TEXT) IS NULL OR started_at < :cutoff)"
        cutoff = millisecond_stamp(started_before) if started_before else None
        async with self._db.transaction() as db:
            await db.execute(
                f"DELETE FROM trivia_answers WHERE round_id IN "
                f"(SELECT id FROM trivia_rounds WHERE {stale})",
                {"cutoff": cutoff},
            )
            changed = await db.execute(
                f"UPDATE trivia_rounds SET closed_at = :now WHERE {stale}",
                {"now": millisecond_stamp(now), "cutoff": cutoff},
            )
            return changed

    # ------------------------------------------------------------------ scores

    _RANKED = """
        SELECT RANK() OVER (ORDER BY points DESC) AS rank, user_id, display_name, points,
               answered, correct
        FROM trivia_scores WHERE guild_id = ?
    """

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[ScoreEntry]:
        rows = await self._db.all(
            self._RANKED + " ORDER BY points DESC, answered, updated_at, user_id LIMIT ?",
            (guild_id, max(1, min(limit, 100))),
        )
        return [ScoreEntry(*r) for r in rows]

    async def standing(self, guild_id: int, user_id: int) -> ScoreEntry | None:
        rows = await self._db.all(
            f"SELECT * FROM ({self._RANKED}) AS ranked WHERE user_id = ?", (guild_id, user_id)
        )
        return ScoreEntry(*rows[0]) if rows else None

    async def player_count(self, guild_id: int) -> int:
        rows = await self._db.all(
            "SELECT count(*) FROM trivia_scores WHERE guild_id = ?", (guild_id,)
        )
        return int(rows[0][0])
