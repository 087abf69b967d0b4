"""/trivia, /settings and `private` end to end: the real bot on the Discord emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from discord_emulator import FakeClock
from tests.e2e.harness import World, assert_clean, world


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    # The emulator and the bot share a clock the tests advance: questions close without waiting.
    async with world(tmp_path / "heroes.db", clock=FakeClock()) as value:
        yield value
        assert_clean(value.emu)


async def test_trivia_many_members_at_once_twice_and_the_reveal(w: World) -> None:
    players = [w.emu.add_user(f"player{i}") for i in range(8)]
    handle = await w.emu.slash("trivia play", {"seconds": 30}, user=w.fan)
    question = await handle.wait_message()
    assert not (await handle.response()).ephemeral
    ids = [c["custom_id"] for row in question.components for c in row["components"]]
    assert len(ids) == 4
    presses = await asyncio.gather(
        *(w.emu.press(question, ids[i % 4], user=p) for i, p in enumerate(players)),
        *(w.emu.press(question, ids[0], user=p) for p in players),
    )
    replies = [await p.response() for p in presses]
    assert all(r.ephemeral for r in replies)
    assert sum(r.content.startswith("Locked in") for r in replies) == 8
    assert sum("already answered" in r.content for r in replies) == 8
    busy = await w.emu.slash("trivia play", user=w.other)
    assert "already running" in (await busy.response()).content

    clock = w.emu.clock
    assert isinstance(clock, FakeClock)
    clock.advance(30)  # the question's 30 seconds
    revealed = await w.emu.wait_until(
        lambda: (m := handle.original) is not None and "answer" in m.embeds[0]["title"] and m,
        5.0,
        "the reveal",
    )
    fields = {f["name"]: f["value"] for f in revealed.embeds[0]["fields"]}
    assert any(name.startswith("Who got it (2 of 8)") for name in fields)
    assert "Source:" in revealed.embeds[0]["footer"]["text"]
    assert all(c.get("disabled") for row in revealed.components for c in row["components"])

    board = await w.emu.slash("trivia leaderboard", user=players[0])
    embed = (await board.wait_message()).embeds[0]
    assert len(embed["description"].splitlines()) == 8
    forget = await w.emu.slash("trivia forget-me", user=players[0])
    assert (await forget.response()).ephemeral


async def test_server_default_and_private_option(w: World) -> None:
    handle = await w.emu.slash("settings", {"replies": "private"}, user=w.fan)
    assert (await handle.response()).ephemeral
    film = await w.emu.slash("film", user=w.other)
    assert (await film.response()).ephemeral
    public = await w.emu.slash("universe", {"private": False}, user=w.other)
    assert not (await public.response()).ephemeral
