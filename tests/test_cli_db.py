"""`heroes-bot db copy` and `db status` (issue 12, moving between engines), on real databases:
SQLite files and a real PostgreSQL server (`postgres_url`: a fresh database per test)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import aiosqlite
import asyncpg
import pytest

from bot.cli_db import ProgressBar, run_copy, run_status
from bot.seed import SeedData
from bot.store import (
    CopyRefused,
    NewUpdate,
    Store,
    StoreError,
    load_migrations,
    migrate,
    open_store,
    table_checksums,
)
from tests.postgres_server import temporary_database
from tests.stored_rows import NOW, fill_server

ROOT = Path(__file__).resolve().parents[1]
GUILD = 1_111_111_111_111_111


async def _filled(target: Path | str, seed: SeedData) -> None:
    """The seed plus every feature's rows for one server, and a meta value."""
    async with open_store(target) as store:
        await store.apply_seed(seed)
        await fill_server(store, GUILD, channel_id=22, role_id=33, member_id=44, message_base=5_000)
        await store.set_meta("fingerprint", "abc")


async def _copy(source: Path | str, target: Path | str, **kwargs: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_copy(source, target, out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


async def _checksums(target: Path | str) -> dict[str, tuple[int, str]]:
    async with open_store(target) as store:
        return await table_checksums(store.database)


async def _reads(store: Store) -> tuple[object, ...]:
    """What the bot shows, read through the store."""
    return (
        await store.cast(),
        # Same quotes found; their order is each engine's ranking (FTS5 vs tsvector).
        sorted(await store.search_quotes("lava"), key=lambda quote: quote.id),
        await store.tracker.timeline(),
        await store.trivia.leaderboard(GUILD),
        await store.settings.get(GUILD),
        await store.daily.get(GUILD),
        await store.get_meta("fingerprint"),
    )


async def _reads_of(target: Path | str) -> tuple[object, ...]:
    async with open_store(target) as store:
        return await _reads(store)


async def test_sqlite_to_postgres_and_back_keeps_every_row_and_every_read(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    source, back = tmp_path / "live.db", tmp_path / "back.db"
    await _filled(source, seed)
    assert (await _copy(source, postgres_url))[0] == 0
    assert (await _copy(postgres_url, back))[0] == 0
    original = await _checksums(source)
    assert await _checksums(postgres_url) == original == await _checksums(back)
    assert original["quotes"][0] > 0 and original["sequel_deliveries"][0] > 0
    reads = await _reads_of(source)
    assert await _reads_of(postgres_url) == reads == await _reads_of(back)


async def test_copy_prints_the_verification_and_a_progress_line_per_table(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    code, out, err = await _copy(tmp_path / "live.db", postgres_url)
    assert code == 0
    quotes = (await _checksums(postgres_url))["quotes"]
    assert f"quotes{quotes[0]:>{32 - len('quotes')}}  {quotes[1][:12]}  ok" in out
    assert "every table verified" in out and "postgresql://" in out
    assert f"  quotes: {quotes[0]}/{quotes[0]} rows" in err.splitlines()


def test_progress_bar_at_a_terminal_updates_one_line() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = ProgressBar(stream)
    for done in (0, 1000, 1500):
        bar("quotes", done, 1500)
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().endswith(f"[{'#' * 30}] 1500/1500\n")


async def test_rows_added_on_postgres_after_the_copy_get_new_ids(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    await _copy(tmp_path / "live.db", postgres_url)
    async with open_store(postgres_url) as store:
        before = {update.id for update in await store.tracker.timeline()}
        update, _ = await store.tracker.add_update(NewUpdate("After the move", "Text."), now=NOW)
        round_id = await store.trivia.open_round(GUILD, 99, "q-new", 1)
    assert update.id > max(before)
    assert round_id is not None


async def test_a_target_holding_other_data_is_refused_naming_it_and_replace(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    async with open_store(postgres_url) as store:
        await store.settings.set_private_replies(7, True)
    before = await _checksums(postgres_url)
    with pytest.raises(CopyRefused) as refused:
        await _copy(tmp_path / "live.db", postgres_url)
    message = str(refused.value)
    assert "\n" not in message and "--replace" in message
    assert postgres_url.rsplit("/", 1)[-1] in message
    assert await _checksums(postgres_url) == before


async def test_replace_empties_the_target_first(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    async with open_store(postgres_url) as store:
        await store.settings.set_private_replies(7, True)
    assert (await _copy(tmp_path / "live.db", postgres_url, replace=True))[0] == 0
    assert await _checksums(postgres_url) == await _checksums(tmp_path / "live.db")
    async with open_store(postgres_url) as store:
        assert not (await store.settings.get(7)).private_replies


async def test_a_second_copy_says_up_to_date_and_writes_nothing(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    await _copy(tmp_path / "live.db", postgres_url)
    versions = "SELECT xmin::text, ctid::text FROM {} ORDER BY 1, 2"
    async with open_store(postgres_url) as store:
        tables = sorted(await table_checksums(store.database))
        row_versions = [await store.database.all(versions.format(t)) for t in tables]
    code, out, err = await _copy(tmp_path / "live.db", postgres_url)
    assert code == 0 and "already up to date, nothing copied" in out and err == ""
    async with open_store(postgres_url) as store:  # no row was rewritten, added or deleted
        assert [await store.database.all(versions.format(t)) for t in tables] == row_versions


async def test_a_row_the_target_refuses_leaves_the_target_empty(
    tmp_path: Path, postgres_url: str, seed: SeedData
) -> None:
    source = tmp_path / "live.db"
    await _filled(source, seed)
    # An old SQLite file can hold a credit whose work is gone (foreign keys were off when it
    # was deleted); PostgreSQL refuses it, after every earlier table was copied.
    with sqlite3.connect(source) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(
            "INSERT INTO credits (work_id, person_id, role, top_billed, excerpt, source_id) "
            "SELECT 999999, person_id, 'cast', 0, 'x', source_id FROM credits LIMIT 1"
        )
    raw.close()
    empty = await _checksums(postgres_url)  # just migrated
    code, _, err = await _copy(source, postgres_url)
    assert code == 1
    last = err.splitlines()[-1]  # after the progress lines of the tables copied before
    assert last.startswith("heroes-bot: copy failed: table credits refused a row")
    assert "nothing was written" in last
    assert await _checksums(postgres_url) == empty
    assert empty["works"][0] == 0


async def test_a_target_that_reads_back_differently_is_rolled_back(
    tmp_path: Path, seed: SeedData
) -> None:
    source, target = tmp_path / "live.db", tmp_path / "new.db"
    await _filled(source, seed)
    async with open_store(target) as store, store.database.transaction() as tx:
        # Something in the target changes what is written: the copy must not be kept.
        await tx.execute(
            "CREATE TRIGGER garble AFTER INSERT ON meta BEGIN "
            "UPDATE meta SET value = 'changed' WHERE key = new.key; END"
        )
    empty = await _checksums(target)
    code, out, err = await _copy(source, target)
    assert code == 1
    assert "MISMATCH" in next(line for line in out.splitlines() if "meta" in line)
    assert "rolled back" in err
    assert await _checksums(target) == empty
    assert empty["quotes"][0] == 0


async def _old_sqlite(path: Path, version: int) -> None:
    async with aiosqlite.connect(str(path), isolation_level=None) as db:
        await migrate(db, load_migrations()[:version])


async def test_an_older_source_is_migrated_and_the_output_says_so(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "old.db"
    await _old_sqlite(source, 5)
    code, out, _ = await _copy(source, postgres_url)
    latest = len(load_migrations())
    assert code == 0
    assert f"migrated the source {source} from schema version 5 to {latest}" in out


async def test_copying_a_database_onto_itself_is_refused(tmp_path: Path, seed: SeedData) -> None:
    await _filled(tmp_path / "live.db", seed)
    with pytest.raises(StoreError, match="both name"):
        await _copy(tmp_path / "live.db", f"sqlite:///{tmp_path / 'live.db'}")


@pytest.mark.parametrize("link", [os.symlink, os.link], ids=["symlink", "hard-link"])
async def test_a_sqlite_file_under_a_link_to_it_is_refused_as_the_same_database(
    tmp_path: Path, seed: SeedData, link: Callable[[Path, Path], None]
) -> None:
    live = tmp_path / "live.db"
    await _filled(live, seed)
    link(live, tmp_path / "alias.db")
    before = await _checksums(live)
    with pytest.raises(StoreError, match="both name"):
        await _copy(live, tmp_path / "alias.db", replace=True)
    assert await _checksums(live) == before


@pytest.fixture
async def plain_role(postgres_server: str) -> AsyncIterator[str]:
    """A login role that is not a superuser (dropped after the test): its name."""
    name = f"copy_alias_{os.getpid()}"
    admin = await asyncpg.connect(postgres_server)
    try:
        await admin.execute(f"DROP ROLE IF EXISTS {name}")
        await admin.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER")
        yield name
    finally:
        await admin.execute(f"DROP ROLE IF EXISTS {name}")
        await admin.close()


@pytest.mark.parametrize("other_user", [False, True], ids=["localhost", "localhost-plain-user"])
async def test_the_same_postgres_database_under_another_url_is_refused_before_writing(
    postgres_url: str, plain_role: str, seed: SeedData, other_user: bool
) -> None:
    await _filled(postgres_url, seed)
    parts = urlsplit(postgres_url)
    assert parts.hostname == "127.0.0.1"
    # Another host name (and a query string; or also a user that is no superuser): same database.
    user = plain_role if other_user else parts.username
    alias = parts._replace(
        netloc=f"{user}@localhost:{parts.port}", query="application_name=alias"
    ).geturl()
    before = await _checksums(postgres_url)
    for source, target in ((postgres_url, alias), (alias, postgres_url)):
        with pytest.raises(StoreError, match="both name"):
            await _copy(source, target, replace=True)
    assert await _checksums(postgres_url) == before


async def test_the_same_database_is_still_refused_where_pg_control_system_is_revoked(
    postgres_url: str, plain_role: str, seed: SeedData
) -> None:
    await _filled(postgres_url, seed)
    admin = await asyncpg.connect(postgres_url)
    try:  # a function's grants live in each database: this one alone is affected
        await admin.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC")
    finally:
        await admin.close()
    parts = urlsplit(postgres_url)
    plain = parts._replace(netloc=f"{plain_role}@127.0.0.1:{parts.port}").geturl()
    alias = parts._replace(netloc=f"{plain_role}@localhost:{parts.port}").geturl()
    before = await _checksums(postgres_url)
    with pytest.raises(StoreError, match="both name"):
        await _copy(plain, alias, replace=True)
    assert await _checksums(postgres_url) == before


async def test_another_database_on_the_same_server_is_not_taken_for_the_source(
    postgres_server: str, postgres_url: str, seed: SeedData
) -> None:
    await _filled(postgres_url, seed)
    async with temporary_database(postgres_server, f"copy_sibling_{os.getpid()}") as sibling:
        assert (await _copy(postgres_url, sibling))[0] == 0
        assert await _checksums(sibling) == await _checksums(postgres_url)


async def test_a_missing_source_file_is_refused_and_not_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        await _copy(tmp_path / "typo.db", tmp_path / "new.db")
    assert not (tmp_path / "typo.db").exists()


async def _status(target: Path | str) -> str:
    out = io.StringIO()
    assert await run_status(target, out=out) == 0
    return out.getvalue()


async def test_status_on_sqlite_shows_engine_version_and_rows(
    tmp_path: Path, seed: SeedData
) -> None:
    await _filled(tmp_path / "live.db", seed)
    text = await _status(tmp_path / "live.db")
    latest = len(load_migrations())
    quotes = (await _checksums(tmp_path / "live.db"))["quotes"][0]
    assert text.startswith(f"engine: SQLite\ndatabase: {tmp_path / 'live.db'}\n")
    assert f"schema version: {latest} (this heroes-bot knows up to {latest})" in text
    assert f"  quotes{quotes:>{32 - len('quotes')}}" in text.splitlines()


async def test_status_on_postgres_shows_the_url_without_its_password(
    postgres_url: str, seed: SeedData
) -> None:
    async with open_store(postgres_url) as store:
        await store.apply_seed(seed)
    parts = urlsplit(postgres_url)
    password = parts.password or "s3cret"  # the test server trusts local connections
    if parts.password is None:
        parts = parts._replace(netloc=f"{parts.username}:{password}@{parts.hostname}:{parts.port}")
    text = await _status(parts.geturl())
    assert text.startswith("engine: PostgreSQL\ndatabase: postgresql://")
    assert password not in text
    assert "  guild_settings" in text and "quotes_fts" not in text


async def test_status_does_not_migrate_an_older_database(tmp_path: Path) -> None:
    await _old_sqlite(tmp_path / "old.db", 5)
    text = await _status(tmp_path / "old.db")
    assert "schema version: 5" in text and "not counted" in text
    async with aiosqlite.connect(str(tmp_path / "old.db")) as db:
        rows = await db.execute_fetchall("PRAGMA user_version")
    assert next(iter(rows))[0] == 5


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_PATH"}}
    env |= {"HEROES_ENV_FILE": os.devnull, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_cli_db_status_runs_and_an_unreachable_database_exits_2(
    tmp_path: Path, postgres_url: str
) -> None:
    done = _cli("db", "status", "--url", postgres_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("engine: PostgreSQL")
    gone = _cli("db", "status", "--url", "postgresql://nobody@127.0.0.1:9/none", cwd=tmp_path)
    assert gone.returncode == 2
    assert gone.stderr.count("\n") == 1 and gone.stderr.startswith("heroes-bot: cannot open")
