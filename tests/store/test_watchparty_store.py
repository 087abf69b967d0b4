"""Watch parties in the store: a server's premiere is claimed by one process only, made once
ever, and a claim left by a crash is taken again only once stale (both engines)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import ConstraintError, NewWatchParty, Store, open_store

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
GUILD = 900_000_000_000_000_001
STALE = NOW - timedelta(minutes=2)


def _premiere(event_id: int) -> NewWatchParty:
    start = NOW + timedelta(days=30)
    return NewWatchParty(
        GUILD, event_id, "Premiere", start, start + timedelta(days=1), location="x", kind="premiere"
    )


async def test_one_of_three_processes_claims_a_servers_premiere(
    store: Store, database_target: Path | str
) -> None:
    await store.watch_parties.set_premiere(GUILD, True, by=1, now=NOW)
    async with AsyncExitStack() as stack:
        others = [await stack.enter_async_context(open_store(database_target)) for _ in range(2)]
        claims = await asyncio.gather(
            *(
                s.watch_parties.claim_premiere(GUILD, now=NOW, stale_before=STALE)
                for s in (store, *others)
            )
        )
    assert sorted(claims) == [False, False, True]


async def test_a_made_premiere_is_never_claimed_again_even_when_turned_off_and_on(
    store: Store,
) -> None:
    parties = store.watch_parties
    await parties.set_premiere(GUILD, True, by=1, now=NOW)
    assert await parties.claim_premiere(GUILD, now=NOW, stale_before=STALE)
    await parties.premiere_created(_premiere(77), "2027-02-09", now=NOW)
    await parties.set_premiere(GUILD, False, by=1, now=NOW)
    await parties.set_premiere(GUILD, True, by=1, now=NOW)
    later = NOW + timedelta(days=1)
    assert await parties.premieres_due(stale_before=later) == []
    assert not await parties.claim_premiere(GUILD, now=later, stale_before=later)
    setting = await parties.premiere(GUILD)
    assert setting is not None and (setting.state, setting.event_id) == ("created", 77)
    # The database itself refuses a second premiere event for the server.
    with pytest.raises(ConstraintError):
        await parties.add(_premiere(78), now=NOW)


async def test_a_claim_left_by_a_crash_is_taken_again_only_once_stale(store: Store) -> None:
    parties = store.watch_parties
    await parties.set_premiere(GUILD, True, by=1, now=NOW)
    assert await parties.claim_premiere(GUILD, now=NOW, stale_before=STALE)
    soon = NOW + timedelta(seconds=30)
    assert not await parties.claim_premiere(
        GUILD, now=soon, stale_before=soon - timedelta(minutes=2)
    )
    late = NOW + timedelta(minutes=3)
    assert [
        s.guild_id for s in await parties.premieres_due(stale_before=late - timedelta(minutes=2))
    ] == [GUILD]
    assert await parties.claim_premiere(GUILD, now=late, stale_before=late - timedelta(minutes=2))


async def test_no_date_note_is_kept_and_a_cancelled_party_leaves_the_list(store: Store) -> None:
    parties = store.watch_parties
    await parties.set_premiere(GUILD, True, by=1, now=NOW)
    await parties.premiere_not_made(GUILD, "No premiere event: no date.", no_date=True, now=NOW)
    setting = await parties.premiere(GUILD)
    assert setting is not None and (setting.state, setting.note) == (
        "no-date",
        "No premiere event: no date.",
    )
    start = NOW + timedelta(days=2)
    for event_id in (5, 6):
        await parties.add(NewWatchParty(GUILD, event_id, f"Party {event_id}", start), now=NOW)
    assert await parties.cancel(GUILD, 5, now=NOW)
    assert not await parties.cancel(GUILD, 5, now=NOW)  # already cancelled
    assert [p.event_id for p in await parties.upcoming(GUILD, after=NOW)] == [6]
    assert await parties.upcoming(GUILD, after=start) == []  # started, no end: over


async def test_an_added_party_is_what_the_store_reads_back(store: Store) -> None:
    start = NOW + timedelta(days=3)
    added = await store.watch_parties.add(
        NewWatchParty(GUILD, 7, "Party 7", start, start + timedelta(hours=2), channel_id=3),
        now=NOW,
    )
    assert added == await store.watch_parties.get(GUILD, 7)
