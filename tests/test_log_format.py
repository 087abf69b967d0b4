"""LOG_FORMAT=json: one redacted JSON object a line, as main() configures logging."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, load_config
from bot.logging_setup import JsonFormatter
from tests.e2e.harness import world

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


class JsonLines(logging.Handler):
    """Every record as the JSON line LOG_FORMAT=json writes, formatted as it is emitted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def about(self, text: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if text in str(line["message"])]


# Loggers with a line inside an interaction (discord.py notes each answer it sends, at DEBUG:
# "Webhook ID <interaction id> with POST .../callback") and one outside (ready).
CAPTURED = ("discord.webhook.async_", "cogs.settings._cog", "bot.client")


@pytest.fixture
def captured() -> Iterator[JsonLines]:
    handler = JsonLines()
    loggers = [logging.getLogger(name) for name in CAPTURED]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def answer_lines(lines: JsonLines, interaction_id: int) -> list[dict[str, Any]]:
    return lines.about(f"Webhook ID {interaction_id} with POST")


async def test_a_command_handlers_log_lines_carry_its_guild_command_and_interaction(
    tmp_path: Path, captured: JsonLines
) -> None:
    async with world(tmp_path / "heroes.db") as w:
        owner = w.emu.app.owner
        handle = await w.emu.slash("settings", {"replies": "private"}, user=owner)
        await handle.response()
    context = {"guild": w.guild.id, "command": "settings", "interaction": handle.interaction.id}
    (said,) = captured.about("set replies to private")  # the command's own line
    assert {name: said.get(name) for name in context} == context
    (answered,) = answer_lines(captured, handle.interaction.id)  # discord.py's, while answering
    assert {name: answered.get(name) for name in context} == context


async def test_a_line_outside_any_interaction_carries_no_context(
    tmp_path: Path, captured: JsonLines
) -> None:
    async with world(tmp_path / "heroes.db") as w:
        await (await w.emu.slash("cast", user=w.fan)).response()
    (ready,) = captured.about("ready as")
    assert not {"guild", "command", "interaction"} & set(ready)


async def test_a_button_callbacks_log_lines_carry_its_interaction(
    tmp_path: Path, captured: JsonLines
) -> None:
    async with world(tmp_path / "heroes.db") as w:
        message = await (await w.emu.slash("cast", user=w.fan)).wait_message()
        ids = [c["custom_id"] for row in message.components for c in row["components"]]
        press = await w.emu.press(message, ids[3], user=w.fan)
        await press.response()
    (answered,) = answer_lines(captured, press.interaction.id)
    assert answered["interaction"] == press.interaction.id
    assert (answered["guild"], answered["command"]) == (w.guild.id, "button")


async def test_concurrent_interactions_keep_their_own_context(
    tmp_path: Path, captured: JsonLines
) -> None:
    async with world(tmp_path / "heroes.db") as w:
        # Sent together: the bot answers them at once, in tasks that interleave.
        handles = [
            await w.emu.slash("cast", {"name": name}, user=w.fan)
            for name in ("Pedro Pascal", "JJ Dashnaw", "Pedro Almodovar", "nobody")
        ]
        for handle in handles:
            await handle.response()
    for handle in handles:
        (answered,) = answer_lines(captured, handle.interaction.id)
        assert answered["interaction"] == handle.interaction.id
        assert answered["command"] == "cast"
