"""Trivia on the emulator: what the leaderboard shows of a hostile display name, and what a
member is told when their answer is the one that closes the question."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import ScoreEntry
from cogs.trivia import leaderboard_embed
from discord_emulator import FakeClock, InteractionHandle, Message, User
from tests.e2e.harness import World, assert_clean, world

HOSTILE = "\u202eevil\u202c <@123> <@!4> <#5> <@&6> <t:0:R> </trivia play:7> @everyone @here\nx"
PILLS = ("<@", "<#", "<t:", "</", "@everyone", "@here", "\u202e", "\u202c", "\n")


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    # The emulator and the bot share a clock the tests advance: questions close without waiting.
    async with world(tmp_path / "heroes.db", clock=FakeClock()) as value:
        yield value
        assert_clean(value.emu)


async def _play(w: World, user: User) -> tuple[InteractionHandle, Message, InteractionHandle]:
    """Ask a question and answer it rightly as `user`: (the question, its message, the answer)."""
    handle = await w.emu.slash("trivia play", {"seconds": 30}, user=user)
    question = await handle.wait_message()
    game = w.bot.get_cog("Trivia").games[w.channel.id]  # type: ignore[union-attr]
    right = question.components[0]["components"][game.question.answer]["custom_id"]
    answer = await w.emu.press(question, right, user=user)
    await answer.response()  # acknowledged before the test moves the clock
    return handle, question, answer


async def _reveal(w: World, handle: InteractionHandle, *, close: bool = True) -> Message:
    """The reveal; with `close`, after moving the clock past the question's 30 seconds."""
    if close:
        clock = w.emu.clock
        assert isinstance(clock, FakeClock)
        clock.advance(30)
    return await w.emu.wait_until(
        lambda: (m := handle.original) is not None and "answer" in m.embeds[0]["title"] and m,
        5.0,
        "the reveal",
    )


async def test_leaderboard_names_cannot_reverse_text_or_render_mention_pills(w: World) -> None:
    w.fan.global_name = HOSTILE
    handle, _, _ = await _play(w, w.fan)
    revealed = await _reveal(w, handle)
    board = await w.emu.slash("trivia leaderboard", user=w.fan)
    embed = (await board.wait_message()).embeds[0]
    (stored,) = await w.bot.store.trivia.leaderboard(w.guild.id)
    legacy = ScoreEntry(1, 1, HOSTILE, 1, 1, 1)  # a name stored before names were cleaned
    legacy_board = leaderboard_embed([legacy], legacy, players=1, where="here").to_dict()
    shown = [
        str(revealed.embeds[0]["fields"]),
        embed["description"],
        str(embed["fields"]),
        stored.display_name,
        legacy_board["description"],
    ]
    for text in shown:
        assert "evil" in text
        assert not [pill for pill in PILLS if pill in text], text


async def test_last_expected_answer_is_not_told_the_reveal_is_seconds_away(w: World) -> None:
    first, _, _ = await _play(w, w.fan)
    await _reveal(w, first)
    # The fan played the last question here, so the next one closes as soon as they answer.
    second, _, answer = await _play(w, w.fan)
    text = (await answer.response()).content or ""
    assert text.startswith("Locked in")
    assert "<t:" not in text and "revealed now" in text
    await _reveal(w, second, close=False)  # closed by that answer: the clock never moved
