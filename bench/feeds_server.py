"""The feeds the bench polls: `count` RSS 2.0 feeds served on 127.0.0.1, in a process of their
own (`python -m bench.feeds_server --feeds 200`), so serving them is not counted as polling.

Each feed (/feed/<n>.xml) holds ITEMS news items of a few hundred words' worth of markup, as a
news search feed does: most do not mention the film (skipped by the keywords), MATCHING do, and
one story is carried by every feed (the same link: one candidate in all). Items are dated in the
last days, so none is skipped as old.

POST /control?etag=on|off&bump=1 changes the answers for the next cycle: `etag=on` answers a
conditional GET whose ETag still matches with 304, `off` ignores it (many servers do, so a
poll re-reads the whole feed); `bump` adds one new item to every feed.

The first line printed is ``port <number>``; the process serves until its stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

ITEMS = 30
MATCHING = 3  # items per feed that name the film and its sequel (the default keywords)
SUMMARY_WORDS = (
    "The studio confirmed on Tuesday that the production schedule had moved again, citing "
    "weather, the availability of the principal cast and a revised budget for the effects."
)


class FeedState:
    def __init__(self, count: int) -> None:
        self.count = count
        self.honour_etag = True
        self.generation = 0  # items added to every feed since the start
        self.now = datetime.now(UTC)

    def etag(self, number: int) -> str:
        return f'"feed-{number}-g{self.generation}"'

    def body(self, number: int) -> bytes:
        items = [self._item(number, i) for i in range(ITEMS + self.generation)]
        items.reverse()  # newest first, as feeds list them
        channel = (
            f"<title>Bench News {number}</title><link>https://news{number}.example/</link>"
            f"<description>Film news, feed {number}</description>"
        )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            + channel
            + "".join(items)
            + "</channel></rss>\n"
        )
        return text.encode("utf-8")

    def _item(self, number: int, index: int) -> str:
        published = self.now - timedelta(hours=ITEMS + self.generation - index)
        if index == 0:  # the story every feed carries: the same link everywhere
            title = "We Can Be Heroes sequel: Netflix confirms the cast is back"
            link = "https://wire.example/heroes-sequel-cast"
        elif index % (ITEMS // MATCHING) == 0 or index >= ITEMS:
            title = f"We Can Be Heroes 2 sequel update {index} from outlet {number}"
            link = f"https://news{number}.example/heroes/{index}"
        else:
            title = f"Box office report {index}: weekend numbers from outlet {number}"
            link = f"https://news{number}.example/box-office/{index}"
        summary = f"<p>{escape(title)}.</p><p>{SUMMARY_WORDS} {SUMMARY_WORDS}</p>"
        return (
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{number}-{index}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(summary)}</description></item>"
        )


def make_app(state: FeedState) -> web.Application:
    async def feed(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if not name.isdigit() or not 0 <= int(name) < state.count:
            raise web.HTTPNotFound()
        number = int(name)
        etag = state.etag(number)
        if state.honour_etag and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=state.body(number),
            content_type="application/rss+xml",
            charset="utf-8",
            headers={"ETag": etag},
        )

    async def control(request: web.Request) -> web.Response:
        etag = request.query.get("etag")
        if etag is not None:
            state.honour_etag = etag == "on"
        if request.query.get("bump"):
            state.generation += 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/feed/{name}.xml", feed)
    app.router.add_post("/control", control)
    return app


async def serve(count: int) -> None:
    runner = web.AppRunner(make_app(FeedState(count)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"port {port}", flush=True)
    # Until the bench closes our stdin (or ends): never left running behind it.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds_server")
    parser.add_argument("--feeds", type=int, default=200)
    asyncio.run(serve(parser.parse_args().feeds))


if __name__ == "__main__":
    main()
