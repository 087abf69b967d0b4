"""Check against the source at scale: a right-click ranks a bounded number of passages, so a
message sharing common words with thousands of stored news sentences doesn't hold the bot."""

from __future__ import annotations

import pytest

from bot.store import _excerpt_match as excerpt_match
from bot.store import _quote_rank as quote_rank
from bot.store._models import Source

SOURCE = Source("update:1", "Headline", "Outlet", None, "2027-01-01")


def test_a_common_claim_ranks_a_bounded_number_of_passages_the_best_sharing_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = [
        excerpt_match.Passage(f"Filming began in Austin, week {n}.", SOURCE, "update")
        for n in range(3000)
    ]
    best = excerpt_match.Passage("Filming began in Austin with the cast.", SOURCE, "update")
    calls = 0
    scored = quote_rank.bm25

    def counting(*args: object) -> float:
        nonlocal calls
        calls += 1
        return scored(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(quote_rank, "bm25", counting)
    matches = excerpt_match.best_matches(["filming", "austin", "cast"], [*pool, best], limit=5)
    assert calls <= excerpt_match.MAX_RANKED
    assert matches[0].passage == best and matches[0].shared == ("filming", "austin", "cast")
    assert [m.shared for m in matches[1:]] == [("filming", "austin")] * 4
