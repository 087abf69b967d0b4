"""/trivia through the real cog with strict fakes: buttons pressed at once, twice, too late.

The bot runs on a ManualClock (tests/conftest.py): a question closes when the test advances the
clock past its seconds, never by waiting on the wall clock."""

from __future__ import annotations

import asyncio
import random

import discord
import pytest

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.cooldowns import PublicCooldownError
from cogs.trivia import Trivia, TriviaGame  # for annotations only
from tests.discord_limits import refused_by_discord
from tests.fakes import FakeInteraction, FakeUser, Sent


@pytest.fixture
def cog(bot: HeroesBot) -> Trivia:
    # Extensions are re-imported per bot, so compare by name, not class identity.
    trivia = bot.get_cog("Trivia")
    assert type(trivia).__name__ == "Trivia"
    trivia.rng = random.Random(5)
    return trivia


def _sub(bot: HeroesBot, name: str) -> discord.app_commands.Command:
    group = bot.tree.get_command("trivia")
    assert isinstance(group, discord.app_commands.Group)
    command = group.get_command(name)
    assert isinstance(command, discord.app_commands.Command)
    return command


async def _call(bot: HeroesBot, name: str, interaction: FakeInteraction, **options: object):
    command = _sub(bot, name)
    await command.callback(command.binding, interaction, **options)  # type: ignore[arg-type]
    return interaction


async def _play(
    bot: HeroesBot, cog: Trivia, *, seconds: int = 10, channel_id: int = 777, user_id: int = 1
) -> tuple[FakeInteraction, TriviaGame]:
    interaction = FakeInteraction(FakeUser(user_id, f"host{user_id}"), channel_id=channel_id)
    await _call(bot, "play", interaction, seconds=seconds)
    sent = interaction.sent[0]
    assert sent.kind == "send_message" and not sent.ephemeral
    assert refused_by_discord(sent.embeds[0]) == []
    return interaction, cog.games[channel_id]


async def _press(game: TriviaGame, user: FakeUser, choice: int) -> Sent:
    interaction = FakeInteraction(user)
    await game.view.buttons[choice].callback(interaction)
    assert len(interaction.sent) == 1
    return interaction.sent[0]


def _reveal(interaction: FakeInteraction) -> discord.Embed:
    edits = [s for s in interaction.sent if s.kind == "edit_original" and s.embeds]
    embed = edits[-1].embeds[0]
    assert refused_by_discord(embed) == []
    return embed


async def test_several_members_answer_at_once_and_each_scores_once(
    bot: HeroesBot, cog: Trivia
) -> None:
    interaction, game = await _play(bot, cog, seconds=120)
    question = game.question
    wrong = (question.answer + 1) % 4
    users = [FakeUser(100 + i, f"fan{i}") for i in range(30)]
    replies = await asyncio.gather(
        *(_press(game, u, question.answer if i % 3 else wrong) for i, u in enumerate(users)),
        *(_press(game, u, wrong) for u in users),  # everyone presses twice, at once
    )
    locked = [r for r in replies if r.content.startswith("Locked in")]
    twice = [r for r in replies if "already answered" in r.content]
    assert len(locked) == 30 and len(twice) == 30
    assert all(r.ephemeral for r in replies)
    await game.close()
    embed = _reveal(interaction)
    fields = {f.name: f.value for f in embed.fields}
    right = [f"fan{i}" for i in range(30) if i % 3]
    assert fields["Answer"].startswith(f"**{'ABCD'[question.answer]}**")
    assert fields[f"Who got it ({len(right)} of 30)"].count("fan") == len(right)
    assert "From the article" in fields and "Source:" in embed.footer.text
    board = await bot.store.trivia.leaderboard(4242, 100)
    assert sum(e.points for e in board) == len(right)
    assert sum(e.answered for e in board) == 30
    assert all(item.disabled for item in game.view.children)
    assert 777 not in cog.games


async def test_a_member_answering_twice_is_told_so(bot: HeroesBot, cog: Trivia) -> None:
    _, game = await _play(bot, cog, seconds=120)
    fan = FakeUser(5, "fan")
    first = await _press(game, fan, 0)
    second = await _press(game, fan, 1)
    assert first.ephemeral and first.content.startswith("Locked in: **A**")
    assert second.ephemeral and "already answered" in second.content
    await game.close()
    entry = await bot.store.trivia.standing(4242, 5)
    assert entry is not None and entry.answered == 1


async def test_timeout_reveals_answer_winners_and_source(
    bot: HeroesBot, cog: Trivia, clock: ManualClock
) -> None:
    interaction, game = await _play(bot, cog, seconds=10)
    await _press(game, FakeUser(7, "**Speedy**"), game.question.answer)
    await clock.advance(9.9)
    assert not game.closed  # open for its full 10 seconds of the bot's clock
    await clock.advance(0.1)
    await asyncio.wait_for(game.wait_closed(), timeout=2)  # a guard: it has closed already
    assert game.closed and 777 not in cog.games
    embed = _reveal(interaction)
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Who got it (1 of 1)"] == "\\*\\*Speedy\\*\\*"  # plain, escaped, no ping
    assert game.question.excerpt[:40] in fields["From the article"]
    assert game.question.source.title in embed.footer.text
    late = await _press(game, FakeUser(8, "late"), 0)
    assert late.ephemeral and "closed" in late.content


async def test_nobody_answering_is_said_plainly(
    bot: HeroesBot, cog: Trivia, clock: ManualClock
) -> None:
    interaction, game = await _play(bot, cog, seconds=10)
    await clock.advance(10)
    await asyncio.wait_for(game.wait_closed(), timeout=2)
    fields = {f.name: f.value for f in _reveal(interaction).fields}
    assert fields["Who got it"] == "Nobody answered this time."


async def test_one_question_at_a_time_per_channel(bot: HeroesBot, cog: Trivia) -> None:
    _, game = await _play(bot, cog, seconds=120)
    again = await _call(bot, "play", FakeInteraction(FakeUser(2, "b")), seconds=30)
    refusal = again.sent[0]
    assert refusal.ephemeral and "already running in this channel" in refusal.content
    assert game.message is not None and game.message.jump_url in refusal.content
    # Another channel may have its own.
    _, other = await _play(bot, cog, seconds=120, channel_id=778, user_id=3)
    assert other is not game
    await game.close()
    await other.close()
    _, third = await _play(bot, cog, seconds=120, user_id=4)
    await third.close()


async def test_closes_early_once_last_questions_players_have_answered(
    bot: HeroesBot, cog: Trivia
) -> None:
    _, first = await _play(bot, cog, seconds=120)
    a, b = FakeUser(11, "a"), FakeUser(12, "b")
    await _press(first, a, 0)
    await _press(first, b, 1)
    await first.close()
    _, second = await _play(bot, cog, seconds=120, user_id=2)
    assert second.expected == {11, 12}
    await _press(second, a, 0)
    assert not second.closed
    await _press(second, b, 0)
    await asyncio.wait_for(second.wait_closed(), timeout=2)
    assert second.closed  # the clock never moved: long before its 120 seconds


async def test_answer_count_is_refreshed_while_open(
    bot: HeroesBot, cog: Trivia, clock: ManualClock
) -> None:
    interaction, game = await _play(bot, cog, seconds=120)
    await _press(game, FakeUser(21, "x"), 0)
    await clock.advance(1.9)
    assert not [s for s in interaction.sent if s.kind == "edit_original"]  # edits are paced
    await clock.advance(0.1)  # refresh_delay: 2 s
    refreshes = [s for s in interaction.sent if s.kind == "edit_original"]
    assert (
        refreshes and {f.name: f.value for f in refreshes[-1].embeds[0].fields}["Answered"] == "1"
    )
    await game.close()


async def test_leaderboard_and_forget_me(bot: HeroesBot, cog: Trivia) -> None:
    for round_number in range(3):
        _, game = await _play(bot, cog, seconds=120, user_id=50 + round_number)
        players = [FakeUser(200 + i, f"player{i}") for i in range(12)]
        await asyncio.gather(
            *(
                _press(game, p, game.question.answer if i <= round_number + 8 else 0)
                for i, p in enumerate(players)
            )
        )
        await game.close()
    me = FakeUser(211, "player11")
    board = await _call(bot, "leaderboard", FakeInteraction(me))
    embed = board.sent[0].embeds[0]
    assert refused_by_discord(embed) == []
    lines = embed.description.splitlines()
    assert len(lines) == 10 and lines[0].startswith("` 1.`")
    assert "player11" in {f.name: f.value for f in embed.fields}["You"]
    assert "12 players" in embed.footer.text

    forgot = await _call(bot, "forget-me", FakeInteraction(me))
    assert forgot.sent[0].ephemeral and forgot.sent[0].content.startswith("Done")
    assert await bot.store.trivia.standing(4242, 211) is None
    again = await _call(bot, "forget-me", FakeInteraction(me))
    assert "nothing to delete" in again.sent[0].content
    board = await _call(bot, "leaderboard", FakeInteraction(me))
    assert "No score yet" in {f.name: f.value for f in board.sent[0].embeds[0].fields}["You"]


async def test_forget_me_during_a_question_drops_the_answer(bot: HeroesBot, cog: Trivia) -> None:
    interaction, game = await _play(bot, cog, seconds=120)
    me = FakeUser(31, "me")
    await _press(game, me, game.question.answer)
    await _call(bot, "forget-me", FakeInteraction(me))
    retry = await _press(game, me, game.question.answer)
    assert "forgotten" in retry.content
    await game.close()
    fields = {f.name: f.value for f in _reveal(interaction).fields}
    assert fields["Who got it"] == "Nobody answered this time."
    assert await bot.store.trivia.standing(4242, 31) is None


async def test_play_cooldown_per_member(bot: HeroesBot, cog: Trivia, clock: ManualClock) -> None:
    for channel in range(3):
        _, game = await _play(bot, cog, seconds=120, channel_id=900 + channel)
        await game.close()
    with pytest.raises(PublicCooldownError) as refused:
        await _call(bot, "play", FakeInteraction(FakeUser(1, "host1"), channel_id=999))
    assert refused.value.scope == "member" and "again in" in str(refused.value)
    await clock.advance(61)
    _, game = await _play(bot, cog, seconds=120, channel_id=999)
    await game.close()


async def test_unloading_the_cog_closes_running_questions(bot: HeroesBot, cog: Trivia) -> None:
    interaction, game = await _play(bot, cog, seconds=120)
    await bot.remove_cog("Trivia")
    assert game.closed
    fields = {f.name: f.value for f in _reveal(interaction).fields}
    assert "restarted" in fields["Note"]
    # The round is closed in the database too: the channel is free again.
    assert await bot.store.trivia.open_round(4242, 777, "x", 0) is not None
