"""The feed watcher: one background loop that polls every due feed and stores what it finds
before anything else happens to it.

One pass:

1. Candidates stored earlier but never handed over (the process stopped between storing and
   notifying, or `heroes-bot feeds poll` stored them without a bot) are handed over now: see
   `hand_over_waiting`.
2. Every enabled feed whose `next_poll_at` has come is claimed, then polled, at most
   `concurrency` at once. A slow feed holds one slot for at most its timeout; the others go on
   in the remaining slots. The claim (store.feeds.claim_due, one statement) moves the feeds'
   next poll to the end of a lease, so with several bot processes on one database (shards, or
   two hosts on PostgreSQL) each due feed is polled by one of them: an outlet gets one request
   per round and a failing feed's failure is counted once. The lease covers the longest a pass
   can take (`lease_seconds`); a process that stops mid-poll frees its feeds when it ends.
3. A feed's answer is parsed and each item decided (candidate or skipped: cogs/feeds/_match.py),
   then ALL its items are stored in one transaction. The store keeps an item only if no stored
   item has its GUID, canonical link or content hash, so re-polls, a restart, the same story
   from two feeds, or a new GUID on the same link never make a second candidate.
4. Only the items that transaction stored are acted on: a candidate of a trusted feed is
   published when FEEDS_AUTO_PUBLISH is on (never with a stage change); every other candidate
   goes to the review notifier, once. Skipped items are logged at DEBUG with their reason (and
   owners see them, with it, in /feeds items).
5. The feed's next poll is set: its interval after an answer (a 304 included), exponential
   backoff with jitter after a failure (cogs/feeds/_backoff.py), and after `max_failures`
   failures in a row the feed is disabled, with the reason (`feeds list` shows it).

The loop sleeps on the bot's clock until the next feed is due, at most MAX_SLEEP (a feed added
from the command line, by another process, is noticed within it), and `wake()` (a feed added
from Discord) starts a pass at once.
"""

from __future__ import annotations

import asyncio
import logging
import random as random_module
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import aiohttp
import msgspec

from bot.background import BackgroundLoop
from bot.clock import Clock, wait_for_event
from bot.store import (
    AlreadyInTimeline,
    Feed,
    FeedItem,
    FeedsStore,
    NewFeedItem,
    SequelUpdate,
    parse_iso,
)
from cogs.sequel import Checked, check_update

from ._backoff import MAX_FAILURES, next_poll
from ._fetch import FetchError, FetchResult, fetch_feed
from ._match import new_item, one_line
from ._parse import FeedParseError, parse_feed

log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # seconds; a feed added or enabled by another process is polled within this
# Feeds due already (left over by a pass's claim limit): the next pass claims them a second
# later, not in a spin.
MIN_SLEEP = 1.0
TROUBLE_SLEEP = 60.0  # after a pass that failed (the database): doubled each time, to MAX_SLEEP
# A candidate not handed over this long after it was stored is taken as forgotten (a stop
# between storing and notifying, or stored by the CLI). Before that, the process that stored
# it may still be notifying it: a second process waiting this long does not notify it twice.
HAND_OVER_AFTER = timedelta(minutes=2)
CANDIDATE = "candidate"
# How long one poll may take beyond its fetch's timeout: parsing in a worker thread, storing
# the items and recording the poll on a busy database.
POLL_MARGIN = 60.0  # seconds
# A pass claims at most this many rounds of `concurrency` feeds, so its lease covers every
# claimed poll even if each one times out waiting its turn; feeds left over are claimed by
# the next pass, MIN_SLEEP later.
CLAIM_ROUNDS = 4


class ReviewNotifier(Protocol):
    """Shows a new candidate to the owners (cogs/feeds/_views.py: the review message)."""

    async def notify(self, item: FeedItem, feed: Feed) -> None: ...


SessionFactory = Callable[[], aiohttp.ClientSession]
OnPublished = Callable[[SequelUpdate], None]


def default_session() -> aiohttp.ClientSession:
    """One HTTP session for one pass (fetch_feed sends the user agent and limits)."""
    return aiohttp.ClientSession()


class WatcherSettings(msgspec.Struct, frozen=True):
    """The config's feed settings (bot/config.py) and the fetch limits."""

    auto_publish: bool = False  # FEEDS_AUTO_PUBLISH: trusted feeds' candidates skip review
    max_failures: int = MAX_FAILURES  # FEEDS_MAX_FAILURES: failures in a row before disabling
    concurrency: int = 8  # feeds fetched at once
    timeout: float = 10.0  # seconds, per fetch
    max_bytes: int = 2_000_000
    max_redirects: int = 5

    @property
    def claim_limit(self) -> int:
        """How many due feeds one pass claims at most."""
        return max(1, self.concurrency) * CLAIM_ROUNDS

    @property
    def lease_seconds(self) -> float:
        """How long a pass holds the feeds it claimed: the longest its polls can take (every
        round of slots timing out, plus the margin of each), so no other process polls them
        meanwhile."""
        return CLAIM_ROUNDS * (self.timeout + POLL_MARGIN)


class PollOutcome(msgspec.Struct, frozen=True):
    """What polling one feed did (for the CLI's and /feeds' reports, and for tests).

    status: 'ok' (answered with a feed), 'not_modified' (a 304: nothing new), 'failed' (the
    reason in `error`), 'disabled' (not polled: the feed is disabled).
    """

    feed_id: int
    status: str
    stored: tuple[FeedItem, ...] = ()  # the items this poll stored (none seen before)
    published: tuple[int, ...] = ()  # ids of the stored candidates published automatically
    error: str | None = None
    disabled_now: bool = False  # this failure disabled the feed

    @property
    def candidates(self) -> tuple[FeedItem, ...]:
        return tuple(item for item in self.stored if item.status == CANDIDATE)

    @property
    def skipped(self) -> tuple[FeedItem, ...]:
        return tuple(item for item in self.stored if item.status != CANDIDATE)


class _Answer(msgspec.Struct, frozen=True):
    """A feed's answer, parsed and decided but not stored yet."""

    result: FetchResult
    title: str | None
    items: list[NewFeedItem]


class PassFailed(Exception):
    """Polling some feed failed on the bot's side (the database), not the feed's."""


def update_from_item(item: FeedItem, *, now: datetime) -> Checked:
    """The sequel update an item becomes, checked as a /sequel-admin post is: its headline
    is the item's title, its text the summary the feed served (verbatim), its source the
    item's outlet and link; no stage change. Invisible characters and the feed's line breaks
    are left out, as a reviewed publish leaves them out (cogs/feeds/_match.one_line)."""
    return check_update(
        headline=one_line(item.title),
        text=one_line(item.summary),
        source_url=item.link,
        outlet=item.outlet,
        stage=None,
        published=item.published,
        today=now.date(),
    )


class FeedWatcher(BackgroundLoop):
    """Polls the feeds in the background; `poll_now` polls one at once (the CLI, /feeds)."""

    name = "feed-watcher"

    def __init__(
        self,
        feeds: FeedsStore,
        notifier: ReviewNotifier | None,
        *,
        clock: Clock,
        settings: WatcherSettings | None = None,
        session_factory: SessionFactory = default_session,
        random: Callable[[], float] = random_module.random,
        on_published: OnPublished | None = None,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.feeds = feeds
        # None (the command line): candidates wait in the review queue for the bot to show.
        self.notifier = notifier
        self.clock = clock
        self.settings = settings or WatcherSettings()
        self._session_factory = session_factory
        self._random = random
        # Called with each update published automatically: the cog wakes the sequel
        # delivery worker with it, as /sequel-admin post does.
        self._on_published = on_published
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(max(1, self.settings.concurrency))
        self._locks: dict[int, asyncio.Lock] = {}
        # Candidates this process has published or handed to the notifier: never again.
        self._handed_over: set[int] = set()

    def wake(self) -> None:
        """Start a pass now (a feed was added or enabled)."""
        self._wake.set()

    # ------------------------------------------------------------------ passes

    async def run_once(self) -> list[PollOutcome]:
        """One pass: forgotten candidates handed over, then every due feed claimed (no other
        process polls it this round) and polled."""
        await self.hand_over_waiting()
        now = self.clock.now()
        due = await self.feeds.claim_due(
            now,
            lease_until=now + timedelta(seconds=self.settings.lease_seconds),
            limit=self.settings.claim_limit,
        )
        if not due:
            return []
        async with self._session_factory() as session:
            results = await asyncio.gather(
                *(self._poll_due(feed, session) for feed in due), return_exceptions=True
            )
        return _outcomes(due, results)

    async def poll_now(self, feed_id: int) -> PollOutcome | None:
        """Poll one feed at once, due or not (None: no such feed). A disabled feed is not
        polled (enable it first). If the loop is polling it, this waits, then polls again:
        with the validators just stored, that is usually a cheap 304."""
        async with self._lock(feed_id):
            feed = await self.feeds.feed(feed_id)
            if feed is None:
                return None
            if not feed.enabled:
                return PollOutcome(feed.id, "disabled", error=feed.disabled_reason)
            async with self._session_factory() as session:
                return await self.poll_feed(feed, session)

    async def _poll_due(self, feed: Feed, session: aiohttp.ClientSession) -> PollOutcome | None:
        lock = self._lock(feed.id)
        if lock.locked():
            return None  # `poll_now` is polling it right now (and records the poll)
        async with lock:
            return await self.poll_feed(feed, session)

    def _lock(self, feed_id: int) -> asyncio.Lock:
        """One poll of a feed at a time in this process (its failures are counted once)."""
        return self._locks.setdefault(feed_id, asyncio.Lock())

    # ------------------------------------------------------------------ one feed

    async def poll_feed(self, feed: Feed, session: aiohttp.ClientSession) -> PollOutcome:
        """Fetch, parse, store and record the poll in one of the `concurrency` slots; then
        act on the new candidates, the slot free again (a slow Discord holds up no fetch)."""
        async with self._slots:
            answer = await self._read(feed, session)
            if isinstance(answer, str):
                return await self._failed(feed, answer)
            stored = await self._store(feed, answer)
        published = await self._act_on_new(stored, feed)
        status = "not_modified" if answer.result.status == "not_modified" else "ok"
        return PollOutcome(feed.id, status, stored=tuple(stored), published=tuple(published))

    async def _store(self, feed: Feed, answer: _Answer) -> list[FeedItem]:
        """Store the answer's items, then record the poll; returns the items new to the store."""
        now = self.clock.now()
        # Stored first: whatever happens next (a crash, Discord down), no item is lost and
        # none is stored twice.
        stored = await self.feeds.store_items(feed.id, answer.items, now=now)
        await self.feeds.poll_succeeded(
            feed.id,
            # A 304 need not repeat the validators: keep the ones that earned it.
            etag=answer.result.etag or feed.etag,
            last_modified=answer.result.last_modified or feed.last_modified,
            next_poll_at=next_poll(
                now, interval_s=feed.interval_s, failures=0, random=self._random
            ),
            title=answer.title,
            now=now,
        )
        if stored:
            log.info("feed %s: %d new item(s) stored", feed.id, len(stored))
        return stored

    async def _read(self, feed: Feed, session: aiohttp.ClientSession) -> _Answer | str:
        """The feed's answer, parsed, its items decided; or why polling it failed (a short
        English reason, stored as the feed's last error). Nothing a feed serves escapes as an
        exception: a bad feed is contained."""
        try:
            return await self._fetch_and_parse(feed, session)
        except (FetchError, FeedParseError) as exc:
            return exc.reason
        except TimeoutError:
            return f"timed out after {self.settings.timeout:g} s"
        except (aiohttp.ClientError, OSError) as exc:
            return _short_reason(exc)
        except Exception as exc:
            # Hostile input that broke a parser, say. Counted as the feed's failure, so the
            # feed backs off and is disabled in the end instead of failing every pass.
            log.exception("feed %s (%s): unexpected error while reading it", feed.id, feed.url)
            return f"unexpected error: {type(exc).__name__}"

    async def _fetch_and_parse(self, feed: Feed, session: aiohttp.ClientSession) -> _Answer:
        result = await fetch_feed(
            session,
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=self.settings.timeout,
            max_bytes=self.settings.max_bytes,
            max_redirects=self.settings.max_redirects,
        )
        if result.status == "not_modified" or result.body is None:
            return _Answer(result, None, [])
        # In a worker thread: parsing 2 MB of XML takes a good fraction of a second, which on
        # the event loop would stall the bot (gateway heartbeats, interactions) meanwhile.
        return await asyncio.to_thread(_decided, result, feed, self.clock.now())

    async def _failed(self, feed: Feed, reason: str) -> PollOutcome:
        """Back off (exponential, jittered), and disable the feed after too many failures."""
        now = self.clock.now()
        failures = feed.failures + 1
        disable = failures >= self.settings.max_failures
        await self.feeds.poll_failed(
            feed.id,
            error=reason,
            next_poll_at=next_poll(
                now, interval_s=feed.interval_s, failures=failures, random=self._random
            ),
            disable=disable,
            now=now,
        )
        if disable:
            log.warning(
                "feed %s (%s) disabled after %d failed polls in a row; the last: %s",
                feed.id,
                feed.url,
                failures,
                reason,
            )
        else:
            log.warning(
                "feed %s (%s): poll failed (%d in a row): %s", feed.id, feed.url, failures, reason
            )
        return PollOutcome(feed.id, "failed", error=reason, disabled_now=disable)

    # ------------------------------------------------------------------ candidates

    async def _act_on_new(self, stored: Sequence[FeedItem], feed: Feed) -> list[int]:
        """Publish or hand over each new candidate; log each skipped item. Returns the ids
        of the items published."""
        published: list[int] = []
        for item in stored:
            if item.status != CANDIDATE:
                log.debug(
                    "feed %s: skipped item %s (%s): %s",
                    feed.id,
                    item.id,
                    item.link or item.guid,
                    item.skip_reason,
                )
            elif await self._act_on(item, feed):
                published.append(item.id)
        return published

    async def _act_on(self, item: FeedItem, feed: Feed) -> bool:
        """Publish `item` automatically if allowed, else show it to the owners. True if
        published."""
        self._handed_over.add(item.id)
        if self._publishes_automatically(item, feed):
            outcome = await self._publish(item)
            if outcome != "review":
                return outcome == "published"
        await self._notify(item, feed)
        return False

    def _publishes_automatically(self, item: FeedItem, feed: Feed) -> bool:
        # A flagged item (its link is not http(s) or on another host than the feed's, or it
        # is old: a new feed's back catalogue) always waits for an owner, even from a trusted
        # feed: the flag is there for a human.
        return self.settings.auto_publish and feed.trusted and not item.flags

    async def _publish(self, item: FeedItem) -> str:
        """'published'; 'decided' (an owner or another process decided it meanwhile); or
        'review' (it does not pass the checks of a post, e.g. no summary: an owner edits it)."""
        now = self.clock.now()
        checked = update_from_item(item, now=now)
        if checked.update is None:
            log.info(
                "feed item %s not published automatically (%s); left for review",
                item.id,
                "; ".join(checked.problems),
            )
            return "review"
        # The update's stage is None, always: a stage change is an owner's decision.
        try:
            published = await self.feeds.publish_item(item.id, checked.update, by=None, now=now)
        except AlreadyInTimeline as repeated:  # an owner posted it already: they decide
            log.info(
                "feed item %s repeats update #%s; left for review", item.id, repeated.update.id
            )
            return "review"
        if published is None:
            return "decided"
        update, queued = published
        log.info(
            "feed item %s published automatically as update #%s (%d deliveries queued)",
            item.id,
            update.id,
            queued,
        )
        if self._on_published is not None:
            self._on_published(update)
        return "published"

    async def _notify(self, item: FeedItem, feed: Feed) -> None:
        if self.notifier is None:
            return  # the command line: the bot shows it (hand_over_waiting), or /feeds review
        try:
            await self.notifier.notify(item, feed)
        except Exception:
            # Discord trouble: the candidate stays in the queue (/feeds review re-sends it).
            log.exception("feed item %s: the review message could not be sent", item.id)

    async def hand_over_waiting(self) -> int:
        """Hand over candidates stored at least HAND_OVER_AFTER ago that no review message
        shows and this process has not handed over: the process that stored them stopped
        before notifying, or the CLI stored them. Returns how many were handed over."""
        if self.notifier is None and not self.settings.auto_publish:
            return 0
        cutoff = self.clock.now() - HAND_OVER_AFTER
        count = 0
        for item in await self.feeds.pending_review():
            if item.id in self._handed_over or item.feed_id is None:
                continue
            if parse_iso(item.fetched_at) > cutoff:
                continue
            if await self.feeds.review_messages(item.id):
                self._handed_over.add(item.id)
                continue
            feed = await self.feeds.feed(item.feed_id)
            if feed is not None:
                log.info("feed item %s was stored but never shown; handing it over", item.id)
                await self._act_on(item, feed)
                count += 1
        return count

    # ------------------------------------------------------------------ the loop

    async def seconds_until_next(self) -> float:
        due = await self.feeds.next_due_at()
        if due is None:
            return MAX_SLEEP
        wait = (due - self.clock.now()).total_seconds()
        return min(MAX_SLEEP, max(MIN_SLEEP, wait))

    async def loop(self) -> None:
        trouble = TROUBLE_SLEEP
        while True:
            self._wake.clear()
            try:
                async with self.one_pass():
                    await self.run_once()
                delay = await self.seconds_until_next()
                trouble = TROUBLE_SLEEP
            except Exception:
                log.exception("feed polling pass failed; trying again in %.0f s", trouble)
                delay, trouble = trouble, min(trouble * 2, MAX_SLEEP)
            await wait_for_event(self.clock, self._wake, delay)


def _decided(result: FetchResult, feed: Feed, fetched_at: datetime) -> _Answer:
    """The answer's items parsed and decided (candidate or skipped)."""
    body = result.body or b""
    parsed = parse_feed(body, url=result.final_url, content_type=result.content_type)
    items = [new_item(raw, feed, fetched_at) for raw in parsed.items]
    return _Answer(result, parsed.title, items)


def _outcomes(due: Sequence[Feed], results: Sequence[object]) -> list[PollOutcome]:
    """A pass's outcomes. Raises PassFailed if polling a feed failed on the bot's side (the
    database): its poll was not recorded (the feed stays claimed until its lease ends), and the
    loop backs off rather than hit the failing database again at once."""
    outcomes: list[PollOutcome] = []
    failed = False
    for feed, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            log.error("polling feed %s failed on the bot's side", feed.id, exc_info=result)
            failed = True
        elif isinstance(result, PollOutcome):
            outcomes.append(result)
    if failed:
        raise PassFailed("polling some feeds failed; see the errors above")
    return outcomes


def _short_reason(exc: BaseException) -> str:
    """A network error as one short line (stored as the feed's last error)."""
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text[:120]}" if text else name
