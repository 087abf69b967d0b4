"""Typed, frozen settings read from the environment.

`.env` is loaded by `bot.__main__.main()` only, never at import time, so tests and
tools importing this module see exactly the environment they pass in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = Path("data/heroes.db")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable and the fix."""


class Secret:
    """A string that never shows itself in a repr, str or f-string."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    token: Secret | None = field(default=None, repr=False)
    database_path: Path = DEFAULT_DATABASE_PATH
    dev_guild_id: int | None = None
    owner_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    # Seconds discord.py waits after the last GUILD_CREATE before on_ready; tests lower it.
    guild_ready_timeout: float = 2.0
    # Sharding: None runs one plain connection; a count (and optionally this process's share
    # of the shard ids) runs discord.py's AutoShardedBot.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def has_token(self) -> bool:
        return bool(self.token)

    def require_token(self) -> Secret:
        if not self.token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot token "
                "from https://discord.com/developers/applications (Bot > Reset Token), "
                "or run `heroes-bot sandbox` to try the bot without one."
            )
        return self.token


def _snowflake(name: str, raw: str) -> int:
    text = raw.strip()
    if not text.isdigit() or not 15 <= len(text) <= 21:
        raise ConfigError(
            f"{name} must be a numeric Discord id (got {text!r}): in Discord enable "
            "Developer Mode, right-click and choose 'Copy ID'."
        )
    return int(text)


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: `os.environ`), raising ConfigError on bad input."""
    env = os.environ if env is None else env

    token_text = _optional(env, "DISCORD_TOKEN")
    if token_text is not None and (any(c.isspace() for c in token_text) or len(token_text) < 50):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token: copy it again from the developer "
            "portal (Bot > Reset Token), without quotes or spaces."
        )

    database = _optional(env, "DATABASE_PATH")
    database_path = Path(database).expanduser() if database else DEFAULT_DATABASE_PATH

    dev_guild = _optional(env, "DEV_GUILD_ID")
    owners_text = _optional(env, "OWNER_IDS")
    owner_ids = frozenset(
        _snowflake("OWNER_IDS", part) for part in (owners_text or "").split(",") if part.strip()
    )

    log_level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {log_level!r}).")

    ready_text = _optional(env, "GUILD_READY_TIMEOUT")
    try:
        ready_timeout = float(ready_text) if ready_text else 2.0
    except ValueError:
        ready_timeout = -1.0
    if not 0 <= ready_timeout <= 60:
        raise ConfigError(
            f"GUILD_READY_TIMEOUT must be a number of seconds from 0 to 60 (got {ready_text!r})."
        )

    shard_count, shard_ids = _shards(_optional(env, "SHARD_COUNT"), _optional(env, "SHARD_IDS"))

    return Settings(
        token=Secret(token_text) if token_text else None,
        database_path=database_path,
        dev_guild_id=_snowflake("DEV_GUILD_ID", dev_guild) if dev_guild else None,
        owner_ids=owner_ids,
        log_level=log_level,
        guild_ready_timeout=ready_timeout,
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


def _shards(
    count_text: str | None, ids_text: str | None
) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT=4 and SHARD_IDS=0,1 or 0-1 (this process's share of the shards)."""
    if count_text is None:
        if ids_text is not None:
            raise ConfigError("SHARD_IDS needs SHARD_COUNT too, e.g. SHARD_COUNT=4 SHARD_IDS=0-1.")
        return None, None
    if not count_text.isdigit() or not 1 <= int(count_text) <= 10_000:
        raise ConfigError(f"SHARD_COUNT must be a whole number from 1 up (got {count_text!r}).")
    count = int(count_text)
    if ids_text is None:
        return count, None
    ids: list[int] = []
    try:
        for part in ids_text.split(","):
            low, _, high = part.strip().partition("-")
            ids.extend(range(int(low), int(high or low) + 1))
    except ValueError:
        raise ConfigError(
            f"SHARD_IDS must list shard numbers like 0,1 or 0-3 (got {ids_text!r})."
        ) from None
    if not ids or any(not 0 <= i < count for i in ids) or len(set(ids)) != len(ids):
        raise ConfigError(
            f"SHARD_IDS must be distinct numbers from 0 to {count - 1} (SHARD_COUNT={count}); "
            f"got {ids_text!r}."
        )
    return count, tuple(sorted(ids))


def check_database_path(path: Path) -> None:
    """Fail early, with the fix, when the database file cannot be created or written."""
    target = path if path.is_absolute() else Path.cwd() / path
    if target.is_dir():
        raise ConfigError(
            f"DATABASE_PATH={path} is a directory: point it at a file, e.g. {path / 'heroes.db'}."
        )
    parent = target.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"DATABASE_PATH={path}: cannot create the folder {parent} ({exc.strerror}); "
                "choose a writable location."
            ) from None
    if not os.access(parent, os.W_OK | os.X_OK) or (
        target.exists() and not os.access(target, os.R_OK | os.W_OK)
    ):
        raise ConfigError(
            f"DATABASE_PATH={path} is not writable by this user: fix its permissions or "
            "choose a writable location."
        )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    # discord.py's gateway chatter is useful only when debugging the connection itself.
    if level != "DEBUG":
        logging.getLogger("discord.gateway").setLevel(logging.WARNING)
