"""Connecting to Discord never loads the emulator (discord_emulator, bot.emulated) or sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_production_path_does_not_import_the_emulator() -> None:
    code = (
        "import sys, bot.__main__, bot.runner, bot.client\n"
        "from bot.client import discover_extensions\n"
        "import importlib\n"
        "for name in discover_extensions(): importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(('discord_emulator', 'bot.emulated', 'bot.sandbox'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"
