"""`heroes-bot doctor`'s command line: its parser, and the checks (bot/doctor/) imported only
when it runs, so `heroes-bot run` never loads them."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO


def add_parser(sub: argparse._SubParsersAction) -> None:
    doctor_parser = sub.add_parser(
        "doctor",
        help="check the settings, the token, the database and files (--online: Discord too)",
        description="Check everything heroes-bot needs, one line each: ✓, or ✗ with the fix. "
        "Offline: the settings, the token's shape, the database (opens, writable, schema, "
        "integrity_check, free space) and file permissions. --online also logs in to Discord "
        "over HTTP (no gateway) and checks the application's intents and install settings, "
        "prints the invite link (and the user install link where User Install is on), and "
        "checks every followed and quote-of-the-day channel and news role. Changes nothing. "
        "Exit status 1 if anything is ✗.",
    )
    doctor_parser.add_argument(
        "--online", action="store_true", help="also check the application and servers on Discord"
    )


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    from bot.doctor import doctor

    return asyncio.run(doctor(args.env_file, online=args.online, out=out or sys.stdout))
