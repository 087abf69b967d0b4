"""Name matching cuts long input before comparing it with every name (issue 9, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from rapidfuzz import fuzz

from bot.store import MAX_NAME_QUERY, Store


async def test_long_name_query_cannot_block_the_event_loop(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Similarity costs the query's length times each name's: 100,000 characters took 7 s of
    # event-loop time in closest_people. Every string the scorer is given is recorded.
    longest = [0]
    real_ratio = fuzz.ratio

    def recording(a: str, b: str, **kwargs: Any) -> float:
        longest[0] = max(longest[0], len(a), len(b))
        return real_ratio(a, b, **kwargs)

    monkeypatch.setattr(fuzz, "ratio", recording)
    hostile = "holdbrok " + "x" * 100_000
    closest = await store.closest_people(hostile)
    found = await store.find_people(hostile, limit=25)
    assert 0 < longest[0] <= MAX_NAME_QUERY
    assert closest == await store.closest_people(hostile[:MAX_NAME_QUERY])
    assert found == await store.find_people(hostile[:MAX_NAME_QUERY], limit=25)


async def test_an_edited_spelling_is_matched_though_the_name_count_is_unchanged(
    store: Store,
) -> None:
    assert (await store.closest_people("pedro pascol"))[0].matched == "Pedro Pascal"
    # An operator corrects a spelling in place: as many names as before, of the same length.
    async with store.database.transaction() as tx:
        await tx.execute(
            "UPDATE person_names SET name = 'Pedro Pascol', folded = 'pedro pascol' "
            "WHERE folded = 'pedro pascal'"
        )
    closest = await store.closest_people("pedro pascol")
    assert (closest[0].matched, closest[0].score) == ("Pedro Pascol", 1.0)
