"""LOG_FORMAT=json: one redacted JSON object a line, as main() configures logging."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-database-password"
BOT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"

# The logging a running bot does, configured as main() configures it.
PROGRAM = f"""
import logging
from bot.config import configure_logging
configure_logging("INFO", secrets=({SECRET!r},), log_format="json")
log = logging.getLogger("bot.tree")
log.info("connected with %s", {SECRET!r})
context = {{"guild": 42, "command": "cast", "interaction": 7}}
log.warning("route /interactions/123/{BOT_TOKEN}/callback", extra=context)
try:
    raise RuntimeError("token {BOT_TOKEN}")
except RuntimeError:
    log.exception("command failed")
"""


def _json_lines() -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "LOG_LEVEL")}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert SECRET not in done.stderr and BOT_TOKEN not in done.stderr
    return [json.loads(line) for line in done.stderr.splitlines()]


def test_json_logs_are_one_object_a_line_with_the_known_context() -> None:
    first, second, third = _json_lines()
    assert first["level"] == "INFO" and first["logger"] == "bot.tree"
    assert str(first["time"]).endswith("+00:00")
    assert first["message"] == "connected with [redacted]"
    assert "guild" not in first and "exception" not in first
    assert (second["guild"], second["command"], second["interaction"]) == (42, "cast", 7)
    assert second["message"] == "route /interactions/123/[redacted]/callback"
    assert third["message"] == "command failed"
    assert "RuntimeError: token [redacted]" in str(third["exception"])


def test_log_format_defaults_to_text_and_accepts_json() -> None:
    assert load_config({}).log_format == "text"
    assert load_config({"LOG_FORMAT": "JSON"}).log_format == "json"


def test_an_unknown_log_format_is_a_one_line_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"LOG_FORMAT": "yaml"})
    assert str(caught.value) == "LOG_FORMAT must be one of text, json (got 'yaml')."
