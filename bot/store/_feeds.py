"""Queries of the feed watcher (issue 17): the feeds owners watch, every item they served, the
review queue, and publishing a reviewed item to the sequel timeline (migration 0014).

No duplicates, ever: an item is stored once, identified by its GUID, its canonical link or the
hash of its title and link. Three unique indexes enforce it, on either engine and across
processes; `store_items` inserts with ON CONFLICT DO NOTHING, so a second sighting of a story
(another feed, a new GUID on the same link, a re-poll after a restart) stores nothing. Items
outlive their feed (feed_id becomes NULL) so that they keep preventing duplicates.

An item is decided once: candidate -> published or rejected, by one conditional UPDATE, so two
owners pressing Publish at once (or two processes) publish it once. Publishing stores the
sequel update and queues its deliveries in the same transaction (`insert_update`, shared with
the tracker), and the existing delivery worker sends them exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec

from ._database import Database, Reader, Repository, Tx
from ._times import iso, parse_iso, utcnow
from ._tracker import Tracker, find_duplicate, insert_update, lock_timeline
from ._tracker_models import NewUpdate, SequelUpdate

DEFAULT_INTERVAL_S = 900
# Item states: a candidate waits for an owner; the other three are final.
CANDIDATE, SKIPPED, PUBLISHED, REJECTED = "candidate", "skipped", "published", "rejected"
# Held by a transaction storing items (PostgreSQL): batches from several processes are stored
# one at a time, so two batches holding the same stories in another order never deadlock on
# the unique indexes. Any fixed 64-bit number; this one is "feeds" in ASCII. (SQLite's write
# lock, taken at BEGIN IMMEDIATE, already serializes them.)
_ITEMS_LOCK = 0x6665656473

_FEED_COLUMNS = (
    "id, url, title, keywords, interval_s, trusted, enabled, etag, last_modified, next_poll_at, "
    "last_polled_at, last_ok_at, failures, last_error, disabled_reason, added_by, created_at"
)
_NEW_ITEM_COLUMNS = (
    "guid, link, title, summary, outlet, published, content_hash, status, skip_reason, "
    "suggested_stage, flags"
)
_ITEM_COLUMNS = f"id, feed_id, {_NEW_ITEM_COLUMNS}, fetched_at, update_id, reviewed_by, reviewed_at"


class AlreadyInTimeline(Exception):
    """Publishing would repeat `update`, already in the timeline (same key, or same headline
    and link): nothing was stored."""

    def __init__(self, update: SequelUpdate) -> None:
        super().__init__(f"already in the timeline as update #{update.id}")
        self.update = update


class Feed(msgspec.Struct, frozen=True):
    """A watched RSS or Atom feed and the state of its polling."""

    id: int
    url: str
    title: str | None  # as the feed names itself (from the last good poll)
    keywords: tuple[str, ...]  # empty: the default keywords (cogs/feeds/_match.py)
    interval_s: int
    trusted: bool  # FEEDS_AUTO_PUBLISH applies only to trusted feeds
    enabled: bool
    etag: str | None
    last_modified: str | None
    next_poll_at: str  # ISO UTC
    last_polled_at: str | None
    last_ok_at: str | None
    failures: int  # consecutive
    last_error: str | None  # short English reason, shown in `feeds list`
    disabled_reason: str | None
    added_by: int | None
    created_at: str


class NewFeedItem(msgspec.Struct, frozen=True):
    """One parsed item, decided (candidate or skipped) before it is stored."""

    guid: str | None
    link: str | None  # canonical (cogs/feeds/_match.canonical_link)
    title: str
    summary: str  # the text the feed served, tags stripped: the verbatim excerpt
    outlet: str | None
    published: str | None  # 'YYYY-MM-DD' or None
    content_hash: str  # sha256 of the folded title and the canonical link
    status: str  # 'candidate' | 'skipped'
    skip_reason: str | None  # why skipped (English, shown to owners)
    suggested_stage: str | None  # a SEQUEL_STAGES key, a suggestion only
    flags: tuple[str, ...] = ()  # e.g. 'link-not-http', 'link-host-differs'


class FeedItem(msgspec.Struct, frozen=True):
    """A stored item: what the feed served, when it was fetched, and what was decided."""

    id: int
    feed_id: int | None  # None once the feed is removed (the item still prevents duplicates)
    guid: str | None
    link: str | None
    title: str
    summary: str
    outlet: str | None
    published: str | None
    content_hash: str
    status: str  # 'candidate' | 'skipped' | 'published' | 'rejected'
    skip_reason: str | None
    suggested_stage: str | None
    flags: tuple[str, ...]
    fetched_at: str  # ISO UTC: when the summary was served
    update_id: int | None  # the sequel update it became (published)
    reviewed_by: int | None  # the owner who published or rejected it (None: auto-published)
    reviewed_at: str | None


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _feed(row: Sequence[Any]) -> Feed:
    return Feed(
        id=int(row[0]),
        url=row[1],
        title=row[2],
        keywords=tuple(json.loads(row[3])),
        interval_s=int(row[4]),
        trusted=bool(row[5]),
        enabled=bool(row[6]),
        etag=row[7],
        last_modified=row[8],
        next_poll_at=row[9],
        last_polled_at=row[10],
        last_ok_at=row[11],
        failures=int(row[12]),
        last_error=row[13],
        disabled_reason=row[14],
        added_by=_optional_int(row[15]),
        created_at=row[16],
    )


def _item(row: Sequence[Any]) -> FeedItem:
    # In _ITEM_COLUMNS order: id, feed_id, the 11 columns of a NewFeedItem, then the rest.
    item_id, feed_id, *new, fetched_at, update_id, reviewed_by, reviewed_at = row
    *served, flags = new
    return FeedItem(
        int(item_id),
        _optional_int(feed_id),
        *served,
        flags=tuple(json.loads(flags)),
        fetched_at=fetched_at,
        update_id=_optional_int(update_id),
        reviewed_by=_optional_int(reviewed_by),
        reviewed_at=reviewed_at,
    )


def _disabled_reason(failures: int, error: str) -> str:
    return f"disabled after {failures} failed polls in a row; the last: {error}"


class FeedsStore(Repository):
    """The feeds, their items and the review queue, over the store's connection.

    Nothing here is read through the read cache: polling changes feeds every few minutes.
    Poll bookkeeping commits with `changes_cached=False` (it changes no cached read), so
    polling many feeds does not empty every process's cache.
    """

    def __init__(self, database: Database, tracker: Tracker) -> None:
        super().__init__(database)
        self._tracker = tracker  # reads back a published update as the timeline shows it

    # ------------------------------------------------------------------ feeds

    async def add_feed(
        self,
        url: str,
        *,
        keywords: Iterable[str] = (),
        interval_s: int = DEFAULT_INTERVAL_S,
        trusted: bool = False,
        added_by: int | None = None,
        now: datetime | None = None,
    ) -> Feed:
        """Watch a feed, due at once. Raises ValueError if `url` is already watched."""
        stamp = iso(now or utcnow())
        async with self._db.transaction() as db:
            row = await db.one(
                f"INSERT INTO feeds (url, keywords, interval_s, trusted, enabled, next_poll_at, "
                "failures, added_by, created_at) VALUES (?, ?, ?, ?, 1, ?, 0, ?, ?) "
                f"ON CONFLICT (url) DO NOTHING RETURNING {_FEED_COLUMNS}",
                (url, json.dumps(list(keywords)), interval_s, int(trusted), stamp, added_by, stamp),
            )
        if row is None:
            raise ValueError(f"this feed is already watched: {url}")
        return _feed(row)

    async def feeds(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        rows = await self._db.all(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id")
        return [_feed(r) for r in rows]

    async def feed(self, feed_id: int) -> Feed | None:
        row = await self._db.one(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def remove_feed(self, feed_id: int) -> bool:
        """Stop watching a feed. Its items stay (feed_id NULL): they still prevent duplicates."""
        async with self._db.transaction() as db:
            await db.execute("UPDATE feed_items SET feed_id = NULL WHERE feed_id = ?", (feed_id,))
            return await db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)) > 0

    async def enable_feed(self, feed_id: int, *, now: datetime | None = None) -> Feed | None:
        """Enable a feed again (after it was disabled by failures): failures reset, due now."""
        async with self._db.transaction() as db:
            row = await db.one(
                "UPDATE feeds SET enabled = 1, failures = 0, last_error = NULL, "
                "disabled_reason = NULL, next_poll_at = ? WHERE id = ? "
                f"RETURNING {_FEED_COLUMNS}",
                (iso(now or utcnow()), feed_id),
            )
        return _feed(row) if row else None

    async def due_feeds(self, now: datetime) -> list[Feed]:
        """Enabled feeds whose next poll is at or before `now`, the longest waiting first."""
        rows = await self._db.all(
            f"SELECT {_FEED_COLUMNS} FROM feeds WHERE enabled = 1 AND next_poll_at <= ? "
            "ORDER BY next_poll_at, id",
            (iso(now),),
        )
        return [_feed(r) for r in rows]

    async def claim_due(
        self, now: datetime, *, lease_until: datetime, limit: int | None = None
    ) -> list[Feed]:
        """Claim the enabled feeds due at `now` for one process's poll, in ONE statement:
        their next_poll_at moves to `lease_until`, so no other process (shard, host) claims
        them meanwhile; the poll's `poll_succeeded`/`poll_failed` then set the real next
        time. A process that stops mid-poll leaves the lease: the feed is due again when it
        ends. At most `limit` feeds (the longest waiting first); returned in id order.

        Concurrent claims never return the same feed. SQLite: the write lock taken at BEGIN
        serializes them. PostgreSQL: the pick locks the rows it picks and skips rows
        another claim holds; a row that claim already moved is re-read as committed and no
        longer due (READ COMMITTED re-checks the condition on the newest version)."""
        skip_locked = self._db.dialect(sqlite="", postgres=" FOR UPDATE SKIP LOCKED")
        limit_clause = "" if limit is None else f" LIMIT {max(0, int(limit))}"
        async with self._db.transaction(changes_cached=False) as db:
            # MATERIALIZED: the pick runs once. Inlined, PostgreSQL may run it again per row,
            # and a re-run skips the rows this statement just moved and picks further ones.
            rows = await db.all(
                "WITH picked AS MATERIALIZED (SELECT id FROM feeds "
                "WHERE enabled = 1 AND next_poll_at <= ? "
                f"ORDER BY next_poll_at, id{limit_clause}{skip_locked}) "
                "UPDATE feeds SET next_poll_at = ? WHERE id IN (SELECT id FROM picked) "
                f"AND enabled = 1 AND next_poll_at <= ? RETURNING {_FEED_COLUMNS}",
                (iso(now), iso(lease_until), iso(now)),
            )
        return sorted((_feed(r) for r in rows), key=lambda feed: feed.id)

    async def next_due_at(self) -> datetime | None:
        """When the next enabled feed is due (None: no feed is enabled)."""
        row = await self._db.one("SELECT min(next_poll_at) FROM feeds WHERE enabled = 1")
        return parse_iso(row[0]) if row and row[0] else None

    async def poll_succeeded(
        self,
        feed_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
        title: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """A poll answered (200 or 304): failures reset. `etag` and `last_modified` are stored
        as given (pass the feed's own when a 304 carried none); `title` None keeps the known one."""
        stamp = iso(now or utcnow())
        async with self._db.transaction(changes_cached=False) as db:
            await db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, next_poll_at = ?, "
                "title = coalesce(?, title), last_polled_at = ?, last_ok_at = ?, failures = 0, "
                "last_error = NULL WHERE id = ?",
                (etag, last_modified, iso(next_poll_at), title, stamp, stamp, feed_id),
            )

    async def poll_failed(
        self,
        feed_id: int,
        *,
        error: str,
        next_poll_at: datetime,
        disable: bool,
        now: datetime | None = None,
    ) -> Feed | None:
        """A poll failed: one more failure in a row, `error` kept for `feeds list`. `disable`:
        stop polling it, with the reason. Returns the feed as it is now (None: removed)."""
        async with self._db.transaction(changes_cached=False) as db:
            row = await db.one(
                "UPDATE feeds SET failures = failures + 1, last_error = ?, last_polled_at = ?, "
                f"next_poll_at = ? WHERE id = ? RETURNING {_FEED_COLUMNS}",
                (error, iso(now or utcnow()), iso(next_poll_at), feed_id),
            )
            if row is not None and disable:
                row = await db.one(
                    "UPDATE feeds SET enabled = 0, disabled_reason = ? WHERE id = ? "
                    f"RETURNING {_FEED_COLUMNS}",
                    (_disabled_reason(int(row[12]), error), feed_id),
                )
        return _feed(row) if row else None

    # ------------------------------------------------------------------ items

    async def store_items(
        self, feed_id: int, items: Sequence[NewFeedItem], *, now: datetime | None = None
    ) -> list[FeedItem]:
        """Store a poll's items in ONE transaction, before anything else happens to them.

        An item equal to one already stored (or earlier in `items`) by GUID, by link or by
        content hash is not stored again. Returns the newly stored ones, in order.
        """
        unseen = [new for new in items if not await self._seen(self._db, new)]
        if not unseen:
            # A re-poll serving only known items writes nothing: no lock, no dropped cache.
            return []
        stamp = iso(now or utcnow())
        stored: list[FeedItem] = []
        async with self._db.transaction() as db:
            if db.engine == "postgres":
                await db.one("SELECT pg_advisory_xact_lock(?)", (_ITEMS_LOCK,))
            for new in unseen:
                row = await db.one(
                    f"INSERT INTO feed_items (feed_id, {_NEW_ITEM_COLUMNS}, fetched_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    f"ON CONFLICT DO NOTHING RETURNING {_ITEM_COLUMNS}",
                    (feed_id, *_new_item_values(new), stamp),
                )
                if row is not None:
                    stored.append(_item(row))
        return stored

    @staticmethod
    async def _seen(reader: Reader, new: NewFeedItem) -> bool:
        """Whether an item with the same GUID, link or content hash is stored (a cheap read
        before the write; the unique indexes decide under concurrency)."""
        row = await reader.one(
            "SELECT 1 FROM feed_items WHERE guid = ? OR link = ? OR content_hash = ? LIMIT 1",
            (new.guid, new.link, new.content_hash),
        )
        return row is not None

    async def items(self, *, status: str | None = None, limit: int = 50) -> list[FeedItem]:
        """Stored items, newest first; only those in `status` when given."""
        if status is None:
            rows = await self._db.all(
                f"SELECT {_ITEM_COLUMNS} FROM feed_items ORDER BY id DESC LIMIT ?",
                (max(0, limit),),
            )
        else:
            rows = await self._db.all(
                f"SELECT {_ITEM_COLUMNS} FROM feed_items WHERE status = ? ORDER BY id DESC LIMIT ?",
                (status, max(0, limit)),
            )
        return [_item(r) for r in rows]

    async def item(self, item_id: int) -> FeedItem | None:
        row = await self._db.one(f"SELECT {_ITEM_COLUMNS} FROM feed_items WHERE id = ?", (item_id,))
        return _item(row) if row else None

    async def item_counts(self) -> dict[int, dict[str, int]]:
        """Per feed id, how many of its items are in each status (`feeds list`): one grouped
        read, however many items are stored. Items of removed feeds are not counted."""
        rows = await self._db.all(
            "SELECT feed_id, status, count(*) FROM feed_items WHERE feed_id IS NOT NULL "
            "GROUP BY feed_id, status"
        )
        counts: dict[int, dict[str, int]] = {}
        for feed_id, status, count in rows:
            counts.setdefault(int(feed_id), {})[status] = int(count)
        return counts

    async def pending_review(self) -> list[FeedItem]:
        """Candidates waiting for an owner, oldest first."""
        rows = await self._db.all(
            f"SELECT {_ITEM_COLUMNS} FROM feed_items WHERE status = ? ORDER BY id", (CANDIDATE,)
        )
        return [_item(r) for r in rows]

    # ------------------------------------------------------------------ review

    async def publish_item(
        self,
        item_id: int,
        update: NewUpdate,
        *,
        by: int | None,
        now: datetime | None = None,
    ) -> tuple[SequelUpdate, int] | None:
        """Publish a candidate as `update`, in ONE transaction: the item becomes 'published',
        the update is stored and one delivery per following server is queued, as
        `Tracker.add_update` does. Returns the update and how many deliveries were queued;
        None if the item is not a candidate any more (published or rejected meanwhile).
        AlreadyInTimeline (nothing written, the item still a candidate) when the timeline holds
        the same update already, as /sequel-admin post and imports refuse it."""
        stamp = iso(now or utcnow())
        async with self._db.transaction() as db:
            await lock_timeline(db)
            served = await _decide(db, item_id, PUBLISHED, by, stamp)
            if served is None:
                return None
            # After the decision, so a second press of the same item reads "decided", not
            # "repeated"; raising rolls the decision back: the item stays a candidate.
            duplicate = await find_duplicate(db, update)
            if duplicate is not None:
                raise AlreadyInTimeline(duplicate)
            # The update rests on what the feed served, kept verbatim on the update too.
            update_id, queued = await insert_update(
                db, update, added_by=by, announce=True, stamp=stamp, excerpt=served
            )
            await db.execute(
                "UPDATE feed_items SET update_id = ? WHERE id = ?", (update_id, item_id)
            )
        return await self._tracker.stored(update_id), queued

    async def reject_item(
        self, item_id: int, *, by: int | None, now: datetime | None = None
    ) -> bool:
        """Reject a candidate; False if it was already decided (published or rejected)."""
        async with self._db.transaction() as db:
            return await _decide(db, item_id, REJECTED, by, iso(now or utcnow())) is not None

    async def add_review_message(self, item_id: int, channel_id: int, message_id: int) -> None:
        """Remember a review message sent for the item, to edit every copy once it is decided."""
        async with self._db.transaction(changes_cached=False) as db:
            await db.execute(
                "INSERT INTO feed_review_messages (item_id, channel_id, message_id) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (item_id, channel_id, message_id),
            )

    async def review_messages(self, item_id: int) -> list[tuple[int, int]]:
        """(channel id, message id) of every review message sent for the item."""
        rows = await self._db.all(
            "SELECT channel_id, message_id FROM feed_review_messages WHERE item_id = ? "
            "ORDER BY channel_id, message_id",
            (item_id,),
        )
        return [(int(r[0]), int(r[1])) for r in rows]


def _new_item_values(new: NewFeedItem) -> tuple[Any, ...]:
    return (
        new.guid,
        new.link,
        new.title,
        new.summary,
        new.outlet,
        new.published,
        new.content_hash,
        new.status,
        new.skip_reason,
        new.suggested_stage,
        json.dumps(list(new.flags)),
    )


async def _decide(db: Tx, item_id: int, status: str, by: int | None, stamp: str) -> str | None:
    """candidate -> `status`, once. The item's summary (what the feed served); None if the
    item was not a candidate (decided already, or no such item): nothing changed."""
    row = await db.one(
        "UPDATE feed_items SET status = ?, reviewed_by = ?, reviewed_at = ? "
        "WHERE id = ? AND status = ? RETURNING summary",
        (status, by, stamp, item_id, CANDIDATE),
    )
    return None if row is None else str(row[0])
