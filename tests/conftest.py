from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.config import Config, Secret
from bot.seed import load_seed
from bot.store import SeedData, Store, open_store
from bot.sync import SyncMode
from tests.edited_catalogs import retranslate  # noqa: F401 (a fixture for every test)
from tests.engines import engines_for
from tests.marked_catalogs import marked, marked_commands  # noqa: F401 (fixtures for every test)
from tests.postgres_server import (
    MISSING_BINARIES,
    PostgresServer,
    database_names,
    find_postgres_bin,
    temporary_database,
)

FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.fake-token-for-tests-only-0123456789abcdef"


@pytest.fixture(scope="session")
def seed() -> SeedData:
    return load_seed()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "heroes.db"


@pytest.fixture
def engine() -> str:
    """The store engine of a test: SQLite, unless it runs on both (tests/engines.py: the
    store's own tests and the features' repository tests do)."""
    return "sqlite"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames and (engines := engines_for(metafunc)) is not None:
        metafunc.parametrize("engine", engines)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_engines: run on SQLite and PostgreSQL")
    config.addinivalue_line("markers", "engine_only(name): run on that store engine only")


@pytest.fixture
def database_target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """What `open_store` is given: the SQLite file, or the URL of a new PostgreSQL database
    already migrated and seeded (a copy of the session's template)."""
    if engine == "sqlite":
        return db_path
    return request.getfixturevalue("postgres_seeded_url")  # type: ignore[no-any-return]


@pytest.fixture
async def store(database_target: Path | str, seed: SeedData) -> AsyncIterator[Store]:
    async with open_store(database_target) as opened:
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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server for the whole session: its base URL (POSTGRES_TEST_URL if set)."""
    if given := os.environ.get("POSTGRES_TEST_URL"):
        yield given
        return
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(MISSING_BINARIES)  # a skipped PostgreSQL test in CI tests nothing
        pytest.skip(MISSING_BINARIES)
    with PostgresServer.start(bin_dir=bin_dir) as server:
        yield server.url


_DATABASE_NAMES = database_names()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str, seed: SeedData) -> Iterator[str]:
    """A database migrated and seeded once per session, copied for each test that needs a
    store (`postgres_seeded_url`): the real migrations and seed still run, once."""
    name = f"heroes_template_{os.getpid()}"
    template = temporary_database(postgres_server, name)
    runner = asyncio.Runner()
    try:
        url = runner.run(template.__aenter__())
        runner.run(_migrate_and_seed(url, seed))
        yield name
    finally:
        runner.run(template.__aexit__(None, None, None))
        runner.close()


async def _migrate_and_seed(url: str, seed: SeedData) -> None:
    async with open_store(url) as store:
        await store.apply_seed(seed)


@pytest.fixture
async def postgres_seeded_url(postgres_server: str, postgres_template: str) -> AsyncIterator[str]:
    """A new database for this test alone, migrated and seeded (dropped after it): its URL."""
    async with temporary_database(
        postgres_server, next(_DATABASE_NAMES), template=postgres_template
    ) as url:
        yield url


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A brand-new empty database for this test alone (dropped after it): its URL."""
    async with temporary_database(postgres_server, next(_DATABASE_NAMES)) as url:
        yield url
