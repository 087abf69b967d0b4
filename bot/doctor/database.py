"""The database checks: it opens, it can be written, its schema, SQLite's integrity_check, free
disk space and the file's permissions. Nothing is created, migrated or changed."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from bot.config import Config
from bot.store import (
    StoreError,
    is_postgres,
    load_migrations,
    probe_write,
    sqlite_integrity,
    stored_version,
)

from .local import check_private_file, nearest_existing, writable_folder
from .report import Check

MIN_FREE_BYTES = 100 * 1024 * 1024
MEGABYTE = 1024 * 1024
DiskFree = Callable[[Path], int]
# heroes-bot comes from a checkout or a wheel, never from PyPI (anyone could publish that name).
INSTALL_ASYNCPG = (
    "run make run in the checkout (it installs asyncpg when DATABASE_URL names PostgreSQL), or "
    "pip install '/path/to/heroes-bot[postgres]'"
)
RESTORE = "restore a backup (heroes-bot restore FILE) or move the file away to start afresh"


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def latest_version(target: Path | str) -> int:
    return len(load_migrations("postgres" if is_postgres(target) else "sqlite"))


async def database_checks(settings: Config, *, disk_free: DiskFree = free_bytes) -> list[Check]:
    if settings.postgres:
        return await postgres_checks(settings.database_target, settings.database_label)
    return await sqlite_checks(settings.database_path, disk_free)


def without_file(path: Path, disk_free: DiskFree) -> list[Check] | None:
    """The checks when there is no file to open (a folder in its place, or none yet); None
    when there is one."""
    if path.is_dir():
        return [
            Check.failed(
                f"database {path} is a folder",
                f"point DATABASE_PATH at a file, e.g. {path / 'heroes.db'}",
            )
        ]
    if not path.exists():
        return [not_created_yet(path), check_free_space(nearest_existing(path), disk_free)]
    return None


async def sqlite_checks(path: Path, disk_free: DiskFree) -> list[Check]:
    early = without_file(path, disk_free)
    if early is not None:
        return early
    checks = [check_folder(path.parent)]
    try:
        version = await stored_version(path)
    except StoreError as exc:
        return [*checks, Check.failed(f"database {path} does not open ({exc})", RESTORE)]
    checks.append(Check.passed(f"database {path} opens"))
    checks.append(await check_writable(path, path))
    checks.append(check_schema(version or 0, latest_version(path)))
    checks.append(await check_integrity(path))
    checks.append(check_free_space(path.parent, disk_free))
    checks.append(check_private_file("database", path))
    return checks


async def postgres_checks(url: str, label: str) -> list[Check]:
    try:
        import asyncpg  # noqa: F401  (the optional extra)
    except ImportError:
        return [
            Check.failed(
                f"database {label}: asyncpg is not installed",
                INSTALL_ASYNCPG,
            )
        ]
    try:
        version = await stored_version(url)
    except StoreError as exc:
        return [Check.failed(f"database {label} cannot be reached", str(exc))]
    return [
        Check.passed(f"database {label} is reachable"),
        await check_writable(url, label),
        check_schema(version or 0, latest_version(url)),
    ]


def not_created_yet(path: Path) -> Check:
    parent = nearest_existing(path.parent)
    if writable_folder(parent):
        return Check.passed(
            f"database {path} does not exist yet: it will be created at first start"
        )
    return Check.failed(
        f"database {path} cannot be created ({parent} is not writable by this user)",
        f"give this user write access to {parent} (chown or chmod), or set DATABASE_PATH to a "
        "writable place",
    )


def check_folder(folder: Path) -> Check:
    if writable_folder(folder):
        return Check.passed(f"database folder {folder} is writable")
    return Check.failed(
        f"database folder {folder} is not writable by this user (SQLite keeps its -wal and "
        "-shm files there)",
        f"give this user write access to {folder} (chown or chmod), or set DATABASE_PATH to a "
        "writable place",
    )


async def check_writable(target: Path | str, label: Path | str) -> Check:
    if isinstance(target, Path) and not os.access(target, os.W_OK):
        return Check.failed(
            f"database {label} cannot be written by this user",
            f"chmod 600 {target} as its owner, or run heroes-bot as the user who owns it",
        )
    try:
        probe = await probe_write(target)
    except StoreError as exc:
        return Check.failed(f"database {label} cannot be written", str(exc))
    if probe.busy:
        return Check.passed(
            f"database {label} is being written by another process (a running bot?); "
            "nothing stops this user writing it"
        )
    if not probe.writable:
        return Check.failed(
            f"database {label} cannot be written ({probe.reason})",
            "give the bot's user write access (for PostgreSQL: make it the database's owner, "
            "SECURITY.md)",
        )
    return Check.passed(f"database {label} can be written")


def check_schema(version: int, latest: int) -> Check:
    if version > latest:
        return Check.failed(
            f"database schema is at version {version}, newer than this heroes-bot's {latest}",
            "this database is from a newer heroes-bot: upgrade (in the checkout: git pull && "
            "make run; or reinstall from the newer wheel)",
        )
    if version < latest:
        return Check.passed(
            f"database schema is at version {version} of {latest}: it will be migrated at next "
            "start (take a backup first: heroes-bot backup)"
        )
    return Check.passed(f"database schema is current (version {version})")


async def check_integrity(path: Path) -> Check:
    problems = await asyncio.to_thread(sqlite_integrity, path)
    # One line: integrity_check's first finding, without its "*** in database main ***" heading.
    lines = [line for p in problems for line in p.splitlines() if not line.startswith("***")]
    if problems:
        first = lines[0] if lines else problems[0].strip()
        more = f", and {len(lines) - 1} more" if len(lines) > 1 else ""
        return Check.failed(f"database {path} is damaged (integrity_check: {first}{more})", RESTORE)
    return Check.passed("database integrity_check: ok")


def check_free_space(folder: Path, disk_free: DiskFree) -> Check:
    free = disk_free(folder)
    shown = f"{free / MEGABYTE:,.0f} MB"
    if free < MIN_FREE_BYTES:
        return Check.failed(
            f"only {shown} free in {folder}",
            f"free some space there (at least {MIN_FREE_BYTES // MEGABYTE} MB): SQLite needs "
            "room to write, and backups need as much again as the database",
        )
    return Check.passed(f"{shown} free in {folder}")
