from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.config import Config, Secret
from bot.seed import load_seed
from bot.store import SeedData, Store, open_store
from bot.sync import SyncMode

FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.fake-token-for-tests-only-0123456789abcdef"


@pytest.fixture(scope="session")
def seed() -> SeedData:
    return load_seed()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "heroes.db"


@pytest.fixture
async def store(db_path: Path, seed: SeedData) -> AsyncIterator[Store]:
    async with open_store(db_path) as opened:
        await opened.apply_seed(seed)
        yield opened


@pytest.fixture
def settings(db_path: Path) -> Config:
    return Config(token=Secret(FAKE_TOKEN), database_path=db_path, guild_ready_timeout=0.05)


@pytest.fixture
def clock() -> ManualClock:
    """The bot's time: it moves only when a test advances it."""
    return ManualClock()


@pytest.fixture
async def bot(settings: Config, store: Store, clock: ManualClock) -> AsyncIterator[HeroesBot]:
    """The real bot with every extension loaded, not connected to anything, on `clock`."""
    instance = HeroesBot(settings, store, sync=SyncMode.OFF, clock=clock)
    await instance.setup_hook()
    yield instance
    await instance.close()
