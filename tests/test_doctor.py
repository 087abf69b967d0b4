"""`heroes-bot doctor` offline: each ✗ it reports, with its fix, and exit 0 only when all is ✓."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import os
import pwd
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.doctor import doctor
from bot.doctor.database import check_writable
from bot.store import load_migrations, open_store, redacted

ROOT = Path(__file__).resolve().parents[1]
# Every setting load_config reads: a .env loaded by one test must not leak into the next.
SETTINGS = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DATABASE_URL",
    "DEV_GUILD_ID",
    "OWNER_IDS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "GUILD_READY_TIMEOUT",
    "SHARD_COUNT",
    "SHARD_IDS",
    "BACKUP_DIR",
    "BACKUP_KEEP",
    "METRICS_ADDR",
    "HEROES_ENV_FILE",
    "HEROES_HOME",
)
APPLICATION_ID = 1234567890123456789
NOBODY = 65534  # another user's uid (the tests run as root)


def shaped_token(first: str | None = None) -> str:
    """A made-up token with a real one's shape: the application id in base64, two more parts."""
    head = first or base64.b64encode(str(APPLICATION_ID).encode()).decode().rstrip("=")
    return f"{head}.GaBcDe.{'x' * 38}"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        # Set, then removed: monkeypatch then deletes at the end what the .env loaded (a
        # plain delenv of an absent variable records nothing to undo).
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def write_env(folder: Path, mode: int = 0o600, **settings: str) -> Path:
    env = folder / ".env"
    env.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    env.chmod(mode)
    return env


async def migrated_database(path: Path) -> Path:
    async with open_store(path):
        pass
    return path


async def run_doctor(env: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """main() as the command line runs it (its own event loop, so on a thread here)."""
    status = await asyncio.to_thread(main, ["--env-file", str(env), "doctor"])
    return status, capsys.readouterr().out.splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


async def test_a_healthy_setup_is_all_ticks_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    assert all(line.startswith("✓ ") for line in lines), lines
    joined = "\n".join(lines)
    assert f"application id {APPLICATION_ID}" in joined
    assert "database schema is current" in joined
    assert "integrity_check: ok" in joined


async def test_a_missing_database_is_fine_when_its_folder_is_writable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "later" / "heroes.db"
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    assert f"✓ database {db} does not exist yet: it will be created at first start" in lines
    assert not db.parent.exists()  # doctor creates nothing


async def test_a_refused_setting_is_a_cross_line_not_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = write_env(tmp_path, LOG_LEVEL="LOUD")
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert lines == [
        "✗ settings are refused: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, "
        "CRITICAL (got 'LOUD')."
    ]


async def test_a_token_whose_first_part_is_no_application_id_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_an_id = base64.b64encode(b"not-an-id").decode().rstrip("=")
    env = write_env(
        tmp_path, DISCORD_TOKEN=shaped_token(not_an_id), DATABASE_PATH=str(tmp_path / "h.db")
    )
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith(
        "✗ DISCORD_TOKEN: the token's first part is not your application id: copy the token "
        "again from https://discord.com/developers/applications (Bot > Reset Token)"
    )


async def test_a_token_in_two_parts_is_not_a_bot_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = write_env(tmp_path, DISCORD_TOKEN="a" * 30 + "." + "b" * 30)
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert any(line.startswith("✗ DISCORD_TOKEN is not shaped like a bot token") for line in lines)


@pytest.mark.parametrize("shared", [".env", "database"])
async def test_a_file_other_users_can_read_is_reported_with_its_chmod(
    shared: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    exposed = env if shared == ".env" else db
    exposed.chmod(0o640)
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ {shared}{' file' if shared == '.env' else ''} {exposed} can be read by other users "
        f"(mode 640): chmod 600 {exposed}"
    ]


def corrupt_a_page(db: Path) -> None:
    """Overwrite the cells of one table page, leaving the header and schema readable."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size, pages = (
            connection.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("page_size", "page_count")
        )
    data = bytearray(db.read_bytes())
    start = (pages - 2) * page_size
    data[start + 8 : start + page_size] = b"\xff" * (page_size - 8)
    db.write_bytes(bytes(data))


async def test_a_damaged_database_fails_integrity_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: object
) -> None:
    db = tmp_path / "heroes.db"
    async with open_store(db) as store:
        await store.apply_seed(seed)  # type: ignore[arg-type]
    corrupt_a_page(db)
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith(f"✗ database {db} is damaged (integrity_check: ")
    assert failure.endswith(
        ": restore a backup (heroes-bot restore FILE) or move the file away to start afresh"
    )


async def test_a_database_from_a_newer_heroes_bot_says_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    latest = len(load_migrations())
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {latest + 1}")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ database schema is at version {latest + 1}, newer than this heroes-bot's {latest}: "
        "this database is from a newer heroes-bot: upgrade (in the checkout: git pull && make "
        "run; or reinstall from the newer wheel)"
    ]


async def test_an_older_database_will_be_migrated_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    latest = len(load_migrations())
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {latest - 1}")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    assert (
        f"✓ database schema is at version {latest - 1} of {latest}: it will be migrated at next "
        "start (take a backup first: heroes-bot backup)" in lines
    )


async def test_low_disk_space_is_reported_with_the_number(tmp_path: Path) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    out = io.StringIO()
    status = await doctor(str(env), online=False, out=out, disk_free=lambda folder: 42 * 1024**2)
    assert status == 1
    assert failures(out.getvalue().splitlines()) == [
        f"✗ only 42 MB free in {tmp_path}: free some space there (at least 100 MB): SQLite needs "
        "room to write, and backups need as much again as the database"
    ]


# The doctor as a user who may not write the folders: as root (who may write anything) the
# process imports everything first, then drops to `nobody` (this interpreter lives under /root,
# which `nobody` could not even start); as anyone else the folders' modes suffice.
AS_ANOTHER_USER = """
import os, pwd, sys
import concurrent.futures.thread  # asyncio.to_thread's, imported at first use
import dotenv  # imported lazily by load_env_file; `nobody` may not read it later
from bot.__main__ import main
import bot.doctor  # `doctor` imports it (and what it imports) only when run
if os.geteuid() == 0:
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
sys.exit(main(sys.argv[1:]))
"""


def doctor_as_another_user(env: Path) -> subprocess.CompletedProcess[str]:
    """doctor run as `nobody` (as root) or as this user, from the .env's folder."""
    folder = str(env.parent)
    return subprocess.run(
        [sys.executable, "-c", AS_ANOTHER_USER, "--env-file", str(env), "doctor"],
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": folder},
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unwritable_database_and_backup_folders_are_reported() -> None:
    # Not under pytest's tmp_path: its 0700 folders would hide everything from `nobody`.
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        folder = Path(scratch)
        locked = folder / "locked"
        locked.mkdir()
        env = write_env(
            folder,
            mode=0o644,  # readable by the user doctor runs as (and so reported, too)
            DISCORD_TOKEN=shaped_token(),
            DATABASE_PATH=str(locked / "heroes.db"),
            BACKUP_DIR=str(locked / "backups"),
        )
        locked.chmod(0o555)
        folder.chmod(0o755)
        result = doctor_as_another_user(env)
        locked.chmod(0o755)  # so the folder can be removed
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    fix = f"give this user write access to {locked} (chown or chmod)"
    assert (
        f"✗ BACKUP_DIR {locked / 'backups'} cannot be written ({locked} is not writable by this "
        f"user): {fix}, or choose another BACKUP_DIR" in lines
    )
    assert (
        f"✗ database {locked / 'heroes.db'} cannot be created ({locked} is not writable by this "
        f"user): {fix}, or set DATABASE_PATH to a writable place" in lines
    )
    assert f"✗ .env file {env} can be read by other users (mode 644): chmod 600 {env}" in lines


async def test_a_healthy_postgresql_database_is_reachable_writable_and_current(
    postgres_seeded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_URL=postgres_seeded_url)
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    latest = len(load_migrations("postgres"))
    label = redacted(postgres_seeded_url)
    assert [line for line in lines if "database" in line] == [
        f"✓ database {label} is reachable",
        f"✓ database {label} can be written",
        f"✓ database schema is current (version {latest})",
    ]


async def test_an_unreachable_postgresql_server_is_one_cross_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://heroes:s3cret-password@127.0.0.1:{port}/heroes"
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_URL=url)
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith(
        f"✗ database postgresql://heroes@127.0.0.1:{port}/heroes cannot be reached: cannot open"
    )
    assert "s3cret" not in "\n".join(lines)


async def test_a_postgresql_user_who_may_only_read_cannot_write(
    postgres_seeded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncpg

    reader = f"doctor_reader_{os.getpid()}"
    admin = await asyncpg.connect(postgres_seeded_url)
    try:
        await admin.execute(f'DROP ROLE IF EXISTS "{reader}"')
        await admin.execute(f'CREATE ROLE "{reader}" LOGIN')
        await admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{reader}"')
        url = postgres_seeded_url.replace("postgresql://postgres@", f"postgresql://{reader}@")
        env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_URL=url)
        status, lines = await run_doctor(env, capsys)
    finally:
        await admin.execute(f'DROP OWNED BY "{reader}"')
        await admin.execute(f'DROP ROLE "{reader}"')
        await admin.close()
    assert status == 1
    assert failures(lines) == [
        f"✗ database {redacted(url)} cannot be written (permission denied for table meta): "
        "give the bot's user write access (for PostgreSQL: make it the database's owner, "
        "SECURITY.md)"
    ]


async def test_a_database_a_running_bot_is_writing_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # held through doctor's wait for the write lock
        status, lines = await run_doctor(env, capsys)
    finally:
        writer.close()
    assert status == 0, lines
    assert (
        f"✓ database {db} is being written by another process (a running bot?); nothing stops "
        "this user writing it" in lines
    )


async def test_no_token_says_where_to_paste_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ DISCORD_TOKEN is not set: paste your bot token from "
        "https://discord.com/developers/applications (Bot > Reset Token) into .env, or run "
        "`heroes-bot sandbox` to try the bot without one"
    ]


async def test_a_backup_dir_that_is_a_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    backups = tmp_path / "backups"
    backups.write_text("not a folder")
    env = write_env(
        tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db), BACKUP_DIR=str(backups)
    )
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ BACKUP_DIR {backups} is a file: point BACKUP_DIR at a folder (or remove the file)"
    ]


async def test_a_database_path_that_is_a_folder_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(folder))
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ database {folder} is a folder: point DATABASE_PATH at a file, e.g. "
        f"{folder / 'heroes.db'}"
    ]


async def test_a_file_that_is_no_database_does_not_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "heroes.db"
    db.write_bytes(b"these are my notes, not a database " * 200)
    db.chmod(0o600)
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith(f"✗ database {db} does not open (")
    assert failure.endswith(
        ": restore a backup (heroes-bot restore FILE) or move the file away to start afresh"
    )


async def test_postgresql_without_asyncpg_says_to_install_from_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # `import asyncpg` now raises ImportError
    url = "postgresql://heroes@127.0.0.1:5432/heroes"
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_URL=url)
    out = io.StringIO()
    status = await doctor(str(env), online=False, out=out)
    assert status == 1
    assert failures(out.getvalue().splitlines()) == [
        f"✗ database {url}: asyncpg is not installed: run make run in the checkout (it installs "
        "asyncpg when DATABASE_URL names PostgreSQL), or pip install "
        "'/path/to/heroes-bot[postgres]'"
    ]


def no_pypi_install_advice() -> list[str]:
    """Lines in bot/ and cogs/ telling admins to install heroes-bot by name (from PyPI)."""
    pattern = re.compile(r"pip install (--upgrade )?'?heroes-bot")
    return [
        f"{path}: {line.strip()}"
        for folder in ("bot", "cogs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in path.read_text().splitlines()
        if pattern.search(line)
    ]


def test_no_message_sends_admins_to_pypi_for_heroes_bot() -> None:
    # Someone else could publish that name there: a checkout or a wheel only.
    assert no_pypi_install_advice() == []


def sqlite_in_rollback_mode(db: Path) -> None:
    """Without WAL, a reader needs no -shm file: doctor can read it from a folder it may not
    write."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")


async def test_a_database_folder_this_user_cannot_write_is_reported() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        folder = Path(scratch)
        db = await migrated_database(folder / "heroes.db")
        sqlite_in_rollback_mode(db)
        env = write_env(folder, mode=0o600, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
        for owned in (env, db):
            os.chown(owned, NOBODY, NOBODY)
        folder.chmod(0o755)  # root's: `nobody` may read it, not write it
        result = await asyncio.to_thread(doctor_as_another_user, env)
    assert result.returncode == 1, result.stderr
    assert failures(result.stdout.splitlines()) == [
        f"✗ database folder {folder} is not writable by this user (SQLite keeps its -wal and "
        f"-shm files there): give this user write access to {folder} (chown or chmod), or set "
        "DATABASE_PATH to a writable place"
    ]


async def test_a_database_file_this_user_cannot_write_is_reported() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        folder = Path(scratch)
        db = await migrated_database(folder / "heroes.db")
        sqlite_in_rollback_mode(db)
        db.chmod(0o644)  # root's: `nobody` may read it, not write it
        env = write_env(folder, mode=0o600, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
        os.chown(env, NOBODY, NOBODY)
        os.chown(folder, NOBODY, NOBODY)
        result = await asyncio.to_thread(doctor_as_another_user, env)
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    assert (
        f"✗ database {db} cannot be written by this user: chmod 600 {db} as its owner, or run "
        "heroes-bot as the user who owns it" in lines
    )
    assert f"✗ database {db} can be read by other users (mode 644): chmod 600 {db}" in lines
    assert len(failures(lines)) == 2, lines


async def test_a_write_probe_that_loses_postgresql_is_reported() -> None:
    with socket.socket() as closed:  # the server went away between reading and writing
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://heroes@127.0.0.1:{port}/heroes"
    check = await check_writable(url, redacted(url))
    assert not check.ok
    assert check.line().startswith(
        f"✗ database {url} cannot be written: cannot open the PostgreSQL database {url} ("
    )


def listing(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


async def test_doctor_on_a_stopped_bots_wal_database_leaves_the_folder_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")  # WAL, closed: no -wal, no -shm
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    before = listing(tmp_path)
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    assert listing(tmp_path) == before == [".env", "heroes.db"]


async def test_doctor_leaves_a_running_bots_wal_and_shm_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = await migrated_database(tmp_path / "heroes.db")
    env = write_env(tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
    with contextlib.closing(sqlite3.connect(db)) as running_bot:
        running_bot.execute("PRAGMA user_version = user_version")
        running_bot.execute("CREATE TABLE unsaved_work (id INTEGER)")  # in the -wal only
        running_bot.commit()
        before = listing(tmp_path)
        status, lines = await run_doctor(env, capsys)
        assert (
            listing(tmp_path) == before == [".env", "heroes.db", "heroes.db-shm", "heroes.db-wal"]
        )
        running_bot.execute("INSERT INTO unsaved_work VALUES (1)")  # its files still work
        running_bot.commit()
    assert status == 0, lines
    with contextlib.closing(sqlite3.connect(db)) as later:
        assert later.execute("SELECT id FROM unsaved_work").fetchall() == [(1,)]


async def private_backup_dir(tmp_path: Path) -> tuple[Path, Path]:
    """A healthy setup with a BACKUP_DIR; returns the .env and the folder."""
    db = await migrated_database(tmp_path / "heroes.db")
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    env = write_env(
        tmp_path, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db), BACKUP_DIR=str(backups)
    )
    return env, backups


async def test_a_private_backup_dir_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env, backups = await private_backup_dir(tmp_path)
    status, lines = await run_doctor(env, capsys)
    assert status == 0, lines
    assert f"✓ BACKUP_DIR {backups} is owned and written by this user only" in lines


@pytest.mark.parametrize("mode", [0o770, 0o757])
async def test_a_backup_dir_others_may_write_says_chmod_700(
    mode: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env, backups = await private_backup_dir(tmp_path)
    backups.chmod(mode)
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ BACKUP_DIR {backups} can be written by other users (mode {mode:o}): chmod 700 {backups}"
    ]


async def test_a_backup_dir_owned_by_another_user_says_chown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env, backups = await private_backup_dir(tmp_path)
    os.chown(backups, NOBODY, NOBODY)
    me = pwd.getpwuid(os.geteuid()).pw_name
    status, lines = await run_doctor(env, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ BACKUP_DIR {backups} belongs to another user (uid {NOBODY}): "
        f"chown {me} {backups} && chmod 700 {backups}"
    ]


async def test_wal_files_a_reader_cannot_close_away_are_reported_with_the_fix() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        folder = Path(scratch)
        db = await migrated_database(folder / "heroes.db")  # WAL, closed: no -wal, no -shm
        db.chmod(0o644)  # root's: `nobody` may read it, not write it
        env = write_env(folder, mode=0o600, DISCORD_TOKEN=shaped_token(), DATABASE_PATH=str(db))
        os.chown(env, NOBODY, NOBODY)
        os.chown(folder, NOBODY, NOBODY)  # where SQLite makes them, for `nobody`
        result = await asyncio.to_thread(doctor_as_another_user, env)
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    wal, shm = (f"{db}-wal", f"{db}-shm")
    assert failures(lines)[-1] == (
        f"✗ doctor left heroes.db-wal and heroes.db-shm beside {db}: SQLite makes them to read "
        "a WAL database, and only a user who may write the database can close them away: while "
        f"the bot is stopped, rm {wal} {shm}; run doctor as the user heroes-bot runs as"
    )
