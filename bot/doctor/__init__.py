"""`heroes-bot doctor [--online]`: check what an admin gets wrong, one `✓`/`✗` line each with
the fix, exit 1 on any ✗. Offline: the settings, the token's shape, the database and file
permissions. --online: logs in over HTTP only (no gateway) and checks the application's
settings, prints the invite link (and the user install link where User Install is on), and
checks every followed and quote-of-the-day channel and news role.

Runs before anything else in main(): a setting refused is a ✗ line, not the usual exit 2, and
nothing is created, migrated or changed."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.config import Config

from .database import DiskFree, database_checks, free_bytes
from .local import load_settings, offline_settings_checks
from .report import Check, exit_status, render
from .traces import leaves_no_trace, leftover_check

__all__ = ["Check", "doctor"]


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
