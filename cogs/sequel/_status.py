"""Where the sequel stands: the seed's facts read against the tracker's timeline.

The seeded facts about the sequel (its stage, its summary, that its production start and release
date are not in the sources) describe it as of the article. Once a newer update moves the stage,
those facts are history: they are kept, marked superseded with the date of what they came from,
and never shown beside their successor as if both were current.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from bot.store import STAGE_KEYS, Fact, SequelUpdate, WorkCard
from bot.text import fold

# An unknown of the seed that a stage answers: from this stage on, the fact "not in the sources"
# is out of date, and the update that reached the stage is where the answer is.
ANSWERED_FROM: dict[str, str] = {
    "production-start": "filming",
    "release-date": "release-date-set",
}


class FactState(msgspec.Struct, frozen=True):
    fact: Fact
    answered_by: SequelUpdate | None  # the update that made this unknown out of date


class SequelStatus(msgspec.Struct, frozen=True):
    stage: str | None  # the current stage: the one set by the newest update that sets one
    stage_update: SequelUpdate | None  # that update
    baseline_stage: str | None  # the stage the seed's facts describe
    reached: dict[str, SequelUpdate]  # stage -> the first update (oldest) that set it
    facts: tuple[FactState, ...]  # the work's facts of ANSWERED_FROM's kinds and its title

    @property
    def moved_on(self) -> bool:
        """True when the timeline's stage is no longer the one the seed's facts describe."""
        return self.stage is not None and self.stage != self.baseline_stage


def _stage_key(text: str | None) -> str | None:
    if not text:
        return None
    folded = fold(text)
    for key in STAGE_KEYS:
        if fold(key) == folded:
            return key
    return None


def _first_reaching(
    history_oldest_first: Sequence[SequelUpdate], stage: str
) -> SequelUpdate | None:
    """The oldest update that set `stage` or a later one."""
    floor = STAGE_KEYS.index(stage)
    for update in history_oldest_first:
        if update.stage in STAGE_KEYS and STAGE_KEYS.index(update.stage) >= floor:
            return update
    return None


def sequel_status(card: WorkCard, history: Sequence[SequelUpdate]) -> SequelStatus:
    """`history`: every stage-setting update, newest first (Tracker.stage_history)."""
    newest = history[0] if history else None
    stage = newest.stage if newest else None
    stage_facts = card.facts_of("stage")
    baseline = _stage_key(stage_facts[0].value if stage_facts else None) or _stage_key(
        card.work.status
    )
    if baseline is None:
        seeded = [u for u in history if u.origin == "seed"]
        baseline = seeded[-1].stage if seeded else stage
    oldest_first = list(reversed(history))
    reached: dict[str, SequelUpdate] = {}
    for update in oldest_first:
        if update.stage in STAGE_KEYS:
            reached.setdefault(update.stage, update)
    current = STAGE_KEYS.index(stage) if stage in STAGE_KEYS else -1
    facts = []
    for fact in card.facts:
        answered_from = ANSWERED_FROM.get(fact.kind)
        answered_by = None
        if (
            answered_from is not None
            and not fact.known
            and current >= STAGE_KEYS.index(answered_from)
        ):
            answered_by = _first_reaching(oldest_first, answered_from)
        if answered_from is not None or fact.kind == "title":
            facts.append(FactState(fact, answered_by))
    return SequelStatus(stage, newest, baseline, reached, tuple(facts))
