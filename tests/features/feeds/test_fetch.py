"""fetch_feed against a real local server: conditional GETs, limits, redirects, failures."""

from __future__ import annotations

import time
import tracemalloc

import aiohttp
import pytest

from cogs.feeds._fetch import FetchError, fetch_feed
from tests.feeds_server import FeedServer

FAST = 0.5  # the client's timeout in tests: the slow handler answers after 30 s


# A size test's own limit: reading 2 MB under tracemalloc on a busy machine can take longer
# than FAST, and the test is about the size cap, not the clock.
ROOMY = 10.0


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    client_timeout: float = FAST,
    **limits: object,
) -> object:
    return await fetch_feed(
        session, url, etag=None, last_modified=None, timeout=client_timeout, **limits
    )  # type: ignore[arg-type]


async def refused(
    session: aiohttp.ClientSession,
    url: str,
    *,
    client_timeout: float = FAST,
    **limits: object,
) -> str:
    with pytest.raises(FetchError) as caught:
        await fetch(session, url, client_timeout=client_timeout, **limits)
    return caught.value.reason


async def test_a_feed_is_fetched_with_its_validators(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    result = await fetch_feed(
        session, feed_server.url("/changing.xml"), etag=None, last_modified=None
    )
    assert result.status == "ok"
    assert result.body is not None and b"We Can Be Heroes sequel greenlit" in result.body
    assert result.etag and result.last_modified
    assert result.content_type == "application/rss+xml"
    assert result.final_url == feed_server.url("/changing.xml")


async def test_an_unchanged_feed_answers_304_without_a_body(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    url = feed_server.url("/changing.xml")
    first = await fetch_feed(session, url, etag=None, last_modified=None)
    again = await fetch_feed(session, url, etag=first.etag, last_modified=first.last_modified)
    assert again.status == "not_modified"
    assert again.body is None
    sent = feed_server.requests_to("/changing.xml")[-1].headers
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == first.last_modified
    # The first request had nothing to send back.
    assert "If-None-Match" not in feed_server.requests_to("/changing.xml")[0].headers


async def test_a_changed_feed_answers_200_with_new_validators(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    url = feed_server.url("/changing.xml")
    first = await fetch_feed(session, url, etag=None, last_modified=None)
    feed_server.add_item(
        title="We Can Be Heroes sequel trailer", link="https://news.example.com/trailer", guid="t"
    )
    again = await fetch_feed(session, url, etag=first.etag, last_modified=first.last_modified)
    assert again.status == "ok"
    assert again.body is not None and b"trailer" in again.body
    assert again.etag != first.etag


async def test_the_last_modified_date_alone_is_enough_for_a_304(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    url = feed_server.url("/changing.xml")
    first = await fetch_feed(session, url, etag=None, last_modified=None)
    again = await fetch_feed(session, url, etag=None, last_modified=first.last_modified)
    assert again.status == "not_modified"


async def test_a_server_error_is_a_short_reason(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert await refused(session, feed_server.url("/status/500")) == "HTTP 500"
    assert await refused(session, feed_server.url("/status/404")) == "HTTP 404"


async def test_a_slow_server_times_out(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    started = time.monotonic()
    assert await refused(session, feed_server.url("/slow")) == "timed out after 0.5 s"
    assert time.monotonic() - started < 5


async def test_redirects_are_followed_within_the_limit(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    result = await fetch(session, feed_server.url("/redirect/3"))
    assert result.status == "ok"  # type: ignore[attr-defined]
    assert result.final_url == feed_server.url("/rss.xml")  # type: ignore[attr-defined]
    assert await refused(session, feed_server.url("/redirect/6")) == "too many redirects"
    assert (
        await refused(session, feed_server.url("/redirect/3"), max_redirects=2)
        == "too many redirects"
    )


async def test_a_redirect_loop_is_named(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert await refused(session, feed_server.url("/loop/a")) == "redirect loop"
    # Caught on the second visit of an address, not after max_redirects hops.
    assert len(feed_server.requests_to("/loop/a")) == 1


async def test_only_http_and_https_are_fetched(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert (
        await refused(session, feed_server.url("/to-ftp"))
        == "not http(s): ftp://127.0.0.1/feed.xml"
    )
    assert await refused(session, "file:///etc/passwd") == "not http(s): file:///etc/passwd"
    assert (await refused(session, "ftp://example.com/" + "x" * 200)).endswith("…")
    assert await refused(session, "http://[::1/feed") == "invalid address: http://[::1/feed"


async def test_a_50_mb_response_is_abandoned_without_being_read(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    tracemalloc.start()
    try:
        reason = await refused(
            session, feed_server.url("/huge"), client_timeout=ROOMY, max_bytes=2_000_000
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "response over 2 MB"
    # The cap plus a chunk and the server's own buffers, far from the 50 MB sent.
    assert peak < 12_000_000


async def test_a_compressed_bomb_is_capped_on_its_inflated_size(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    # aiohttp inflates gzip as it reads, in bounded steps: the cap counts inflated bytes.
    tracemalloc.start()
    try:
        reason = await refused(
            session, feed_server.url("/gzip-bomb"), client_timeout=ROOMY, max_bytes=2_000_000
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "response over 2 MB"
    assert peak < 12_000_000


async def test_a_declared_length_over_the_cap_is_refused_before_reading(
    feed_server: FeedServer, session: aiohttp.ClientSession
) -> None:
    assert (
        await refused(session, feed_server.url("/huge-declared"), max_bytes=500_000)
        == "response over 0.5 MB"
    )


async def test_an_unreachable_server_is_a_short_reason(session: aiohttp.ClientSession) -> None:
    async with FeedServer() as server:
        url = server.url("/rss.xml")
    reason = await refused(session, url)
    assert reason.startswith("cannot connect to 127.0.0.1:")
