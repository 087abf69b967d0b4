"""The sandbox's right-click: say a message, then check it against the sources."""

from __future__ import annotations

from pathlib import Path

from tests.test_sandbox import _sandbox


def test_say_then_right_click_shows_what_the_sources_say(tmp_path: Path) -> None:
    result = _sandbox(
        [
            "right-click",
            "say I heard the sequel is filming already",
            "right-click Check against the source",
            "say my cat ate my homework",
            "right-click",
            "right-click Nope",
            "/help",
        ],
        "sandbox",
        tmp_path=tmp_path,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "! say something first" in out
    assert "WHAT THE STORED SOURCES SAY" in out and "already in the works" in out
    assert "The sources say nothing about this." in out
    assert "(only you can see this)" in out
    assert "! which menu? right-click Check against the source" in out
    assert "  right-click Check against the source" in out  # /help lists the menu
    assert "Traceback" not in out + result.stderr
