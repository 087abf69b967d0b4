"""The store's read-only face for `heroes-bot doctor`: a store that changes nothing, the
servers following the news, and the write probe (on both engines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store, StoreError, open_store_unchanged, probe_write, stored_version
from tests.engines import sqlite_only


async def test_active_follows_lists_following_servers_only(store: Store) -> None:
    await store.tracker.follow(2, 20, None)
    await store.tracker.follow(1, 10, 11)
    await store.tracker.follow(3, 30, None)
    await store.tracker.unfollow(3)
    follows = await store.tracker.active_follows()
    assert [(f.guild_id, f.channel_id, f.role_id) for f in follows] == [(1, 10, 11), (2, 20, None)]


async def test_the_unchanged_store_reads_what_the_bot_stored(
    store: Store, database_target: Path | str
) -> None:
    await store.tracker.follow(1, 10, 11)
    await store.daily.configure(1, 12, "09:00", "UTC", starts_on="2026-01-01")
    async with open_store_unchanged(database_target) as unchanged:
        assert [f.channel_id for f in await unchanged.tracker.active_follows()] == [10]
        assert [d.channel_id for d in await unchanged.daily.all_configs()] == [12]


async def test_the_write_probe_writes_nothing(store: Store, database_target: Path | str) -> None:
    before = await store.counts()
    probe = await probe_write(database_target)
    assert probe.writable and not probe.busy
    assert await store.counts() == before


@sqlite_only
async def test_the_unchanged_store_neither_creates_nor_migrates_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="does not exist"):
        async with open_store_unchanged(missing):
            pass
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    async with open_store_unchanged(empty):
        pass
    assert await stored_version(empty) == 0
    assert empty.stat().st_size == 0
