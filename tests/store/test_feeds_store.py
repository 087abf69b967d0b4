"""The feed watcher's store on both engines (issue 17): feeds and their polling state, items
stored once whatever feed or batch or process sees them again, and a candidate published or
rejected exactly once, its update's deliveries queued in the same transaction."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from bot.store import (
    AlreadyInTimeline,
    FeedItem,
    NewFeedItem,
    NewUpdate,
    SeedData,
    Store,
    copy_database,
    iso,
    open_store,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OWNER, OTHER_OWNER = 111, 222
FEED_URL = "https://news.example.com/film.rss"


@pytest.fixture
async def other_store(store: Store, database_target: Path | str) -> AsyncIterator[Store]:
    """A second process's store on the same database (opened after `store` seeded it)."""
    async with open_store(database_target) as opened:
        yield opened


def story(
    n: int,
    *,
    guid: str | None = "auto",
    link: str | None = "auto",
    title: str | None = None,
    status: str = "candidate",
) -> NewFeedItem:
    """Story number `n`: its own GUID, link, title and hash unless told otherwise."""
    title = title or f"We Can Be Heroes 2 news #{n}"
    link = f"https://outlet.example.com/story-{n}" if link == "auto" else link
    return NewFeedItem(
        guid=f"urn:story:{n}" if guid == "auto" else guid,
        link=link,
        title=title,
        summary=f"The sequel to We Can Be Heroes, item {n}, as the feed served it.",
        outlet="Outlet Daily",
        published="2026-05-31",
        content_hash=hashlib.sha256(f"{title.casefold()}\n{link}".encode()).hexdigest(),
        status=status,
        skip_reason="no keyword matched" if status == "skipped" else None,
        suggested_stage="filming" if n % 2 else None,
        flags=("link-host-differs",) if n == 3 else (),
    )


async def add_feed(store: Store, url: str = FEED_URL, **kwargs: object) -> int:
    feed = await store.feeds.add_feed(url, now=NOW, **kwargs)  # type: ignore[arg-type]
    return feed.id


def titles(items: list[FeedItem]) -> list[str]:
    return [item.title for item in items]


async def test_a_feed_is_added_once_with_its_settings_and_due_at_once(store: Store) -> None:
    feed = await store.feeds.add_feed(
        FEED_URL, keywords=("sequel", "Pedro Pascal"), interval_s=600, trusted=True,
        added_by=OWNER, now=NOW,
    )  # fmt: skip
    assert (feed.url, feed.keywords, feed.interval_s, feed.trusted, feed.enabled) == (
        FEED_URL, ("sequel", "Pedro Pascal"), 600, True, True,
    )  # fmt: skip
    assert (feed.next_poll_at, feed.created_at, feed.added_by) == (iso(NOW), iso(NOW), OWNER)
    assert (feed.failures, feed.last_error, feed.disabled_reason, feed.title) == (
        0,
        None,
        None,
        None,
    )
    assert await store.feeds.feeds() == [feed] and await store.feeds.feed(feed.id) == feed
    with pytest.raises(ValueError, match="already watched"):
        await store.feeds.add_feed(FEED_URL, now=NOW)
    plain = await store.feeds.add_feed("https://other.example.org/atom.xml", now=NOW)
    assert (plain.keywords, plain.interval_s, plain.trusted, plain.added_by) == (
        (),
        900,
        False,
        None,
    )


async def test_an_item_is_stored_once_by_guid_link_or_hash_across_feeds_and_batches(
    store: Store,
) -> None:
    first, second = await add_feed(store), await add_feed(store, "https://b.example.org/rss")
    stored = await store.feeds.store_items(first, [story(1), story(2), story(3)], now=NOW)
    assert titles(stored) == [f"We Can Be Heroes 2 news #{n}" for n in (1, 2, 3)]
    assert all(item.feed_id == first and item.fetched_at == iso(NOW) for item in stored)
    later = NOW + timedelta(minutes=15)
    again = [
        story(1),  # the same item, polled again
        replace(story(4), guid="urn:story:2"),  # another story's GUID
        replace(story(5), link=story(3).link),  # re-published with a new GUID, same link
        replace(story(6), content_hash=story(1).content_hash),  # same title and link, hashed
        story(7, guid=None, link=None),  # no GUID, no link: its hash is enough
    ]
    assert titles(await store.feeds.store_items(second, again, now=later)) == [
        "We Can Be Heroes 2 news #7"
    ]
    # The same story twice in one batch, with no GUID: stored once.
    twice = [story(8, guid=None), story(8, guid=None), replace(story(9), guid="urn:story:9")]
    assert titles(await store.feeds.store_items(first, twice, now=later)) == [
        "We Can Be Heroes 2 news #8",
        "We Can Be Heroes 2 news #9",
    ]
    assert len(await store.feeds.items(limit=100)) == 6


async def test_a_re_poll_serving_only_known_items_writes_nothing(store: Store) -> None:
    feed = await add_feed(store)
    await store.feeds.store_items(feed, [story(1), story(2)], now=NOW)
    operations: list[str] = []
    store.database.add_query_observer(lambda operation, _seconds: operations.append(operation))
    assert await store.feeds.store_items(feed, [story(2), story(1)], now=NOW) == []
    assert "write" not in operations and operations  # only the cheap reads ran
    assert titles(await store.feeds.store_items(feed, [story(1), story(3)], now=NOW)) == [
        "We Can Be Heroes 2 news #3"
    ]
    assert operations.count("write") == 1


async def test_two_processes_storing_the_same_stories_store_each_once(
    store: Store, other_store: Store
) -> None:
    feed = await add_feed(store)
    batches = [
        [story(n) for n in range(1, 21)],
        [story(n) for n in range(20, 0, -1)],  # the same stories, the other way round
        [replace(story(n), guid=f"other:{n}") for n in range(10, 31)],
    ]
    results = await asyncio.gather(
        *(
            s.feeds.store_items(feed, batch, now=NOW)
            for s in (store, other_store)
            for batch in batches
        )
    )
    new_titles = [title for result in results for title in titles(result)]
    assert sorted(new_titles) == sorted(f"We Can Be Heroes 2 news #{n}" for n in range(1, 31))
    assert len(await store.feeds.items(limit=100)) == 30


async def test_items_are_listed_newest_first_and_candidates_oldest_first(store: Store) -> None:
    feed = await add_feed(store)
    await store.feeds.store_items(feed, [story(1), story(2, status="skipped"), story(3)], now=NOW)
    assert titles(await store.feeds.items()) == [f"We Can Be Heroes 2 news #{n}" for n in (3, 2, 1)]
    skipped = await store.feeds.items(status="skipped")
    assert [(i.title, i.skip_reason) for i in skipped] == [
        ("We Can Be Heroes 2 news #2", "no keyword matched")
    ]
    pending = await store.feeds.pending_review()
    assert titles(pending) == ["We Can Be Heroes 2 news #1", "We Can Be Heroes 2 news #3"]
    assert pending[0].suggested_stage == "filming" and pending[1].flags == ("link-host-differs",)
    assert await store.feeds.item(pending[1].id) == pending[1]
    assert await store.feeds.item(9999) is None
    assert len(await store.feeds.items(limit=2)) == 2
    assert await store.feeds.item_counts() == {feed: {"candidate": 2, "skipped": 1}}


async def test_removing_a_feed_keeps_its_items_and_they_still_prevent_duplicates(
    store: Store,
) -> None:
    feed = await add_feed(store)
    [item] = await store.feeds.store_items(feed, [story(1)], now=NOW)
    assert await store.feeds.remove_feed(feed) is True
    assert await store.feeds.remove_feed(feed) is False
    assert await store.feeds.feeds() == []
    kept = await store.feeds.item(item.id)
    assert kept is not None and kept.feed_id is None and kept.title == item.title
    again = await add_feed(store)  # the same URL, watched again
    assert await store.feeds.store_items(again, [story(1)], now=NOW) == []


async def test_due_feeds_and_the_next_due_time_follow_each_poll(store: Store) -> None:
    assert await store.feeds.next_due_at() is None
    first = await add_feed(store)
    second = await add_feed(store, "https://b.example.org/rss")
    assert [f.id for f in await store.feeds.due_feeds(NOW)] == [first, second]
    assert await store.feeds.due_feeds(NOW - timedelta(seconds=1)) == []
    await store.feeds.poll_succeeded(
        first, etag='"v1"', last_modified="Mon, 01 Jun 2026 11:00:00 GMT",
        next_poll_at=NOW + timedelta(minutes=15), title="Film news", now=NOW,
    )  # fmt: skip
    assert [f.id for f in await store.feeds.due_feeds(NOW)] == [second]
    assert await store.feeds.next_due_at() == NOW
    await store.feeds.poll_succeeded(
        second, etag=None, last_modified=None, next_poll_at=NOW + timedelta(minutes=5), now=NOW
    )
    assert await store.feeds.next_due_at() == NOW + timedelta(minutes=5)
    polled = await store.feeds.feed(first)
    assert polled is not None
    assert (polled.etag, polled.last_modified, polled.title) == (
        '"v1"', "Mon, 01 Jun 2026 11:00:00 GMT", "Film news",
    )  # fmt: skip
    assert (polled.last_polled_at, polled.last_ok_at) == (iso(NOW), iso(NOW))
    later = NOW + timedelta(minutes=15)
    assert [f.id for f in await store.feeds.due_feeds(later)] == [second, first]
    # A 304 keeps the feed's title when none is given.
    await store.feeds.poll_succeeded(
        first,
        etag='"v1"',
        last_modified=None,
        next_poll_at=later + timedelta(minutes=15),
        now=later,
    )
    assert (await store.feeds.feed(first)).title == "Film news"  # type: ignore[union-attr]


async def test_a_claim_leases_the_due_feeds_until_their_poll_sets_the_real_next_time(
    store: Store,
) -> None:
    first = await add_feed(store)
    second = await add_feed(store, "https://b.example.org/rss")
    lease = NOW + timedelta(minutes=2)
    assert await store.feeds.claim_due(NOW - timedelta(seconds=1), lease_until=lease) == []
    claimed = await store.feeds.claim_due(NOW, lease_until=lease, limit=1)
    assert [(f.id, f.next_poll_at) for f in claimed] == [(first, iso(lease))]
    assert [f.id for f in await store.feeds.claim_due(NOW, lease_until=lease)] == [second]
    assert await store.feeds.claim_due(NOW + timedelta(minutes=1), lease_until=lease) == []
    # The poll records the real next time; a poll that never ends frees the feed at the lease.
    await store.feeds.poll_succeeded(
        first, etag=None, last_modified=None, next_poll_at=NOW + timedelta(minutes=15), now=NOW
    )
    assert [
        f.id for f in await store.feeds.claim_due(lease, lease_until=NOW + timedelta(hours=1))
    ] == [second]


async def test_concurrent_claims_from_two_processes_never_return_the_same_feed(
    store: Store, other_store: Store
) -> None:
    ids = [await add_feed(store, f"https://feed{n}.example.org/rss") for n in range(30)]
    disabled = await add_feed(store, "https://disabled.example.org/rss")
    await store.feeds.poll_failed(
        disabled, error="HTTP 500", next_poll_at=NOW, disable=True, now=NOW
    )
    lease = NOW + timedelta(minutes=5)
    claims = await asyncio.gather(
        *(
            s.feeds.claim_due(NOW, lease_until=lease, limit=limit)
            for s in (store, other_store) * 4
            for limit in (None, 3)
        )
    )
    claimed = [feed.id for claim in claims for feed in claim]
    assert sorted(claimed) == ids  # every due feed once; none twice, the disabled one never
    assert await store.feeds.next_due_at() == lease


async def test_failures_count_up_disable_the_feed_with_the_reason_and_enable_resets(
    store: Store,
) -> None:
    feed = await add_feed(store)
    retry = NOW + timedelta(minutes=1)
    failed = await store.feeds.poll_failed(
        feed, error="HTTP 500", next_poll_at=retry, disable=False, now=NOW
    )
    assert failed is not None
    assert (failed.failures, failed.last_error, failed.enabled, failed.next_poll_at) == (
        1, "HTTP 500", True, iso(retry),
    )  # fmt: skip
    assert failed.last_polled_at == iso(NOW) and failed.last_ok_at is None
    gone = await store.feeds.poll_failed(
        feed, error="timed out after 10 s", next_poll_at=retry, disable=True, now=retry
    )
    assert gone is not None and not gone.enabled and gone.failures == 2
    assert gone.disabled_reason is not None and "timed out after 10 s" in gone.disabled_reason
    assert "2" in gone.disabled_reason
    assert await store.feeds.due_feeds(NOW + timedelta(days=1)) == []
    assert await store.feeds.next_due_at() is None
    later = NOW + timedelta(hours=1)
    enabled = await store.feeds.enable_feed(feed, now=later)
    assert enabled is not None and enabled.enabled
    assert (enabled.failures, enabled.disabled_reason, enabled.last_error) == (0, None, None)
    assert [f.id for f in await store.feeds.due_feeds(later)] == [feed]
    assert await store.feeds.enable_feed(9999, now=later) is None
    await store.feeds.remove_feed(feed)
    assert await store.feeds.poll_failed(feed, error="x", next_poll_at=later, disable=True) is None


async def _follow(store: Store, guilds: range) -> None:
    for guild_id in guilds:
        await store.tracker.follow(guild_id, guild_id + 50_000, None, now=NOW)


def _update(item: FeedItem, stage: str | None = None) -> NewUpdate:
    return NewUpdate(
        headline=item.title,
        text=item.summary,
        published_at=item.published,
        source_outlet=item.outlet,
        source_url=item.link,
        stage=stage,
    )


async def test_two_presses_of_publish_publish_once_with_its_deliveries_queued(
    store: Store, other_store: Store
) -> None:
    await _follow(store, range(1, 6))
    feed = await add_feed(store)
    [item] = await store.feeds.store_items(feed, [story(1)], now=NOW)
    seeded = await store.tracker.count_updates()  # the seed's own timeline
    presses = [
        s.feeds.publish_item(item.id, _update(item, "filming"), by=owner, now=NOW)
        for s, owner in ((store, OWNER), (other_store, OTHER_OWNER), (store, OTHER_OWNER))
    ]
    outcomes = await asyncio.gather(*presses)
    published = [outcome for outcome in outcomes if outcome is not None]
    assert len(published) == 1
    update, queued = published[0]
    assert queued == 5
    assert (update.headline, update.text, update.source_url, update.stage) == (
        item.title, item.summary, item.link, "filming",
    )  # fmt: skip
    assert await store.tracker.count_updates() == seeded + 1
    assert await store.tracker.update(update.id) == update
    deliveries = await store.tracker.deliveries(update.id)
    assert sorted(d.guild_id for d in deliveries) == [1, 2, 3, 4, 5]
    assert {d.state for d in deliveries} == {"pending"}
    decided = await store.feeds.item(item.id)
    assert decided is not None and decided.status == "published"
    assert decided.update_id == update.id and decided.reviewed_at == iso(NOW)
    assert decided.reviewed_by in (OWNER, OTHER_OWNER) and update.added_by == decided.reviewed_by
    assert await store.feeds.pending_review() == []
    # What the feed served is kept verbatim on the update it became.
    row = await store.database.one("SELECT excerpt FROM sequel_updates WHERE id = ?", (update.id,))
    assert row is not None and row[0] == item.summary
    # Decided: rejecting it now, or publishing it again, changes nothing.
    assert await store.feeds.reject_item(item.id, by=OWNER, now=NOW) is False
    assert await store.feeds.publish_item(item.id, _update(item), by=OWNER, now=NOW) is None
    assert await store.tracker.count_updates() == seeded + 1


async def test_a_rejected_item_cannot_be_published_and_unknown_items_are_refused(
    store: Store,
) -> None:
    await _follow(store, range(1, 3))
    feed = await add_feed(store)
    [item, skipped] = await store.feeds.store_items(
        feed, [story(1), story(2, status="skipped")], now=NOW
    )
    seeded = await store.tracker.count_updates()  # the seed's own timeline
    assert await store.feeds.reject_item(item.id, by=OWNER, now=NOW) is True
    assert await store.feeds.reject_item(item.id, by=OTHER_OWNER, now=NOW) is False
    rejected = await store.feeds.item(item.id)
    assert rejected is not None
    assert (rejected.status, rejected.reviewed_by, rejected.update_id) == ("rejected", OWNER, None)
    assert await store.feeds.publish_item(item.id, _update(item), by=OWNER, now=NOW) is None
    # A skipped item is not in review: neither button applies to it.
    assert await store.feeds.publish_item(skipped.id, _update(skipped), by=OWNER) is None
    assert await store.feeds.reject_item(skipped.id, by=OWNER) is False
    assert await store.feeds.publish_item(9999, _update(item), by=OWNER) is None
    assert await store.tracker.count_updates() == seeded
    assert await store.tracker.pending_count() == 0


async def test_an_auto_published_item_names_no_reviewer(store: Store) -> None:
    feed = await add_feed(store, trusted=True)
    [item] = await store.feeds.store_items(feed, [story(1)], now=NOW)
    outcome = await store.feeds.publish_item(item.id, _update(item), by=None, now=NOW)
    assert outcome is not None and outcome[1] == 0  # no server follows yet
    assert await store.feeds.item_counts() == {feed: {"published": 1}}
    decided = await store.feeds.item(item.id)
    assert decided is not None and decided.reviewed_by is None and decided.status == "published"


async def test_every_review_message_of_an_item_is_remembered_once(store: Store) -> None:
    feed = await add_feed(store)
    [first, second] = await store.feeds.store_items(feed, [story(1), story(2)], now=NOW)
    await store.feeds.add_review_message(first.id, 700, 9001)
    await store.feeds.add_review_message(first.id, 600, 9002)
    await store.feeds.add_review_message(first.id, 700, 9001)  # sent twice: one row
    await store.feeds.add_review_message(second.id, 700, 9003)
    assert await store.feeds.review_messages(first.id) == [(600, 9002), (700, 9001)]
    assert await store.feeds.review_messages(second.id) == [(700, 9003)]
    assert await store.feeds.review_messages(9999) == []


async def test_forgetting_an_owner_clears_their_id_and_keeps_feeds_and_items(
    store: Store,
) -> None:
    feed = await add_feed(store, added_by=OWNER)
    [item] = await store.feeds.store_items(feed, [story(1)], now=NOW)
    await store.feeds.reject_item(item.id, by=OWNER, now=NOW)
    await store.lifecycle.forget_member(OWNER, None)
    kept_feed, kept_item = await store.feeds.feed(feed), await store.feeds.item(item.id)
    assert kept_feed is not None and kept_feed.added_by is None
    assert kept_item is not None and kept_item.reviewed_by is None
    assert kept_item.status == "rejected"


async def _fill_feeds(store: Store) -> None:
    """A feed, a removed feed's item, a published, a rejected and a skipped item, review
    messages: every feed table and every nullable reference has a row."""
    await _follow(store, range(1, 3))
    feed = await add_feed(store, added_by=OWNER, keywords=("sequel",))
    gone = await add_feed(store, "https://gone.example.org/rss")
    items = await store.feeds.store_items(
        feed, [story(1), story(2), story(3, status="skipped"), story(4)], now=NOW
    )
    await store.feeds.store_items(gone, [story(5)], now=NOW)
    await store.feeds.remove_feed(gone)
    await store.feeds.publish_item(items[0].id, _update(items[0]), by=OWNER, now=NOW)
    await store.feeds.reject_item(items[1].id, by=OTHER_OWNER, now=NOW)
    await store.feeds.add_review_message(items[0].id, 700, 9001)
    await store.feeds.add_review_message(items[3].id, 700, 9002)
    await store.feeds.poll_failed(feed, error="HTTP 500", next_poll_at=NOW, disable=True, now=NOW)


async def test_db_copy_carries_the_feeds_to_postgres_and_ids_continue_after_them(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    async with open_store(tmp_path / "live.db") as source:
        await source.apply_seed(seed)
        await _fill_feeds(source)
        async with open_store(postgres_url) as target:
            outcome = await copy_database(source.database, target.database)
            assert outcome.copied and all(check.ok for check in outcome.tables)
            copied = {check.table: check.rows for check in outcome.tables}
            assert (copied["feeds"], copied["feed_items"], copied["feed_review_messages"]) == (
                1, 5, 2,
            )  # fmt: skip
            assert await target.feeds.feeds() == await source.feeds.feeds()
            assert await target.feeds.items() == await source.feeds.items()
            # New rows on PostgreSQL get ids after the copied ones.
            feed = await add_feed(target, "https://new.example.org/rss")
            [item] = await target.feeds.store_items(feed, [story(6)], now=NOW)
            assert feed > max(f.id for f in await source.feeds.feeds())
            assert item.id > max(i.id for i in await source.feeds.items())


async def test_publishing_a_story_the_timeline_already_holds_stores_nothing(store: Store) -> None:
    """A feed item that repeats an update posted by hand (same headline and link) is refused as
    /sequel-admin post refuses it: no second update, no second post; the item stays a candidate
    for an owner to reject."""
    await _follow(store, range(1, 4))
    feed = await add_feed(store)
    [item] = await store.feeds.store_items(feed, [story(1)], now=NOW)
    posted, _queued = await store.tracker.add_update(_update(item), added_by=OWNER, now=NOW)
    before = await store.tracker.count_updates()
    with pytest.raises(AlreadyInTimeline) as refused:
        await store.feeds.publish_item(item.id, _update(item), by=OWNER, now=NOW)
    assert refused.value.update.id == posted.id
    assert await store.tracker.count_updates() == before
    assert await store.tracker.pending_count() == 3  # the hand-posted update's deliveries only
    assert [waiting.id for waiting in await store.feeds.pending_review()] == [item.id]
