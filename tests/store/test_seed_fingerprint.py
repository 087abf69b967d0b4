"""The record of the seed last applied whole (meta 'seed.applied'), on both engines."""

from __future__ import annotations

from bot.store import SeedData, Store


async def test_only_the_seed_applied_whole_with_its_digest_counts_as_applied(
    store: Store, seed: SeedData
) -> None:
    assert not await store.seeding.is_applied("digest-of-the-seed")  # applied without one
    await store.seeding.apply(seed, digest="digest-of-the-seed")
    assert await store.seeding.is_applied("digest-of-the-seed")
    assert not await store.seeding.is_applied("digest-of-an-edited-seed")
