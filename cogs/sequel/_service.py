"""Delivering sequel updates to every following channel: at most once, resumable, paced.

How one delivery goes (rows of `sequel_deliveries`, see bot/store/_tracker.py):

1. The row is created 'pending', with the update, for every following server.
2. Just before the send it is claimed: 'pending' -> 'sending' (recorded in the database).
3. It is sent with a nonce derived from the row id; Discord enforces the nonce
   (`enforce_nonce`): a second message with the same nonce by the bot within a few minutes
   returns the first message instead of posting again.
4. Right after the send the row is settled: 'sent' (with the message id), or 'failed' (the
   channel is gone or the bot lost access: counted against the follow, which is dropped after
   `unfollow_after` failures in a row), or back to 'pending' when the outcome is unknown (a
   Discord server error, a network error) so that it is retried with the same nonce. Such a
   retry waits on its own (exponential backoff with jitter, the time stored in the row so it
   survives a restart): one channel's trouble never holds up the others.

A crash between 2 and 4 leaves the row 'sending'. After `stale_after` it is retried with its
original nonce while that is still honoured (`nonce_window` after the first attempt), and marked
'uncertain' (never resent; logged) after that, so the bot never posts the same update twice in a
channel. Rows are claimed only from 'pending', so several tasks or processes sharing the database
never send the same row.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta

import discord
import msgspec

from bot.background import BackgroundLoop
from bot.clock import Clock, wait_for_event
from bot.store import (
    DISCORD_PACE,
    Delivery,
    DeliveryCounts,
    SendPacing,
    SequelUpdate,
    Tracker,
    parse_iso,
)
from bot.ui.posting import OutgoingPost, Poster, describe_failure

log = logging.getLogger(__name__)

ProgressFn = Callable[[DeliveryCounts], Awaitable[None]]


# The post for one delivery; a coroutine when it reads the server's card style (the cog's).
Compose = Callable[[SequelUpdate, Delivery], OutgoingPost | Awaitable[OutgoingPost]]


def delivery_nonce(delivery: Delivery) -> str:
    """Stable per delivery, so a retry is deduplicated by Discord; at most 25 characters."""
    return f"hb{delivery.update_id}-{delivery.id}"[:25]


class RateGate:
    """Spaces sends at most `per_second` apart, on top of discord.py's per-route waits, so a
    broadcast to thousands of channels never bursts into Discord's global limit.

    With `pacing` (the store's SendPacing), the pace is shared by every process on the database:
    each send reserves its slot there, so three shard processes broadcasting together still send
    `per_second` in all, not three times that. Without it, the pace is this process's alone."""

    def __init__(
        self,
        per_second: float | None,
        *,
        clock: Clock,
        pacing: SendPacing | None = None,
        pace: Callable[[], str] | None = None,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._clock = clock
        self._pacing = pacing
        # Which bot's pace (Discord's limit is per bot): asked at each send, once logged in.
        self._pace = pace
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        if self._pacing is not None:
            now = self._clock.now().timestamp()
            name = self._pace() if self._pace is not None else DISCORD_PACE
            await self._clock.sleep(await self._pacing.reserve(self._interval, now=now, name=name))
            return
        async with self._lock:
            now = self._clock.monotonic()
            if self._next > now:
                await self._clock.sleep(self._next - now)
                now = self._next
            self._next = now + self._interval


class ProgressThrottle:
    """Calls `callback` at most every `interval` seconds, and always for the final state.

    A failing callback (an expired interaction, say) is logged and not called again.
    """

    def __init__(
        self,
        callback: ProgressFn | None,
        *,
        clock: Clock,
        interval: float = 2.0,
    ) -> None:
        self._callback = callback
        self._interval = interval
        self._clock = clock
        self._last: float | None = None

    def due(self) -> bool:
        if self._callback is None:
            return False
        return self._last is None or self._clock.monotonic() - self._last >= self._interval

    async def __call__(self, counts: DeliveryCounts, *, final: bool = False) -> None:
        if self._callback is None or not (final or self.due()):
            return
        self._last = self._clock.monotonic()
        try:
            await self._callback(counts)
        except Exception as exc:
            log.warning("progress report for update #%s failed: %s", counts.update_id, exc)
            self._callback = None


class PassReport(msgspec.Struct):
    """What one delivery pass did."""

    counts: dict[int, DeliveryCounts] = msgspec.field(default_factory=dict)
    aborted: bool = False  # the pass itself failed (e.g. the database); the worker backs off


def retry_delay(attempts: int, *, base: float, cap: float, jitter: float) -> float:
    """Seconds before retry number `attempts` of one delivery: exponential backoff, capped,
    with "equal jitter" (half the step fixed, half random in [0, 1) from `jitter`) so retries
    of many channels after one Discord hiccup do not all land at the same instant."""
    step = min(cap, base * 2 ** max(0, attempts - 1))
    return step / 2 + step / 2 * jitter


class Broadcaster:
    def __init__(
        self,
        tracker: Tracker,
        poster: Poster,
        compose: Compose,
        *,
        clock: Clock,
        concurrency: int = 3,
        # Discord allows a bot 50 requests a second in all, counted as they arrive. Sends leave
        # on their slots but arrive a little early or late (the network, a busy process): at
        # 48 a second three processes together still met a global 429 about once in 500 sends
        # (a window can catch a late send besides its own 48). 46 leaves ~65 ms of that jitter
        # before a 429, at 1.09x the 50/s floor (BENCHMARKS.md).
        per_second: float | None = 46.0,
        unfollow_after: int = 3,
        max_attempts: int = 5,
        stale_after: timedelta = timedelta(seconds=30),
        nonce_window: timedelta = timedelta(minutes=2),
        progress_interval: float = 2.0,
        # Retries of one delivery after an unknown outcome: 1-2 s, 2-4 s, 4-8 s, 8-16 s, so all
        # `max_attempts` fit well inside `nonce_window` and stay deduplicated by Discord.
        retry_base: float = 2.0,
        retry_cap: float = 30.0,
        jitter: Callable[[], float] = random.random,
        guilds: Callable[[], Collection[int]] | None = None,
        pacing: SendPacing | None = None,
        pace: Callable[[], str] | None = None,
    ) -> None:
        self.tracker = tracker
        self.poster = poster
        self.compose = compose
        self.clock = clock
        self._gate = RateGate(per_second, clock=clock, pacing=pacing, pace=pace)
        self.concurrency = max(1, concurrency)
        self.unfollow_after = unfollow_after
        self.max_attempts = max_attempts
        self.stale_after = stale_after
        self.nonce_window = nonce_window
        self.progress_interval = progress_interval
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self._jitter = jitter
        self._in_flight: set[int] = set()
        # The servers this process delivers to (the bot is in them); None: every server.
        # Deliveries to other servers are left untouched, neither sent nor failed: another
        # shard's process delivers them, or this is the sandbox on the real database. The
        # database filters by them, so no process reads another's deliveries.
        self.guilds = guilds

    def _served(self) -> set[int] | None:
        return None if self.guilds is None else set(self.guilds())

    # ------------------------------------------------------------------ recovery

    async def recover(self) -> int:
        """Sends interrupted by a crash (rows left 'sending') go back to 'pending': each is
        then retried with its first nonce if that is recent enough, else marked 'uncertain'."""
        stale = await self.tracker.stale_sending(
            self.clock.now() - self.stale_after, guilds=self._served()
        )
        count = 0
        for delivery in stale:
            if delivery.id in self._in_flight:
                continue
            log.warning(
                "delivery %s (update #%s, channel %s) was interrupted mid-send; checking it",
                delivery.id,
                delivery.update_id,
                delivery.channel_id,
            )
            await self.tracker.release(delivery.id, "interrupted while sending")
            count += 1
        return count

    # ------------------------------------------------------------------ passes

    async def run_pass(self, listeners: Mapping[int, ProgressFn] | None = None) -> PassReport:
        """Recover, then deliver every delivery that is due, oldest update first (one waiting
        for its retry is left for a later pass: see `next_retry_in`)."""
        report = PassReport()
        done: set[int] = set()
        while True:
            # Again after each round: a send interrupted by a crash may turn stale mid-pass, and
            # its update may have been delivered already in this pass.
            if await self.recover():
                done.clear()
            due = await self.tracker.updates_with_pending(
                now=self.clock.now(), guilds=self._served()
            )
            update_ids = [u for u in due if u not in done]
            if not update_ids:
                break
            for update_id in update_ids:
                listener = (listeners or {}).get(update_id)
                report.counts[update_id] = await self.deliver_update(update_id, listener)
                done.add(update_id)
        return report

    async def next_retry_in(self) -> float | None:
        """Seconds until a delivery waiting for its retry is due, or a send interrupted by a
        crash becomes stale and is recovered (None: nothing is waiting)."""
        now = self.clock.now()
        due = [await self.tracker.next_retry_at(after=now)]
        claimed = await self.tracker.first_claim_since(now - self.stale_after)
        if claimed is not None:
            # Claims are stored to the second: one second more and recover() sees it as stale.
            due.append(claimed + self.stale_after + timedelta(seconds=1))
        times = [moment for moment in due if moment is not None]
        if not times:
            return None
        return max(0.0, (min(times) - now).total_seconds())

    async def deliver_update(
        self, update_id: int, progress: ProgressFn | None = None
    ) -> DeliveryCounts:
        """Deliver one update's pending deliveries; returns the counts afterwards."""
        update = await self.tracker.update(update_id)
        throttle = ProgressThrottle(progress, interval=self.progress_interval, clock=self.clock)
        if update is None:
            return await self.tracker.delivery_counts(update_id)
        await throttle(await self.tracker.delivery_counts(update_id))
        served = self._served()
        # Claimed `concurrency` at a time, in one statement (on PostgreSQL with SKIP LOCKED:
        # processes take disjoint rows without waiting on each other). Few at a time: a claim
        # left unsent for `stale_after` would be taken for a crashed send.
        while batch := await self.tracker.claim_due(
            update_id, limit=self.concurrency, now=self.clock.now(), guilds=served
        ):
            await asyncio.gather(*(self._send_tracked(update, claimed) for claimed in batch))
            if throttle.due():
                await throttle(await self.tracker.delivery_counts(update_id))
        counts = await self.tracker.delivery_counts(update_id)
        await throttle(counts, final=True)
        return counts

    async def _send_tracked(self, update: SequelUpdate, claimed: Delivery) -> None:
        self._in_flight.add(claimed.id)
        try:
            await self._send_claimed(update, claimed)
        finally:
            self._in_flight.discard(claimed.id)

    async def _send_claimed(self, update: SequelUpdate, claimed: Delivery) -> None:
        where = f"update #{update.id} to channel {claimed.channel_id} (server {claimed.guild_id})"
        now = self.clock.now()
        first_attempt = parse_iso(claimed.claimed_at) if claimed.claimed_at else now
        if claimed.attempts > 1 and now - first_attempt > self.nonce_window:
            reason = (
                "an earlier attempt may have posted it, and it is too late to retry without "
                "risking a duplicate post"
            )
            log.warning("not resending %s: %s", where, reason)
            await self.tracker.mark_uncertain(claimed.id, reason, now=now)
            return
        if claimed.attempts > self.max_attempts:
            # Earlier attempts ended unknown (a crash mid-send, a 5xx) or rate limited: one of
            # them may have posted, so this is 'uncertain', never 'failed' (and never resent).
            reason = (
                f"gave up after {self.max_attempts} attempts; an earlier one may have posted it"
            )
            log.warning("not resending %s: %s", where, reason)
            await self.tracker.mark_uncertain(claimed.id, reason, now=now)
            return
        try:
            composed = self.compose(update, claimed)
            message = await composed if inspect.isawaitable(composed) else composed
            if not claimed.mention_role:
                # The follow's chooser couldn't ping the role (issue 9): whatever the post
                # says, Discord is told to ping nothing.
                message = msgspec.structs.replace(
                    message, allowed_mentions=discord.AllowedMentions.none()
                )
        except Exception:
            log.exception("could not build the post of %s", where)
            await self.tracker.mark_failed(
                claimed.id, "the bot could not build the message", channel_fault=False, now=now
            )
            return
        await self._gate.wait()
        try:
            message_id = await self.poster.post(
                claimed.channel_id, message, nonce=delivery_nonce(claimed)
            )
        except discord.RateLimited as exc:  # refused before sending: safe to retry
            log.warning("rate limited while posting %s; retrying later: %s", where, exc)
            retry_at = self.clock.now() + timedelta(seconds=exc.retry_after)
            await self.tracker.release(claimed.id, "rate limited; will retry", retry_at=retry_at)
        except (discord.NotFound, discord.Forbidden) as exc:
            reason, channel_fault = describe_failure(exc)
            await self._failed(claimed, where, reason, channel_fault=channel_fault)
        except discord.DiscordServerError as exc:
            await self._unknown(claimed, where, f"Discord server error {exc.status}")
        except discord.HTTPException as exc:
            reason, channel_fault = describe_failure(exc)
            await self._failed(claimed, where, reason, channel_fault=channel_fault)
        except Exception as exc:  # network trouble: the post may or may not exist
            await self._unknown(claimed, where, f"{type(exc).__name__}: {exc}")
        else:
            await self.tracker.mark_sent(claimed.id, message_id, now=self.clock.now())

    async def _failed(
        self, claimed: Delivery, where: str, reason: str, *, channel_fault: bool
    ) -> None:
        log.warning("skipped %s: %s", where, reason)
        unfollowed = await self.tracker.mark_failed(
            claimed.id,
            reason,
            channel_fault=channel_fault,
            unfollow_after=self.unfollow_after,
            now=self.clock.now(),
        )
        if unfollowed is not None:
            log.warning(
                "server %s unfollowed after repeated failures: %s",
                unfollowed.guild_id,
                unfollowed.unfollowed_reason,
            )

    async def _unknown(self, claimed: Delivery, where: str, reason: str) -> None:
        """The post may or may not exist: this delivery alone is retried later, with the same
        nonce (Discord then returns the post if it was made); the pass goes on with the others."""
        delay = retry_delay(
            claimed.attempts, base=self.retry_base, cap=self.retry_cap, jitter=self._jitter()
        )
        log.warning(
            "outcome unknown for %s (%s); retrying it in %.1f s with the same nonce",
            where,
            reason,
            delay,
        )
        retry_at = self.clock.now() + timedelta(seconds=delay)
        await self.tracker.release(claimed.id, reason, retry_at=retry_at)


class DeliveryWorker(BackgroundLoop):
    """Runs delivery passes in the background: at start (finishing what a restart
    interrupted), whenever woken (a new update), and every `interval` seconds (updates added
    from the command line or by another process). Backs off after trouble."""

    name = "sequel-delivery"

    def __init__(
        self,
        broadcaster: Broadcaster,
        *,
        interval: float = 30.0,
        max_backoff: float = 600.0,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.broadcaster = broadcaster
        self.interval = interval
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._listeners: dict[int, ProgressFn] = {}
        # Called after every pass: others that follow the sequel's stage (watch-party premieres,
        # cogs/watchparty) look at it then, not on a timer of their own.
        self._after_pass: list[Callable[[], None]] = []

    def after_each_pass(self, callback: Callable[[], None]) -> None:
        self._after_pass.append(callback)

    def watch(self, update_id: int, callback: ProgressFn) -> None:
        """Report the progress of one update's delivery to `callback` (throttled)."""
        self._listeners[update_id] = callback

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> PassReport:
        async with self._lock:
            report = await self.broadcaster.run_pass(dict(self._listeners))
            # A heartbeat in the database: `heroes-bot news --wait` tells "no bot is running"
            # from "the bot is busy".
            await self.broadcaster.tracker.record_delivery_pass(now=self.broadcaster.clock.now())
        for update_id, counts in report.counts.items():
            if counts.done:
                self._listeners.pop(update_id, None)
        for callback in self._after_pass:
            callback()
        return report

    async def loop(self) -> None:
        delay = self.interval
        while True:
            self._wake.clear()
            retry_in: float | None = None
            try:
                async with self.one_pass():
                    report = await self.run_once()
                # Wake for the first delivery waiting for its retry, not at the next interval.
                retry_in = await self.broadcaster.next_retry_in()
            except Exception:
                log.exception("sequel delivery pass failed")
                report = PassReport(aborted=True)
            delay = min(delay * 2, self.max_backoff) if report.aborted else self.interval
            if retry_in is not None and not report.aborted:
                delay = min(delay, retry_in)
            await wait_for_event(self.broadcaster.clock, self._wake, delay)
