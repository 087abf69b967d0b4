"""`heroes-bot feeds ...`: the news feeds the bot watches (add, list, remove, enable, items).

The command line only reads and writes the database (`store.feeds`); the running bot polls the
feeds, queues new candidates for an owner's review and publishes what is approved. Input is
checked before the database is opened: a refused URL, interval or keyword list creates nothing.
Terminal text is the admin's: English, never translated; everything read from a feed or the
database is escaped before it is printed (a feed's title cannot drive the terminal).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

import msgspec

from bot.clock import Clock, SystemClock
from bot.feed_input import (
    DEFAULT_INTERVAL_MIN,
    MAX_INTERVAL_MIN,
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS,
    MAX_URL_CHARS,
    MIN_INTERVAL_MIN,
    FeedUrlRefused,
    UrlProblem,
    feed_keywords,
    feed_url,
    keywords_fit,
)
from bot.store import StoreError
from cogs.sequel import printable

BAD_INPUT = 2  # a refused URL, interval, keyword list or feed id: nothing was stored


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = sub.add_parser(
        "feeds",
        help="the news feeds the bot watches for sequel news (add, list, remove, enable, items)",
        description="RSS and Atom feeds the running bot polls. Items matching a feed's keywords "
        "wait for an owner's review (FEEDS_REVIEW_CHANNEL_ID, else a private message); "
        "FEEDS_AUTO_PUBLISH=true publishes those of trusted feeds without review.",
    )
    actions = feeds.add_subparsers(dest="feeds_command", required=True)

    add = actions.add_parser("add", help="watch a feed")
    add.add_argument("url", metavar="URL", help="the feed's http(s) address (RSS or Atom)")
    add.add_argument(
        "--keywords",
        metavar="A,B",
        help="comma-separated words or phrases an item's title or summary must contain "
        "(default: the film's title and the sequel words)",
    )
    add.add_argument(
        "--interval",
        metavar="MIN",
        help=f"minutes between polls, {MIN_INTERVAL_MIN} to {MAX_INTERVAL_MIN} "
        f"(default {DEFAULT_INTERVAL_MIN})",
    )
    add.add_argument(
        "--trusted",
        action="store_true",
        help="with FEEDS_AUTO_PUBLISH=true, publish its candidates without review",
    )

    actions.add_parser("list", help="every feed: state, next poll, failures, items")
    remove = actions.add_parser(
        "remove", help="stop watching a feed (its items stay: they are never queued again)"
    )
    remove.add_argument("feed", metavar="ID", help="the feed's number in `feeds list`")
    enable = actions.add_parser(
        "enable", help="turn a disabled feed back on (failures reset, polled at once)"
    )
    enable.add_argument("feed", metavar="ID", help="the feed's number in `feeds list`")
    poll = actions.add_parser(
        "poll",
        help="poll feeds now, from this process (a running bot shows new candidates for review)",
        description="Fetch feeds at once instead of waiting for their next poll: one feed, or "
        "every enabled feed. New items are stored as the bot stores them; their review "
        "messages are sent by the running bot.",
    )
    poll.add_argument("feed", metavar="ID", nargs="?", help="one feed (default: every enabled)")
    items = actions.add_parser("items", help="recent items, newest first, with their status")
    items.add_argument(
        "--skipped", action="store_true", help="only the skipped items, with the reason"
    )
    items.add_argument("--limit", metavar="N", default="20", help="how many (default 20)")


class Refused(ValueError):
    """Bad input, refused before anything was stored; the message is one line for the admin."""


class NewFeed(msgspec.Struct, frozen=True):
    """`feeds add` input, checked."""

    url: str
    keywords: tuple[str, ...]
    interval_s: int
    trusted: bool


def check_url(text: str) -> str:
    """An http(s) feed address, as /feeds add checks and stores it (bot.feed_input.feed_url)."""
    try:
        return feed_url(text)
    except FeedUrlRefused as refused:
        raise Refused(_url_refusal(refused.problem, text.strip())) from None


def _url_refusal(problem: UrlProblem, url: str) -> str:
    shown = printable(url[:120])
    return {
        UrlProblem.EMPTY: "the feed URL is empty: give its http(s) address.",
        UrlProblem.TOO_LONG: f"the feed URL is {len(url)} characters; at most {MAX_URL_CHARS}.",
        UrlProblem.SPACES: f"the feed URL {shown} holds spaces or control characters.",
        UrlProblem.INVALID: f"{shown} is not a valid URL.",
        UrlProblem.NOT_HTTP: f"{shown} is not an http(s) address: feeds are fetched over http "
        "or https.",
        UrlProblem.NO_HOST: f"{shown} names no host: write it like https://example.com/feed.xml.",
        UrlProblem.CREDENTIALS: f"{shown} holds a user name or password: feed addresses are "
        "shown in `feeds list` and to owners in Discord, so give one without them.",
        UrlProblem.BAD_HOST: f"{shown}: its host is not a valid name.",
    }[problem]


def check_interval(text: str | None) -> int:
    """`--interval` minutes as seconds (the default when not given)."""
    if text is None:
        return DEFAULT_INTERVAL_MIN * 60
    value = text.strip()
    if not value.isascii() or not value.isdigit():
        raise Refused(
            f"--interval must be whole minutes, {MIN_INTERVAL_MIN} to {MAX_INTERVAL_MIN} "
            f"(got {printable(text)!r})."
        )
    minutes = int(value)
    if not MIN_INTERVAL_MIN <= minutes <= MAX_INTERVAL_MIN:
        raise Refused(
            f"--interval must be {MIN_INTERVAL_MIN} to {MAX_INTERVAL_MIN} minutes (got {minutes})."
        )
    return minutes * 60


def check_keywords(text: str | None) -> tuple[str, ...]:
    """`--keywords a,b`: as /feeds add reads them (bot.feed_input.feed_keywords); () for the
    default keywords."""
    if text is None:
        return ()
    keywords = feed_keywords(text)
    if not keywords:
        raise Refused("--keywords holds no keyword: leave it out for the default keywords.")
    for word in keywords:
        if not keywords_fit((word,)):
            raise Refused(
                f"keyword {printable(word[:40])!r} must be printable text of at most "
                f"{MAX_KEYWORD_CHARS} characters."
            )
    if not keywords_fit(keywords):
        raise Refused(f"--keywords lists {len(keywords)} keywords; at most {MAX_KEYWORDS}.")
    return keywords


def check_feed_id(text: str) -> int:
    """A feed number as `feeds list` shows it: 3 or #3."""
    value = text.strip().removeprefix("#")
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
        raise Refused(f"{printable(text)!r} is not a feed number: see `heroes-bot feeds list`.")
    return int(value)


def prepare(args: argparse.Namespace) -> NewFeed | int | None:
    """The checked input of the command: a NewFeed (add), a feed id (remove, enable), None."""
    command = args.feeds_command
    if command == "add":
        return NewFeed(
            check_url(args.url),
            check_keywords(args.keywords),
            check_interval(args.interval),
            args.trusted,
        )
    if command in ("remove", "enable") or (command == "poll" and args.feed is not None):
        return check_feed_id(args.feed)
    if command == "items":
        limit = args.limit.strip()
        if not limit.isascii() or not limit.isdigit() or not 1 <= int(limit) <= 1000:
            raise Refused(f"--limit must be 1 to 1000 (got {printable(args.limit)!r}).")
    return None


def run(
    args: argparse.Namespace,
    store_factory: Callable[[], Any],
    *,
    auto_publish: bool = False,
    max_failures: int = 8,
) -> int:
    """Entry point from bot.__main__: `store_factory()` is an async context giving a Store;
    `auto_publish` and `max_failures` are the config's FEEDS_AUTO_PUBLISH, FEEDS_MAX_FAILURES."""
    try:
        prepared = prepare(args)  # before the database is opened: bad input creates nothing
    except Refused as exc:
        print(f"heroes-bot feeds {args.feeds_command}: {exc}", file=sys.stderr)
        return BAD_INPUT

    if args.feeds_command == "poll" and logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # Each feed's outcome is printed as one line: the watcher's own warnings would say it
        # twice (LOG_LEVEL=DEBUG keeps them).
        logging.getLogger("cogs.feeds").setLevel(logging.ERROR)

    async def go() -> int:
        async with store_factory() as store:
            return await dispatch(
                args,
                store,
                prepared=prepared,
                auto_publish=auto_publish,
                max_failures=max_failures,
            )

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return 1


async def dispatch(
    args: argparse.Namespace,
    store: Any,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    clock: Clock | None = None,
    prepared: NewFeed | int | None = None,
    auto_publish: bool = False,
    max_failures: int = 8,
) -> int:
    """Run one `feeds` command on an open store; bad input: one line on `err`, exit 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    clock = clock or SystemClock()
    command = args.feeds_command
    try:
        if prepared is None and command in ("add", "remove", "enable", "poll"):
            prepared = prepare(args)
        if isinstance(prepared, NewFeed):
            return await _add(store, prepared, out=out, clock=clock, auto_publish=auto_publish)
        if command == "poll":
            settings = {"auto_publish": auto_publish, "max_failures": max_failures}
            return await _poll(store, prepared, out=out, clock=clock, settings=settings)
        if isinstance(prepared, int):
            return await _remove_or_enable(store, command, prepared, out=out)
        if command == "list":
            return await _list(store, out=out, now=clock.now())
        prepare(args)  # items: --limit checked
        return await _items(store, skipped=args.skipped, limit=int(args.limit), out=out)
    except Refused as exc:
        print(f"heroes-bot feeds {command}: {exc}", file=err)
        return BAD_INPUT
    except (sqlite3.Error, StoreError) as exc:
        print(
            f"heroes-bot feeds {command}: the database refused it ({printable(str(exc))}); "
            "nothing was changed. Run the same command again.",
            file=err,
        )
        return 1


async def _add(store: Any, new: NewFeed, *, out: TextIO, clock: Clock, auto_publish: bool) -> int:
    try:
        feed = await store.feeds.add_feed(
            new.url,
            keywords=new.keywords,
            interval_s=new.interval_s,
            trusted=new.trusted,
            now=clock.now(),
        )
    except ValueError as exc:  # the store's refusal: the URL is already watched
        raise Refused(printable(str(exc))) from None
    keywords = ", ".join(feed.keywords) if feed.keywords else "the default keywords"
    print(
        f"added feed #{feed.id}: {printable(feed.url)} (every {_minutes(feed.interval_s)}, "
        f"keywords: {printable(keywords)})",
        file=out,
    )
    if feed.trusted:
        print(
            "trusted: its candidates are published without review (FEEDS_AUTO_PUBLISH=true), "
            "never with a stage change."
            if auto_publish
            else "trusted: its candidates still wait for review until FEEDS_AUTO_PUBLISH=true.",
            file=out,
        )
    print(
        "A running bot polls it within a few minutes (`heroes-bot feeds poll` polls it now); "
        "`heroes-bot feeds items` shows what came in.",
        file=out,
    )
    return 0


async def _remove_or_enable(store: Any, command: str, feed_id: int, *, out: TextIO) -> int:
    feed = await store.feeds.feed(feed_id)
    if feed is None:
        raise Refused(f"there is no feed #{feed_id}: see `heroes-bot feeds list`.")
    if command == "remove":
        if not await store.feeds.remove_feed(feed_id):
            raise Refused(f"feed #{feed_id} was already removed.")
        print(
            f"removed feed #{feed_id}: {printable(feed.url)}. Its items stay stored, so the "
            "same stories are never queued again.",
            file=out,
        )
        return 0
    enabled = await store.feeds.enable_feed(feed_id)
    if enabled is None:
        raise Refused(f"feed #{feed_id} was removed meanwhile.")
    print(
        f"enabled feed #{feed_id}: {printable(feed.url)}; failures reset; a running bot polls "
        "it within a few minutes.",
        file=out,
    )
    return 0


async def _poll(
    store: Any, feed_id: int | None, *, out: TextIO, clock: Clock, settings: dict[str, Any]
) -> int:
    """Poll one feed, or every enabled one, with the bot's own watcher (no review messages:
    the running bot sends those for the candidates stored here)."""
    from cogs.feeds import FeedWatcher, WatcherSettings  # only here: the other commands stay light

    watcher = FeedWatcher(store.feeds, None, clock=clock, settings=WatcherSettings(**settings))
    if feed_id is not None:
        ids = [feed_id]
    else:
        ids = [feed.id for feed in await store.feeds.feeds() if feed.enabled]
        if not ids:
            print("No enabled feed to poll: see `heroes-bot feeds list`.", file=out)
            return 0
    candidates = 0
    for number in ids:
        outcome = await watcher.poll_now(number)
        if outcome is None:
            raise Refused(f"there is no feed #{number}: see `heroes-bot feeds list`.")
        print(f"#{number}: {outcome_text(outcome)}", file=out)
        candidates += len(outcome.candidates) - len(outcome.published)
    if candidates:
        print(
            f"{candidates} new candidate(s) wait for review: a running bot shows them to the "
            "owners within a few minutes (`heroes-bot feeds items` lists them).",
            file=out,
        )
    return 0


def outcome_text(outcome: Any) -> str:
    """What polling one feed did, in one line."""
    if outcome.status == "disabled":
        return "disabled, not polled (`heroes-bot feeds enable` turns it back on)"
    if outcome.status == "failed":
        ended = "; the feed is now disabled" if outcome.disabled_now else ""
        return f"failed: {printable(outcome.error or 'no reason')}{ended}"
    if outcome.status == "not_modified":
        return "not modified since the last poll (304)"
    new = len(outcome.stored)
    published = f", {len(outcome.published)} published (trusted)" if outcome.published else ""
    return (
        f"{new} new item(s): {len(outcome.candidates)} candidate(s), "
        f"{len(outcome.skipped)} skipped{published}"
    )


async def _item_counts(store: Any) -> tuple[Counter[int], Counter[int]]:
    """Per feed id: items stored, and candidates waiting for review (one grouped query)."""
    counts = await store.feeds.item_counts()
    stored = Counter({feed: sum(by_status.values()) for feed, by_status in counts.items()})
    pending = Counter({feed: by_status.get("candidate", 0) for feed, by_status in counts.items()})
    return stored, pending


async def _list(store: Any, *, out: TextIO, now: datetime) -> int:
    feeds = await store.feeds.feeds()
    if not feeds:
        print("No feed is watched: add one with `heroes-bot feeds add URL`.", file=out)
        return 0
    stored, pending = await _item_counts(store)
    for feed in feeds:
        for line in feed_lines(feed, now=now, stored=stored[feed.id], pending=pending[feed.id]):
            print(line, file=out)
    return 0


def feed_lines(feed: Any, *, now: datetime, stored: int, pending: int) -> list[str]:
    """One feed as `feeds list` shows it: every value escaped (titles come from the feed)."""
    state = "enabled" if feed.enabled else "DISABLED"
    trusted = ", trusted" if feed.trusted else ""
    keywords = ", ".join(feed.keywords) if feed.keywords else "default"
    lines = [
        f"#{feed.id} {printable(feed.url)} ({state}{trusted})",
        f"    title: {printable(feed.title or '(not fetched yet)')} · keywords: "
        f"{printable(keywords)} · every {_minutes(feed.interval_s)}",
        f"    next poll: {_next_poll(feed, now)} · last ok: {_when(feed.last_ok_at)} · "
        f"failures in a row: {feed.failures}",
        f"    items: {stored} stored, {pending} waiting for review",
    ]
    if not feed.enabled:
        reason = feed.disabled_reason or feed.last_error or "no reason recorded"
        lines.append(
            f"    disabled: {printable(reason)} (`heroes-bot feeds enable {feed.id}` retries it)"
        )
    elif feed.last_error and feed.failures:
        lines.append(f"    last error: {printable(feed.last_error)} (retried with backoff)")
    return lines


def _next_poll(feed: Any, now: datetime) -> str:
    if not feed.enabled:
        return "never (disabled)"
    due = _parse_time(feed.next_poll_at)
    if due is None:
        return "now"
    if due <= now:
        return "now (due)"
    return f"{_when(feed.next_poll_at)} (in {_minutes(int((due - now).total_seconds()))})"


async def _items(store: Any, *, skipped: bool, limit: int, out: TextIO) -> int:
    items = await store.feeds.items(status="skipped" if skipped else None, limit=limit)
    if not items:
        print("No skipped item." if skipped else "No item stored yet.", file=out)
        return 0
    for item in items:
        for line in item_lines(item):
            print(line, file=out)
    return 0


def item_lines(item: Any) -> list[str]:
    """One item as `feeds items` shows it, newest first; a skipped one with its reason."""
    source = f"feed #{item.feed_id}" if item.feed_id else "a removed feed"
    outlet = f" ({printable(item.outlet)})" if item.outlet else ""
    lines = [
        f"#{item.id} {_when(item.fetched_at)} {item.status} · {source}",
        f"    {printable(item.title)}{outlet}",
    ]
    if item.link:
        lines.append(f"    {printable(item.link)}")
    if item.status == "skipped":
        lines.append(f"    skipped: {printable(item.skip_reason or 'no reason recorded')}")
    if item.flags:
        lines.append(f"    flags: {printable(', '.join(item.flags))}")
    if item.status == "published" and item.update_id:
        lines.append(f"    published as update #{item.update_id}")
    return lines


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(text: str | None) -> str:
    moment = _parse_time(text)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _minutes(seconds: int) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 1:
        return "under a minute"
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} min"
