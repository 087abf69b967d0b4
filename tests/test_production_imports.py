"""Connecting to Discord never loads the emulator (discord_emulator, bot.emulated) or sandbox,
nor what only another command or an optional setting uses (doctor, metrics, PostgreSQL, the
seed's parser and backups): each costs the start time and memory of every bot (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Loaded only by the command or setting that needs them: the sandbox and its emulator, `doctor`,
# METRICS_ADDR (prometheus_client), DATABASE_URL (asyncpg), a misspelt timezone or stage
# (difflib), BACKUP_DIR (bot.backups), a seed that changed since it was last applied or an
# update file (tomllib), --version (importlib.metadata). Babel: only the catalog tools and the
# sandbox's timestamps (a bot formats from bot/i18n/locale/formats.json).
NOT_FOR_RUN = (
    "babel",
    "bot.backups",
    "tomllib",
    "importlib.metadata",
    "discord_emulator",
    "bot.emulated",
    "bot.sandbox",
    "bot.doctor",
    "bot.metrics",
    "prometheus_client",
    "asyncpg",
    "difflib",
)
# The bot started by tests and the sandbox (no command line) likewise.
NOT_FOR_BOT = NOT_FOR_RUN


def loaded(modules: str, unwanted: tuple[str, ...]) -> str:
    """The `unwanted` modules loaded by importing `modules` and every extension."""
    code = (
        f"import sys, {modules}\n"
        "from bot.client import discover_extensions\n"
        "import importlib\n"
        "for name in discover_extensions(): importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({unwanted!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_run_command_does_not_import_what_only_other_commands_use() -> None:
    assert loaded("bot.__main__, bot.runner, bot.client", NOT_FOR_RUN) == "[]"


def test_the_bot_does_not_import_what_only_optional_settings_use() -> None:
    assert loaded("bot.config, bot.runner, bot.client", NOT_FOR_BOT) == "[]"


def test_the_benchmarks_bot_process_does_not_load_the_emulator() -> None:
    # The benchmark's bots talk to an emulator in another process: loading it in the bot
    # process too added about 7 MB and 0.1 s to both bots' figures, shrinking every ratio.
    assert loaded("bench.bot_process, bot.emulated", ("discord_emulator",)) == (
        "['discord_emulator', 'discord_emulator._redirect']"
    )
