"""The sandbox driven as a person would: lines typed on stdin, replies read on stdout."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
import unicodedata
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
    assert "heroes> /cast name: hold?\n  Boyd Hol" in out  # suggestions
    assert "PEDRO PASCAL" in out
    assert "[4] ›" in out and "JJ Dashnaw" in out  # pressing 4 turned the page
    assert "the powers of lava" in out  # the quote, its Markdown quote bar rendered
    assert "(only you can see this)" in out and "No quote matches" in out
    assert "! no command /nope" in out
    assert "! no such button" in out
    assert "Traceback" not in out + result.stderr
    assert out.rstrip().endswith("Bye.")  # Ctrl-D (end of input) leaves cleanly
    # A throwaway copy: the real database was never created.
    assert not (tmp_path / "heroes.db").exists()


def test_edit_and_try_again_reopens_the_refused_form_with_what_was_typed(tmp_path: Path) -> None:
    """Pressing "Edit and try again" under a refused /sequel-admin post opens the form again,
    filled in; fixing one field posts the update."""
    typed = ["/sequel-admin post", "Filming begins", "Cameras roll.", "not a link", "", ""]
    again = ["1", "", "", "https://variety.com/x", "", "filming"]
    result = _sandbox([*typed, *again, "/sequel news"], "sandbox", tmp_path=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    refused, _, retried = out.partition("Nothing was posted")
    assert "Source link · optional · at most" in refused  # the form, described
    assert "[1] Edit and try again" in retried
    second = retried.partition("heroes> 1\n")[2]
    assert "── form: Post a sequel update" in second
    assert "Headline [Enter keeps “Filming begins”, - clears]:" in second
    assert "Source link [Enter keeps “not a link”, - clears]: https://variety.com/x" in second
    assert "Update #2 added" in second and "FILMING BEGINS" in second
    assert "Traceback" not in out + result.stderr


def test_run_without_a_token_and_no_terminal_says_how_to_fix_it(tmp_path: Path) -> None:
    """A service started without a token (no terminal) stops with the fix, not a sandbox."""
    result = _sandbox(["exit"], tmp_path=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr and "sandbox" in result.stderr
    assert "Traceback" not in result.stderr


class Screen:
    """Just enough of a VT100 to read what a terminal shows: prompt_toolkit redraws its line
    with cursor moves, so the text on screen is not the bytes in order. Lines scrolled off the
    top are kept, so the whole session reads top to bottom."""

    _SEQUENCE = re.compile(
        r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b."
    )

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.history: list[str] = []
        self.lines = [[" "] * columns for _ in range(rows)]
        self.y = self.x = 0

    def _down(self) -> None:
        if self.y == self.rows - 1:
            self.history.append("".join(self.lines.pop(0)).rstrip())
            self.lines.append([" "] * self.columns)
        else:
            self.y += 1

    def _control(self, params: str, final: str) -> None:
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")]
        n = max(1, numbers[0])
        if final == "A":
            self.y = max(0, self.y - n)
        elif final == "B":
            self.y = min(self.rows - 1, self.y + n)
        elif final == "C":
            self.x = min(self.columns - 1, self.x + n)
        elif final == "D":
            self.x = max(0, self.x - n)
        elif final == "G":
            self.x = min(self.columns - 1, n - 1)
        elif final in "Hf":
            row, column = [*numbers, 0, 0][:2]
            self.y, self.x = min(self.rows, max(row, 1)) - 1, min(self.columns, max(column, 1)) - 1
        elif final == "J" and numbers[0] == 0:
            self.lines[self.y][self.x :] = [" "] * (self.columns - self.x)
            for line in self.lines[self.y + 1 :]:
                line[:] = [" "] * self.columns
        elif final == "K" and numbers[0] == 0:
            self.lines[self.y][self.x :] = [" "] * (self.columns - self.x)

    def feed(self, text: str) -> None:
        position = 0
        for match in [*self._SEQUENCE.finditer(text), None]:
            end = match.start() if match else len(text)
            for char in text[position:end]:
                if char == "\r":
                    self.x = 0
                elif char == "\n":
                    self._down()
                elif char == "\b":
                    self.x = max(0, self.x - 1)
                elif char >= " ":
                    if self.x >= self.columns:
                        self.x = 0
                        self._down()
                    self.lines[self.y][self.x] = char
                    self.x += 1 + (unicodedata.east_asian_width(char) in "WF")
            if match:
                if match.group(2):
                    self._control(match.group(1), match.group(2))
                position = match.end()

    def text(self) -> str:
        return "\n".join([*self.history, *("".join(line).rstrip() for line in self.lines)])


class Terminal:
    """The bot run in a pseudo-terminal, typed at and read as a person would.

    With `term="dumb"` the prompt only echoes; with a real terminal type (xterm) prompt_toolkit
    draws its full prompt, and `output` is the text with the control sequences removed.
    """

    def __init__(self, args: list[str], tmp_path: Path, term: str = "dumb") -> None:
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        env.update(PYTHONPATH=str(ROOT), DATABASE_PATH=str(tmp_path / "heroes.db"), TERM=term)
        # No one answers prompt_toolkit's cursor-position queries here, as a terminal would.
        env.update(PROMPT_TOOLKIT_NO_CPR="1")
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        self.full_screen = term != "dumb"
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
        self.raw = b""

    @property
    def output(self) -> bytes:
        """What was written (a dumb terminal), or what the screen shows, top to bottom."""
        if not self.full_screen:
            return self.raw
        screen = Screen(40, 200)  # replayed whole: a read may end inside a sequence
        screen.feed(self.raw.decode(errors="replace"))
        return screen.text().encode()

    def read_until(self, marker: bytes, start: int = 0, timeout: float = 60) -> int:
        """Read until `marker` appears at or after `start`; return the offset after it."""
        deadline = time.monotonic() + timeout
        while marker not in self.output[start:]:
            remaining = deadline - time.monotonic()
            assert remaining > 0, self.output.decode(errors="replace")[-2000:]
            ready, _, _ = select.select([self.leader], [], [], remaining)
            if ready:
                try:
                    self.raw += os.read(self.leader, 65536)
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
    """At a terminal (prompt_toolkit), Tab completes subcommands with the space after them, and
    option values from the bot's own autocomplete."""
    terminal = Terminal(["sandbox"], tmp_path, term="xterm-256color")
    try:
        # From the prompt on: the banner's command list also shows "/sequel-admin follow",
        # and a match there would type on before the completion was drawn (a slow start once
        # lost it).
        start = terminal.read_until(b"heroes>")
        terminal.type(b"/sequel-adm\t")  # one match: completed, with its space
        # (The screen's lines are read without their trailing spaces: the space itself is
        # proven by "following" below.)
        start = terminal.read_until(b"/sequel-admin", start) - len(b"/sequel-admin")
        terminal.type(b"follow\t")  # follow / following: the common part
        start = terminal.read_until(b"/sequel-admin follow", start)
        terminal.type(b"ing\r")  # only works if the space after the command was added
        start = terminal.read_until(b"does not follow the sequel news", start)
        terminal.type(b"/sequel st\t")
        start = terminal.read_until(b"/sequel status", start)
        terminal.type(b"\r")
        start = terminal.read_until(b"the sequel", start)  # the V2 card's heading
        terminal.type(b"/cast name: holdb\t")
        start = terminal.read_until(b"/cast name: Boyd Hol", start)
        terminal.type(b"\r")
        terminal.read_until(b"BOYD HOLDBROOK", start)
        terminal.type(b"\x04")  # Ctrl-D at an empty prompt leaves
        terminal.read_until(b"Bye.")
    finally:
        assert terminal.close() == 0


def test_background_output_goes_above_the_prompt_and_keeps_what_was_typed(
    tmp_path: Path,
) -> None:
    """A trivia answer revealed while a line is half typed is printed above the prompt, which
    is drawn again with the half-typed line, ready to go on."""
    terminal = Terminal(["sandbox"], tmp_path, term="xterm-256color")
    try:
        terminal.read_until(b"heroes>")
        terminal.type(b"/trivia play seconds: 10\r")
        start = terminal.read_until(b"(type a number to press a button)")
        terminal.type(b"/cast name: pedro pa")
        start = terminal.read_until(b"/cast name: pedro pa", start)
        start = terminal.read_until(b"Who got it", start, timeout=30)  # the reveal, ~10 s
        start = terminal.read_until(b"heroes> /cast name: pedro pa", start)
        terminal.type(b"scal\r")
        terminal.read_until(b"PEDRO PASCAL", start)
        terminal.type(b"\x04")
        terminal.read_until(b"Bye.")
    finally:
        assert terminal.close() == 0
