"""Which items are candidates, what they suggest, how one story gets one identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.store import STAGE_KEYS
from cogs.feeds._match import (
    DEFAULT_KEYWORDS,
    FILM_TITLE,
    STAGE_HINTS,
    canonical_link,
    content_hash,
    is_candidate,
    link_flags,
    new_item,
    suggest_stage,
)
from cogs.feeds._parse import RawItem
from tests.features.feeds.test_parse import served
from tests.feeds_server import FeedServer

FETCHED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeFeed:
    url: str
    title: str | None = None
    keywords: tuple[str, ...] = ()


def raw(title: str, link: str | None = "https://news.example.com/a", **fields: object) -> RawItem:
    values: dict[str, object] = dict(guid="g", summary="", outlet=None, published=None)
    values.update(fields)
    return RawItem(title=title, link=link, **values)  # type: ignore[arg-type]


# ---------------------------------------------------------------- keywords


def test_the_default_needs_the_film_and_a_sequel_word() -> None:
    assert is_candidate("We Can Be Heroes sequel confirmed", "", ()) == (True, None)
    assert is_candidate("Netflix news", "A sequel to We Can Be Heroes is coming", ()) == (
        True,
        None,
    )
    assert is_candidate("we can be heroes 2 — release date", "", ()) == (True, None)
    ok, reason = is_candidate("Bowie: we can be heroes, just for one day", "", ())
    assert (
        not ok
        and reason == "names the film but no sequel word (sequel, release date, filming, ...)"
    )
    ok, reason = is_candidate("Spy Kids sequel announced", "", ())
    assert not ok and reason == f"does not name the film “{FILM_TITLE}”"
    assert DEFAULT_KEYWORDS[0] == FILM_TITLE


def test_keywords_match_whole_words_only() -> None:
    assert is_candidate("The sequels are coming", "", ("sequel",))[0] is False
    assert is_candidate("A SEQUEL, at last", "", ("sequel",)) == (True, None)
    assert is_candidate("Heroes  2 casting", "", ("heroes 2",)) == (True, None)  # spaces fold
    assert is_candidate("Superheroes 2", "", ("heroes 2",))[0] is False
    assert is_candidate("Antman", "", ("Ant-Man",))[0] is False
    assert is_candidate("Ant-Man 4 news", "", ("Ant-Man",)) == (True, None)


def test_custom_keywords_any_one_matches_and_the_reason_lists_them() -> None:
    assert is_candidate("Rodriguez on set", "", ("Rodriguez", "Pedro Pascal")) == (True, None)
    assert is_candidate("Nothing here", "", ("Rodriguez", "Pedro Pascal")) == (
        False,
        "no keyword matched (Rodriguez, Pedro Pascal)",
    )


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("We Can Be Heroes sequel officially announced", "announced"),
        ("Sequel in development, script being written", "in-development"),
        ("Casting call for the sequel", "pre-production"),
        ("We Can Be Heroes 2 begins filming in Austin", "filming"),
        ("The sequel wrapped filming last week", "post-production"),
        ("Sequel sets release date for July", "release-date-set"),
        ("We Can Be Heroes 2 is now streaming", "released"),
        ("We Can Be Heroes sequel rumours", None),
    ],
)
def test_a_stage_is_suggested_by_phrase(text: str, stage: str | None) -> None:
    assert suggest_stage(text) == stage


def test_every_suggested_stage_is_a_real_stage() -> None:
    assert {stage for stage, _phrases in STAGE_HINTS} <= set(STAGE_KEYS)


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("served_link", "canonical"),
    [
        ("HTTPS://News.Example.COM/a/b/", "https://news.example.com/a/b"),
        (
            "https://news.example.com/a?utm_source=rss&utm_medium=feed&id=3#top",
            "https://news.example.com/a?id=3",
        ),
        ("https://news.example.com:443/a?fbclid=x", "https://news.example.com/a"),
        ("http://news.example.com:8080/", "http://news.example.com:8080/"),
        ("https://news.example.com", "https://news.example.com/"),
        ("  https://news.example.com/a  ", "https://news.example.com/a"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_link(served_link: str | None, canonical: str | None) -> None:
    assert canonical_link(served_link) == canonical


def test_the_content_hash_ignores_case_spacing_and_tracking() -> None:
    one = content_hash("We Can Be Heroes  sequel", "https://a.example/x?utm_source=1")
    assert one == content_hash("we can be heroes sequel", "https://A.example/x/")
    assert one != content_hash("We Can Be Heroes sequel", "https://a.example/y")
    assert len(one) == 64


@pytest.mark.parametrize(
    ("link", "feed_url", "flags"),
    [
        ("https://news.example.com/a", "https://news.example.com/rss", ()),
        ("https://www.example.com/a", "https://feeds.example.com/rss", ()),  # same site
        ("https://other.example.org/a", "https://news.example.com/rss", ("link-host-differs",)),
        ("https://www.bbc.co.uk/a", "https://feeds.bbc.co.uk/rss", ()),
        ("https://itv.co.uk/a", "https://feeds.bbc.co.uk/rss", ("link-host-differs",)),
        ("https://variety.com/a", "https://news.google.com/rss/search?q=x", ()),
        ("https://feedproxy.google.com/~r/x", "https://outlet.example/rss", ()),
        ("javascript:alert(1)", "https://news.example.com/rss", ("link-not-http",)),
        ("ftp://news.example.com/a", "https://news.example.com/rss", ("link-not-http",)),
        (None, "https://news.example.com/rss", ()),
    ],
)
def test_link_flags(link: str | None, feed_url: str, flags: tuple[str, ...]) -> None:
    assert link_flags(link, feed_url) == flags


# ---------------------------------------------------------------- new_item


def test_a_candidate_carries_its_identity_and_suggestion() -> None:
    feed = FakeFeed("https://news.example.com/rss", title="Example News")
    item = new_item(
        raw("We Can Be Heroes sequel begins filming", "https://news.example.com/a/?utm_source=x"),
        feed,
        FETCHED_AT,
    )
    assert item.status == "candidate" and item.skip_reason is None
    assert item.link == "https://news.example.com/a"
    assert item.content_hash == content_hash("We Can Be Heroes sequel begins filming", item.link)
    assert item.suggested_stage == "filming"
    assert item.outlet == "Example News"  # no <source>: the feed's title
    assert item.flags == ()


def test_skipped_items_say_why() -> None:
    feed = FakeFeed("https://news.example.com/rss")
    unrelated = new_item(raw("Bowie remastered"), feed, FETCHED_AT)
    assert unrelated.status == "skipped"
    assert unrelated.skip_reason == f"does not name the film “{FILM_TITLE}”"
    assert unrelated.suggested_stage is None
    assert new_item(raw("We Can Be Heroes sequel", link=None), feed, FETCHED_AT).skip_reason == (
        "no link: nothing to cite"
    )
    assert new_item(raw("  "), feed, FETCHED_AT).skip_reason == "no headline"


def test_an_item_outlet_is_its_source_then_the_feed_then_the_host() -> None:
    item = raw("We Can Be Heroes sequel", "https://variety.com/x", outlet="Variety")
    assert new_item(item, FakeFeed("https://news.google.com/rss"), FETCHED_AT).outlet == "Variety"
    bare = raw("We Can Be Heroes sequel", "https://variety.com/x")
    assert new_item(bare, FakeFeed("https://variety.com/feed"), FETCHED_AT).outlet == "variety.com"


def test_suspicious_and_old_items_are_flagged_for_review() -> None:
    feed = FakeFeed("https://news.example.com/rss")
    elsewhere = raw(
        "We Can Be Heroes sequel", "https://elsewhere.example.org/x", published="2026-10-01"
    )
    assert new_item(elsewhere, feed, FETCHED_AT).flags == ("link-host-differs", "old-item")
    recent = raw("We Can Be Heroes sequel", "https://news.example.com/x", published="2026-11-30")
    assert new_item(recent, feed, FETCHED_AT).flags == ()


def test_custom_keywords_decide_for_their_feed() -> None:
    feed = FakeFeed("https://news.example.com/rss", keywords=("Rodriguez",))
    assert new_item(raw("Robert Rodriguez interview"), feed, FETCHED_AT).status == "candidate"


async def test_the_same_story_in_two_feeds_has_one_link_and_hash(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    items = []
    for path in ("/outlet-a.xml", "/outlet-b.xml", "/republished.xml"):
        parsed = await served(feed_server, session, path)
        feed = FakeFeed(feed_server.url(path), title=parsed.title)
        items += [new_item(entry, feed, FETCHED_AT) for entry in parsed.items]
    assert len(items) == 4
    assert len({item.guid for item in items}) == 4  # four GUIDs...
    assert len({item.link for item in items}) == 1  # ...one story
    assert len({item.content_hash for item in items}) == 1
    assert {item.status for item in items} == {"candidate"}


async def test_every_good_feed_item_is_decided(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    parsed = await served(feed_server, session, "/rss.xml")
    feed = FakeFeed(feed_server.url("/rss.xml"), title=parsed.title)
    decided = [new_item(entry, feed, FETCHED_AT) for entry in parsed.items]
    assert [item.status for item in decided] == ["candidate", "candidate", "skipped"]
    assert [item.suggested_stage for item in decided[:2]] == ["announced", "filming"]
    # The feed is on 127.0.0.1, its links on news.example.com: flagged, as a review should see.
    assert decided[0].flags == ("link-host-differs",)


def test_bare_guids_of_two_feeds_never_collide() -> None:
    from cogs.feeds._match import scoped_guid

    assert scoped_guid("1", "https://a.example/rss") != scoped_guid("1", "https://b.example/rss")
    assert scoped_guid("urn:uuid:42", "https://a.example/rss") == "urn:uuid:42"
    assert scoped_guid("https://a.example/p/1", "https://b.example/rss") == "https://a.example/p/1"
    assert scoped_guid(None, "https://a.example/rss") is None
