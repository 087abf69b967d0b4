"""A public feed may not redirect the bot into its own host's network (SSRF): loopback,
link-local (cloud metadata), private addresses. A self-hoster's feed on a private address may."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver

from cogs.feeds._fetch import FetchError, fetch_feed, host_is_public

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


class Server:
    """Serves /feed.xml and /to?url=… (a redirect to any absolute address); logs each path."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.port = 0

    async def feed(self, request: web.Request) -> web.Response:
        self.paths.append(request.path)
        return web.Response(body=RSS, content_type="application/rss+xml")

    async def to(self, request: web.Request) -> web.Response:
        self.paths.append(request.path)
        raise web.HTTPFound(request.query["url"])


class EveryNameIsLocal(AbstractResolver):
    """Resolves every name to 127.0.0.1, as a hostile DNS answer (or a rebinding) would."""

    async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[dict[str, Any]]:
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self) -> None:
        return None


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    served = Server()
    app = web.Application()
    app.router.add_get("/feed.xml", served.feed)
    app.router.add_get("/to", served.to)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    served.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield served
    await runner.cleanup()


@pytest.fixture
async def local_dns_session() -> AsyncIterator[aiohttp.ClientSession]:
    connector = aiohttp.TCPConnector(resolver=EveryNameIsLocal())
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


async def _reason(session: aiohttp.ClientSession, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        await fetch_feed(session, url, etag=None, last_modified=None, timeout=5)
    return caught.value.reason


async def test_a_public_feed_redirecting_to_loopback_is_refused_before_the_request(
    server: Server, local_dns_session: aiohttp.ClientSession
) -> None:
    # "news.invalid" never resolves for real: it counts as public; the session reaches it on
    # 127.0.0.1 through the test's resolver.
    target = f"http://127.0.0.1:{server.port}/feed.xml"
    url = f"http://news.invalid:{server.port}/to?url={target}"
    reason = await _reason(local_dns_session, url)
    assert reason.startswith("refused: a public feed redirected to a private address")
    assert server.paths == ["/to"]  # the private address was never requested


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
    ],
)
async def test_a_public_feed_redirecting_to_metadata_or_private_ranges_is_refused(
    server: Server, local_dns_session: aiohttp.ClientSession, target: str
) -> None:
    url = f"http://news.invalid:{server.port}/to?url={target}"
    reason = await _reason(local_dns_session, url)
    assert "private address" in reason
    assert server.paths == ["/to"]


async def test_a_self_hosted_feed_on_a_private_address_may_redirect_locally(
    server: Server,
) -> None:
    target = f"http://localhost:{server.port}/feed.xml"
    async with aiohttp.ClientSession() as session:
        result = await fetch_feed(
            session,
            f"http://127.0.0.1:{server.port}/to?url={target}",
            etag=None,
            last_modified=None,
            timeout=5,
        )
    assert result.status == "ok" and result.body == RSS


async def test_public_and_private_hosts_are_told_apart() -> None:
    assert await host_is_public("93.184.216.34")
    assert await host_is_public("2606:2800:220:1:248:1893:25c8:1946")
    for host in ("127.0.0.1", "169.254.169.254", "10.1.2.3", "172.16.0.1", "100.64.0.1"):
        assert not await host_is_public(host), host
    assert not await host_is_public("localhost")
    assert not await host_is_public("[fe80::1]")
