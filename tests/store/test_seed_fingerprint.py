"""Applying the seed (bot/store/_seed.py) on both engines: the record of the seed last applied
whole (meta 'seed.applied'), and the credits it writes in one batch."""

from __future__ import annotations

from msgspec.structs import replace

from bot.store import SeedData, Store


async def test_only_the_seed_applied_whole_with_its_digest_counts_as_applied(
    store: Store, seed: SeedData
) -> None:
    assert not await store.seeding.is_applied("digest-of-the-seed")  # applied without one
    await store.seeding.apply(seed, digest="digest-of-the-seed")
    assert await store.seeding.is_applied("digest-of-the-seed")
    assert not await store.seeding.is_applied("digest-of-an-edited-seed")


async def test_a_credit_the_seed_changed_is_updated_and_the_others_left_alone(
    store: Store, seed: SeedData
) -> None:
    first = seed.credits[0]
    changed = replace(first, billing=(first.billing or 0) + 100, top_billed=not first.top_billed)
    report = await store.apply_seed(replace(seed, credits=(changed, *seed.credits[1:])))
    assert (report.added, report.updated) == (0, 1)
    stored = await store.database.one(
        "SELECT c.billing, c.top_billed FROM credits c "
        "JOIN works w ON w.id = c.work_id JOIN people p ON p.id = c.person_id "
        "WHERE w.key = ? AND p.key = ? AND c.role = ?",
        (first.work, first.person, first.role),
    )
    assert stored is not None and tuple(stored) == (changed.billing, int(changed.top_billed))
