"""/sequel status read against the timeline: at every stage the card never contradicts itself."""

from __future__ import annotations

import pytest

from bot.store import FILM_KEY, SEQUEL_KEY, STAGE_KEYS, NewUpdate, Store
from cogs.sequel import sequel_card
from tests.discord_limits import refused_by_discord
from tests.engines import both_engines

# The status card reads the tracker and the film data: proven on both store engines.
pytestmark = both_engines

LATER_STAGES = STAGE_KEYS[STAGE_KEYS.index("in-development") + 1 :]


async def card_fields(store: Store) -> tuple[str, dict[str, str]]:
    card = await store.work_card(SEQUEL_KEY)
    if card is None:
        raise LookupError("the seed has no sequel")
    embed = sequel_card(
        card,
        await store.facts(work_key=FILM_KEY),
        history=await store.tracker.stage_history(),
        latest=await store.tracker.latest_update(),
    )
    assert refused_by_discord(embed) == []
    return embed.description or "", {f.name: f.value for f in embed.fields}


async def test_status_card_as_the_article_has_it_ticks_no_unreported_stage(store: Store) -> None:
    _, fields = await card_fields(store)
    assert fields["Stage"] == "In development"
    for unknown in ("Title", "Production start", "Release date"):
        assert fields[unknown] == "Not in the sources"
    # The article reports no announcement: the stage before it is not ticked as done.
    assert "✅ Announced" not in fields["Progress"]
    assert "➖ Announced — not in the sources" in fields["Progress"]
    assert not any(name.startswith("Superseded") for name in fields)


@pytest.mark.parametrize("stage", LATER_STAGES)
async def test_status_card_at_every_later_stage_shows_the_seed_facts_superseded(
    store: Store, stage: str
) -> None:
    # Updates through every stage up to `stage`, one a month.
    reached = LATER_STAGES[: LATER_STAGES.index(stage) + 1]
    for month, key in enumerate(reached, 1):
        await store.tracker.add_update(
            NewUpdate(f"Now {key}", f"The sequel is {key}.", f"2025-{month:02d}-01", stage=key),
            announce=False,
        )
    description, fields = await card_fields(store)
    index = STAGE_KEYS.index(stage)
    label = fields["Stage"]
    assert label.lower().replace(" ", "-") == stage
    # The seed's "in development" summary is no longer stated as current.
    assert "in development" not in description.lower()
    assert f"Now {stage}" in description
    superseded = next(v for k, v in fields.items() if k.startswith("Superseded"))
    assert "~~Stage: In development~~" in superseded
    assert "date not in the sources" in next(k for k in fields if k.startswith("Superseded"))
    # An unknown the stage has answered is never shown as unknown beside it.
    answered = {"Production start": "filming", "Release date": "release-date-set"}
    for name, from_stage in answered.items():
        if index >= STAGE_KEYS.index(from_stage):
            assert fields[name] != "Not in the sources"
            assert fields[name].startswith("update #")
            assert f"~~{name}: Not in the sources~~" in superseded
        else:
            assert fields[name] == "Not in the sources"
    # No stage reached by a stored update, so the title stays unknown.
    assert fields["Title"] == "Not in the sources"
    # Every stage the timeline reached is ticked with the update that reached it.
    for key in reached[:-1]:
        assert "✅" in next(
            line for line in fields["Progress"].splitlines() if key[:4] in line.lower()
        )


async def test_status_card_after_a_stage_moves_back_does_not_claim_the_later_one(
    store: Store,
) -> None:
    await store.tracker.add_update(
        NewUpdate("Filming", "Cameras roll.", "2025-03-01", stage="filming"), announce=False
    )
    await store.tracker.add_update(
        NewUpdate("Paused", "Back to development.", "2025-05-01", stage="in-development"),
        announce=False,
    )
    _, fields = await card_fields(store)
    assert fields["Stage"] == "In development"
    assert fields["Production start"] == "Not in the sources"
    assert not any(name.startswith("Superseded") for name in fields)
