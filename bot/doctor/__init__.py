"""`heroes-bot doctor [--online]`: check what an admin gets wrong, one `✓`/`✗` line each with
the fix, exit 1 on any ✗. Offline: the settings, the token's shape, the database and file
permissions. --online: logs in over HTTP only (no gateway) and checks the application's
settings, the invite link, and every followed and quote-of-the-day channel and news role.

Runs before anything else in main(): a setting refused is a ✗ line, not the usual exit 2, and
nothing is created, migrated or changed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.config import Config

from .database import DiskFree, database_checks, free_bytes
from .local import load_settings, offline_settings_checks
from .report import Check, exit_status, render
from .traces import leaves_no_trace, leftover_check

__all__ = ["Check", "add_parser", "doctor", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    doctor_parser = sub.add_parser(
        "doctor",
        help="check the settings, the token, the database and files (--online: Discord too)",
        description="Check everything heroes-bot needs, one line each: ✓, or ✗ with the fix. "
        "Offline: the settings, the token's shape, the database (opens, writable, schema, "
        "integrity_check, free space) and file permissions. --online also logs in to Discord "
        "over HTTP (no gateway) and checks the application's intents and install settings, "
        "prints the invite link, and checks every followed and quote-of-the-day channel and "
        "news role. Changes nothing. Exit status 1 if anything is ✗.",
    )
    doctor_parser.add_argument(
        "--online", action="store_true", help="also check the application and servers on Discord"
    )


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    return asyncio.run(doctor(args.env_file, online=args.online, out=out or sys.stdout))


async def doctor(
    env_file: str | None, *, online: bool, out: TextIO, disk_free: DiskFree = free_bytes
) -> int:
    """Print each check as it is made; return the exit status."""
    settings_check, settings, env_path = load_settings(env_file)
    checks = [settings_check]
    render(checks, out)
    if settings is not None:
        with leaves_no_trace(None if settings.postgres else settings.database_path) as left:
            checks += await all_checks(
                settings, env_path, online=online, out=out, disk_free=disk_free
            )
        if left:
            checks.append(leftover_check(settings.database_path, left))
            render(checks[-1:], out)
    return exit_status(checks)


async def all_checks(
    settings: Config,
    env_path: Path | None,
    *,
    online: bool,
    out: TextIO,
    disk_free: DiskFree,
) -> list[Check]:
    """The checks after the settings', each printed as it is made."""
    checks = offline_settings_checks(settings, env_path)
    checks += await database_checks(settings, disk_free=disk_free)
    render(checks, out)
    if online:
        from .online import online_checks  # discord.py's client: only when asked

        found = await online_checks(settings)
        render(found, out)
        checks += found
    return checks
