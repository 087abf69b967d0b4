"""A feed item's identity keys (GUID, link) fit the database's unique indexes on both engines:
PostgreSQL refuses a btree index entry over ~2,700 bytes, so one hostile item with a huge GUID
or link would otherwise fail its whole batch on every poll, until the feed is disabled."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bot.store import Store
from cogs.feeds._match import new_item
from cogs.feeds._parse import RawItem

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example.com/film.rss"


class _Feed:
    url = FEED_URL
    keywords = ("heroes",)
    title = "Example News"


def _noise(count: int) -> str:
    """Text PostgreSQL cannot compress below its index entry limit."""
    return "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(count // 64 + 1))


def _raw(guid: str, link: str, title: str = "Heroes sequel news") -> RawItem:
    return RawItem(guid, link, title, "Heroes summary", "Example News", "2026-05-30")


async def test_an_item_with_a_huge_guid_or_link_is_stored_and_the_good_items_too(
    store: Store,
) -> None:
    feed = await store.feeds.add_feed(FEED_URL, now=NOW)
    huge_guid = "urn:x:" + _noise(6000)
    huge_link = "https://news.example.com/" + _noise(6000)
    items = [
        new_item(_raw(huge_guid, "https://news.example.com/1"), _Feed(), NOW),
        new_item(_raw("urn:x:2", huge_link, "Heroes other news"), _Feed(), NOW),
        new_item(_raw("urn:x:3", "https://news.example.com/3", "Heroes third"), _Feed(), NOW),
    ]
    stored = await store.feeds.store_items(feed.id, items, now=NOW)
    assert len(stored) == 3
    long_link = next(item for item in stored if item.guid == "urn:x:2")
    assert long_link.status == "skipped" and "too long" in (long_link.skip_reason or "")
    # The same huge GUID served again is the same story.
    again = new_item(_raw(huge_guid, "https://news.example.com/1b", "Heroes again"), _Feed(), NOW)
    assert await store.feeds.store_items(feed.id, [again], now=NOW) == []
