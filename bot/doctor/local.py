"""The checks that need no network: the settings, the token's shape, files and folders."""

from __future__ import annotations

import base64
import binascii
import os
import pwd
import re
from pathlib import Path

from bot.backups import owned_by_this_user, writable_by_others
from bot.config import Config, ConfigError, env_file_path, load_config, load_env_file

from .report import Check

RESET_TOKEN = (
    "copy the token again from https://discord.com/developers/applications "
    "(Bot > Reset Token) into DISCORD_TOKEN, without quotes or spaces"
)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
# Any access for the group or others: the .env holds the token, the database member ids.
SHARED_BITS = 0o077


def load_settings(explicit_env_file: str | None) -> tuple[Check, Config | None, Path | None]:
    """Read .env and the settings as `run` does; a ConfigError is the failed check itself.
    Returns the check, the settings (None when refused) and the .env file read (if any)."""
    try:
        env_file = load_env_file(explicit_env_file)
        settings = load_config()
    except ConfigError as exc:
        return Check.failed("settings are refused", str(exc)), None, None
    if env_file is None:
        source = f"from the environment (no .env file at {env_file_path(explicit_env_file)})"
    else:
        source = f"from {env_file}"
    return Check.passed(f"settings load {source}"), settings, env_file


def token_application_id(token: str) -> int | None:
    """The application id a bot token starts with (its first part, base64), or None."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    # A Discord id (snowflake): 17 to 20 digits.
    if not decoded.isdigit() or not 17 <= len(decoded) <= 20:
        return None
    return int(decoded)


def check_token(settings: Config) -> Check:
    if settings.token is None:
        return Check.failed(
            "DISCORD_TOKEN is not set",
            "paste your bot token from https://discord.com/developers/applications "
            "(Bot > Reset Token) into .env, or run `heroes-bot sandbox` to try the bot without one",
        )
    parts = settings.token.reveal().split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(part) for part in parts):
        return Check.failed(
            "DISCORD_TOKEN is not shaped like a bot token (three parts separated by dots)",
            RESET_TOKEN,
        )
    application_id = token_application_id(parts[0])
    if application_id is None:
        return Check.failed(
            "DISCORD_TOKEN: the token's first part is not your application id", RESET_TOKEN
        )
    return Check.passed(f"DISCORD_TOKEN has a bot token's shape (application id {application_id})")


def check_private_file(label: str, path: Path) -> Check:
    """`path` must be open to its owner only: ✗ with the chmod that fixes it."""
    mode = path.stat().st_mode & 0o777
    if mode & SHARED_BITS:
        return Check.failed(
            f"{label} {path} can be read by other users (mode {mode:o})", f"chmod 600 {path}"
        )
    return Check.passed(f"{label} {path} is private to its owner (mode {mode:o})")


def nearest_existing(path: Path) -> Path:
    """`path` itself or its closest folder that exists (where a missing one would be made)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def writable_folder(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def check_backup_dir(folder: Path) -> Check:
    if folder.exists() and not folder.is_dir():
        return Check.failed(
            f"BACKUP_DIR {folder} is a file", "point BACKUP_DIR at a folder (or remove the file)"
        )
    if writable_folder(folder):
        return Check.passed(f"BACKUP_DIR {folder} is writable")
    parent = nearest_existing(folder)
    if not folder.exists() and writable_folder(parent):
        return Check.passed(f"BACKUP_DIR {folder} will be created at the first backup")
    blocked = folder if folder.exists() else parent
    return Check.failed(
        f"BACKUP_DIR {folder} cannot be written ({blocked} is not writable by this user)",
        f"give this user write access to {blocked} (chown or chmod), or choose another BACKUP_DIR",
    )


def current_user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid with no name (a container's): chown takes the number
        return str(os.geteuid())


def check_backup_dir_safety(folder: Path) -> Check:
    """Whoever may write BACKUP_DIR may swap a backup for one of their own, which `heroes-bot
    restore` would then bring back: only the bot's user may own and write it."""
    info = folder.stat()
    mode = info.st_mode & 0o777
    if not owned_by_this_user(info):
        return Check.failed(
            f"BACKUP_DIR {folder} belongs to another user (uid {info.st_uid})",
            f"chown {current_user()} {folder} && chmod 700 {folder}",
        )
    if writable_by_others(info):
        return Check.failed(
            f"BACKUP_DIR {folder} can be written by other users (mode {mode:o})",
            f"chmod 700 {folder}",
        )
    return Check.passed(f"BACKUP_DIR {folder} is owned and written by this user only")


def backup_dir_checks(folder: Path) -> list[Check]:
    checks = [check_backup_dir(folder)]
    if folder.is_dir():
        checks.append(check_backup_dir_safety(folder))
    return checks


def offline_settings_checks(settings: Config, env_file: Path | None) -> list[Check]:
    """The token, the .env file's permissions and BACKUP_DIR (the database has its own)."""
    checks = [check_token(settings)]
    if env_file is not None and env_file.is_file():
        checks.append(check_private_file(".env file", env_file))
    if settings.backup_dir is not None:
        checks += backup_dir_checks(settings.backup_dir)
    return checks
