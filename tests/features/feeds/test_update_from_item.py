"""What auto-publish publishes is what a reviewed publish would: the feed's words, without the
invisible characters (a soft hyphen, a zero-width space) that the publish check refuses."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import FeedItem
from cogs.feeds._service import update_from_item

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def an_item(title: str, summary: str) -> FeedItem:
    return FeedItem(
        id=1,
        feed_id=1,
        guid="urn:story:1",
        link="https://news.example/story",
        title=title,
        summary=summary,
        outlet="News Example",
        published="2026-12-01",
        content_hash="hash",
        status="candidate",
        skip_reason=None,
        suggested_stage=None,
        flags=(),
        fetched_at="2026-12-02T11:00:00+00:00",
        update_id=None,
        reviewed_by=None,
        reviewed_at=None,
    )


def test_auto_publish_leaves_out_invisible_characters_and_keeps_every_word() -> None:
    checked = update_from_item(
        an_item("We Can Be Heroes se\u00adquel", "Film\u200bing begins\nin Austin."), now=NOW
    )
    assert checked.ok, checked.problems
    assert checked.update is not None
    assert checked.update.headline == "We Can Be Heroes sequel"
    assert checked.update.text == "Filming begins in Austin."
    assert checked.update.stage is None
