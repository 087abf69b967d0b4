"""Servers-only commands used from a DM, and option values Discord's client would not send: the
real bot on the emulator answers each with one clear sentence, never a traceback or a repr."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.policy import NOT_OWNER
from discord_emulator import ClientRefusal
from tests.e2e.harness import World, assert_clean, world
from tests.e2e.test_every_command import _leaves, _required

IN_A_SERVER = "This command works only in a server."


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


async def test_guild_only_commands_from_a_dm_answer_works_only_in_a_server(
    w: World, caplog: pytest.LogCaptureFixture
) -> None:
    dm = w.emu.state.dm_channel(w.fan)
    servers_only = [c for c in w.emu.synced_commands() if c.get("contexts") == [0]]
    assert {c["name"] for c in servers_only} >= {
        "sequel-admin",
        "quote-daily",
        "settings",
        "trivia",
    }
    tried = []
    with caplog.at_level(logging.WARNING):
        for command in servers_only:
            for name, options in _leaves(command):
                values = _required(options, w)
                # Discord's client does not offer these commands in a DM at all...
                with pytest.raises(ClientRefusal, match="not offered in DMs"):
                    await w.emu.slash(name, values, channel=dm, user=w.fan)
                # ...but a stale definition or a modified client can still send one.
                handle = await w.emu.slash(name, values, channel=dm, user=w.fan, forged=True)
                response = await handle.response()
                assert (response.content, response.ephemeral) == (IN_A_SERVER, True), name
                tried.append(name)
    assert {"sequel-admin unfollow", "sequel-admin following", "sequel-admin follow"} <= set(tried)
    # Suggestions can only be answered with suggestions: none, rather than an error.
    typed = {"channel": w.channel, "time": "09:00"}
    suggestions = await w.emu.autocomplete(
        "quote-daily set", "timezone", "par", typed, channel=dm, user=w.fan, forged=True
    )
    assert suggestions == []
    assert {"quote-daily set", "quote-daily off", "quote-daily show", "trivia play"} <= set(tried)
    assert [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(("bot", "cogs", "discord")) and r.levelno >= logging.ERROR
    ] == []


async def test_wrong_channel_type_reply_never_shows_a_python_object(w: World) -> None:
    voice = w.emu.state.add_channel(w.guild, "Lobby", type=2)
    owner = w.emu.app.owner
    with pytest.raises(ClientRefusal):  # the client's picker offers only text channels
        await w.emu.slash("sequel-admin follow", {"channel": voice}, user=owner)
    handle = await w.emu.slash("sequel-admin follow", {"channel": voice}, user=owner, forged=True)
    response = await handle.response()
    assert response.ephemeral
    assert response.content == "I can't use that channel for this option here: please pick another."


async def test_owner_only_command_refuses_a_non_owner_in_the_one_owner_wording(w: World) -> None:
    # The owner check was written twice in the sequel cog, each with its own wording; now
    # `@owner_only()` declares it and the tree's on_error answers NotOwner.
    handle = await w.emu.slash("sequel-admin post", {}, channel=w.channel, user=w.fan, forged=True)
    response = await handle.response()
    assert (response.content, response.ephemeral) == (NOT_OWNER, True)
    assert response.type == 4  # a message, not the modal (type 9)
