"""`heroes-bot feeds ...`: refused input stores nothing (one line, exit 2), and the listings show
what an admin needs: state, next poll, failures, the reason a feed is disabled, skipped items."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bench.feeds_server import FeedState, make_app
from bot.__main__ import _parser
from bot.cli_feeds import dispatch, run
from bot.clock import SystemClock
from bot.store import NewFeedItem, Store
from tests.tracker_fakes import FakeClock

ROOT = Path(__file__).resolve().parents[1]


def parse(*argv: str) -> argparse.Namespace:
    return _parser().parse_args(["feeds", *argv])


async def feeds(store: Store, *argv: str, auto_publish: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await dispatch(
        parse(*argv), store, out=out, err=err, clock=FakeClock(), auto_publish=auto_publish
    )
    return code, out.getvalue(), err.getvalue()


MANY_KEYWORDS = ",".join(f"word{n}" for n in range(21))
REFUSED = [
    (["add", "ftp://news.example/feed"], "not an http(s) address"),
    (["add", "javascript:alert(1)"], "not an http(s) address"),
    (["add", "news.example/feed"], "not an http(s) address"),
    (["add", "https:///feed.xml"], "names no host"),
    (["add", "https://news.example:99999/feed"], "not a valid URL"),
    (["add", "https://news.example/a b"], "spaces or control characters"),
    (["add", "https://news.example/\x1b[2J"], "spaces or control characters"),
    (["add", "https://news.example/" + "a" * 2100], "at most 2000"),
    (["add", "https://news.example/f", "--interval", "2"], "5 to 1440 minutes (got 2)"),
    (["add", "https://news.example/f", "--interval", "2000"], "5 to 1440 minutes"),
    (["add", "https://news.example/f", "--interval", "15m"], "whole minutes"),
    (["add", "https://news.example/f", "--interval", "-5"], "whole minutes"),
    (["add", "https://news.example/f", "--keywords", " , ,"], "holds no keyword"),
    (["add", "https://news.example/f", "--keywords", "x" * 61], "at most 60 characters"),
    (["add", "https://me:secret@news.example/f"], "holds a user name or password"),
    (
        ["add", "https://news.example/f", "--keywords", MANY_KEYWORDS],
        "at most 20",
    ),
    (["remove", "first"], "not a feed number"),
    (["enable", "-1"], "not a feed number"),
    (["items", "--limit", "0"], "--limit must be 1 to 1000"),
]


@pytest.mark.parametrize(("argv", "expected"), REFUSED)
def test_refused_input_opens_no_database(argv: list[str], expected: str, capsys) -> None:
    def no_store() -> None:
        raise AssertionError("the database was opened for refused input")

    code = run(parse(*argv), no_store)
    err = capsys.readouterr().err
    assert code == 2 and expected in err, err
    assert len(err.strip().splitlines()) == 1 and "\x1b" not in err


def test_refused_url_from_the_command_line_creates_no_database(tmp_path: Path) -> None:
    database = tmp_path / "data" / "heroes.db"
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "feeds", "add", "file:///etc/passwd"],
        env=env | {"HEROES_ENV_FILE": os.devnull, "DATABASE_PATH": str(database)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "heroes-bot feeds add: file:///etc/passwd is not an http(s) address: feeds are "
        "fetched over http or https."
    )
    assert not database.parent.exists()


async def test_add_then_list_shows_the_feed_due_now(store: Store) -> None:
    code, out, _ = await feeds(
        store,
        "add",
        "https://news.example/heroes.xml",
        "--keywords",
        "We Can Be Heroes, sequel ,SEQUEL",
        "--interval",
        "60",
    )
    assert code == 0, out
    assert "added feed #1: https://news.example/heroes.xml (every 1 hour" in out
    assert "keywords: We Can Be Heroes, sequel)" in out  # the repeat in another case dropped
    (feed,) = await store.feeds.feeds()
    assert (feed.keywords, feed.interval_s, feed.trusted) == (
        ("We Can Be Heroes", "sequel"),
        3600,
        False,
    )
    code, out, _ = await feeds(store, "list")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "#1 https://news.example/heroes.xml (enabled)"
    assert "title: (not fetched yet)" in lines[1] and "every 1 hour" in lines[1]
    assert "next poll: now" in lines[2] and "failures in a row: 0" in lines[2]
    assert lines[3] == "    items: 0 stored, 0 waiting for review"


async def test_the_url_is_stored_as_the_discord_command_stores_it(store: Store) -> None:
    code, out, _ = await feeds(store, "add", "HTTPS://Bücher.example/feed?q=Heroes")
    assert code == 0 and "https://xn--bcher-kva.example/feed?q=Heroes" in out
    # The same feed typed the other way is the same feed: refused as a duplicate.
    code, _, err = await feeds(store, "add", "https://xn--bcher-kva.example/feed?q=Heroes")
    assert code == 2 and err.startswith("heroes-bot feeds add: ")


async def test_a_duplicate_feed_is_one_line_and_exit_2(store: Store) -> None:
    assert (await feeds(store, "add", "https://news.example/f"))[0] == 0
    code, out, err = await feeds(store, "add", "https://news.example/f", "--trusted")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("heroes-bot feeds add: ")
    (feed,) = await store.feeds.feeds()
    assert not feed.trusted


async def test_trusted_feed_says_whether_auto_publish_applies(store: Store) -> None:
    _, out, _ = await feeds(store, "add", "https://a.example/f", "--trusted")
    assert "still wait for review until FEEDS_AUTO_PUBLISH=true" in out
    _, out, _ = await feeds(store, "add", "https://b.example/f", "--trusted", auto_publish=True)
    assert "published without review" in out and "never with a stage change" in out
    _, out, _ = await feeds(store, "list")
    assert "#2 https://b.example/f (enabled, trusted)" in out


async def test_a_failing_feed_shows_its_error_then_why_it_was_disabled(store: Store) -> None:
    await feeds(store, "add", "https://news.example/f")
    now = FakeClock().now()
    await store.feeds.poll_failed(
        1, error="HTTP 500", next_poll_at=now + timedelta(minutes=2), disable=False, now=now
    )
    _, out, _ = await feeds(store, "list")
    assert "failures in a row: 1" in out and "last error: HTTP 500 (retried with backoff)" in out
    assert "(in 2 min)" in out
    await store.feeds.poll_failed(
        1, error="timed out after 10 s", next_poll_at=now, disable=True, now=now
    )
    _, out, _ = await feeds(store, "list")
    assert "#1 https://news.example/f (DISABLED)" in out and "next poll: never (disabled)" in out
    assert "disabled: " in out and "timed out after 10 s" in out
    assert "`heroes-bot feeds enable 1` retries it" in out
    code, out, _ = await feeds(store, "enable", "#1")
    assert code == 0 and "enabled feed #1" in out
    (feed,) = await store.feeds.feeds()
    assert feed.enabled and feed.failures == 0


def _item(title: str, link: str, *, status: str = "candidate", reason: str | None = None):
    return NewFeedItem(
        guid=None,
        link=link,
        title=title,
        summary="The feed's own words.",
        outlet="Variety",
        published="2026-12-01",
        content_hash=f"hash-{title}",
        status=status,
        skip_reason=reason,
        suggested_stage=None,
        flags=("link-host-differs",) if status == "candidate" else (),
    )


async def test_items_show_status_and_the_reason_a_skipped_one_was_skipped(store: Store) -> None:
    await feeds(store, "add", "https://news.example/f")
    await store.feeds.store_items(
        1,
        [
            _item("Heroes sequel starts filming", "https://variety.example/a"),
            _item(
                "A cooking show",
                "https://variety.example/b",
                status="skipped",
                reason="no keyword in the title or summary",
            ),
        ],
        now=datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
    )
    code, out, _ = await feeds(store, "items")
    assert code == 0 and "candidate · feed #1" in out and "skipped · feed #1" in out
    assert "Heroes sequel starts filming (Variety)" in out and "flags: link-host-differs" in out
    assert "2026-12-02 10:00 UTC" in out
    _, out, _ = await feeds(store, "items", "--skipped")
    assert "A cooking show" in out and "Heroes sequel" not in out
    assert "skipped: no keyword in the title or summary" in out
    _, out, _ = await feeds(store, "list")
    assert "items: 2 stored, 1 waiting for review" in out


async def test_remove_keeps_the_items_and_an_unknown_id_is_refused(store: Store) -> None:
    await feeds(store, "add", "https://news.example/f")
    await store.feeds.store_items(1, [_item("Sequel news", "https://variety.example/a")])
    code, out, _ = await feeds(store, "remove", "1")
    assert code == 0 and "removed feed #1" in out and "never queued again" in out
    assert await store.feeds.feeds() == []
    _, out, _ = await feeds(store, "items")
    assert "a removed feed" in out
    for command in ("remove", "enable"):
        code, out, err = await feeds(store, command, "1")
        assert code == 2 and out == "" and "there is no feed #1" in err


async def test_a_feed_title_cannot_drive_the_terminal(store: Store) -> None:
    await feeds(store, "add", "https://news.example/f")
    now = FakeClock().now()
    await store.feeds.poll_succeeded(
        1, etag=None, last_modified=None, next_poll_at=now, title="News\x1b[2J\u202e", now=now
    )
    _, out, _ = await feeds(store, "list")
    assert "\x1b" not in out and "\u202e" not in out and "News\\x1b[2J\\u202e" in out


async def test_empty_listings_say_what_to_do(store: Store) -> None:
    assert "heroes-bot feeds add URL" in (await feeds(store, "list"))[1]
    assert "No item stored yet." in (await feeds(store, "items"))[1]
    assert "No skipped item." in (await feeds(store, "items", "--skipped"))[1]


@pytest.fixture
async def feed_server() -> AsyncIterator[str]:
    """Three RSS feeds of 30 items each on 127.0.0.1 (the bench's feed server)."""
    server = TestServer(make_app(FeedState(3)), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_poll_stores_new_items_then_a_304_stores_nothing(
    store: Store, feed_server: str
) -> None:
    await feeds(store, "add", f"{feed_server}/feed/0.xml")
    await feeds(store, "add", f"{feed_server}/feed/1.xml")
    out, err = io.StringIO(), io.StringIO()
    code = await dispatch(parse("poll", "1"), store, out=out, err=err, clock=SystemClock())
    assert code == 0, err.getvalue()
    assert out.getvalue().splitlines()[0] == "#1: 30 new item(s): 3 candidate(s), 27 skipped"
    assert "3 new candidate(s) wait for review" in out.getvalue()
    out = io.StringIO()
    assert await dispatch(parse("poll"), store, out=out, clock=SystemClock()) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "#1: not modified since the last poll (304)"
    # The story both feeds carry (the same link) is one candidate: feed 2 adds 2, not 3.
    assert lines[1] == "#2: 29 new item(s): 2 candidate(s), 27 skipped"
    assert len(await store.feeds.pending_review()) == 5


async def test_poll_reports_a_failure_and_counts_it(store: Store, feed_server: str) -> None:
    await feeds(store, "add", f"{feed_server}/feed/99.xml")
    out = io.StringIO()
    assert await dispatch(parse("poll", "1"), store, out=out, clock=SystemClock()) == 0
    assert out.getvalue().startswith("#1: failed: HTTP 404")
    _, listing, _ = await feeds(store, "list")
    assert "failures in a row: 1" in listing and "last error: HTTP 404" in listing
    code, out_text, err = await feeds(store, "poll", "7")
    assert code == 2 and out_text == "" and "there is no feed #7" in err
