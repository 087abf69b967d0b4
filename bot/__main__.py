"""Entry point: `python -m bot` / `heroes-bot` [run | sync | sandbox | news]."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import discord
from dotenv import find_dotenv, load_dotenv

from bot.cli_news import add_parser as add_news_parser
from bot.cli_news import run as run_news
from bot.seed import SeedError
from bot.settings import (
    ConfigError,
    Settings,
    check_database_path,
    configure_logging,
    load_settings,
)
from bot.store import StoreError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heroes-bot",
        description="A Discord bot about We Can Be Heroes and its sequel.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and answer commands (the default)")
    sub.add_parser("sync", help="force a sync of the slash commands with Discord, then exit")
    sandbox = sub.add_parser(
        "sandbox", help="try every command locally against a built-in Discord emulator, no token"
    )
    sandbox.add_argument(
        "--keep-data",
        action="store_true",
        help="use DATABASE_PATH itself instead of a throwaway copy",
    )
    add_news_parser(sub)
    return parser


def _fail(message: str) -> int:
    print(f"heroes-bot: {message}", file=sys.stderr)
    return 2


def _run_sandbox(settings: Settings, *, keep_data: bool, banner: str | None = None) -> int:
    # Imported here: the emulator behind the sandbox is never loaded when connecting to Discord.
    from bot.sandbox import run_sandbox

    return asyncio.run(run_sandbox(settings, keep_data=keep_data, banner=banner))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    # .env from the current folder (or a parent); real environment variables win over it.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = load_settings()
        check_database_path(settings.database_path)
        configure_logging(settings.log_level)
        if command == "news":
            from bot.runner import seeded_store

            return run_news(args, lambda: seeded_store(settings))
        if command == "sandbox":
            return _run_sandbox(settings, keep_data=args.keep_data)
        if command == "run" and not settings.has_token:
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
        from bot.runner import run_bot, sync_once

        if command == "sync":
            print(f"heroes-bot: commands {asyncio.run(sync_once(settings))}")
            return 0
        asyncio.run(run_bot(settings))
        return 0
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
