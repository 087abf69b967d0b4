"""The sandbox driven as a person would: lines typed on stdin, replies read on stdout."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.sandbox._parse import ParseError, convert, parse

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = [
    {
        "name": "cast",
        "type": 1,
        "description": "d",
        "options": [{"name": "name", "type": 3, "description": "d", "autocomplete": True}],
    },
    {
        "name": "sequel",
        "type": 1,
        "description": "d",
        "options": [
            {"name": "news", "type": 1, "description": "d", "options": []},
            {
                "name": "follow",
                "type": 1,
                "description": "d",
                "options": [{"name": "channel", "type": 7, "description": "d", "required": True}],
            },
        ],
    },
    {
        "name": "trivia",
        "type": 1,
        "description": "d",
        "options": [{"name": "seconds", "type": 4, "description": "d"}],
    },
]


def test_parse_options_and_subcommands() -> None:
    inv = parse("/cast name: pedro pascal", COMMANDS)
    assert (inv.full_name, inv.options) == ("cast", {"name": "pedro pascal"})
    inv = parse("/cast name: NEAR: (x) ?", COMMANDS)
    assert inv.wants_suggestions and inv.options == {"name": "NEAR: (x)"}
    assert parse("/sequel news", COMMANDS).full_name == "sequel news"
    inv = parse("/trivia seconds: 15", COMMANDS)
    assert convert(inv, {}) == {"seconds": 15}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("cast", "start with /"),
        ("/", "type a command"),
        ("/nope", "no command /nope"),
        ("/sequel", "needs one of: news, follow"),
        ("/cast pedro", "name: value"),
        ("/sequel news extra: 1", "takes no options"),
    ],
)
def test_parse_errors_explain(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(line, COMMANDS)


def test_convert_errors_explain() -> None:
    with pytest.raises(ParseError, match="must be a number"):
        convert(parse("/trivia seconds: soon", COMMANDS), {})
    with pytest.raises(ParseError, match="needs: channel"):
        convert(parse("/sequel follow", COMMANDS), {7: int})


def _sandbox(lines: list[str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), DATABASE_PATH=str(tmp_path / "heroes.db"))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="\n".join(lines) + "\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sandbox_session(tmp_path: Path) -> None:
    result = _sandbox(
        [
            "/help",
            "/cast name: hold?",
            "/cast name: pedro",
            "/cast",
            "4",
            "/quote search: lava",
            '/quote search: NEAR( " *',
            "/nope",
            "9",
        ],
        "sandbox",
        tmp_path=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Sandbox ready" in out
    assert "/cast [name: <text>]" in out  # /help lists the synced commands
    assert "Boyd Holbrook (printed “Boyd Holdbrook”)" in out  # suggestions
    assert "PEDRO PASCAL" in out and "top-billed star" in out
    assert "[4] ›" in out and "JJ Dashnaw" in out  # pressing 4 turned the page
    assert "ROBERT RODRIGUEZ SAID" in out
    assert "(only you can see this)" in out and "No quote matches" in out
    assert "! no command /nope" in out
    assert "! no such button" in out
    assert "Traceback" not in out + result.stderr
    assert out.rstrip().endswith("Bye.")  # Ctrl-D (end of input) leaves cleanly
    # A throwaway copy: the real database was never created.
    assert not (tmp_path / "heroes.db").exists()


def test_run_without_a_token_and_no_terminal_says_how_to_fix_it(tmp_path: Path) -> None:
    """A service started without a token (no terminal) stops with the fix, not a sandbox."""
    result = _sandbox(["exit"], tmp_path=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr and "sandbox" in result.stderr
    assert "Traceback" not in result.stderr


class Terminal:
    """The bot run in a pseudo-terminal, typed at and read as a person would."""

    def __init__(self, args: list[str], tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        env.update(PYTHONPATH=str(ROOT), DATABASE_PATH=str(tmp_path / "heroes.db"), TERM="dumb")
        self.leader, follower = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            cwd=tmp_path,
            close_fds=True,
        )
        os.close(follower)
        self.output = b""

    def read_until(self, marker: bytes, start: int = 0, timeout: float = 60) -> int:
        """Read until `marker` appears at or after `start`; return the offset after it."""
        deadline = time.monotonic() + timeout
        while marker not in self.output[start:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, self.output.decode(errors="replace")[-2000:]
            ready, _, _ = select.select([self.leader], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.leader, 65536)
                except OSError:
                    break
        return self.output.index(marker, start) + len(marker)

    def type(self, text: bytes) -> None:
        os.write(self.leader, text)

    def close(self) -> int:
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.leader)


def test_make_run_without_a_token_opens_the_sandbox_with_a_banner(tmp_path: Path) -> None:
    terminal = Terminal([], tmp_path)
    try:
        terminal.read_until(b"No DISCORD_TOKEN is configured")
        terminal.read_until(b"heroes> ")
        terminal.type(b"exit\n")
        terminal.read_until(b"Bye.")
    finally:
        assert terminal.close() == 0


def test_tab_completion_in_a_terminal(tmp_path: Path) -> None:
    """In a pseudo-terminal, Tab completes an option from the bot's autocomplete."""
    terminal = Terminal(["sandbox"], tmp_path)
    try:
        terminal.read_until(b"heroes> ")
        terminal.type(b"/cast name: holdb\t")
        terminal.read_until(b"Holdbrook")
        terminal.type(b"\n")
        card = terminal.read_until(b"BOYD HOLBROOK")
        terminal.read_until(b"heroes> ", card)
        terminal.type(b"\x04")  # Ctrl-D at an empty prompt leaves
        terminal.read_until(b"Bye.")
    finally:
        assert terminal.close() == 0
