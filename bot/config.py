"""The bot's own configuration, typed and frozen, read from the environment.

Per-server settings are something else: they live in the store (`store.settings`).

`.env` is loaded by `bot.__main__.main()` only, never at import time, so tests and
tools importing this module see exactly the environment they pass in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Locations(NamedTuple):
    folder: Path  # a relative DATABASE_PATH is taken from here, never the current folder
    env_file: Path
    database: Path


def default_locations(env: Mapping[str, str] | None = None, root: Path = PROJECT_ROOT) -> Locations:
    """Where `.env` and the default database live when nothing names them.

    A source checkout (pyproject.toml in `root`, the folder above the `bot` package) keeps
    them in the project: `.env` and `data/heroes.db`. An installed bot (pip, pipx, a wheel)
    has `root` inside site-packages, so both live in $HEROES_HOME, by default
    $XDG_DATA_HOME/heroes-bot or ~/.local/share/heroes-bot (created 0700 with the database,
    by check_database_path). DATABASE_URL, DATABASE_PATH, --env-file and HEROES_ENV_FILE win.
    """
    if (root / "pyproject.toml").is_file():
        return Locations(root, root / ".env", root / "data" / "heroes.db")
    env = os.environ if env is None else env
    xdg = env.get("XDG_DATA_HOME", "").strip()
    # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    chosen = env.get("HEROES_HOME", "").strip()
    home = Path(chosen).expanduser().absolute() if chosen else base / "heroes-bot"
    return Locations(home, home / ".env", home / "heroes.db")


# `heroes-bot news add` run from any folder must find the same database as the bot.
DEFAULT_DATABASE_PATH = default_locations().database
ENV_FILE_VARIABLE = "HEROES_ENV_FILE"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


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


class Config(msgspec.Struct, frozen=True):
    token: Secret | None = None  # a Secret: never shown in a repr
    database_path: Path = DEFAULT_DATABASE_PATH
    # DATABASE_URL=postgresql://...: the shared PostgreSQL database (None: the SQLite file at
    # database_path). A Secret: the URL may carry a password.
    database_url: Secret | None = None
    dev_guild_id: int | None = None
    owner_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    # LOG_FORMAT=json: one JSON object a line (bot/logging_setup.py JsonFormatter).
    log_format: str = "text"
    # Seconds discord.py waits after the last GUILD_CREATE before on_ready; tests lower it.
    guild_ready_timeout: float = 2.0
    # Sharding: None runs one plain connection; a count (and optionally this process's share
    # of the shard ids) runs discord.py's AutoShardedBot.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    # At ready, delete what is kept for servers that removed the bot while it was offline. The
    # sandbox turns it off: there the real bot sees only the emulator's servers, and with
    # --keep-data the live database's other servers must not be taken for departed ones.
    forget_departed_servers: bool = True
    # Write this process's heartbeat for `heroes-bot health`. The sandbox turns it off: its bot
    # is connected to the emulator, and on a live database (--keep-data) it would read as the
    # real bot being up.
    heartbeat: bool = True
    # BACKUP_DIR: a daily, rotated online backup of the SQLite file into this folder, keeping
    # the newest BACKUP_KEEP (bot/backups.py). None: no automatic backups.
    backup_dir: Path | None = None
    backup_keep: int = 7
    # METRICS_ADDR: serve Prometheus metrics on this (host, port) (bot/metrics.py). None: off.
    metrics_addr: tuple[str, int] | None = None
    # The feed watcher (cogs/feeds). FEEDS_AUTO_PUBLISH: publish new candidates of trusted feeds
    # without review (never a stage change); off, every candidate waits for an owner.
    feeds_auto_publish: bool = False
    # FEEDS_REVIEW_CHANNEL_ID: where review messages go; None: a DM to each owner.
    feeds_review_channel_id: int | None = None
    # FEEDS_MAX_FAILURES: a feed failing this many polls in a row is disabled, with the reason.
    feeds_max_failures: int = 8

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def postgres(self) -> bool:
        return self.database_url is not None

    @property
    def database_target(self) -> Path | str:
        """What the store is opened on: the SQLite file, or the PostgreSQL URL."""
        return self.database_url.reveal() if self.database_url else self.database_path

    @property
    def database_secrets(self) -> tuple[str, ...]:
        """What logs must never show of DATABASE_URL: its password (redacted like the token)."""
        if self.database_url is None:
            return ()
        from urllib.parse import unquote, urlsplit

        credentials = urlsplit(self.database_url.reveal()).netloc.rpartition("@")[0]
        password = credentials.partition(":")[2]
        return tuple(p for p in {password, unquote(password)} if len(p) >= 4)

    @property
    def database_label(self) -> str:
        """The database for messages and logs: the file, or the URL without its password."""
        if self.database_url is None:
            return str(self.database_path)
        from bot.store import redacted  # the store's one wording of a URL

        return redacted(self.database_url.reveal())

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


_COPY_ID = "in Discord enable Developer Mode, right-click it and choose 'Copy ID'."


def _snowflake(name: str, raw: str) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise ConfigError(f"{name} must be a Discord id, digits only (got {text!r}): {_COPY_ID}")
    # Discord ids encode their creation time since 2015: every real one has 17 to 20 digits.
    if len(text) < 17:
        raise ConfigError(
            f"{name}={text} is too short to be a Discord id (real ids have 17 to 20 digits, "
            f"this has {len(text)}): {_COPY_ID}"
        )
    if len(text) > 20 or int(text) >= 2**64:
        raise ConfigError(
            f"{name}={text[:24]}… is too long to be a Discord id (real ids have 17 to 20 "
            f"digits): {_COPY_ID}"
        )
    return int(text)


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def env_file_path(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The one `.env` file to read: `explicit` (--env-file), else $HEROES_ENV_FILE, else the
    default (the project folder's, or $HEROES_HOME's: see default_locations). Never a parent
    folder's: python-dotenv's find_dotenv would walk up from the current folder and pick up
    an unrelated project's secrets."""
    env = os.environ if env is None else env
    chosen = explicit or env.get(ENV_FILE_VARIABLE, "").strip() or None
    if chosen is None:
        return default_locations(env).env_file
    path = Path(chosen).expanduser()
    source = "--env-file" if explicit else ENV_FILE_VARIABLE
    if not path.is_file() and str(path) != os.devnull:
        raise ConfigError(f"{source}={chosen}: no such file; give the path of your .env file.")
    return path


def load_env_file(explicit: str | None = None) -> Path | None:
    """Load the `.env` file (real environment variables win); returns it if one was read."""
    from dotenv import load_dotenv  # only here: importing settings never reads a file

    path = env_file_path(explicit)
    if not path.is_file():
        return None
    load_dotenv(path, override=False)
    return path


def load_config(env: Mapping[str, str] | None = None, *, root: Path | None = None) -> Config:
    """Build settings from `env` (default: `os.environ`), raising ConfigError on bad input.

    A relative DATABASE_PATH is taken from `root` (default: default_locations's folder).
    """
    env = os.environ if env is None else env

    token_text = _optional(env, "DISCORD_TOKEN")
    if token_text is not None and (any(c.isspace() for c in token_text) or len(token_text) < 50):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token: copy it again from the developer "
            "portal (Bot > Reset Token), without quotes or spaces."
        )

    database_path, database_url = _database(
        _optional(env, "DATABASE_URL"), _optional(env, "DATABASE_PATH"), env, root
    )

    dev_guild = _optional(env, "DEV_GUILD_ID")
    owners_text = _optional(env, "OWNER_IDS")
    owner_ids = frozenset(
        _snowflake("OWNER_IDS", part) for part in (owners_text or "").split(",") if part.strip()
    )

    log_level, log_format = _logging(env)

    ready_timeout = _ready_timeout(_optional(env, "GUILD_READY_TIMEOUT"))
    shard_count, shard_ids = _shards(_optional(env, "SHARD_COUNT"), _optional(env, "SHARD_IDS"))
    backup_dir, backup_keep = _backups(
        _optional(env, "BACKUP_DIR"),
        _optional(env, "BACKUP_KEEP"),
        postgres=database_url is not None,
        folder=default_locations(env).folder if root is None else root,
    )

    auto_publish, review_channel, max_failures = _feeds(env)
    return Config(
        token=Secret(token_text) if token_text else None,
        database_path=database_path,
        database_url=database_url,
        dev_guild_id=_snowflake("DEV_GUILD_ID", dev_guild) if dev_guild else None,
        owner_ids=owner_ids,
        log_level=log_level,
        log_format=log_format,
        guild_ready_timeout=ready_timeout,
        shard_count=shard_count,
        shard_ids=shard_ids,
        backup_dir=backup_dir,
        backup_keep=backup_keep,
        metrics_addr=metrics_address(_optional(env, "METRICS_ADDR")),
        feeds_auto_publish=auto_publish,
        feeds_review_channel_id=review_channel,
        feeds_max_failures=max_failures,
    )


def _ready_timeout(ready_text: str | None) -> float:
    """GUILD_READY_TIMEOUT: seconds, 0 to 60 (default 2)."""
    try:
        ready_timeout = float(ready_text) if ready_text else 2.0
    except ValueError:
        ready_timeout = -1.0
    if not 0 <= ready_timeout <= 60:
        raise ConfigError(
            f"GUILD_READY_TIMEOUT must be a number of seconds from 0 to 60 (got {ready_text!r})."
        )
    return ready_timeout


def _logging(env: Mapping[str, str]) -> tuple[str, str]:
    """LOG_LEVEL and LOG_FORMAT."""
    log_level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {log_level!r}).")
    log_format = (_optional(env, "LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(
            f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)} (got {log_format!r})."
        )
    return log_level, log_format


_SQLITE_URL = "sqlite:///"
_POSTGRES_URLS = ("postgresql://", "postgres://")


def _database(
    url: str | None, path: str | None, env: Mapping[str, str], root: Path | None
) -> tuple[Path, Secret | None]:
    """DATABASE_URL (sqlite:///file or postgresql://...) or DATABASE_PATH (a SQLite file)."""
    places = default_locations(env)
    default = places.database
    if url is not None and path is not None:
        raise ConfigError(
            "DATABASE_URL and DATABASE_PATH are both set: keep one (DATABASE_URL=sqlite:///"
            f"{path} is the same as DATABASE_PATH={path})."
        )
    if url is not None and url.startswith(_POSTGRES_URLS):
        return default, Secret(url)
    if url is not None:
        if not url.startswith(_SQLITE_URL) or url == _SQLITE_URL:
            shown = url.split("@")[-1] if "@" in url else url  # never echo a password
            raise ConfigError(
                f"DATABASE_URL must be sqlite:///path/to/heroes.db or "
                f"postgresql://user:password@host:5432/database (got {shown!r})."
            )
        path = url.removeprefix(_SQLITE_URL)
    database_path = Path(path).expanduser() if path else default
    if not database_path.is_absolute():
        database_path = (places.folder if root is None else root) / database_path
    return database_path, None


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


def _backups(
    folder_text: str | None, keep_text: str | None, *, postgres: bool, folder: Path
) -> tuple[Path | None, int]:
    """BACKUP_DIR (a folder, relative to the project or HEROES_HOME) and BACKUP_KEEP (1-365)."""
    keep = 7
    if keep_text is not None:
        if not keep_text.isdigit() or not 1 <= int(keep_text) <= 365:
            raise ConfigError(
                f"BACKUP_KEEP must be how many daily backups to keep, 1 to 365 (got {keep_text!r})."
            )
        keep = int(keep_text)
        if folder_text is None:
            raise ConfigError("BACKUP_KEEP needs BACKUP_DIR too, e.g. BACKUP_DIR=backups.")
    if folder_text is None:
        return None, keep
    if postgres:
        raise ConfigError(
            "BACKUP_DIR backs up the SQLite file; with DATABASE_URL on PostgreSQL schedule "
            "pg_dump instead (README, Running it for real), and remove BACKUP_DIR."
        )
    chosen = Path(folder_text).expanduser()
    return (chosen if chosen.is_absolute() else folder / chosen), keep


def _feeds(env: Mapping[str, str]) -> tuple[bool, int | None, int]:
    """FEEDS_AUTO_PUBLISH (true/false), FEEDS_REVIEW_CHANNEL_ID (a channel id) and
    FEEDS_MAX_FAILURES (1-100, default 8): the feed watcher's settings."""
    publish_text = _optional(env, "FEEDS_AUTO_PUBLISH")
    # Strict: a typo such as "ture" or "on" must not quietly publish without review.
    if publish_text is not None and publish_text.lower() not in ("true", "false"):
        raise ConfigError(
            f"FEEDS_AUTO_PUBLISH must be true or false (got {publish_text!r}); true publishes "
            "new items of trusted feeds without review."
        )
    channel_text = _optional(env, "FEEDS_REVIEW_CHANNEL_ID")
    failures_text = _optional(env, "FEEDS_MAX_FAILURES")
    if failures_text is not None and (
        not failures_text.isascii()
        or not failures_text.isdigit()
        or not 1 <= int(failures_text) <= 100
    ):
        raise ConfigError(
            "FEEDS_MAX_FAILURES must be how many failed polls in a row disable a feed, 1 to 100 "
            f"(got {failures_text!r})."
        )
    return (
        publish_text is not None and publish_text.lower() == "true",
        _snowflake("FEEDS_REVIEW_CHANNEL_ID", channel_text) if channel_text else None,
        int(failures_text) if failures_text else 8,
    )


def metrics_address(text: str | None) -> tuple[str, int] | None:
    """METRICS_ADDR: a port (9108, served on 127.0.0.1 only) or host:port ([::1]:9108 for IPv6;
    0.0.0.0:9108 opens it to the network, which must then be firewalled)."""
    if text is None:
        return None
    host, colon, port = text.rpartition(":")
    if not colon:
        host, port = "127.0.0.1", text
    host = host.strip("[]") if host.startswith("[") and host.endswith("]") else host
    if not port.isdigit() or not 1 <= int(port) <= 65535 or not host or " " in host:
        raise ConfigError(
            f"METRICS_ADDR must be a port like 9108 (served on 127.0.0.1) or host:port like "
            f"127.0.0.1:9108 (got {text!r}); leave it empty to serve no metrics."
        )
    return host, int(port)


def check_database_path(path: Path) -> None:
    """Fail early, with the fix, when the database file cannot be created or written."""
    target = path if path.is_absolute() else PROJECT_ROOT / path
    if target.is_dir():
        raise ConfigError(
            f"DATABASE_PATH={path} is a directory: point it at a file, e.g. {path / 'heroes.db'}."
        )
    parent = target.parent
    if not parent.exists():
        try:
            make_private_folder(parent)
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


def make_private_folder(folder: Path) -> None:
    """Create `folder` and any missing parents readable by this user only (0700): the
    database holds server and member ids."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        candidate.mkdir(mode=0o700, exist_ok=True)
        candidate.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened


def configure_logging(level: str, secrets: tuple[str, ...] = (), log_format: str = "text") -> None:
    from bot.logging_setup import JsonFormatter, install_redaction

    handlers = None
    if log_format == "json":
        handlers = [logging.StreamHandler()]
        handlers[0].setFormatter(JsonFormatter())
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
        handlers=handlers,
    )
    # Interaction tokens and the bot token never reach a log line, whatever the level.
    install_redaction(secrets)
    # discord.py's gateway chatter is useful only when debugging the connection itself (set
    # both ways: configuring again, at DEBUG, must bring it back).
    gateway_level = logging.NOTSET if level == "DEBUG" else logging.WARNING
    logging.getLogger("discord.gateway").setLevel(gateway_level)
