"""Queries of the sequel tracker: the timeline, the servers following it, and deliveries.

Delivery is at most once per (update, server): a row is created 'pending' with every follow in
the same transaction as the update, claimed ('sending') just before the send, and settled
('sent', 'failed', 'uncertain', 'skipped') right after it. Only a 'pending' row can be claimed,
so two tasks or processes sharing the database never send the same row twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from ._cache import cached
from ._queries import Queries
from ._tracker_models import (
    Delivery,
    DeliveryCounts,
    Follow,
    NewUpdate,
    SequelUpdate,
)

Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]


def iso(moment: datetime) -> str:
    """A UTC timestamp as stored: '2025-06-01T12:00:00+00:00'."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def utcnow() -> datetime:
    return datetime.now(UTC)


_UPDATE_COLUMNS = (
    "id, key, headline, body, published_at, source_outlet, source_url, stage, origin, "
    "added_by, created_at"
)
# Newest first: dated updates by date, undated ones (date unknown) after them, ties by id.
_NEWEST_FIRST = "published_at IS NULL, published_at DESC, id DESC"
_FOLLOW_COLUMNS = (
    "guild_id, channel_id, role_id, followed_by, followed_at, active, failure_count, "
    "last_error, last_error_at, last_delivered_at, unfollowed_reason, unfollowed_at"
)
_DELIVERY_COLUMNS = (
    "id, update_id, guild_id, channel_id, role_id, state, message_id, attempts, error, claimed_at"
)


def _update(row: Iterable[Any]) -> SequelUpdate:
    return SequelUpdate(*row)


def _follow(row: Iterable[Any]) -> Follow:
    values = list(row)
    values[5] = bool(values[5])
    return Follow(*values)


def _delivery(row: Iterable[Any]) -> Delivery:
    return Delivery(*row)


class Tracker(Queries):
    """The sequel tracker's reads and writes over the store's connection."""

    def __init__(self, db: aiosqlite.Connection, transaction: Transaction) -> None:
        super().__init__(db)
        self._transaction = transaction

    # ------------------------------------------------------------------ the timeline

    @cached
    async def timeline(self, *, limit: int = 100, offset: int = 0) -> list[SequelUpdate]:
        """Updates newest first."""
        rows = await self._all(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates ORDER BY {_NEWEST_FIRST} "
            "LIMIT ? OFFSET ?",
            (max(0, limit), max(0, offset)),
        )
        return [_update(r) for r in rows]

    @cached
    async def count_updates(self) -> int:
        row = await self._one("SELECT count(*) FROM sequel_updates")
        return int(row[0]) if row else 0

    async def update(self, update_id: int) -> SequelUpdate | None:
        row = await self._one(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE id = ?", (update_id,)
        )
        return _update(row) if row else None

    async def latest_update(self) -> SequelUpdate | None:
        updates = await self.timeline(limit=1)
        return updates[0] if updates else None

    @cached
    async def current_stage(self) -> str | None:
        """The stage set by the newest update that sets one."""
        row = await self._one(
            f"SELECT stage FROM sequel_updates WHERE stage IS NOT NULL ORDER BY {_NEWEST_FIRST} "
            "LIMIT 1"
        )
        return row[0] if row else None

    @cached
    async def stage_history(self) -> list[SequelUpdate]:
        """Every update that sets a stage, newest first (the first one sets the current stage)."""
        rows = await self._all(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE stage IS NOT NULL "
            f"ORDER BY {_NEWEST_FIRST}"
        )
        return [_update(r) for r in rows]

    async def find_duplicate(self, new: NewUpdate) -> SequelUpdate | None:
        """An update already in the timeline with the same key, or the same headline and link."""
        if new.key is not None:
            row = await self._one(
                f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE key = ?", (new.key,)
            )
            if row:
                return _update(row)
        row = await self._one(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates "
            "WHERE lower(headline) = lower(?) AND source_url IS ? LIMIT 1",
            (new.headline, new.source_url),
        )
        return _update(row) if row else None

    async def add_update(
        self,
        new: NewUpdate,
        *,
        added_by: int | None = None,
        announce: bool = True,
        now: datetime | None = None,
    ) -> tuple[SequelUpdate, int]:
        """Store an update and, when `announce`, queue one delivery per following server.

        Both happen in one transaction, so an update is never stored without its deliveries.
        Returns the update and how many deliveries were queued.
        """
        stamp = iso(now or utcnow())
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                INSERT INTO sequel_updates
                    (key, headline, body, published_at, source_outlet, source_url, stage,
                     origin, added_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'admin', ?, ?)
                """,
                (
                    new.key,
                    new.headline,
                    new.text,
                    new.published_at,
                    new.source_outlet,
                    new.source_url,
                    new.stage,
                    added_by,
                    stamp,
                ),
            )
            update_id = int(cursor.lastrowid or 0)
            queued = 0
            if announce:
                cursor = await db.execute(
                    """
                    INSERT INTO sequel_deliveries
                        (update_id, guild_id, channel_id, role_id, state, created_at)
                    SELECT ?, guild_id, channel_id, role_id, 'pending', ?
                    FROM sequel_follows WHERE active = 1
                    """,
                    (update_id, stamp),
                )
                queued = cursor.rowcount
        update = await self.update(update_id)
        assert update is not None
        return update, queued

    # ------------------------------------------------------------------ following

    async def follow(
        self,
        guild_id: int,
        channel_id: int,
        role_id: int | None,
        *,
        by: int | None = None,
        now: datetime | None = None,
    ) -> Follow:
        """Follow (or change the channel/role of) a server; clears any earlier failures."""
        stamp = iso(now or utcnow())
        async with self._transaction() as db:
            await db.execute(
                """
                INSERT INTO sequel_follows
                    (guild_id, channel_id, role_id, followed_by, followed_at, active)
                VALUES (?, ?, ?, ?, ?, 1)
                ON CONFLICT (guild_id) DO UPDATE SET
                    channel_id = excluded.channel_id, role_id = excluded.role_id,
                    followed_by = excluded.followed_by, followed_at = excluded.followed_at,
                    active = 1, failure_count = 0, last_error = NULL, last_error_at = NULL,
                    unfollowed_reason = NULL, unfollowed_at = NULL
                """,
                (guild_id, channel_id, role_id, by, stamp),
            )
            # Deliveries still waiting go to the new channel, mentioning the new role.
            await db.execute(
                "UPDATE sequel_deliveries SET channel_id = ?, role_id = ? "
                "WHERE guild_id = ? AND state = 'pending'",
                (channel_id, role_id, guild_id),
            )
        follow = await self.get_follow(guild_id)
        assert follow is not None
        return follow

    @cached
    async def get_follow(self, guild_id: int) -> Follow | None:
        row = await self._one(
            f"SELECT {_FOLLOW_COLUMNS} FROM sequel_follows WHERE guild_id = ?", (guild_id,)
        )
        return _follow(row) if row else None

    async def unfollow(self, guild_id: int, *, now: datetime | None = None) -> bool:
        """Stop following; deliveries still waiting for this server are skipped."""
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM sequel_follows WHERE guild_id = ?", (guild_id,))
            await self._skip_pending(db, guild_id, "the server unfollowed", now)
            return cursor.rowcount > 0

    async def forget_guild(self, guild_id: int, *, now: datetime | None = None) -> None:
        """The bot left the server: delete its follow and skip what was waiting for it."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM sequel_follows WHERE guild_id = ?", (guild_id,))
            await self._skip_pending(db, guild_id, "the bot left the server", now)

    @staticmethod
    async def _skip_pending(
        db: aiosqlite.Connection, guild_id: int, reason: str, now: datetime | None
    ) -> None:
        await db.execute(
            "UPDATE sequel_deliveries SET state = 'skipped', error = ?, settled_at = ? "
            "WHERE guild_id = ? AND state = 'pending'",
            (reason, iso(now or utcnow()), guild_id),
        )

    # ------------------------------------------------------------------ deliveries

    async def delivery_counts(self, update_id: int) -> DeliveryCounts:
        rows = await self._all(
            "SELECT state, count(*) FROM sequel_deliveries WHERE update_id = ? GROUP BY state",
            (update_id,),
        )
        return DeliveryCounts(update_id, **{state: int(n) for state, n in rows})

    async def deliveries(self, update_id: int) -> list[Delivery]:
        rows = await self._all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries WHERE update_id = ? ORDER BY id",
            (update_id,),
        )
        return [_delivery(r) for r in rows]

    async def delivery(self, delivery_id: int) -> Delivery | None:
        row = await self._one(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries WHERE id = ?", (delivery_id,)
        )
        return _delivery(row) if row else None

    async def updates_with_pending(self) -> list[int]:
        rows = await self._all(
            "SELECT DISTINCT update_id FROM sequel_deliveries WHERE state = 'pending' "
            "ORDER BY update_id"
        )
        return [int(r[0]) for r in rows]

    async def pending(self, update_id: int, *, limit: int = 100) -> list[Delivery]:
        rows = await self._all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries "
            "WHERE update_id = ? AND state = 'pending' ORDER BY id LIMIT ?",
            (update_id, limit),
        )
        return [_delivery(r) for r in rows]

    async def stale_sending(self, claimed_before: datetime) -> list[Delivery]:
        """Rows claimed for sending before `claimed_before` and never settled."""
        rows = await self._all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries "
            "WHERE state = 'sending' AND claimed_at < ? ORDER BY id",
            (iso(claimed_before),),
        )
        return [_delivery(r) for r in rows]

    async def claim(self, delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
        """pending -> sending, recorded before the send. None if it was not pending any more.

        `claimed_at` keeps the time of the first claim: a retry reuses the first attempt's
        nonce, which Discord honours only for a few minutes after it.
        """
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE sequel_deliveries SET state = 'sending', attempts = attempts + 1, "
                "claimed_at = coalesce(claimed_at, ?) WHERE id = ? AND state = 'pending'",
                (iso(now or utcnow()), delivery_id),
            )
            if cursor.rowcount != 1:
                return None
        return await self.delivery(delivery_id)

    async def release(self, delivery_id: int, error: str) -> None:
        """sending -> pending: retry later (only for outcomes known not to have posted, or
        retried with the first attempt's nonce)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE sequel_deliveries SET state = 'pending', error = ? "
                "WHERE id = ? AND state = 'sending'",
                (error, delivery_id),
            )

    async def mark_sent(
        self, delivery_id: int, message_id: int, *, now: datetime | None = None
    ) -> None:
        stamp = iso(now or utcnow())
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE sequel_deliveries SET state = 'sent', message_id = ?, error = NULL, "
                "settled_at = ? WHERE id = ? AND state IN ('sending', 'uncertain') "
                "RETURNING guild_id, channel_id",
                (message_id, stamp, delivery_id),
            )
            row = await cursor.fetchone()
            await cursor.close()
            if row is not None:
                await db.execute(
                    "UPDATE sequel_follows SET failure_count = 0, last_delivered_at = ? "
                    "WHERE guild_id = ? AND channel_id = ?",
                    (stamp, row[0], row[1]),
                )

    async def mark_uncertain(
        self, delivery_id: int, error: str, *, now: datetime | None = None
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE sequel_deliveries SET state = 'uncertain', error = ?, settled_at = ? "
                "WHERE id = ? AND state IN ('sending', 'pending')",
                (error, iso(now or utcnow()), delivery_id),
            )

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        *,
        channel_fault: bool,
        unfollow_after: int = 3,
        now: datetime | None = None,
    ) -> Follow | None:
        """Settle a delivery as failed. When the channel is at fault (gone, no access), count it
        against the server's follow; after `unfollow_after` failures in a row, unfollow with the
        reason. Returns the follow when this failure unfollowed it."""
        moment = now or utcnow()
        stamp = iso(moment)
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE sequel_deliveries SET state = 'failed', error = ?, settled_at = ? "
                "WHERE id = ? AND state = 'sending' RETURNING guild_id, channel_id",
                (error, stamp, delivery_id),
            )
            row = await cursor.fetchone()
            await cursor.close()
            if row is None or not channel_fault:
                return None
            guild_id, channel_id = int(row[0]), int(row[1])
            cursor = await db.execute(
                "UPDATE sequel_follows SET failure_count = failure_count + 1, last_error = ?, "
                "last_error_at = ? WHERE guild_id = ? AND channel_id = ? AND active = 1 "
                "RETURNING failure_count",
                (error, stamp, guild_id, channel_id),
            )
            counted = await cursor.fetchone()
            await cursor.close()
            if counted is None or int(counted[0]) < unfollow_after:
                return None
            reason = (
                f"Unfollowed automatically on {moment.date().isoformat()} after "
                f"{int(counted[0])} failed deliveries in a row to <#{channel_id}>. "
                f"Last error: {error}"
            )
            await db.execute(
                "UPDATE sequel_follows SET active = 0, unfollowed_reason = ?, unfollowed_at = ? "
                "WHERE guild_id = ?",
                (reason, stamp, guild_id),
            )
            await self._skip_pending(db, guild_id, "the server was unfollowed", moment)
        return await self.get_follow(guild_id)
