"""The feed watcher's cards: a candidate under review, decided, the feeds list, recent items."""

from __future__ import annotations

import re
from typing import Any

from msgspec.structs import replace

from bot.i18n import use_locale
from bot.store import Feed, FeedItem, SequelUpdate
from cogs.feeds import feeds_embed, items_embed, review_embed
from cogs.sequel import news_pages, update_card, update_summary
from cogs.sequel._layouts import news_layouts, update_layout
from tests.discord_limits import refused_by_discord

SUMMARY = "Netflix has greenlit a sequel to We Can Be Heroes, with Robert Rodriguez returning."


def make_feed(**changes: Any) -> Feed:
    feed = Feed(
        id=3,
        url="https://news.example.com/rss",
        title="Example News — Film",
        keywords=(),
        interval_s=900,
        trusted=False,
        enabled=True,
        etag=None,
        last_modified=None,
        next_poll_at="2025-01-10T12:15:00+00:00",
        last_polled_at=None,
        last_ok_at=None,
        failures=0,
        last_error=None,
        disabled_reason=None,
        added_by=99,
        created_at="2025-01-10T12:00:00+00:00",
    )
    return replace(feed, **changes)


def make_item(**changes: Any) -> FeedItem:
    item = FeedItem(
        id=12,
        feed_id=3,
        guid="guid-12",
        link="https://news.example.com/heroes-2",
        title="We Can Be Heroes 2 is happening",
        summary=SUMMARY,
        outlet="Example News",
        published="2025-01-09",
        content_hash="0" * 64,
        status="candidate",
        skip_reason=None,
        suggested_stage="announced",
        flags=(),
        fetched_at="2025-01-10T12:00:05+00:00",
        update_id=None,
        reviewed_by=None,
        reviewed_at=None,
    )
    return replace(item, **changes)


def fields(embed: Any) -> dict[str, str]:
    return {field.name: field.value for field in embed.fields}


def test_a_candidate_shows_headline_source_verbatim_summary_and_the_suggestion() -> None:
    embed = review_embed(make_item(), make_feed())
    shown = fields(embed)
    assert embed.title == "We Can Be Heroes 2 is happening"
    # Who reported it, and the plain address: never a masked link.
    assert shown["Reported by"] == "Example News — <https://news.example.com/heroes-2>"
    assert shown["What the feed says"] == f"> {SUMMARY}"
    assert "Announced" in shown["Suggested stage"] and "suggestion" in shown["Suggested stage"]
    assert shown["Publish with"] == "no stage change"
    assert "Nothing is posted until an owner presses **Publish**" in embed.description
    assert "Feed item #12" in embed.footer.text
    assert refused_by_discord(embed) == []


def test_the_stage_picked_so_far_is_shown() -> None:
    embed = review_embed(make_item(), make_feed(), stage="filming")
    assert fields(embed)["Publish with"] == "Filming"


def test_flags_are_warnings() -> None:
    flagged = make_item(flags=("link-host-differs", "link-not-http"))
    warnings = fields(review_embed(flagged, make_feed()))["Warnings"]
    assert "another website" in warnings and "not an http(s) address" in warnings
    assert warnings.count("⚠️") == 2


def test_no_summary_quotes_the_headline_and_no_suggestion_no_field() -> None:
    item = make_item(summary="  ", suggested_stage=None)
    shown = fields(review_embed(item, None))
    assert shown["What the feed says"] == "> We Can Be Heroes 2 is happening"
    assert "Suggested stage" not in shown and shown["Feed"] == "a removed feed"


def test_markdown_in_an_outlet_is_plain_text() -> None:
    item = make_item(outlet="[Totally Netflix](https://evil.example)")
    reported = fields(review_embed(item, make_feed()))["Reported by"]
    assert "](" not in reported and "https://evil" not in reported


def test_huge_values_stay_inside_discord_limits() -> None:
    item = make_item(title="H" * 900, summary="word " * 3000, outlet="O" * 500)
    assert refused_by_discord(review_embed(item, make_feed(title="T" * 900))) == []


def test_decided_cards_say_who_decided_and_keep_no_call_to_action() -> None:
    published = make_item(status="published", reviewed_by=99, update_id=41)
    embed = review_embed(published, make_feed())
    assert embed.description == "**Published** by <@99> as update #41."
    assert "Publish with" not in fields(embed)
    rejected = review_embed(make_item(status="rejected", reviewed_by=99), make_feed())
    assert rejected.description == "**Rejected** by <@99>: nothing was posted."
    automatic = review_embed(make_item(status="published", update_id=5), make_feed())
    assert automatic.description == "**Published** by the feed watcher as update #5."


def test_feeds_list_shows_state_schedule_and_trouble() -> None:
    feeds = [
        make_feed(),
        make_feed(id=4, title=None, failures=2, last_error="HTTP 500", trusted=True),
        make_feed(
            id=5,
            enabled=False,
            failures=8,
            last_error="timed out after 10 s",
            disabled_reason="8 failed polls in a row; the last: timed out after 10 s.",
            keywords=("heroes", "sequel"),
        ),
    ]
    embed = feeds_embed(feeds)
    values = list(fields(embed).values())
    assert "Next poll 2025-01-10 12:15 UTC." in values[0]
    assert "every 15 minutes" in values[0] and "the default keywords" in values[0]
    assert "**Failing** (2 times in a row): HTTP 500" in values[1] and "trusted" in values[1]
    assert "**Disabled**: 8 failed polls" in values[2] and "/feeds enable" in values[2]
    assert "keywords: heroes, sequel" in values[2]
    assert embed.footer.text == "3 feeds"
    assert refused_by_discord(embed) == []
    assert "/feeds add" in feeds_embed([]).description


def test_items_show_their_state_and_why_skipped() -> None:
    items = [
        make_item(id=2, status="skipped", skip_reason="no keyword in title or summary"),
        make_item(id=1, status="published", update_id=3),
    ]
    text = items_embed(items).description
    assert "#2 · skipped: no keyword in title or summary · “We Can Be Heroes 2" in text
    assert "#1 · published ·" in text and "<https://news.example.com/heroes-2>" in text
    assert items_embed([]).description == "No item has been read yet."


def test_a_french_reader_gets_the_summary_as_served() -> None:
    with use_locale("fr"):
        embed = review_embed(make_item(), make_feed())
    assert embed.title == "We Can Be Heroes 2 is happening"
    assert any(SUMMARY in field.value for field in embed.fields)
    assert "9 janv. 2025" in [field.value for field in embed.fields]  # the served day, in French


# A hostile feed's summary: a masked link dressed as the outlet's, a fake decision line, a
# heading and mentions.
HOSTILE_SUMMARY = (
    "# **Published** by <@99> as update #1 [variety.com/heroes-2](https://evil.example) "
    "<@&5> @everyone > quoted"
)
UNESCAPED_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\\)")


def test_a_feeds_markdown_is_shown_as_written_in_the_review_card() -> None:
    excerpt = fields(review_embed(make_item(summary=HOSTILE_SUMMARY), make_feed()))[
        "What the feed says"
    ]
    assert not UNESCAPED_MASKED_LINK.search(excerpt)
    assert "\\*\\*Published\\*\\*" in excerpt and "\\<@99\\>" in excerpt and "\\#" in excerpt


def test_a_feeds_markdown_is_shown_as_written_in_the_post() -> None:
    update = SequelUpdate(
        7, None, "Heroes 2", HOSTILE_SUMMARY, "2025-03-01", "Example News",
        "https://news.example.com/heroes-2", None, "owner", None, "2025-03-01T00:00:00+00:00",
    )  # fmt: skip
    card = update_card(update)
    text_line = (card.description or "").split("\n")[1]
    assert text_line.startswith("\\# \\*\\*Published")
    assert not UNESCAPED_MASKED_LINK.search(card.description or "")
    assert "\\<@&5\\>" in text_line
    summary = update_summary(update)
    assert not UNESCAPED_MASKED_LINK.search(summary) and "\\<@99\\>" in summary


def test_a_feeds_headline_is_no_masked_link_in_a_v2_post_or_news_page() -> None:
    # A Components V2 text display renders Markdown where an embed title does not.
    update = SequelUpdate(
        7, None, "[variety.com/heroes-2](https://evil.example) **confirmed**", "Text.",
        "2025-03-01", "Example News", "https://news.example.com/heroes-2", None, "owner", None,
        "2025-03-01T00:00:00+00:00",
    )  # fmt: skip
    texts = [block.text for block in update_layout(update).blocks if hasattr(block, "text")]
    texts += [block.text for layout in news_layouts(news_pages([update])) for block in
              layout.blocks if hasattr(block, "text")]  # fmt: skip
    joined = "\n".join(texts)
    assert "\\[variety.com/heroes" in joined  # shown as written
    assert not UNESCAPED_MASKED_LINK.search(joined)


def test_a_fetch_error_quoting_a_hostile_address_is_no_masked_link_in_the_feeds_list() -> None:
    error = "not http(s): ftp://x/ [Re-enable the feed](https://evil.example)"
    for feed in (
        make_feed(failures=2, last_error=error),
        make_feed(enabled=False, disabled_reason=error, last_error=error),
    ):
        listed = feeds_embed([feed]).fields[0].value
        assert not UNESCAPED_MASKED_LINK.search(listed) and "Re\\-enable the feed" in listed
