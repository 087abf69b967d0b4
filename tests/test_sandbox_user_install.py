"""The sandbox's `where`: the person types from their DM with the bot, a group DM or a server
without the bot, through their own install of the app, as in Discord."""

from __future__ import annotations

from pathlib import Path

from tests.test_sandbox import _sandbox


def test_where_moves_the_prompt_to_places_only_a_user_install_reaches(tmp_path: Path) -> None:
    lines = [
        "where",
        "where group",
        "/film",
        "/settings",
        "where elsewhere",
        "/film",
        "where nowhere",
        "where server",
        "/about",
    ]
    result = _sandbox(lines, "sandbox", tmp_path=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "You are in: server. Go elsewhere with `where <place>`:" in out
    assert "(you are now in a group DM with a friend" in out
    in_group, _, elsewhere = out.partition("heroes [group DM]> where elsewhere")
    # The information commands answer there, publicly; the server ones are not offered.
    film = in_group.partition("heroes [group DM]> /film")[2].split("\nheroes")[0]
    assert "── heroes-bot" in film and "(only you can see this)" not in film
    assert "! /settings is not offered in group DMs and other DMs" in in_group
    # In a server without the bot, answers are private unless asked otherwise.
    film = elsewhere.partition("heroes [server without the bot]> /film")[2].split("\nheroes")[0]
    assert "── heroes-bot (only you can see this)" in film
    assert "! no place called 'nowhere'" in elsewhere
    assert "heroes> /about" in elsewhere  # back in the sandbox server
    assert "Traceback" not in out + result.stderr
