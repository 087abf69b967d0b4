"""The broadcaster: every following channel gets each update once, whatever happens."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import discord
import pytest

from bot.store import DeliveryCounts, NewUpdate, Store
from bot.ui.posting import DiscordPoster
from cogs.sequel import (
    Broadcaster,
    DeliveryWorker,
    ProgressThrottle,
    RateGate,
    compose_post,
    follow_card,
)
from discord_emulator import Emulator, redirect_discord_py
from tests.discord_limits import refused_by_discord
from tests.engines import both_engines
from tests.tracker_fakes import FakeClock, FakePoster, SimulatedCrash

# The tracker's repository is proven on both store engines (tests/engines.py).
pytestmark = both_engines

GUILDS = 40
ROLE = 7000


def channel_of(guild_id: int) -> int:
    return guild_id + 50_000


async def follow_many(store: Store, clock: FakeClock, count: int = GUILDS) -> list[int]:
    guilds = list(range(1, count + 1))
    for guild_id in guilds:
        role = ROLE + guild_id if guild_id % 2 else None
        await store.tracker.follow(
            guild_id, channel_of(guild_id), role, mention_role=role is not None, now=clock()
        )
    return guilds


async def add(store: Store, clock: FakeClock, headline: str = "Filming begins") -> int:
    update, _ = await store.tracker.add_update(
        NewUpdate(headline, "Cameras roll.", "2025-01-10", "Variety", "https://variety.com/x"),
        now=clock(),
    )
    return update.id


def broadcaster(store: Store, poster: FakePoster, clock: FakeClock, **kw: object) -> Broadcaster:
    return Broadcaster(
        store.tracker,
        poster,
        compose_post,
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


async def after_the_crash(store: Store, update_id: int) -> DeliveryCounts:
    """The counts once the crashed pass's other sends (those claimed with the crashed one) have
    settled, leaving only the crashed one 'sending' and what was never claimed 'pending'.
    (gather does not cancel them: they stand for the sends the process finished before it
    died. Waited for, so the restart does not race them on either engine.)"""
    for _ in range(1000):
        counts = await store.tracker.delivery_counts(update_id)
        if counts.sending == 1:
            return counts
        await asyncio.sleep(0.01)
    pytest.fail(f"the crashed pass's other sends never settled: {counts}")


def assert_once_each(poster: FakePoster, guilds: list[int], *, except_: set[int]) -> None:
    for guild_id in guilds:
        expected = 0 if guild_id in except_ else 1
        assert len(poster.messages_in(channel_of(guild_id))) == expected, guild_id


async def test_broadcast_to_many_with_a_deleted_channel_and_a_403(store: Store) -> None:
    clock = FakeClock()
    guilds = await follow_many(store, clock)
    update_id = await add(store, clock)
    poster = FakePoster(missing={channel_of(3)}, forbidden={channel_of(4)})
    report = await broadcaster(store, poster, clock).run_pass()

    counts = report.counts[update_id]
    assert (counts.total, counts.sent, counts.failed, counts.done) == (GUILDS, GUILDS - 2, 2, True)
    assert_once_each(poster, guilds, except_={3, 4})
    assert poster.max_in_flight <= 3  # bounded concurrency, never thousands at once

    gone = await store.tracker.get_follow(3)
    assert gone and gone.active and gone.failure_count == 1
    assert "no longer exists" in (gone.last_error or "")
    locked = await store.tracker.get_follow(4)
    assert locked and "Missing Permissions" in (locked.last_error or "")
    assert "Send Messages" in (locked.last_error or "")

    # A role is mentioned, and only that role can be pinged; no role, no content at all.
    with_role = poster.messages_in(channel_of(1))[0].message
    assert with_role.content == f"<@&{ROLE + 1}>"
    assert with_role.allowed_mentions.to_dict() == {"parse": [], "roles": [ROLE + 1]}
    assert with_role.view is not None and len(with_role.view.children) == 2
    without = poster.messages_in(channel_of(2))[0].message
    assert without.content is None and without.view is None
    assert without.allowed_mentions.to_dict() == {"parse": []}
    assert refused_by_discord(without.embed) == []

    # A second pass sends nothing more.
    await broadcaster(store, poster, clock).run_pass()
    assert poster.attempts == GUILDS


async def test_repeated_failures_unfollow_with_the_reason_shown(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock, 3)
    poster = FakePoster(missing={channel_of(2)})
    for n in range(3):
        await add(store, clock, f"News {n}")
        await broadcaster(store, poster, clock).run_pass()
        clock.advance(days=1)
    follow = await store.tracker.get_follow(2)
    assert follow is not None and not follow.active
    assert "3 failed deliveries in a row" in (follow.unfollowed_reason or "")
    assert "no longer exists" in (follow.unfollowed_reason or "")
    card = follow_card(follow)
    assert "Not following any more" in (card.description or "")
    # The next update is not even queued for it; the others still get it.
    _, queued = await store.tracker.add_update(NewUpdate("Later", "x"), now=clock())
    assert queued == 2
    # Following again clears the failures.
    again = await store.tracker.follow(2, channel_of(2), None, now=clock())
    assert again.active and again.failure_count == 0 and again.unfollowed_reason is None


async def test_success_resets_the_failure_count(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock, 1)
    poster = FakePoster(forbidden={channel_of(1)})
    await add(store, clock, "One")
    await broadcaster(store, poster, clock).run_pass()
    assert (await store.tracker.get_follow(1)).failure_count == 1  # type: ignore[union-attr]
    poster.forbidden.clear()
    await add(store, clock, "Two")
    await broadcaster(store, poster, clock).run_pass()
    follow = await store.tracker.get_follow(1)
    assert follow is not None and follow.failure_count == 0 and follow.last_delivered_at


@pytest.mark.parametrize("discord_got_it", [True, False])
async def test_crash_mid_broadcast_then_restart_no_duplicate_no_loss(
    store: Store, discord_got_it: bool
) -> None:
    clock = FakeClock()
    guilds = await follow_many(store, clock)
    update_id = await add(store, clock)
    poster = FakePoster(crash_after=15, crash_after_discord_got_it=discord_got_it)
    with pytest.raises(SimulatedCrash):
        await broadcaster(store, poster, clock).run_pass()
    counts = await after_the_crash(store, update_id)
    assert counts.sent + counts.pending == GUILDS - 1 and not counts.done

    # Restart at once: the rest goes out, but the interrupted send is not retried yet (another
    # process could own it).
    clock.advance(seconds=5)
    restarted = broadcaster(store, poster, clock)
    await restarted.run_pass()
    counts = await store.tracker.delivery_counts(update_id)
    assert (counts.sent, counts.sending) == (GUILDS - 1, 1)
    # The worker wakes when it becomes stale (30 s after its claim), not at its next round.
    assert await restarted.next_retry_in() == pytest.approx(26.0, abs=1.0)

    # Later, within the nonce window: retried with the same nonce; Discord dedupes it.
    clock.advance(seconds=60)
    await broadcaster(store, poster, clock).run_pass()
    counts = await store.tracker.delivery_counts(update_id)
    assert (counts.sent, counts.done) == (GUILDS, True)
    assert_once_each(poster, guilds, except_=set())
    sent = {d.message_id for d in await store.tracker.deliveries(update_id)}
    assert len(sent) == GUILDS  # every row records its (one) message


async def test_a_send_interrupted_more_than_max_attempts_is_uncertain_not_failed(
    store: Store,
) -> None:
    """A process killed mid-send again and again (found by the PostgreSQL chaos test): once the
    attempts run out, an earlier one may have posted, so the delivery is 'uncertain' (logged,
    never resent), not 'failed' (which would read as a post that never happened)."""
    clock = FakeClock()
    guilds = await follow_many(store, clock, 1)
    update_id = await add(store, clock)
    poster = FakePoster()
    # Killed twice: once right after Discord created the post, then before the retry reached it.
    for got_it in (True, False):
        poster.crash_after, poster.crash_after_discord_got_it = 0, got_it
        with pytest.raises(SimulatedCrash):
            await broadcaster(store, poster, clock, max_attempts=2).run_pass()
        await after_the_crash(store, update_id)
        clock.advance(seconds=31)  # stale: the restarted process takes it back
    await broadcaster(store, poster, clock, max_attempts=2).run_pass()
    (delivery,) = await store.tracker.deliveries(update_id)
    assert delivery.state == "uncertain" and "may have posted" in (delivery.error or "")
    assert len(poster.messages_in(channel_of(guilds[0]))) == 1  # once, whatever happened


async def test_crash_then_restart_too_late_marks_uncertain_never_resends(store: Store) -> None:
    clock = FakeClock()
    guilds = await follow_many(store, clock, 10)
    update_id = await add(store, clock)
    poster = FakePoster(crash_after=4)
    with pytest.raises(SimulatedCrash):
        await broadcaster(store, poster, clock).run_pass()
    await after_the_crash(store, update_id)
    clock.advance(minutes=30)  # the bot stayed down; the nonce is no longer honoured
    report = await broadcaster(store, poster, clock).run_pass()
    counts = report.counts.get(update_id) or await store.tracker.delivery_counts(update_id)
    assert (counts.sent, counts.uncertain, counts.done) == (9, 1, True)
    assert all(len(poster.messages_in(channel_of(g))) == 1 for g in guilds)  # never twice
    uncertain = [d for d in await store.tracker.deliveries(update_id) if d.state == "uncertain"]
    assert "duplicate" in (uncertain[0].error or "")


@pytest.mark.parametrize("created_before_503", [True, False])
async def test_a_503_on_one_channel_delays_only_that_channel(
    store: Store, created_before_503: bool
) -> None:
    """Discord answers 503 to one channel's post (after creating the message, or before): the
    29 others go out at the normal pace in the same pass, and that one alone is retried after
    its backoff, with the same nonce, posted once."""
    clock = FakeClock()
    async with Emulator(heartbeat_interval=5.0) as emu:
        guilds = [emu.add_guild(f"Follower {i}", channels=("news",)) for i in range(30)]
        channels = [next(iter(guild.channels.values())) for guild in guilds]
        for guild, channel in zip(guilds, channels, strict=True):
            await store.tracker.follow(guild.id, channel.id, None, now=clock())
        update_id = await add(store, clock)
        flaky = channels[3]
        emu.rest.inject_fault(
            "POST /channels/{channel_id}/messages",
            params={"channel_id": str(flaky.id)},
            status=503,
            after_effect=created_before_503,
        )
        client = discord.Client(intents=discord.Intents.none())
        with redirect_discord_py(emu.port):
            await client.login(emu.token)
            try:
                sender = Broadcaster(
                    store.tracker,
                    DiscordPoster(client),
                    compose_post,
                    clock=clock,
                    jitter=lambda: 0.5,
                )
                start = clock.monotonic()
                report = await sender.run_pass()
                elapsed = clock.monotonic() - start
                counts = report.counts[update_id]
                assert (counts.sent, counts.pending, counts.done) == (29, 1, False)
                # The normal pace: 30 sends through the 46-a-second gate, no stall.
                assert elapsed == pytest.approx(29 / 46)
                for channel in channels:
                    expected = created_before_503 if channel is flaky else 1
                    assert len(emu.conversation(channel)) == expected, channel.name

                # Only the failed delivery waits: 1.5 s (the first backoff step, 1-2 s).
                retry_in = await sender.next_retry_in()
                assert retry_in == pytest.approx(1.5 - elapsed, abs=1.0)
                assert await store.tracker.updates_with_pending(now=clock()) == []
                clock.advance(seconds=retry_in or 0)
                await sender.run_pass()
            finally:
                await client.close()
        counts = await store.tracker.delivery_counts(update_id)
        assert (counts.sent, counts.done) == (30, True)
        assert all(len(emu.conversation(channel)) == 1 for channel in channels)
        posts = [
            r
            for r in emu.requests
            if r.method == "POST" and r.path == f"/channels/{flaky.id}/messages"
        ]
        assert [r.status for r in posts] == [503, 200]
        assert posts[0].body["nonce"] == posts[1].body["nonce"]
        assert posts[1].body["enforce_nonce"] is True  # discord.py sends it with every nonce
        assert emu.violations == []


async def test_unfollow_and_leaving_skip_what_was_waiting(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock, 4)
    update_id = await add(store, clock)
    await store.tracker.unfollow(1)
    await store.lifecycle.forget_guild(2)  # left the server: its delivery row is deleted
    await store.tracker.follow(3, 99_999, None, now=clock())  # moved channel while queued
    poster = FakePoster()
    await broadcaster(store, poster, clock).run_pass()
    counts = await store.tracker.delivery_counts(update_id)
    assert (counts.sent, counts.skipped, counts.total) == (2, 1, 3)
    assert poster.messages_in(99_999) and not poster.messages_in(channel_of(3))
    assert await store.tracker.get_follow(2) is None


async def test_progress_is_throttled_and_ends_with_the_final_state(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock)
    update_id = await add(store, clock)
    seen = []

    async def progress(counts: object) -> None:
        seen.append(counts)

    # Each send takes 0.1 s of (fake) time through the rate gate at 10/s.
    await broadcaster(store, FakePoster(), clock, per_second=10.0).deliver_update(
        update_id, progress
    )
    assert seen[0].finished == 0 and seen[-1].done and seen[-1].sent == GUILDS
    assert 2 <= len(seen) <= 4 + 2  # ~4 s of sending, a report at most every 2 s


async def test_rate_gate_spaces_sends() -> None:
    clock = FakeClock()
    gate = RateGate(20.0, clock=clock)
    start = clock.monotonic()
    for _ in range(41):
        await gate.wait()
    assert clock.monotonic() - start == pytest.approx(2.0)


async def test_a_failing_progress_callback_is_dropped() -> None:
    calls = 0

    async def broken(counts: object) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("interaction expired")

    throttle = ProgressThrottle(broken, interval=0, clock=FakeClock())

    await throttle(DeliveryCounts(1))
    await throttle(DeliveryCounts(1), final=True)
    assert calls == 1


async def test_worker_reports_progress_to_watchers_and_forgets_them(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock, 3)
    update_id = await add(store, clock)
    worker = DeliveryWorker(broadcaster(store, FakePoster(), clock))
    seen = []

    async def progress(counts: object) -> None:
        seen.append(counts)

    worker.watch(update_id, progress)
    await worker.run_once()
    assert seen[-1].done and seen[-1].sent == 3
    assert update_id not in worker._listeners


async def test_stale_threshold_protects_a_send_in_another_process(store: Store) -> None:
    clock = FakeClock()
    await follow_many(store, clock, 1)
    update_id = await add(store, clock)
    (delivery,) = await store.tracker.pending(update_id)
    assert await store.tracker.claim(delivery.id, now=clock())  # "another process" sends it
    assert await store.tracker.claim(delivery.id, now=clock()) is None  # never claimed twice
    poster = FakePoster()
    await broadcaster(store, poster, clock, stale_after=timedelta(seconds=30)).run_pass()
    assert poster.attempts == 0
