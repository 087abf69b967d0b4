"""Every command the bot syncs, invoked through the emulator: each is answered once, in time,
without breaking a Discord rule, by members and by the server's owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import World, assert_clean, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


def _leaves(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(full command name, its options) for every invocable command or subcommand."""
    out: list[tuple[str, list[dict[str, Any]]]] = []

    def walk(node: dict[str, Any], path: str) -> None:
        options = node.get("options", [])
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            out.append((path, options))
        for sub in subs:
            walk(sub, f"{path} {sub['name']}")

    walk(command, command["name"])
    return out


def _required(options: list[dict[str, Any]], w: World) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required"):
            continue
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif option["type"] == 3:
            values[option["name"]] = "09:00" if option["name"] == "time" else "pedro"
        elif option["type"] == 7:
            values[option["name"]] = w.channel
        elif option["type"] in (4, 10):
            values[option["name"]] = option.get("min_value", 1)
        elif option["type"] == 5:
            values[option["name"]] = False
        else:
            raise AssertionError(f"no plain value for option type {option['type']}")
    return values


async def test_every_command_answers_members_and_the_owner(w: World) -> None:
    slash = [c for c in w.emu.synced_commands() if c.get("type", 1) == 1]
    leaves = [leaf for command in slash for leaf in _leaves(command)]
    names = {name for name, _ in leaves}
    assert {"cast", "quote", "sequel status", "sequel news", "film", "universe", "about"} <= names
    owner = w.emu.app.owner  # also the server's owner: Manage Server and OWNER_IDS both hold
    for user in (w.fan, owner):
        for name, options in leaves:
            channel = w.emu.add_channel(w.guild, f"c-{len(w.guild.channels)}")
            handle = await w.emu.slash(
                name, _required(options, w), user=user, guild=w.guild, channel=channel
            )
            response = await handle.response()
            assert response.type in (4, 5, 9), (name, user.username, response.body)
            if response.type == 5:
                await handle.wait_message(timeout=5)
    assert len(w.emu.state.interactions) == 2 * len(leaves)


async def test_every_message_command_answers_members_and_the_owner(w: World) -> None:
    menus = [c["name"] for c in w.emu.synced_commands() if c.get("type") == 3]
    assert "Check against the source" in menus
    owner = w.emu.app.owner
    posted = w.emu.member_says("Is the sequel already filming?", user=w.other, channel=w.channel)
    for user in (w.fan, owner):
        for name in menus:
            handle = await w.emu.right_click(posted, name, user=user)
            response = await handle.response()
            assert response.type in (4, 5), (name, user.username, response.body)
            if response.type == 5:
                await handle.wait_message(timeout=5)
    assert len(w.emu.state.interactions) == 2 * len(menus)
