"""Queries of the sequel tracker: the timeline, the servers following it, and deliveries.

Delivery is at most once per (update, server): a row is created 'pending' with every follow in
the same transaction as the update, claimed ('sending') just before the send, and settled
('sent', 'failed', 'uncertain', 'skipped') right after it. Only a 'pending' row can be claimed,
so two tasks or processes sharing the database never send the same row twice; `claim_due` claims
a batch at once, and processes claiming together get disjoint batches (PostgreSQL: FOR UPDATE
SKIP LOCKED). Reads of due or stale deliveries take the servers a process serves (`guilds`), so
each shard's process sees only its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

from ._cache import cached
from ._database import Database, Repository, Row, Tx
from ._times import iso, parse_iso, utcnow
from ._tracker_models import (
    Delivery,
    DeliveryCounts,
    Follow,
    NewUpdate,
    SequelUpdate,
)

_UPDATE_COLUMNS = (
    "id, key, headline, body, published_at, source_outlet, source_url, stage, origin, "
    "added_by, created_at"
)
# Newest first: dated updates by date, undated ones (date unknown) after them, ties by id.
_NEWEST_FIRST = "published_at IS NULL, published_at DESC, id DESC"
_FOLLOW_COLUMNS = (
    "guild_id, channel_id, role_id, followed_by, followed_at, active, failure_count, "
    "last_error, last_error_at, last_delivered_at, unfollowed_reason, unfollowed_at, "
    "configurer_mentions, mention_role"
)
_DELIVERY_COLUMNS = (
    "id, update_id, guild_id, channel_id, role_id, state, message_id, attempts, error, claimed_at, "
    # Read from the follow at send time, so a change of the role's mention setting (or a new
    # follow) applies to deliveries still waiting; no active follow with that role: no ping.
    "coalesce((SELECT f.mention_role FROM sequel_follows f WHERE f.active = 1 "
    "AND f.guild_id = sequel_deliveries.guild_id AND f.role_id = sequel_deliveries.role_id), 0)"
)


# Held by a transaction adding updates (PostgreSQL): imports from several processes check for
# duplicates one at a time. Any fixed 64-bit number; this one is "sequel" in ASCII. (SQLite's
# write lock, taken at BEGIN IMMEDIATE, already serializes them.)
_TIMELINE_LOCK = 0x73657175656C
# A delivery of one update that is due (the filter on servers is added where given).
_DUE = "update_id = ? AND state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"


def _update(row: Iterable[Any]) -> SequelUpdate:
    return SequelUpdate(*row)


def _follow(row: Iterable[Any]) -> Follow:
    values = list(row)
    values[5] = bool(values[5])
    values[12], values[13] = bool(values[12]), bool(values[13])
    return Follow(*values)


def _delivery(row: Iterable[Any]) -> Delivery:
    values = list(row)
    values[10] = bool(values[10])
    return Delivery(*values)


async def lock_timeline(db: Tx) -> None:
    """Until this transaction ends, no other process adds updates (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already holds the one write lock): its duplicate checks see every
    update committed before, and its own."""
    if db.engine == "postgres":
        await db.one("SELECT pg_advisory_xact_lock(?)", (_TIMELINE_LOCK,))


async def insert_update(
    db: Tx,
    new: NewUpdate,
    *,
    added_by: int | None,
    announce: bool,
    stamp: str,
    excerpt: str | None = None,
) -> tuple[int, int]:
    """Insert an update and, when `announce`, one pending delivery per following server, in
    the caller's transaction (`Tracker.add_update`, and a feed item published by
    `FeedsStore.publish_item`). `excerpt`: the verbatim text the update rests on, when there
    is one (a feed item's summary). Returns the update's id and how many deliveries were
    queued."""
    inserted = await db.one(
        """
        INSERT INTO sequel_updates
            (key, headline, body, published_at, source_outlet, source_url, stage,
             excerpt, origin, added_by, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'admin', ?, ?)
        RETURNING id
        """,
        (
            new.key,
            new.headline,
            new.text,
            new.published_at,
            new.source_outlet,
            new.source_url,
            new.stage,
            excerpt,
            added_by,
            stamp,
        ),
    )
    update_id = int(inserted[0]) if inserted else 0
    queued = 0
    if announce:
        queued = await db.execute(
            """
            INSERT INTO sequel_deliveries
                (update_id, guild_id, channel_id, role_id, state, created_at)
            SELECT ?, guild_id, channel_id, role_id, 'pending', ?
            FROM sequel_follows WHERE active = 1
            """,
            (update_id, stamp),
        )
    return update_id, queued


async def find_duplicate(reader: Database | Tx, new: NewUpdate) -> SequelUpdate | None:
    """An update already in the timeline with the same key, or the same headline and link,
    read through `reader`: inside a transaction, its Tx (a pooled connection would not see the
    rows the transaction has added so far). Every way into the timeline checks it: /sequel-admin
    post, imports, and a published feed item (bot/store/_feeds.py)."""
    if new.key is not None:
        row = await reader.one(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE key = ?", (new.key,)
        )
        if row:
            return _update(row)
    row = await reader.one(
        f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates "
        "WHERE lower(headline) = lower(?) AND source_url IS NOT DISTINCT FROM ? LIMIT 1",
        (new.headline, new.source_url),
    )
    return _update(row) if row else None


class Tracker(Repository):
    """The sequel tracker's reads and writes over the store's connection."""

    # ------------------------------------------------------------------ the timeline

    @cached
    async def timeline(self, *, limit: int = 100, offset: int = 0) -> list[SequelUpdate]:
        """Updates newest first."""
        rows = await self._db.all(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates ORDER BY {_NEWEST_FIRST} "
            "LIMIT ? OFFSET ?",
            (max(0, limit), max(0, offset)),
        )
        return [_update(r) for r in rows]

    @cached
    async def count_updates(self) -> int:
        row = await self._db.one("SELECT count(*) FROM sequel_updates")
        return int(row[0]) if row else 0

    async def update(self, update_id: int) -> SequelUpdate | None:
        row = await self._db.one(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE id = ?", (update_id,)
        )
        return _update(row) if row else None

    async def latest_update(self) -> SequelUpdate | None:
        updates = await self.timeline(limit=1)
        return updates[0] if updates else None

    @cached
    async def stage_history(self) -> list[SequelUpdate]:
        """Every update that sets a stage, newest first (the first one sets the current stage)."""
        rows = await self._db.all(
            f"SELECT {_UPDATE_COLUMNS} FROM sequel_updates WHERE stage IS NOT NULL "
            f"ORDER BY {_NEWEST_FIRST}"
        )
        return [_update(r) for r in rows]

    async def find_duplicate(self, new: NewUpdate) -> SequelUpdate | None:
        """An update already in the timeline with the same key, or the same headline and link."""
        return await find_duplicate(self._db, new)

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
        async with self._db.transaction() as db:
            await lock_timeline(db)
            update_id, queued = await insert_update(
                db, new, added_by=added_by, announce=announce, stamp=stamp
            )
        return await self.stored(update_id), queued

    async def add_updates(
        self, updates: list[NewUpdate], *, announce: bool = True, now: datetime | None = None
    ) -> list[tuple[SequelUpdate, int, bool]]:
        """Store several updates in ONE transaction: all of them, or (on any error) none.

        An update already in the timeline (same key, or same headline and link, also earlier in
        this batch) is not stored again. Returns, in order, (the stored or existing update, how
        many deliveries were queued for it, whether it was a duplicate).
        """
        stamp = iso(now or utcnow())
        ids: list[tuple[int, int, bool]] = []
        async with self._db.transaction() as db:
            # Under the lock and through the Tx: a concurrent import cannot slip the same
            # update in, and an update earlier in this batch is seen.
            await lock_timeline(db)
            for new in updates:
                duplicate = await find_duplicate(db, new)
                if duplicate is not None:
                    ids.append((duplicate.id, 0, True))
                    continue
                update_id, queued = await insert_update(
                    db, new, added_by=None, announce=announce, stamp=stamp
                )
                ids.append((update_id, queued, False))
        return [(await self.stored(i), queued, duplicate) for i, queued, duplicate in ids]

    async def stored(self, update_id: int) -> SequelUpdate:
        """The update just stored (or found), read back as the timeline shows it."""
        update = await self.update(update_id)
        if update is None:  # only if another process deleted it within this instant
            raise RuntimeError(f"update #{update_id} vanished right after it was stored")
        return update

    # ------------------------------------------------------------------ following

    async def follow(
        self,
        guild_id: int,
        channel_id: int,
        role_id: int | None,
        *,
        by: int | None = None,
        configurer_mentions: bool = False,
        mention_role: bool = False,
        now: datetime | None = None,
    ) -> Follow:
        """Follow (or change the channel/role of) a server; clears any earlier failures.

        `configurer_mentions`: the member running follow had Mention Everyone in the channel;
        `mention_role`: posts ping the role (they could mention it themselves).
        """
        stamp = iso(now or utcnow())
        async with self._db.transaction() as db:
            await db.execute(
                """
                INSERT INTO sequel_follows
                    (guild_id, channel_id, role_id, followed_by, followed_at, active,
                     configurer_mentions, mention_role)
                VALUES (?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET
                    channel_id = excluded.channel_id, role_id = excluded.role_id,
                    followed_by = excluded.followed_by, followed_at = excluded.followed_at,
                    active = 1, failure_count = 0, last_error = NULL, last_error_at = NULL,
                    unfollowed_reason = NULL, unfollowed_at = NULL,
                    configurer_mentions = excluded.configurer_mentions,
                    mention_role = excluded.mention_role
                """,
                (
                    guild_id,
                    channel_id,
                    role_id,
                    by,
                    stamp,
                    int(configurer_mentions),
                    int(mention_role and role_id is not None),
                ),
            )
            # Deliveries still waiting go to the new channel, mentioning the new role.
            await db.execute(
                "UPDATE sequel_deliveries SET channel_id = ?, role_id = ? "
                "WHERE guild_id = ? AND state = 'pending'",
                (channel_id, role_id, guild_id),
            )
        follow = await self.get_follow(guild_id)
        if follow is None:  # only if another process deleted it within this instant
            raise RuntimeError(
                f"the follow of server {guild_id} vanished right after it was stored"
            )
        return follow

    async def role_mentionable_changed(
        self, guild_id: int, role_id: int, mentionable: bool
    ) -> bool:
        """The news role's "Allow anyone to @mention" setting changed: posts ping it if it is
        now mentionable, or if the member who ran follow had Mention Everyone. Returns whether
        a follow was changed."""
        async with self._db.transaction() as db:
            # 0/1 from CASE, not a comparison: PostgreSQL keeps booleans apart from integers.
            mention = "CASE WHEN configurer_mentions = 1 THEN 1 ELSE ? END"
            changed = await db.execute(
                f"UPDATE sequel_follows SET mention_role = {mention} "
                f"WHERE guild_id = ? AND role_id = ? AND mention_role != {mention}",
                (int(mentionable), guild_id, role_id, int(mentionable)),
            )
            return changed > 0

    @cached
    async def get_follow(self, guild_id: int) -> Follow | None:
        row = await self._db.one(
            f"SELECT {_FOLLOW_COLUMNS} FROM sequel_follows WHERE guild_id = ?", (guild_id,)
        )
        return _follow(row) if row else None

    async def active_follows(self) -> list[Follow]:
        """Every server following the news now, by server id (`heroes-bot doctor --online`)."""
        rows = await self._db.all(
            f"SELECT {_FOLLOW_COLUMNS} FROM sequel_follows WHERE active = 1 ORDER BY guild_id"
        )
        return [_follow(r) for r in rows]

    async def unfollow(self, guild_id: int, *, now: datetime | None = None) -> bool:
        """Stop following; deliveries still waiting for this server are skipped."""
        async with self._db.transaction() as db:
            changed = await db.execute("DELETE FROM sequel_follows WHERE guild_id = ?", (guild_id,))
            await self._skip_pending(db, guild_id, "the server unfollowed", now)
            return changed > 0

    @staticmethod
    async def _skip_pending(db: Tx, guild_id: int, reason: str, now: datetime | None) -> None:
        await db.execute(
            "UPDATE sequel_deliveries SET state = 'skipped', error = ?, settled_at = ? "
            "WHERE guild_id = ? AND state = 'pending'",
            (reason, iso(now or utcnow()), guild_id),
        )

    # ------------------------------------------------------------------ deliveries

    # Told "sent" or "failed" each time this process settles a delivery so (bot/metrics/).
    settle_listeners: tuple[Callable[[str], None], ...] = ()

    def add_settle_listener(self, listener: Callable[[str], None]) -> None:
        self.settle_listeners = (*self.settle_listeners, listener)

    def remove_settle_listener(self, listener: Callable[[str], None]) -> None:
        self.settle_listeners = tuple(known for known in self.settle_listeners if known != listener)

    def _settled(self, state: str) -> None:
        for listener in self.settle_listeners:
            listener(state)

    async def pending_count(self) -> int:
        """Deliveries still to send, to every server (one index range: cheap)."""
        row = await self._db.one("SELECT count(*) FROM sequel_deliveries WHERE state = 'pending'")
        return int(row[0]) if row else 0

    async def delivery_counts(self, update_id: int) -> DeliveryCounts:
        rows = await self._db.all(
            "SELECT state, count(*) FROM sequel_deliveries WHERE update_id = ? GROUP BY state",
            (update_id,),
        )
        return DeliveryCounts(update_id, **{state: int(n) for state, n in rows})

    async def deliveries(self, update_id: int) -> list[Delivery]:
        rows = await self._db.all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries WHERE update_id = ? ORDER BY id",
            (update_id,),
        )
        return [_delivery(r) for r in rows]

    async def delivery(self, delivery_id: int) -> Delivery | None:
        row = await self._db.one(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries WHERE id = ?", (delivery_id,)
        )
        return _delivery(row) if row else None

    async def record_delivery_pass(self, *, now: datetime | None = None) -> None:
        """Note that a bot process just ran a delivery pass (`news --wait` checks for one)."""
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES ('delivery_pass_at', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (iso(now or utcnow()),),
            )

    async def last_delivery_pass(self) -> datetime | None:
        row = await self._db.one("SELECT value FROM meta WHERE key = 'delivery_pass_at'")
        return parse_iso(row[0]) if row else None

    def _in_guilds(self, guilds: Collection[int] | None) -> tuple[str, tuple[str, ...]]:
        """A condition (to follow AND) keeping deliveries to `guilds` only, and its parameter:
        the ids as one JSON array, whatever their number. None: every server."""
        if guilds is None:
            return "TRUE", ()
        condition = self._db.dialect(
            sqlite="guild_id IN (SELECT value FROM json_each(?))",
            postgres="guild_id IN (SELECT value::bigint FROM jsonb_array_elements_text(?::jsonb))",
        )
        return condition, (json.dumps(sorted({int(g) for g in guilds})),)

    async def updates_with_pending(
        self, *, now: datetime | None = None, guilds: Collection[int] | None = None
    ) -> list[int]:
        """Updates with a delivery due by `now` (one waiting for its retry time is not) to one
        of `guilds` (None: to any server)."""
        in_guilds, served = self._in_guilds(guilds)
        rows = await self._db.all(
            "SELECT DISTINCT update_id FROM sequel_deliveries WHERE state = 'pending' "
            f"AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND {in_guilds} "
            "ORDER BY update_id",
            (iso(now or utcnow()), *served),
        )
        return [int(r[0]) for r in rows]

    async def pending(
        self,
        update_id: int,
        *,
        limit: int = 100,
        now: datetime | None = None,
        guilds: Collection[int] | None = None,
    ) -> list[Delivery]:
        """The update's deliveries due by `now` to one of `guilds` (None: to any server),
        oldest first."""
        in_guilds, served = self._in_guilds(guilds)
        rows = await self._db.all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries "
            f"WHERE {_DUE} AND {in_guilds} ORDER BY id LIMIT ?",
            (update_id, iso(now or utcnow()), *served, max(0, limit)),
        )
        return [_delivery(r) for r in rows]

    async def next_retry_at(self, *, after: datetime) -> datetime | None:
        """When the earliest delivery waiting for a retry later than `after` is due (None: none
        is). Only future ones: a due row of a server another process serves must not make this
        one poll in a loop."""
        row = await self._db.one(
            "SELECT min(next_attempt_at) FROM sequel_deliveries "
            "WHERE state = 'pending' AND next_attempt_at > ?",
            (iso(after),),
        )
        return parse_iso(row[0]) if row and row[0] else None

    async def stale_sending(
        self, claimed_before: datetime, *, guilds: Collection[int] | None = None
    ) -> list[Delivery]:
        """Rows to one of `guilds` (None: to any server) claimed for sending before
        `claimed_before` and never settled."""
        in_guilds, served = self._in_guilds(guilds)
        rows = await self._db.all(
            f"SELECT {_DELIVERY_COLUMNS} FROM sequel_deliveries "
            f"WHERE state = 'sending' AND claimed_at < ? AND {in_guilds} ORDER BY id",
            (iso(claimed_before), *served),
        )
        return [_delivery(r) for r in rows]

    async def first_claim_since(self, claimed_since: datetime) -> datetime | None:
        """The earliest claim, at or after `claimed_since`, of a row still 'sending': the next
        one to become stale (None: none will)."""
        row = await self._db.one(
            "SELECT min(claimed_at) FROM sequel_deliveries "
            "WHERE state = 'sending' AND claimed_at >= ?",
            (iso(claimed_since),),
        )
        return parse_iso(row[0]) if row and row[0] else None

    async def claim(self, delivery_id: int, *, now: datetime | None = None) -> Delivery | None:
        """pending -> sending, recorded before the send. None if it was not pending any more.

        `claimed_at` keeps the time of the first claim: a retry reuses the first attempt's
        nonce, which Discord honours only for a few minutes after it.
        """
        async with self._db.transaction() as db:
            changed = await db.execute(
                "UPDATE sequel_deliveries SET state = 'sending', attempts = attempts + 1, "
                "claimed_at = coalesce(claimed_at, ?) WHERE id = ? AND state = 'pending'",
                (iso(now or utcnow()), delivery_id),
            )
            if changed != 1:
                return None
        return await self.delivery(delivery_id)

    async def claim_due(
        self,
        update_id: int,
        *,
        limit: int,
        now: datetime | None = None,
        guilds: Collection[int] | None = None,
    ) -> list[Delivery]:
        """Claim (pending -> sending, as `claim` does) up to `limit` of the update's deliveries
        due by `now` to one of `guilds` (None: to any server), oldest first, in one statement.

        Processes claiming at once get disjoint sets and never wait for each other: PostgreSQL
        skips rows another transaction has locked (FOR UPDATE SKIP LOCKED); SQLite runs one
        write transaction at a time. Claim no more than can be sent before a claim turns stale.
        """
        in_guilds, served = self._in_guilds(guilds)
        lock = self._db.dialect(sqlite="", postgres="FOR UPDATE SKIP LOCKED")
        stamp = iso(now or utcnow())
        async with self._db.transaction() as db:
            rows = await db.all(
                "UPDATE sequel_deliveries SET state = 'sending', attempts = attempts + 1, "
                "claimed_at = coalesce(claimed_at, ?) WHERE id IN ("
                f"SELECT id FROM sequel_deliveries WHERE {_DUE} AND {in_guilds} "
                f"ORDER BY id LIMIT ? {lock}) RETURNING {_DELIVERY_COLUMNS}",
                (stamp, update_id, stamp, *served, max(0, limit)),
            )
        return sorted((_delivery(r) for r in rows), key=lambda delivery: delivery.id)

    async def release(
        self, delivery_id: int, error: str, *, retry_at: datetime | None = None
    ) -> None:
        """sending -> pending: retry later (only for outcomes known not to have posted, or
        retried with the first attempt's nonce), not before `retry_at` (None: at once). The
        time is stored, so this one delivery waits, even across a restart, and no other."""
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE sequel_deliveries SET state = 'pending', error = ?, next_attempt_at = ? "
                "WHERE id = ? AND state = 'sending'",
                (error, iso(retry_at) if retry_at else None, delivery_id),
            )

    async def mark_sent(
        self, delivery_id: int, message_id: int, *, now: datetime | None = None
    ) -> None:
        stamp = iso(now or utcnow())
        async with self._db.transaction() as db:
            row = await db.one(
                "UPDATE sequel_deliveries SET state = 'sent', message_id = ?, error = NULL, "
                "settled_at = ? WHERE id = ? AND state IN ('sending', 'uncertain') "
                "RETURNING guild_id, channel_id",
                (message_id, stamp, delivery_id),
            )
            if row is not None:
                await db.execute(
                    "UPDATE sequel_follows SET failure_count = 0, last_delivered_at = ? "
                    "WHERE guild_id = ? AND channel_id = ?",
                    (stamp, row[0], row[1]),
                )
        if row is not None:
            self._settled("sent")

    async def mark_uncertain(
        self, delivery_id: int, error: str, *, now: datetime | None = None
    ) -> None:
        async with self._db.transaction() as db:
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
        async with self._db.transaction() as db:
            row = await db.one(
                "UPDATE sequel_deliveries SET state = 'failed', error = ?, settled_at = ? "
                "WHERE id = ? AND state = 'sending' RETURNING guild_id, channel_id",
                (error, iso(moment), delivery_id),
            )
            unfollowed = None
            if row is not None and channel_fault:
                unfollowed = await self._count_failure(db, row, error, moment, unfollow_after)
        if row is not None:
            self._settled("failed")
        return await self.get_follow(unfollowed) if unfollowed is not None else None

    async def _count_failure(
        self, db: Tx, row: Row, error: str, moment: datetime, unfollow_after: int
    ) -> int | None:
        """Count a failure against the channel's follow; the server's id when this one made it
        `unfollow_after` in a row and unfollowed it."""
        stamp = iso(moment)
        guild_id, channel_id = int(row[0]), int(row[1])
        counted = await db.one(
            "UPDATE sequel_follows SET failure_count = failure_count + 1, last_error = ?, "
            "last_error_at = ? WHERE guild_id = ? AND channel_id = ? AND active = 1 "
            "RETURNING failure_count",
            (error, stamp, guild_id, channel_id),
        )
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
        return guild_id
