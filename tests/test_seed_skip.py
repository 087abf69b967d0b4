"""A start applies the seed only when it may change something: its files' hash, the code's
apply version and the schema version, stored with the last apply (bot/runner.py seeded_store)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

import bot.seed
from bot.config import Config
from bot.runner import seeded_store
from bot.store import load_migrations

SKIPPED = "seed: unchanged since it was last applied; not applied again"
APPLIED = "seed: %d added, %d updated, %d unchanged, %d kept as edited"


@pytest.fixture
def seed_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped seed and its article, which the start reads instead."""
    folder = tmp_path / "data"
    shutil.copytree(Path(str(bot.seed.DATA_DIR)), folder, ignore=shutil.ignore_patterns("*.py*"))
    monkeypatch.setattr(bot.seed, "DATA_DIR", folder)
    monkeypatch.setattr(bot.seed, "SEED_PATH", folder / "seed.toml")
    return folder


async def start(settings: Config, caplog: pytest.LogCaptureFixture) -> str:
    """One start's seed step: the template of the seed line it logged."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.runner"):
        async with seeded_store(settings):
            pass
    (line,) = [r.msg for r in caplog.records if str(r.msg).startswith("seed:")]
    return str(line)


async def test_an_unchanged_seed_is_neither_parsed_nor_applied_at_the_next_start(
    settings: Config, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await start(settings, caplog) == APPLIED

    def parsed() -> None:
        raise AssertionError("the unchanged seed was parsed again")

    monkeypatch.setattr("bot.runner.load_seed", parsed)
    assert await start(settings, caplog) == SKIPPED


async def test_an_edited_seed_text_is_applied_again(
    settings: Config, caplog: pytest.LogCaptureFixture, seed_folder: Path
) -> None:
    assert await start(settings, caplog) == APPLIED
    article = seed_folder / "article" / "we-can-be-heroes-sequel.txt"
    article.write_text(article.read_text("utf-8") + "\nA paragraph added later.\n", "utf-8")
    assert await start(settings, caplog) == APPLIED
    async with seeded_store(settings) as store:
        (body,) = await store.database.one("SELECT body FROM sources WHERE key = 'article'")
    assert body.endswith("A paragraph added later.\n")


async def test_a_migration_applies_the_seed_again(
    settings: Config, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The code before the last migration (0009 adds triggers to person_names, a seed table)
    # applies the seed on its schema...
    shipped = load_migrations()
    monkeypatch.setattr("bot.store._migrations.load_migrations", lambda: shipped[:-1])
    assert await start(settings, caplog) == APPLIED
    assert await start(settings, caplog) == SKIPPED
    # ...and once this code has migrated the database, the seed is applied again, once.
    monkeypatch.undo()
    assert await start(settings, caplog) == APPLIED
    assert await start(settings, caplog) == SKIPPED


async def test_an_operators_edit_is_kept_when_an_edited_seed_is_applied_again(
    settings: Config, caplog: pytest.LogCaptureFixture, seed_folder: Path
) -> None:
    async with seeded_store(settings) as store, store.database.transaction() as operator:
        await operator.execute(
            "UPDATE people SET about = 'Edited by the server admin.', edited = 1 "
            "WHERE key = 'pedro-pascal'"
        )
    article = seed_folder / "article" / "we-can-be-heroes-sequel.txt"
    article.write_text(article.read_text("utf-8") + "\nA paragraph added later.\n", "utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.runner"):
        async with seeded_store(settings) as store:
            person = await store.person("pedro-pascal")
    (record,) = [r for r in caplog.records if str(r.msg) == APPLIED]
    assert record.args is not None and record.args[3] == 1  # kept as edited
    assert person is not None and person.about == "Edited by the server admin."
