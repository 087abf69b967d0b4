"""parse_feed on what the local server serves: RSS, Atom, encodings, and hostile XML."""

from __future__ import annotations

import aiohttp
import pytest

from cogs.feeds._fetch import fetch_feed
from cogs.feeds._html_text import html_to_text
from cogs.feeds._parse import FeedParseError, ParsedFeed, parse_feed
from tests.feeds_server import SHARED_STORY_LINK, FeedServer


async def served(server: FeedServer, session: aiohttp.ClientSession, path: str) -> ParsedFeed:
    fetched = await fetch_feed(session, server.url(path), etag=None, last_modified=None, timeout=2)
    assert fetched.body is not None
    return parse_feed(fetched.body, url=fetched.final_url, content_type=fetched.content_type)


async def refused(server: FeedServer, session: aiohttp.ClientSession, path: str) -> str:
    with pytest.raises(FeedParseError) as caught:
        await served(server, session, path)
    return caught.value.reason


async def test_rss_items_are_read_as_plain_text(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed = await served(feed_server, session, "/rss.xml")
    assert feed.title == "Example News: Film"
    first, second, third = feed.items
    assert first.guid == "news-1"
    assert first.link == "https://news.example.com/heroes-sequel-greenlit"
    assert first.title == "We Can Be Heroes sequel greenlit at Netflix"
    # The tags go, every word stays, exactly.
    assert first.summary == "Netflix has officially announced a sequel to We Can Be Heroes."
    assert first.outlet == "Example News: Film"
    assert (first.published, second.published) == ("2026-11-20", "2026-11-23")
    assert second.summary == "Cameras are rolling on the sequel & the cast is back."
    assert third.title == "Bowie's “Heroes” remastered for vinyl"


async def test_atom_entries_are_read(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed = await served(feed_server, session, "/atom.xml")
    assert feed.title == "Heroes Watch"
    wrap, rodriguez = feed.items
    assert wrap.title == "We Can Be Heroes sequel wraps filming"
    assert wrap.summary == "The sequel moves to post-production."
    assert wrap.guid == "tag:atom.example.net,2026:wrap"
    assert wrap.published == "2026-11-25"  # no <published>: the <updated> date
    assert rodriguez.published == "2026-11-24"
    # A relative link resolves against the feed's address.
    assert rodriguez.link == feed_server.url("/posts/rodriguez")


async def test_a_latin1_feed_is_decoded_by_its_declaration(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed = await served(feed_server, session, "/latin1.xml")
    assert feed.title == "Cinéma"
    assert feed.items[0].title == "Suite à We Can Be Heroes : la sequel est confirmée"
    assert feed.items[0].summary == "Café, crème et héros."


async def test_a_windows_1252_feed_is_decoded_by_its_http_charset(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed = await served(feed_server, session, "/cp1252.xml")
    assert feed.items[0].title == "“We Can Be Heroes” sequel – a €50M budget"
    assert feed.items[0].summary == "It’s official."


def test_latin1_labelled_bytes_are_read_as_windows_1252() -> None:
    # Feeds labelled ISO-8859-1 often hold Windows-1252's curly quotes (0x93, 0x94), as
    # browsers assume: read as Latin-1 they would be invisible control characters.
    body = b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
    body += b"<title>\x93Heroes\x94</title></channel></rss>"
    assert parse_feed(body, url="https://x.example/", content_type=None).title == "“Heroes”"


def test_an_unknown_encoding_is_named() -> None:
    body = b'<?xml version="1.0" encoding="klingon-8"?><rss version="2.0"><channel/></rss>'
    with pytest.raises(FeedParseError, match="unknown character encoding: klingon-8"):
        parse_feed(body, url="https://x.example/", content_type="application/xml")


async def test_items_without_a_guid_are_kept(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    feed = await served(feed_server, session, "/no-guid.xml")
    assert [item.guid for item in feed.items] == [None, None]
    assert [item.link for item in feed.items] == [
        "https://noguid.example.com/date",
        "https://noguid.example.com/trailer",
    ]


async def test_a_republished_story_is_served_twice(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    # Two GUIDs, one link: telling them apart is the store's job (by canonical link).
    feed = await served(feed_server, session, "/republished.xml")
    assert [item.guid for item in feed.items] == ["first-guid", "second-guid"]
    assert {item.link for item in feed.items} == {SHARED_STORY_LINK}


async def test_an_entity_expansion_bomb_is_refused(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert await refused(feed_server, session, "/bomb.xml") == (
        "refused: the XML declares entities (entity expansion or XXE)"
    )


@pytest.mark.parametrize("path", ["/xxe.xml", "/xxe-parameter.xml"])
async def test_an_external_entity_is_refused_and_nothing_is_read(
    feed_server: FeedServer, session: aiohttp.ClientSession, path: str
) -> None:
    assert (await refused(feed_server, session, path)).startswith(
        "refused: the XML declares entities"
    )


def test_an_external_dtd_alone_is_harmless_and_read() -> None:
    # RSS 0.91's DOCTYPE names an external DTD; it is never fetched (no entities are declared).
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old school</title><item><title>Hi</title>
<link>https://old.example/</link></item></channel></rss>"""
    feed = parse_feed(body, url="https://old.example/rss", content_type="text/xml")
    assert feed.title == "Old school"
    assert feed.items[0].link == "https://old.example/"


async def test_malformed_xml_says_where(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert (
        await refused(feed_server, session, "/malformed.xml")
        == "malformed XML at line 3, column 76"
    )


async def test_a_web_page_is_not_a_feed(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert await refused(feed_server, session, "/not-a-feed.html") == (
        "not a feed: the address serves a web page (text/html)"
    )


def test_well_formed_xml_that_is_no_feed_is_named() -> None:
    with pytest.raises(FeedParseError, match="not an RSS or Atom feed"):
        parse_feed(
            b"<note><to>Tove</to></note>", url="https://x.example/", content_type="application/xml"
        )


def test_empty_body_is_refused() -> None:
    with pytest.raises(FeedParseError, match="malformed XML"):
        parse_feed(b"", url="https://x.example/", content_type=None)


def test_html_to_text_keeps_words_and_separates_blocks() -> None:
    assert html_to_text("<p>One.</p><p>Two &amp; <b>three</b></p>") == "One. Two & three"
    assert html_to_text("a<br>b<script>alert(1)</script> c") == "a b c"
    assert html_to_text("Fish\u00a0and   chips") == "Fish and chips"


def test_loading_the_extension_does_not_import_the_parsers() -> None:
    """feedparser, defusedxml and the standard library's XML and HTML parsers load where a feed
    is first parsed, not at every bot start."""
    import subprocess
    import sys

    parsers = {"feedparser", "defusedxml", "html.parser", "xml.etree.ElementTree"}
    probe = f"import sys, cogs.feeds; print(sorted({parsers!r} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
