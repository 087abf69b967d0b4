"""Queries of quote of the day: each server's schedule and the rotation of quotes it was shown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ._database import Repository, Tx
from ._times import iso, utcnow
from ._tracker_models import DailyConfig, DailyPick

_COLUMNS = (
    "guild_id, channel_id, post_time, timezone, starts_on, last_posted_day, configured_by, "
    "configured_at, failure_count, last_error"
)


def _config(row: Iterable[Any]) -> DailyConfig:
    return DailyConfig(*row)


class DailyQuotes(Repository):
    """Quote-of-the-day settings and history over the store's connection."""

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        post_time: str,
        timezone: str,
        *,
        starts_on: str,
        by: int | None = None,
        now: datetime | None = None,
    ) -> DailyConfig:
        """Set (or change) a server's schedule. The last posted day is kept, so changing the
        time never causes a second post on the same day; and a schedule switched off and on
        again takes it back from the history, so that does not either."""
        async with self._db.transaction() as db:
            await db.execute(
                """
                INSERT INTO quote_daily
                    (guild_id, channel_id, post_time, timezone, starts_on, configured_by,
                     configured_at, last_posted_day)
                VALUES (?, ?, ?, ?, ?, ?, ?,
                    (SELECT max(day) FROM quote_daily_history WHERE guild_id = ?1))
                ON CONFLICT (guild_id) DO UPDATE SET
                    channel_id = excluded.channel_id, post_time = excluded.post_time,
                    timezone = excluded.timezone, starts_on = excluded.starts_on,
                    configured_by = excluded.configured_by,
                    configured_at = excluded.configured_at,
                    failure_count = 0, last_error = NULL
                """,
                (guild_id, channel_id, post_time, timezone, starts_on, by, iso(now or utcnow())),
            )
        config = await self.get(guild_id)
        if config is None:  # only if another process deleted it within this instant
            raise RuntimeError(f"the quote of the day of server {guild_id} vanished when stored")
        return config

    async def get(self, guild_id: int) -> DailyConfig | None:
        row = await self._db.one(
            f"SELECT {_COLUMNS} FROM quote_daily WHERE guild_id = ?", (guild_id,)
        )
        return _config(row) if row else None

    async def all_configs(self) -> list[DailyConfig]:
        rows = await self._db.all(f"SELECT {_COLUMNS} FROM quote_daily ORDER BY guild_id")
        return [_config(r) for r in rows]

    async def disable(self, guild_id: int) -> bool:
        """Stop posting; the history stays so the rotation resumes where it was if re-enabled."""
        async with self._db.transaction() as db:
            changed = await db.execute("DELETE FROM quote_daily WHERE guild_id = ?", (guild_id,))
            return changed > 0

    async def pick_for_day(
        self, guild_id: int, day: str, *, now: datetime | None = None
    ) -> DailyPick | None:
        """Choose the day's quote and record it with the day as posted, in one transaction.

        None when the day already has its quote (or the server has no schedule, or there are
        no quotes). A quote is not repeated in a server until every quote has been shown there.
        """
        # The schedule's row stays locked until this transaction ends, so whichever processes
        # run the scheduler, one picks the day's quote and the others then see the day posted
        # (PostgreSQL; SQLite runs one write transaction at a time).
        lock = self._db.dialect(sqlite="", postgres=" FOR UPDATE")
        async with self._db.transaction() as db:
            row = await db.one(
                f"SELECT last_posted_day FROM quote_daily WHERE guild_id = ?{lock}", (guild_id,)
            )
            if row is None or row[0] == day:
                return None
            already = (
                await db.one(
                    "SELECT 1 FROM quote_daily_history WHERE guild_id = ? AND day = ?",
                    (guild_id, day),
                )
                is not None
            )
            if already:
                # The day's quote was picked under an earlier schedule (switched off and on, or
                # by another process): that was the day's one quote.
                await db.execute(
                    "UPDATE quote_daily SET last_posted_day = ? WHERE guild_id = ?", (day, guild_id)
                )
                return None
            size = int((await db.one("SELECT count(*) FROM quotes") or (0,))[0])
            if size == 0:
                return None
            choice, cycle = await self._next_in_rotation(db, guild_id, size)
            shown = await db.one(
                "SELECT count(*) FROM quote_daily_history WHERE guild_id = ? AND cycle = ?",
                (guild_id, cycle),
            )
            position = int(shown[0] if shown else 0) + 1
            await db.execute(
                "INSERT INTO quote_daily_history (guild_id, quote_id, day, cycle, shown_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, choice, day, cycle, iso(now or utcnow())),
            )
            await db.execute(
                "UPDATE quote_daily SET last_posted_day = ? WHERE guild_id = ?", (day, guild_id)
            )
        return DailyPick(guild_id, choice, day, cycle, position, size)

    @classmethod
    async def _next_in_rotation(cls, db: Tx, guild_id: int, size: int) -> tuple[int, int]:
        """A random quote not yet shown in the server's current cycle, and that cycle."""
        cycle = int(
            (
                await db.one(
                    "SELECT coalesce(max(cycle), 1) FROM quote_daily_history WHERE guild_id = ?",
                    (guild_id,),
                )
                or (1,)
            )[0]
        )
        choice = await cls._random_unshown(db, guild_id, cycle, avoid=None)
        if choice is not None:
            return choice, cycle
        # Every quote was shown in this cycle: start the next, never opening it with the quote
        # that closed the last one.
        last = await db.one(
            "SELECT quote_id FROM quote_daily_history WHERE guild_id = ? ORDER BY id DESC LIMIT 1",
            (guild_id,),
        )
        cycle += 1
        choice = await cls._random_unshown(
            db, guild_id, cycle, avoid=int(last[0]) if last and size > 1 else None
        )
        if choice is None:  # a new cycle has shown nothing yet, and quotes exist
            raise RuntimeError(f"no quote to pick in cycle {cycle} of server {guild_id}")
        return choice, cycle

    @staticmethod
    async def _random_unshown(
        db: Tx, guild_id: int, cycle: int, *, avoid: int | None
    ) -> int | None:
        row = await db.one(
            """
            SELECT id FROM quotes
            WHERE id NOT IN (
                SELECT quote_id FROM quote_daily_history WHERE guild_id = ? AND cycle = ?
            ) AND id IS DISTINCT FROM ?
            ORDER BY random() LIMIT 1
            """,
            (guild_id, cycle, avoid),
        )
        return int(row[0]) if row else None

    async def record_posted(self, guild_id: int, day: str, message_id: int) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE quote_daily_history SET message_id = ? WHERE guild_id = ? AND day = ?",
                (message_id, guild_id, day),
            )
            await db.execute(
                "UPDATE quote_daily SET failure_count = 0, last_error = NULL WHERE guild_id = ?",
                (guild_id,),
            )

    async def record_failure(self, guild_id: int, error: str) -> int:
        """Count a failed post; returns the failures in a row."""
        async with self._db.transaction() as db:
            row = await db.one(
                "UPDATE quote_daily SET failure_count = failure_count + 1, last_error = ? "
                "WHERE guild_id = ? RETURNING failure_count",
                (error, guild_id),
            )
        return int(row[0]) if row else 0

    async def history(self, guild_id: int) -> list[tuple[str, int, int]]:
        """(day, quote id, cycle) of every quote shown in a server, oldest first."""
        rows = await self._db.all(
            "SELECT day, quote_id, cycle FROM quote_daily_history WHERE guild_id = ? ORDER BY id",
            (guild_id,),
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]
