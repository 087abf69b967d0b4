"""Entry point: `python -m bot` / `heroes-bot` [run | sync | sandbox | news | feeds | backup |
restore | db | health | doctor] (health: exit status for a service check)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord

import bot
from bot.cli_backup import add_restore_parser, run_backup, run_restore
from bot.cli_db import add_parser as add_db_parser
from bot.cli_db import run as run_db
from bot.cli_doctor import add_parser as add_doctor_parser
from bot.cli_doctor import run as run_doctor
from bot.cli_feeds import add_parser as add_feeds_parser
from bot.cli_feeds import run as run_feeds
from bot.cli_health import add_parser as add_health_parser
from bot.cli_health import run as run_health
from bot.cli_news import add_parser as add_news_parser
from bot.cli_news import run as run_news
from bot.config import (
    ENV_FILE_VARIABLE,
    Config,
    ConfigError,
    check_database_path,
    configure_logging,
    load_config,
    load_env_file,
)
from bot.i18n import DEFAULT as DEFAULT_LOCALE
from bot.i18n import LOCALES
from bot.seed import SeedError
from bot.store import StoreError, StoreUnavailable

log = logging.getLogger("bot")
# Exit statuses: 2 means a setting, the token or the database must be fixed (a service manager
# should not restart: deploy/heroes-bot.service's RestartPreventExitStatus=2); 75 (sysexits'
# EX_TEMPFAIL) means the database could not be reached right now, worth restarting.
TRY_AGAIN = 75


class _VersionAction(argparse.Action):
    """argparse's own "version" action needs the text when the parser is built; the version is
    read from the installed metadata only when asked for (bot.__version__)."""

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {bot.__version__}")  # to stdout, as argparse's own does
        parser.exit()


def _sandbox_locale(code: str) -> str:
    """A locale the bot speaks, as Discord spells it; anything else is refused with the list."""
    if code not in LOCALES:
        raise argparse.ArgumentTypeError(f"the bot speaks {', '.join(LOCALES)}; no locale {code!r}")
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heroes-bot",
        description="A Discord bot about We Can Be Heroes and its sequel.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        help=f"read settings from this file instead of the project folder's .env "
        f"(or set {ENV_FILE_VARIABLE}); real environment variables win over it",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser(
        "run",
        help="connect to Discord and answer commands (the default)",
        description="Connect to Discord with DISCORD_TOKEN and answer slash commands until "
        "stopped (Ctrl-C). Without a token, in a terminal, it starts the sandbox instead.",
    )
    sub.add_parser(
        "sync",
        help="force a sync of the slash commands with Discord, then exit",
        description="Log in with DISCORD_TOKEN, send the slash command definitions to Discord "
        "(to DEV_GUILD_ID if set, else globally) and exit. `run` already syncs when the "
        "definitions changed; use this after Discord lost them or to force it.",
    )
    sandbox = sub.add_parser(
        "sandbox", help="try every command locally against a built-in Discord emulator, no token"
    )
    sandbox.add_argument(
        "--keep-data",
        action="store_true",
        help="use DATABASE_PATH itself instead of a throwaway copy",
    )
    sandbox.add_argument(
        "--locale",
        type=_sandbox_locale,
        default=DEFAULT_LOCALE,
        metavar="CODE",
        help=f"your Discord client's and the server's language ({DEFAULT_LOCALE} unless set): "
        + ", ".join(LOCALES),
    )
    backup = sub.add_parser(
        "backup",
        help="copy the database to a new file (safe while the bot runs)",
        description="Write a consistent copy of DATABASE_PATH to FILE with SQLite's online "
        "backup, readable by you only (0600), check it (integrity_check) and print its size "
        "and rows. The bot may keep running. FILE must not exist; without it: "
        "backups/heroes-<UTC time>.db beside the database.",
    )
    backup.add_argument("file", type=Path, metavar="FILE", nargs="?")
    add_restore_parser(sub)
    add_news_parser(sub)
    add_feeds_parser(sub)
    add_db_parser(sub)
    add_health_parser(sub)
    add_doctor_parser(sub)
    return parser


def _fail(message: str) -> int:
    print(f"heroes-bot: {message}", file=sys.stderr)
    return 2


def _run_sandbox(
    settings: Config,
    *,
    keep_data: bool,
    banner: str | None = None,
    locale: str = DEFAULT_LOCALE,
) -> int:
    # Imported here: the emulator behind the sandbox is never loaded when connecting to Discord.
    from bot.sandbox import run_sandbox

    return asyncio.run(run_sandbox(settings, keep_data=keep_data, banner=banner, locale=locale))


@asynccontextmanager
async def _news_store(settings: Config) -> AsyncIterator[object]:
    from bot.runner import seeded_store

    if not settings.postgres:
        check_database_path(settings.database_path)
    async with seeded_store(settings, report_level=logging.DEBUG) as store:
        yield store


def _news_or_feeds(command: str, args: argparse.Namespace, settings: Config) -> int:
    """`news` and `feeds`: the database folder and file are created only once the input was
    accepted (bot/cli_news.py, bot/cli_feeds.py check it first)."""
    log.debug("database: %s", settings.database_label)
    if command == "news":
        return run_news(args, lambda: _news_store(settings))
    return run_feeds(
        args,
        lambda: _news_store(settings),
        auto_publish=settings.feeds_auto_publish,
        max_failures=settings.feeds_max_failures,
    )


def _run_without_token(settings: Config) -> int:
    """`run` with no token: the sandbox at a terminal; a service is told what is missing."""
    if not sys.stdin.isatty():
        # A service (no terminal) has no one to type at a sandbox: say what is missing.
        settings.require_token()
    return _run_sandbox(
        settings,
        keep_data=False,
        banner="No DISCORD_TOKEN is configured, so this is the local SANDBOX: "
        "a built-in Discord emulator, no Discord account needed. "
        "Set DISCORD_TOKEN in .env to connect to Discord for real.",
    )


def _sync(settings: Config) -> int:
    """`sync`: force a command sync once and say what happened."""
    from bot.runner import UNREACHABLE, describe_unreachable, sync_once

    try:
        outcome = asyncio.run(sync_once(settings))
    except UNREACHABLE as exc:  # a one-off command: say so and stop, no traceback
        print(
            f"heroes-bot: can't reach Discord: {describe_unreachable(exc)}; try again later",
            file=sys.stderr,
        )
        return 1
    print(f"heroes-bot: commands {outcome}")
    return 0


def _backup_or_restore(command: str, settings: Config, file: Path | None) -> int:
    """SQLite only (bot/cli_backup.py); on PostgreSQL, PostgreSQL's own tools."""
    if command == "backup" and settings.postgres:
        return _fail(
            "backup copies the SQLite file; with DATABASE_URL on PostgreSQL use "
            f"pg_dump (README, Scaling): pg_dump --format=custom --file={file or 'heroes.dump'} "
            '"$DATABASE_URL"'
        )
    if command == "backup":
        return run_backup(settings.database_path, file)
    if settings.postgres:
        return _fail(
            "restore replaces the SQLite file; with DATABASE_URL on PostgreSQL use "
            f'pg_restore: pg_restore --clean --dbname="$DATABASE_URL" {file}'
        )
    return run_restore(settings.database_path, file or Path())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "doctor":  # before the settings load: a refused setting is one of its ✗ lines
        return run_doctor(args)
    try:
        # The project folder's .env (or --env-file); real environment variables win over it.
        load_env_file(args.env_file)
        settings = load_config()
        token = settings.token.reveal() if settings.token else ""
        configure_logging(
            settings.log_level,
            secrets=(token, *settings.database_secrets),
            log_format=settings.log_format,
        )
        if command in ("news", "feeds"):
            return _news_or_feeds(command, args, settings)
        if command == "health":  # reads the database, never creates it (bot/cli_health.py)
            return run_health(args, settings.database_target)
        if command == "db":  # names its databases itself (status defaults to the configured one)
            return run_db(args, settings.database_target)
        if command in ("backup", "restore"):
            return _backup_or_restore(command, settings, args.file)
        if not settings.postgres:
            check_database_path(settings.database_path)
        if command == "sandbox":
            log.debug("database: %s", settings.database_label)
            return _run_sandbox(settings, keep_data=args.keep_data, locale=args.locale)
        if command == "run" and not settings.has_token:
            return _run_without_token(settings)
        from bot.runner import run_bot

        settings.require_token()
        # Absolute: a second database created by mistake elsewhere shows at once in the log.
        log.info("database: %s", settings.database_label)
        if command == "sync":
            return _sync(settings)
        # Waits out a Discord that cannot be reached (one log line per attempt). SIGTERM and
        # Ctrl-C stop it cleanly (bot/shutdown.py) and it exits 0; a Ctrl-C before the handlers
        # are in place ends here as KeyboardInterrupt, below.
        asyncio.run(run_bot(settings, install_signal_handlers=True))
        return 0
    except StoreUnavailable as exc:  # e.g. PostgreSQL down: worth a retry (EX_TEMPFAIL)
        print(f"heroes-bot: {exc}", file=sys.stderr)
        return TRY_AGAIN
    except (ConfigError, StoreError, SeedError) as exc:
        return _fail(str(exc))
    except discord.LoginFailure:
        return _fail(
            "Discord rejected DISCORD_TOKEN: reset the token in the developer portal "
            "(Bot > Reset Token) and paste the new one into .env."
        )
    except KeyboardInterrupt:
        log.info("stopped")
        return 0


if __name__ == "__main__":
    sys.exit(main())
