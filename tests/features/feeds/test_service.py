"""The feed watcher (cogs/feeds/_service.py), run for real: feeds served over HTTP by the local
server (tests/feeds_server.py), items stored in a real store on a temporary database, time on a
manual clock, backoff drawn from a seeded random.

What it must hold: every good item becomes exactly one candidate (re-polls, a restart, the same
story in two feeds, a new GUID on the same link); a 304 stores nothing; a bad feed backs off and
is disabled in the end; a slow feed holds up no other; nothing is published without an owner
unless auto-publish is on, and then only trusted feeds' candidates, never with a stage change.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.store import Feed, FeedItem, SequelUpdate, Store, open_store, parse_iso
from cogs.feeds import FeedWatcher, PollOutcome, WatcherSettings
from tests.engines import both_engines
from tests.feeds_server import FeedServer

# After the test feeds' stories (2026-11-20 to 11-25), within a month: none is flagged as old.
START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
INTERVAL = 900


class RecordingNotifier:
    """The review side as the bot's (cogs/feeds/_views.py): each candidate shown is recorded
    with a review message, so a restarted watcher knows it was shown."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.shown: list[tuple[int, int]] = []  # (item id, feed id)
        self.fail = False

    async def notify(self, item: FeedItem, feed: Feed) -> None:
        if self.fail:
            raise RuntimeError("Discord is down")
        self.shown.append((item.id, feed.id))
        await self.store.feeds.add_review_message(item.id, 555, 10_000 + item.id)

    @property
    def item_ids(self) -> list[int]:
        return [item_id for item_id, _feed in self.shown]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def notifier(store: Store) -> RecordingNotifier:
    return RecordingNotifier(store)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as served:
        yield served


def make_watcher(
    store: Store,
    notifier: RecordingNotifier | None,
    clock: ManualClock,
    *,
    published: list[SequelUpdate] | None = None,
    draw: Callable[[], float] | None = None,
    **settings: object,
) -> FeedWatcher:
    return FeedWatcher(
        store.feeds,
        notifier,
        clock=clock,
        settings=WatcherSettings(**settings),  # type: ignore[arg-type]
        random=draw or random.Random(17).random,
        on_published=published.append if published is not None else None,
    )


async def add(store: Store, server: FeedServer, path: str, **options: object) -> Feed:
    return await store.feeds.add_feed(server.url(path), now=START, **options)  # type: ignore[arg-type]


async def polled(store: Store, feed: Feed) -> Feed:
    current = await store.feeds.feed(feed.id)
    assert current is not None
    return current


def own_story(server: FeedServer, feed: str, slug: str, title: str) -> None:
    """A story linking to the feed's own host (so nothing flags it), with a summary."""
    server.add_item(
        feed,
        title=title,
        link=server.url(f"/stories/{slug}"),
        guid=f"{feed}-{slug}",
        summary=f"{title}: the studio said so on Tuesday.",
        published=START - timedelta(days=1),
    )


async def eventually(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """Real time for the real HTTP round trips the loop makes (the clock only schedules)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the watcher did not get there in time")
        await asyncio.sleep(0.02)


async def asleep(clock: ManualClock) -> None:
    """Until the loop waits on the clock: its pass is over (advancing sooner moves time under
    a pass that has not yet asked how long to sleep)."""
    await eventually(lambda: clock.sleepers == 1)


# ---------------------------------------------------------------- one candidate per story


async def test_every_good_item_becomes_one_candidate_across_re_polls(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/rss.xml")
    watcher = make_watcher(store, notifier, clock)
    [first] = await watcher.run_once()
    assert first.status == "ok"
    assert [item.title for item in first.candidates] == [
        "We Can Be Heroes sequel greenlit at Netflix",
        "We Can Be Heroes 2 begins filming in Texas",
    ]
    [skipped] = first.skipped  # the Bowie story: the film's words, no sequel word
    assert skipped.status == "skipped" and skipped.skip_reason
    assert sorted(notifier.item_ids) == sorted(item.id for item in first.candidates)
    # Not due again before its interval: nothing is fetched.
    assert await watcher.run_once() == []
    await clock.advance(INTERVAL)
    [again] = await watcher.run_once()  # the same body again (no validators on this feed)
    assert again.status == "ok" and again.stored == ()
    assert len(notifier.shown) == 2
    assert len(await store.feeds.pending_review()) == 2
    assert (await polled(store, feed)).title == "Example News: Film"


async def test_a_restart_on_the_same_database_queues_nothing_again(
    store: Store,
    server: FeedServer,
    clock: ManualClock,
    notifier: RecordingNotifier,
    db_path: Path,
) -> None:
    await add(store, server, "/rss.xml")
    await add(store, server, "/atom.xml")
    await make_watcher(store, notifier, clock).run_once()
    assert len(notifier.shown) == 3  # two from the RSS feed, the wrap from the Atom feed
    await clock.advance(INTERVAL + 5 * 60)
    async with open_store(db_path) as reopened:
        restarted = RecordingNotifier(reopened)
        outcomes = await make_watcher(reopened, restarted, clock).run_once()
    assert [outcome.status for outcome in outcomes] == ["ok", "ok"]
    assert all(outcome.stored == () for outcome in outcomes)
    assert restarted.shown == []
    assert len(await store.feeds.pending_review()) == 3


async def test_the_same_story_in_two_feeds_is_one_candidate(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    a = await add(store, server, "/outlet-a.xml")
    b = await add(store, server, "/outlet-b.xml")
    outcomes = await make_watcher(store, notifier, clock).run_once()
    stored = [item for outcome in outcomes for item in outcome.stored]
    assert len(stored) == 1 and stored[0].feed_id in {a.id, b.id}
    assert notifier.item_ids == [stored[0].id]


async def test_a_new_guid_with_the_same_link_is_not_a_second_candidate(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await add(store, server, "/republished.xml")
    feed = await add(store, server, "/changing.xml")
    watcher = make_watcher(store, notifier, clock)
    outcomes = await watcher.run_once()
    assert [len(outcome.candidates) for outcome in outcomes] == [1, 1]
    # The changing feed re-publishes its story under a new GUID, with the same link.
    server.add_item(
        "changing",
        title="We Can Be Heroes sequel greenlit at Netflix (updated)",
        link="https://news.example.com/heroes-sequel-greenlit",
        guid="news-1-again",
    )
    await clock.advance(INTERVAL)
    [again] = [o for o in await watcher.run_once() if o.feed_id == feed.id]
    assert again.status == "ok" and again.stored == ()
    assert len(notifier.shown) == 2


# ---------------------------------------------------------------- conditional GETs


async def test_a_304_stores_nothing_and_the_validators_are_sent_back(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/changing.xml")
    watcher = make_watcher(store, notifier, clock)
    [first] = await watcher.run_once()
    assert len(first.candidates) == 1
    etag = (await polled(store, feed)).etag
    assert etag
    await clock.advance(INTERVAL)
    [second] = await watcher.run_once()
    assert second.status == "not_modified" and second.stored == ()
    assert server.requests_to("/changing.xml")[-1].headers["If-None-Match"] == etag
    after = await polled(store, feed)
    assert after.etag == etag and after.failures == 0
    assert parse_iso(after.next_poll_at) == clock.now() + timedelta(seconds=INTERVAL)
    # A story appears: the next poll gets a 200 with it, and only it is new.
    own_story(server, "changing", "cast", "We Can Be Heroes sequel casts a new hero")
    await clock.advance(INTERVAL)
    [third] = await watcher.run_once()
    assert [item.title for item in third.stored] == ["We Can Be Heroes sequel casts a new hero"]
    assert len(notifier.shown) == 2


# ---------------------------------------------------------------- bad feeds


@pytest.mark.parametrize(
    "path",
    [
        "/status/500",
        "/loop/a",
        "/to-ftp",
        "/huge",
        "/huge-declared",
        "/bomb.xml",
        "/xxe.xml",
        "/xxe-parameter.xml",
        "/malformed.xml",
        "/not-a-feed.html",
    ],
)
async def test_a_bad_feed_is_contained_and_says_why(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier, path: str
) -> None:
    feed = await add(store, server, path)
    good = await add(store, server, "/rss.xml")
    outcomes = {o.feed_id: o for o in await make_watcher(store, notifier, clock).run_once()}
    bad = outcomes[feed.id]
    assert bad.status == "failed" and bad.stored == () and bad.error
    assert not bad.error.startswith("unexpected error"), bad.error
    after = await polled(store, feed)
    assert after.failures == 1 and after.last_error == bad.error and after.enabled
    assert parse_iso(after.next_poll_at) > clock.now()
    assert len(outcomes[good.id].candidates) == 2  # the good feed beside it is unharmed


async def test_a_failing_feed_backs_off_further_each_time_then_is_disabled(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/status/500")
    # The middle of each jittered range: the delays are the ceilings' halves.
    watcher = make_watcher(store, notifier, clock, draw=lambda: 0.5, max_failures=4)
    delays: list[float] = []
    for attempt in range(1, 5):
        [outcome] = await watcher.run_once()
        assert outcome.status == "failed" and outcome.error == "HTTP 500"
        after = await polled(store, feed)
        assert after.failures == attempt and after.last_error == "HTTP 500"
        delay = (parse_iso(after.next_poll_at) - clock.now()).total_seconds()
        delays.append(delay)
        assert outcome.disabled_now is (attempt == 4)
        await clock.advance(delay)
    assert delays == [30, 60, 120, 240]
    disabled = await polled(store, feed)
    assert not disabled.enabled
    assert disabled.disabled_reason is not None and "HTTP 500" in disabled.disabled_reason
    assert await watcher.run_once() == []  # not polled any more
    assert (await watcher.poll_now(feed.id)) == PollOutcome(
        feed.id, "disabled", error=disabled.disabled_reason
    )
    requests = len(server.requests_to("/status/500"))
    assert requests == 4


async def test_a_feed_answering_again_is_polled_at_its_interval(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/changing.xml")
    watcher = make_watcher(store, notifier, clock)
    await store.feeds.poll_failed(
        feed.id, error="HTTP 503", next_poll_at=clock.now(), disable=False, now=clock.now()
    )
    [outcome] = await watcher.run_once()
    assert outcome.status == "ok"
    after = await polled(store, feed)
    assert after.failures == 0 and after.last_error is None
    assert parse_iso(after.next_poll_at) == clock.now() + timedelta(seconds=INTERVAL)


async def test_a_slow_feed_does_not_hold_up_the_others(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    slow = await add(store, server, "/slow")
    await add(store, server, "/rss.xml")
    await add(store, server, "/atom.xml")
    watcher = make_watcher(store, notifier, clock, timeout=3.0)
    running = asyncio.create_task(watcher.run_once())
    await eventually(lambda: len(notifier.shown) == 3, seconds=2.5)
    assert not running.done()  # the slow feed is still being waited for, within its timeout
    outcomes = {o.feed_id: o for o in await running}
    assert outcomes[slow.id].error == "timed out after 3 s"


async def test_at_most_the_concurrency_feeds_are_fetched_at_once(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    for number in range(3):
        await store.feeds.add_feed(server.url(f"/slow?n={number}"), now=START)
    await add(store, server, "/rss.xml")
    watcher = make_watcher(store, notifier, clock, timeout=1.0, concurrency=2)
    running = asyncio.create_task(watcher.run_once())
    await eventually(lambda: len(server.requests_to("/slow")) == 2)
    # Two slow feeds hold both slots; the third and the good feed wait for a slot.
    assert len(server.requests_to("/slow")) == 2 and server.requests_to("/rss.xml") == []
    outcomes = await running
    assert sorted(o.status for o in outcomes) == ["failed", "failed", "failed", "ok"]
    assert len(server.requests_to("/slow")) == 3


# ---------------------------------------------------------------- publishing


async def test_auto_publish_publishes_only_trusted_feeds_candidates_and_never_a_stage(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    own_story(server, "trusted", "filming", "We Can Be Heroes 2 begins filming in Texas")
    own_story(server, "untrusted", "script", "We Can Be Heroes sequel script is in the works")
    trusted = await add(store, server, "/trusted.xml", trusted=True)
    untrusted = await add(store, server, "/untrusted.xml")
    published: list[SequelUpdate] = []
    watcher = make_watcher(store, notifier, clock, published=published, auto_publish=True)
    outcomes = {o.feed_id: o for o in await watcher.run_once()}

    [auto] = outcomes[trusted.id].candidates
    assert auto.suggested_stage == "filming"  # suggested, and still not applied
    assert outcomes[trusted.id].published == (auto.id,)
    [update] = published
    assert update.stage is None
    assert update.headline == "We Can Be Heroes 2 begins filming in Texas"
    assert (
        update.text == "We Can Be Heroes 2 begins filming in Texas: the studio said so on Tuesday."
    )
    assert update.source_url == auto.link
    stored = await store.feeds.item(auto.id)
    assert stored is not None and stored.status == "published" and stored.update_id == update.id
    assert stored.reviewed_by is None  # the watcher, not an owner

    [waiting] = outcomes[untrusted.id].candidates
    assert outcomes[untrusted.id].published == ()
    assert notifier.item_ids == [waiting.id]  # only the untrusted feed's candidate is reviewed
    assert [item.id for item in await store.feeds.pending_review()] == [waiting.id]


async def test_auto_publish_leaves_a_flagged_item_of_a_trusted_feed_for_review(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    # /rss.xml links to news.example.com, not the feed's host: flagged, so an owner looks.
    await add(store, server, "/rss.xml", trusted=True)
    published: list[SequelUpdate] = []
    watcher = make_watcher(store, notifier, clock, published=published, auto_publish=True)
    [outcome] = await watcher.run_once()
    assert all("link-host-differs" in item.flags for item in outcome.candidates)
    assert outcome.published == () and published == []
    assert len(notifier.shown) == 2


async def test_without_auto_publish_nothing_is_published(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    own_story(server, "trusted", "date", "We Can Be Heroes sequel release date set")
    await add(store, server, "/trusted.xml", trusted=True)
    await add(store, server, "/rss.xml", trusted=True)
    published: list[SequelUpdate] = []
    watcher = make_watcher(store, notifier, clock, published=published)
    outcomes = await watcher.run_once()
    candidates = [item.id for outcome in outcomes for item in outcome.candidates]
    assert len(candidates) == 3 and published == []
    assert all(outcome.published == () for outcome in outcomes)
    assert sorted(notifier.item_ids) == sorted(candidates)  # each shown once
    assert await store.feeds.items(status="published") == []
    await clock.advance(INTERVAL)
    await watcher.run_once()
    await clock.advance(INTERVAL)
    await watcher.run_once()
    assert sorted(notifier.item_ids) == sorted(candidates)


async def test_an_item_an_owner_could_not_post_as_is_is_left_for_review(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    server.add_item(
        "trusted",
        title="We Can Be Heroes sequel trailer",
        link=server.url("/stories/trailer"),
        guid="no-summary",
        summary="",  # nothing the feed served to quote: an owner writes the excerpt (Edit)
        published=START - timedelta(days=1),
    )
    await add(store, server, "/trusted.xml", trusted=True)
    published: list[SequelUpdate] = []
    watcher = make_watcher(store, notifier, clock, published=published, auto_publish=True)
    [outcome] = await watcher.run_once()
    assert len(outcome.candidates) == 1 and outcome.published == () and published == []
    assert notifier.item_ids == [outcome.candidates[0].id]


# ---------------------------------------------------------------- hand-over


async def test_a_failing_notifier_does_not_fail_the_poll(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/rss.xml")
    notifier.fail = True
    [outcome] = await make_watcher(store, notifier, clock).run_once()
    assert outcome.status == "ok" and len(outcome.candidates) == 2
    after = await polled(store, feed)
    assert after.failures == 0 and after.last_ok_at is not None
    assert len(await store.feeds.pending_review()) == 2  # still waiting: /feeds review shows them


async def test_candidates_stored_without_a_bot_are_handed_over_once(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/rss.xml")
    cli = make_watcher(store, None, clock)  # `heroes-bot feeds poll`: no review messages
    outcome = await cli.poll_now(feed.id)
    assert outcome is not None and len(outcome.candidates) == 2
    bot_watcher = make_watcher(store, notifier, clock)
    await bot_watcher.run_once()
    assert notifier.shown == []  # just stored: the process that stored them may be notifying
    await clock.advance(3 * 60)
    await bot_watcher.run_once()
    assert sorted(notifier.item_ids) == sorted(item.id for item in outcome.candidates)
    await clock.advance(3 * 60)
    await bot_watcher.run_once()
    await make_watcher(store, RecordingNotifier(store), clock).hand_over_waiting()
    assert len(notifier.shown) == 2  # shown once: recorded, so not even a restart shows them again


async def test_poll_now_polls_a_feed_before_it_is_due(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    feed = await add(store, server, "/changing.xml")
    watcher = make_watcher(store, notifier, clock)
    await watcher.run_once()
    own_story(server, "changing", "wrap", "We Can Be Heroes sequel wraps filming")
    assert await watcher.run_once() == []  # not due
    outcome = await watcher.poll_now(feed.id)
    assert outcome is not None and [i.title for i in outcome.stored] == [
        "We Can Be Heroes sequel wraps filming"
    ]
    assert await watcher.poll_now(9999) is None


# ---------------------------------------------------------------- the loop


async def test_the_loop_polls_on_the_clock_and_wakes_for_a_new_feed(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await add(store, server, "/changing.xml")
    watcher = make_watcher(store, notifier, clock)
    watcher.start()
    try:
        await eventually(lambda: len(notifier.shown) == 1)
        # A feed added from Discord: the loop, asleep until the first feed is due, wakes.
        await add(store, server, "/rss.xml")
        watcher.wake()
        # Its greenlit story is the changing feed's: only the filming one is new.
        await eventually(lambda: len(notifier.shown) == 2)
        polls = len(server.requests_to("/changing.xml"))
        own_story(server, "changing", "premiere", "We Can Be Heroes 2 premiere date revealed")
        # The loop wakes every MAX_SLEEP (300 s) at most: a pass at 300 s and 600 s finds
        # nothing due, the one at 900 s polls both feeds again.
        for _step in range(3):
            await asleep(clock)
            await clock.advance(300)
        await eventually(lambda: len(notifier.shown) == 3)
        assert len(server.requests_to("/changing.xml")) == polls + 1
    finally:
        await watcher.stop()


async def test_each_skipped_item_is_logged_with_its_reason(
    store: Store,
    server: FeedServer,
    clock: ManualClock,
    notifier: RecordingNotifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await add(store, server, "/rss.xml")
    with caplog.at_level(logging.DEBUG, logger="cogs.feeds._service"):
        [outcome] = await make_watcher(store, notifier, clock).run_once()
    [skipped] = outcome.skipped
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any(str(skipped.skip_reason) in line and "bowie-vinyl" in line for line in lines)


async def test_a_parser_crash_is_the_feeds_failure_not_the_loops(
    store: Store,
    server: FeedServer,
    clock: ManualClock,
    notifier: RecordingNotifier,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed = await add(store, server, "/rss.xml")

    def broken(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    # Through the watcher's own module namespace: a bot test unloading the extension drops
    # cogs.feeds._service from sys.modules, so patching by name would reach a fresh copy.
    monkeypatch.setitem(FeedWatcher.poll_feed.__globals__, "new_item", broken)
    [outcome] = await make_watcher(store, notifier, clock).run_once()
    assert outcome.status == "failed" and outcome.error == "unexpected error: RecursionError"
    assert (await polled(store, feed)).failures == 1


class FlakyFeeds:
    """The store's feeds, whose database fails the first `failures` times due feeds are
    claimed."""

    def __init__(self, feeds: object, failures: int) -> None:
        self._feeds = feeds
        self.failures = failures

    def __getattr__(self, name: str) -> object:
        return getattr(self._feeds, name)

    async def claim_due(self, now: datetime, **claim: object) -> list[Feed]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database is down")
        return await self._feeds.claim_due(now, **claim)  # type: ignore[attr-defined, no-any-return]


async def test_the_loop_backs_off_while_the_database_fails_then_goes_on(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await add(store, server, "/rss.xml")
    flaky = FlakyFeeds(store.feeds, failures=2)
    watcher = FeedWatcher(flaky, notifier, clock=clock)  # type: ignore[arg-type]
    watcher.start()
    try:
        await eventually(lambda: flaky.failures == 1)
        await asleep(clock)
        await clock.advance(59)
        await ManualClock.run_until_idle()
        assert flaky.failures == 1  # waits a minute after the first failure
        await clock.advance(1)
        await eventually(lambda: flaky.failures == 0)
        await asleep(clock)
        await clock.advance(119)
        assert notifier.shown == []  # two minutes after the second
        await clock.advance(1)
        await eventually(lambda: len(notifier.shown) == 2)
    finally:
        await watcher.stop()


class BlockedNotifier(RecordingNotifier):
    """Discord so slow that no review message goes out until the test lets it."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.release = asyncio.Event()

    async def notify(self, item: FeedItem, feed: Feed) -> None:
        await self.release.wait()
        await super().notify(item, feed)


async def test_a_slow_review_message_holds_up_no_fetch(
    store: Store, server: FeedServer, clock: ManualClock
) -> None:
    await add(store, server, "/rss.xml")
    await add(store, server, "/atom.xml")
    notifier = BlockedNotifier(store)
    watcher = make_watcher(store, notifier, clock, concurrency=1)
    running = asyncio.create_task(watcher.run_once())
    # One fetch slot: the first feed's candidates wait for Discord, and the second feed is
    # fetched meanwhile (its slot was freed once the first feed's items were stored).
    await eventually(lambda: len(server.requests_to("/atom.xml")) == 1)
    assert notifier.shown == [] and not running.done()
    notifier.release.set()
    await running
    assert len(notifier.shown) == 3


async def test_a_trusted_candidate_left_unpublished_by_a_stop_is_published_after_it(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    own_story(server, "trusted", "greenlit", "We Can Be Heroes sequel greenlit")
    feed = await add(store, server, "/trusted.xml", trusted=True)
    # Stored, then the process stopped before publishing it (as if: no auto-publish yet).
    outcome = await make_watcher(store, None, clock).poll_now(feed.id)
    assert outcome is not None and outcome.published == ()
    await clock.advance(3 * 60)
    published: list[SequelUpdate] = []
    restarted = make_watcher(store, notifier, clock, published=published, auto_publish=True)
    assert await restarted.hand_over_waiting() == 1
    assert [update.headline for update in published] == ["We Can Be Heroes sequel greenlit"]
    assert notifier.shown == [] and await store.feeds.pending_review() == []


async def test_two_watchers_on_one_database_show_each_candidate_once(
    store: Store, server: FeedServer, clock: ManualClock, db_path: Path
) -> None:
    await add(store, server, "/rss.xml")
    await add(store, server, "/outlet-a.xml")
    await add(store, server, "/outlet-b.xml")
    first = RecordingNotifier(store)
    async with open_store(db_path) as other_process:
        second = RecordingNotifier(other_process)
        await asyncio.gather(
            make_watcher(store, first, clock).run_once(),
            make_watcher(other_process, second, clock).run_once(),
        )
    shown = first.item_ids + second.item_ids
    assert len(shown) == 3 and len(set(shown)) == 3


@both_engines
async def test_two_watchers_on_one_database_poll_each_feed_once_per_round(
    store: Store, server: FeedServer, clock: ManualClock, database_target: Path | str
) -> None:
    # Two bot processes (shards, or two hosts on PostgreSQL): each due feed is claimed by one.
    paths = ["/rss.xml", "/atom.xml", "/outlet-a.xml", "/outlet-b.xml", "/status/500"]
    feeds = [await add(store, server, path) for path in paths]
    first = RecordingNotifier(store)
    async with open_store(database_target) as other_process:
        second = RecordingNotifier(other_process)
        watchers = [make_watcher(store, first, clock), make_watcher(other_process, second, clock)]
        for round_number in range(1, 4):
            await asyncio.gather(*(watcher.run_once() for watcher in watchers))
            # The outlets' request log: one GET per feed per round, whichever process sent it.
            assert [len(server.requests_to(path)) for path in paths] == [round_number] * 5
            # The failing feed's backoff (at most 4 minutes by now) ends before the next round.
            await clock.advance(INTERVAL)
    failing = await polled(store, feeds[-1])
    assert failing.failures == 3  # counted once per round, not once per process
    shown = first.item_ids + second.item_ids
    assert len(shown) == len(set(shown)) == len(await store.feeds.pending_review())


async def test_a_pass_claims_what_its_lease_covers_and_the_next_pass_the_rest(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    paths = [
        "/rss.xml",
        "/atom.xml",
        "/outlet-a.xml",
        "/outlet-b.xml",
        "/status/500",
        "/status/503",
    ]
    for path in paths:
        await add(store, server, path)
    watcher = make_watcher(store, notifier, clock, concurrency=1)
    # One slot: four rounds of it fit in the lease (every poll timing out), so four feeds.
    assert watcher.settings.claim_limit == 4
    assert len(await watcher.run_once()) == 4
    assert len(await watcher.run_once()) == 2
    assert [len(server.requests_to(path)) for path in paths] == [1] * 6


class CrashingFeeds(FlakyFeeds):
    """A process that dies mid-poll: the items are never stored, the poll never recorded."""

    async def store_items(self, *args: object, **kwargs: object) -> list[FeedItem]:
        raise ConnectionError("the process was killed")


async def test_a_feed_claimed_by_a_process_that_died_is_polled_once_its_lease_ends(
    store: Store, server: FeedServer, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await add(store, server, "/rss.xml")
    dying = FeedWatcher(CrashingFeeds(store.feeds, 0), None, clock=clock)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="polling some feeds failed"):
        await dying.run_once()
    survivor = make_watcher(store, notifier, clock)
    assert await survivor.run_once() == []  # still leased to the dead process
    await clock.advance(survivor.settings.lease_seconds)
    [outcome] = await survivor.run_once()
    assert outcome.status == "ok" and len(notifier.shown) == 2
    assert len(server.requests_to("/rss.xml")) == 2
