"""A real HTTP server on 127.0.0.1 (a random port) serving every kind of feed the watcher meets.

    async with FeedServer() as server:
        await fetch_feed(session, server.url("/rss.xml"), etag=None, last_modified=None)
        server.add_item("changing", title="...", link="...")   # the next poll sees it
        server.requests                                         # every request, with headers

Good feeds: /rss.xml, /atom.xml, /changing.xml (ETag and Last-Modified, 304 when unchanged),
/latin1.xml, /cp1252.xml, /no-guid.xml, /outlet-a.xml and /outlet-b.xml (the same story),
/republished.xml (one story twice: a new GUID, the same link), /redirect/N (N hops to /rss.xml).
Bad ones: /status/500, /slow (answers after 30 s), /loop/a <-> /loop/b, /to-ftp, /huge (50 MB
streamed without a length), /huge-declared (a 50 MB Content-Length), /gzip-bomb (200 KB of gzip
that inflates to 50 MB), /bomb.xml (billion laughs),
/xxe.xml and /xxe-parameter.xml (external entities reading a file), /malformed.xml,
/not-a-feed.html.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import TracebackType
from xml.sax.saxutils import escape

from aiohttp import web

RSS_TYPE = "application/rss+xml"
SLOW_SECONDS = 30
HUGE_BYTES = 50_000_000
CHUNK = b"<!-- padding -->" * 4096  # 64 KiB, sent again and again: never 50 MB in memory
# Fixed dates: the feeds are the same on every run.
FIRST_DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    path: str
    headers: dict[str, str]


@dataclass(slots=True)
class Story:
    title: str
    link: str | None
    guid: str | None
    summary: str = ""
    published: datetime = FIRST_DAY
    source: str | None = None  # an RSS <source>: the outlet, as Google News names it


@dataclass(slots=True)
class ChangingFeed:
    stories: list[Story] = field(default_factory=list)
    changed_at: datetime = FIRST_DAY

    def etag(self) -> str:
        digest = hashlib.sha256(repr(self.stories).encode()).hexdigest()[:16]
        return f'"{digest}"'


STORY_GREENLIT = Story(
    title="We Can Be Heroes sequel greenlit at Netflix",
    link="https://news.example.com/heroes-sequel-greenlit",
    guid="news-1",
    summary="<p>Netflix has <b>officially</b> announced a sequel to <i>We Can Be Heroes</i>.</p>",
)
STORY_FILMING = Story(
    title="We Can Be Heroes 2 begins filming in Texas",
    link="https://news.example.com/heroes-2-filming",
    guid="news-2",
    summary="Cameras are rolling on the sequel &amp; the cast is back.",
    published=FIRST_DAY + timedelta(days=3),
)
STORY_UNRELATED = Story(
    title="Bowie's “Heroes” remastered for vinyl",
    link="https://news.example.com/bowie-vinyl",
    guid="news-3",
    summary="We can be heroes, just for one day.",
)
SHARED_STORY_LINK = "https://variety.example.org/heroes-sequel-cast"


def rss(stories: list[Story], *, title: str = "Example News: Film", encoding: str = "utf-8") -> str:
    items = "".join(_rss_item(story) for story in stories)
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.com/</link>"
        f"<description>Film news</description>{items}</channel></rss>"
    )


def _rss_item(story: Story) -> str:
    parts = [f"<title>{escape(story.title)}</title>"]
    if story.link is not None:
        parts.append(f"<link>{escape(story.link)}</link>")
    if story.guid is not None:
        parts.append(f'<guid isPermaLink="false">{escape(story.guid)}</guid>')
    parts.append(f"<description>{escape(story.summary)}</description>")
    parts.append(f"<pubDate>{format_datetime(story.published, usegmt=True)}</pubDate>")
    if story.source is not None:
        parts.append(f'<source url="https://outlet.example/">{escape(story.source)}</source>')
    return "<item>" + "".join(parts) + "</item>"


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Heroes Watch</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-11-25T12:00:00Z</updated>
  <link href="https://atom.example.net/"/>
  <entry>
    <title type="html">&lt;em&gt;We Can Be Heroes&lt;/em&gt; sequel wraps filming</title>
    <link rel="alternate" href="https://atom.example.net/posts/wrap?utm_source=feed#top"/>
    <id>tag:atom.example.net,2026:wrap</id>
    <updated>2026-11-25T12:00:00Z</updated>
    <summary type="html">&lt;p&gt;The sequel moves to post-production.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Robert Rodriguez on his next film</title>
    <link href="/posts/rodriguez"/>
    <id>tag:atom.example.net,2026:rodriguez</id>
    <published>2026-11-24T08:30:00Z</published>
    <updated>2026-11-24T09:00:00Z</updated>
    <content type="xhtml">
      <div xmlns="http://www.w3.org/1999/xhtml">No news on the sequel.</div>
    </content>
  </entry>
</feed>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>We Can Be Heroes sequel &lol9;</title><link>https://bomb.example/</link></item>
</channel></rss>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>XXE</title>
<item><title>We Can Be Heroes sequel</title><link>https://xxe.example/</link>
<description>&secret;</description></item></channel></rss>
"""

XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
<rss version="2.0"><channel><title>XXE</title></channel></rss>
"""

MALFORMED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>We Can Be Heroes sequel</title><link>https://broken.example/</item>
</channel></rss>
"""

NOT_A_FEED = "<!doctype html><html><head><title>Hello</title></head><body><p>Hi</p></body></html>"


def _encoded_feeds() -> dict[str, tuple[bytes, str]]:
    """(body, Content-Type) of the feeds not in UTF-8."""
    latin1 = rss(
        [
            Story(
                "Suite à We Can Be Heroes : la sequel est confirmée",
                "https://fr.example.fr/suite",
                "fr-1",
                "Café, crème et héros.",
            )
        ],
        title="Cinéma",
        encoding="ISO-8859-1",
    )
    # The charset only in the HTTP header, the declaration silent: curly quotes, a dash, the euro.
    cp1252 = rss(
        [
            Story(
                "“We Can Be Heroes” sequel – a €50M budget",
                "https://money.example.com/budget",
                "cp-1",
                "It’s official.",
            )
        ],
        title="Box Office",
    ).replace(' encoding="utf-8"', "")
    return {
        "/latin1.xml": (latin1.encode("iso-8859-1"), RSS_TYPE),
        "/cp1252.xml": (cp1252.encode("cp1252"), "text/xml; charset=windows-1252"),
    }


def _static_feeds() -> dict[str, tuple[bytes, str]]:
    shared = dict(
        title="We Can Be Heroes sequel adds three new cast members",
        summary="The sequel's cast grows.",
    )
    feeds = {
        "/rss.xml": rss([STORY_GREENLIT, STORY_FILMING, STORY_UNRELATED]),
        "/atom.xml": ATOM,
        "/no-guid.xml": rss(
            [
                Story(
                    "We Can Be Heroes sequel release date set",
                    "https://noguid.example.com/date",
                    None,
                ),
                Story(
                    "We Can Be Heroes sequel trailer", "https://noguid.example.com/trailer", None
                ),
            ]
        ),
        "/outlet-a.xml": rss(
            [Story(link=SHARED_STORY_LINK + "?utm_source=rss", guid="a-77", **shared)],
            title="Outlet A",
        ),
        "/outlet-b.xml": rss(
            [Story(link=SHARED_STORY_LINK + "/", guid="b-12", **shared)], title="Outlet B"
        ),
        "/republished.xml": rss(
            [
                Story(link=SHARED_STORY_LINK, guid="first-guid", **shared),
                Story(link=SHARED_STORY_LINK, guid="second-guid", **shared),
            ]
        ),
        "/bomb.xml": BOMB,
        "/xxe.xml": XXE,
        "/xxe-parameter.xml": XXE_PARAMETER,
        "/malformed.xml": MALFORMED,
    }
    served = {path: (body.encode("utf-8"), RSS_TYPE) for path, body in feeds.items()}
    served["/atom.xml"] = (ATOM.encode("utf-8"), "application/atom+xml")
    served["/not-a-feed.html"] = (NOT_A_FEED.encode("utf-8"), "text/html; charset=utf-8")
    return served | _encoded_feeds()


@functools.cache
def gzip_bomb() -> bytes:
    """50 MB of zeros, gzip-compressed (about 50 KB), built a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    megabyte = bytes(1_000_000)
    packed = [packer.compress(megabyte) for _unused in range(HUGE_BYTES // len(megabyte))]
    return b"".join([*packed, packer.flush()])


class FeedServer:
    """The server, started by `async with`. Feeds named in `changing` can gain stories."""

    def __init__(self) -> None:
        self.requests: list[LoggedRequest] = []
        self.changing: dict[str, ChangingFeed] = {"changing": ChangingFeed([STORY_GREENLIT])}
        self._static = _static_feeds()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[LoggedRequest]:
        return [request for request in self.requests if request.path == path]

    def add_item(self, feed: str = "changing", **story: object) -> Story:
        """A new story at the top of /<feed>.xml (created if new): its ETag and Last-Modified
        change. Story fields by name: title, link, guid, summary, published, source."""
        changing = self.changing.setdefault(feed, ChangingFeed())
        added = Story(**story)  # type: ignore[arg-type]
        changing.stories.insert(0, added)
        changing.changed_at += timedelta(minutes=5)
        return added

    async def __aenter__(self) -> FeedServer:
        app = web.Application(middlewares=[self._log])
        app.router.add_get("/status/{code}", self._status)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/loop/{side}", self._loop)
        app.router.add_get("/redirect/{hops}", self._redirect)
        app.router.add_get("/to-ftp", self._to_ftp)
        app.router.add_get("/huge", self._huge)
        app.router.add_get("/huge-declared", self._huge_declared)
        app.router.add_get("/gzip-bomb", self._gzip_bomb)
        app.router.add_get("/{name}.xml", self._feed)
        app.router.add_get("/not-a-feed.html", self._feed)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._closing.set()  # ends the slow handler at once
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _log(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.requests.append(LoggedRequest(request.path, dict(request.headers)))
        return await handler(request)

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        name = request.path.removeprefix("/").removesuffix(".xml")
        if name in self.changing:
            return self._conditional(request, self.changing[name], name)
        if request.path not in self._static:
            raise web.HTTPNotFound()
        body, content_type = self._static[request.path]
        return web.Response(body=body, headers={"Content-Type": content_type})

    def _conditional(self, request: web.Request, feed: ChangingFeed, name: str) -> web.Response:
        etag, modified = feed.etag(), format_datetime(feed.changed_at, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in request.headers
            and request.headers.get("If-Modified-Since") == modified
        ):
            return web.Response(status=304, headers=headers)
        body = rss(feed.stories, title=f"Changing feed {name}").encode("utf-8")
        return web.Response(body=body, headers={**headers, "Content-Type": RSS_TYPE})

    async def _status(self, request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="no feed here")

    async def _slow(self, request: web.Request) -> web.Response:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), SLOW_SECONDS)
        return web.Response(body=rss([STORY_GREENLIT]).encode(), content_type=RSS_TYPE)

    async def _loop(self, request: web.Request) -> web.Response:
        other = "b" if request.match_info["side"] == "a" else "a"
        raise web.HTTPFound(f"/loop/{other}")

    async def _redirect(self, request: web.Request) -> web.Response:
        hops = int(request.match_info["hops"])
        raise web.HTTPMovedPermanently("/rss.xml" if hops <= 1 else f"/redirect/{hops - 1}")

    async def _to_ftp(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://127.0.0.1/feed.xml")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        # No Content-Length: the client learns the size only by reading.
        response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
        response.enable_chunked_encoding()
        return await self._stream(request, response)

    async def _huge_declared(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
        response.content_length = HUGE_BYTES
        return await self._stream(request, response)

    async def _gzip_bomb(self, request: web.Request) -> web.Response:
        headers = {"Content-Type": RSS_TYPE, "Content-Encoding": "gzip"}
        return web.Response(body=gzip_bomb(), headers=headers)

    async def _stream(
        self, request: web.Request, response: web.StreamResponse
    ) -> web.StreamResponse:
        await response.prepare(request)
        sent = 0
        try:
            while sent < HUGE_BYTES:
                chunk = CHUNK[: HUGE_BYTES - sent]
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionResetError, ConnectionError):
            return response  # the client hung up, as it should
        await response.write_eof()
        return response
