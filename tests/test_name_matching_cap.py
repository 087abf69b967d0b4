"""Name matching cuts long input before comparing it with every name (issue 9, item 9)."""

from __future__ import annotations

import difflib

import pytest

from bot.store import Store
from bot.store._names import MAX_QUERY


async def test_long_name_query_cannot_block_the_event_loop(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Similarity costs the query's length times each name's: 100,000 characters took 7 s of
    # event-loop time in closest_people. Every sequence the matcher is given is recorded.
    longest = [0]

    class Recording(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def set_seq1(self, a: object) -> None:
            longest[0] = max(longest[0], len(a))  # type: ignore[arg-type]
            super().set_seq1(a)  # type: ignore[arg-type]

        def set_seq2(self, b: object) -> None:
            longest[0] = max(longest[0], len(b))  # type: ignore[arg-type]
            super().set_seq2(b)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.store._store.difflib.SequenceMatcher", Recording)
    hostile = "holdbrok " + "x" * 100_000
    closest = await store.closest_people(hostile)
    found = await store.find_people(hostile, limit=25)
    assert 0 < longest[0] <= MAX_QUERY
    assert closest == await store.closest_people(hostile[:MAX_QUERY])
    assert found == await store.find_people(hostile[:MAX_QUERY], limit=25)
