"""One feed fetched over HTTP, within limits: time, size, redirects, schemes.

- Conditional GET: the ETag and Last-Modified of the last answer are sent back, so an unchanged
  feed costs a 304 and no body.
- A timeout on the whole fetch (every redirect hop and the body included), not per read: a
  server that trickles one byte a second is cut off too.
- The body is read in chunks and abandoned past max_bytes (a declared Content-Length over it is
  refused before reading): a 50 MB answer never sits in memory. aiohttp decompresses gzip as
  it reads, so the cap counts decompressed bytes.
- Redirects are followed by hand, each hop's scheme checked (http and https only), at most
  max_redirects of them, and an address seen twice is a loop.
- A feed on a public address may not redirect into loopback, link-local (169.254.x.x: cloud
  metadata), private or other non-global addresses: a hostile outlet could otherwise make the bot
  request its host's own services (SSRF). Each such hop is checked before it is requested (its
  name resolved). Not covered: a name answering public to this check and private to the
  connection a moment later (DNS rebinding); that needs a resolver in the session itself. A feed
  an owner adds on a private address (a self-hoster's) may redirect anywhere: the owner chose it.
Failures raise FetchError with a short English reason, shown to owners in `feeds list`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Literal
from urllib.parse import urljoin, urlsplit

import aiohttp
import msgspec

USER_AGENT = "heroes-bot feed watcher (+https://github.com/heroes-bot)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
# How much of an address a reason shows: enough to recognise it, not a wall of text.
SHOWN_URL_CHARS = 80


class FetchError(Exception):
    """A fetch that failed; `reason` is short English for `feeds list`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchResult(msgspec.Struct, frozen=True):
    status: Literal["ok", "not_modified"]
    body: bytes | None
    etag: str | None
    last_modified: str | None
    final_url: str
    content_type: str | None


def _shown(url: str) -> str:
    return url if len(url) <= SHOWN_URL_CHARS else url[: SHOWN_URL_CHARS - 1] + "…"


def _size(limit: int) -> str:
    """2_000_000 -> '2 MB', 500_000 -> '0.5 MB'."""
    return f"{limit / 1_000_000:g} MB"


def check_scheme(url: str) -> None:
    """FetchError unless `url` is an http(s) address with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise FetchError(f"invalid address: {_shown(url)}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not http(s): {_shown(url)}")


def _address_is_public(text: str) -> bool:
    """False for loopback, link-local, private, shared, reserved and multicast addresses."""
    address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 scope is not the address
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


async def host_is_public(host: str) -> bool:
    """Whether `host` is, and resolves only to, global addresses. A name that does not resolve
    counts as public: its request fails anyway, and a check must not pass it for private."""
    try:
        return _address_is_public(host.strip("[]"))
    except ValueError:
        pass  # a name, not an address
    if host.lower().rstrip(".") == "localhost" or host.lower().rstrip(".").endswith(".localhost"):
        return False
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return True
    return all(_address_is_public(str(info[4][0])) for info in infos)


async def _refuse_private_hop(url: str) -> None:
    """FetchError if a public feed's redirect goes to a non-public host (see the docstring)."""
    host = urlsplit(url).hostname or ""
    if not await host_is_public(host):
        raise FetchError(f"refused: a public feed redirected to a private address: {_shown(url)}")


def _request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    if response.content_length is not None and response.content_length > max_bytes:
        raise FetchError(f"response over {_size(max_bytes)}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            # Leaving the `async with` closes the connection: the rest is never downloaded.
            raise FetchError(f"response over {_size(max_bytes)}")
        chunks.append(chunk)
    return b"".join(chunks)


def _next_hop(
    response: aiohttp.ClientResponse, url: str, seen: set[str], hops: int, limit: int
) -> str:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(f"HTTP {response.status} without a Location")
    target = urljoin(url, location)
    check_scheme(target)
    if target in seen:
        raise FetchError("redirect loop")
    if hops >= limit:
        raise FetchError("too many redirects")
    return target


async def _fetch_hops(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    max_redirects: int,
) -> FetchResult:
    seen = {url}
    public_origin = await host_is_public(urlsplit(url).hostname or "")
    for hops in range(max_redirects + 1):
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECTS:
                url = _next_hop(response, url, seen, hops, max_redirects)
                if public_origin:
                    await _refuse_private_hop(url)
                seen.add(url)
                continue
            if response.status == 304:
                return _result(response, url, "not_modified", None)
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            body = await _read_capped(response, max_bytes)
            return _result(response, url, "ok", body)
    raise FetchError("too many redirects")  # unreachable: _next_hop refuses the hop past the limit


def _result(
    response: aiohttp.ClientResponse,
    url: str,
    status: Literal["ok", "not_modified"],
    body: bytes | None,
) -> FetchResult:
    return FetchResult(
        status=status,
        body=body,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        final_url=url,
        content_type=response.headers.get("Content-Type"),
    )


async def fetch_feed(
    session: aiohttp.ClientSession,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    # The contract's name: the caller's budget for the whole fetch, applied with asyncio.timeout.
    timeout: float = 10.0,  # noqa: ASYNC109
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
) -> FetchResult:
    """The feed at `url`, or FetchError. 'not_modified' (a 304) carries no body."""
    check_scheme(url)
    headers = _request_headers(etag, last_modified)
    try:
        async with asyncio.timeout(timeout):
            return await _fetch_hops(session, url, headers, max_bytes, max_redirects)
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except aiohttp.ClientError as error:
        raise FetchError(_client_error_reason(error)) from None


def _client_error_reason(error: aiohttp.ClientError) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port}"
    if isinstance(error, aiohttp.InvalidURL):
        return f"invalid address: {_shown(str(error.url))}"
    if isinstance(error, aiohttp.ClientPayloadError):
        return "the response broke off"
    return f"HTTP error: {type(error).__name__}"
