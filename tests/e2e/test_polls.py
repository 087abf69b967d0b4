"""/poll end to end (issue 15 part 5): a manager posts a native poll of names from the stored
cast (autocomplete), members vote, the count so far and then Discord's final count are shown as
votes, a poll ends at its expiry or early with /poll end, and bad input is refused before
Discord is asked, with nothing stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.client import HeroesBot
from bot.config import Config
from bot.store import StoredPoll
from discord_emulator import Emulator, FakeClock, Message
from tests.e2e.harness import World, assert_clean, running_bot, world

SEND_POLLS = 1 << 49


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db", clock=FakeClock()) as value:
        allow_polls(value, True)
        yield value
        assert_clean(value.emu)


def allow_polls(w: World, allowed: bool) -> None:
    """Give the bot's role Send Polls (or take it away), as a server manager would."""
    role = w.guild.roles[w.guild.members[w.emu.bot_user.id].roles[0]]
    role.permissions = role.permissions | SEND_POLLS if allowed else role.permissions & ~SEND_POLLS


async def suggest(w: World, typed: str, option: str = "answer_1") -> list[dict[str, Any]]:
    return await w.emu.autocomplete(
        "poll cast", option, typed, {"answer_1": "person:pedro-pascal"}, user=w.emu.app.owner
    )


async def post_poll(w: World, options: dict[str, Any]) -> str:
    handle = await w.emu.slash("poll cast", options, user=w.emu.app.owner)
    reply = await handle.wait_message()
    assert reply.ephemeral
    return reply.content


def polls_in_channel(w: World) -> list[Message]:
    return [m for m in w.emu.conversation(w.channel) if m.poll is not None]


async def counted(bot: HeroesBot, guild_id: int, poll_id: int = 1) -> StoredPoll:
    """The poll once its final count is stored (the bot's background loop stores it)."""
    for _ in range(200):
        stored = await bot.store.polls.get(guild_id, poll_id)
        if stored is not None and stored.finished:
            return stored
        await asyncio.sleep(0.025)
    raise AssertionError(f"poll {poll_id}'s final count was never stored")


async def results(w: World, poll: int | None = None) -> str:
    options = {} if poll is None else {"poll": poll}
    handle = await w.emu.slash("poll results", options, user=w.fan)
    reply = await handle.wait_message()
    assert reply.ephemeral
    return reply.embeds[0].get("description", "")


async def test_suggestions_are_names_from_the_stored_cast_only(w: World) -> None:
    pedro = await suggest(w, "pedro", "answer_2")
    assert pedro[0] == {"name": "Pedro Pascal", "value": "person:pedro-pascal"}
    assert await suggest(w, "robert rodriguez", "answer_3") == []  # the director: not cast
    cast = [m.person_key for m in await w.bot.store.cast()]
    offered = [c["value"].removeprefix("person:") for c in await suggest(w, "")]
    assert offered == cast[:25]  # nothing typed yet: the cast in billing order


async def test_a_poll_is_posted_voted_counted_so_far_and_finally_at_its_expiry(w: World) -> None:
    reply = await post_poll(
        w,
        {
            "answer_1": "person:pedro-pascal",
            "answer_2": "Christian Slater",
            "answer_3": "vivien blair",
        },
    )
    assert reply.startswith("Poll #1 posted") and "<t:" in reply
    [message] = polls_in_channel(w)
    poll = message.poll
    assert poll is not None
    assert poll.question == "Who do you most want back in the sequel?"
    assert [a["poll_media"]["text"] for a in poll.answers] == [
        "Pedro Pascal",
        "Christian Slater",
        "Vivien Blair",
    ]
    assert message.allowed_mentions == {"parse": []}  # nothing pings
    assert poll.expiry - message.timestamp == pytest.approx(24 * 3600, abs=1)

    await w.emu.vote(message, [1], user=w.fan)
    await w.emu.vote(message, [3], user=w.other)
    so_far = await results(w, 1)
    assert "the count so far, not final" in so_far and "states no fact" in so_far
    assert "**Pedro Pascal**: 1 vote (50%)" in so_far
    assert "**Christian Slater**: 0 votes" in so_far

    w.emu.clock.advance(24 * 3600 + 1)  # type: ignore[attr-defined]
    final = await counted(w.bot, w.guild.id)
    assert [a.votes for a in final.answers] == [1, 0, 1]
    text = await results(w, 1)
    assert "the final count" in text and "**Vivien Blair**: 1 vote (50%)" in text
    listed = await results(w)
    assert "`#1`" in listed and "2 votes" in listed
    result_posts = [m for m in w.emu.conversation(w.channel) if m.type == 46]
    assert len(result_posts) == 1  # Discord's POLL_RESULT, once


async def test_a_manager_ends_a_poll_early_once(w: World) -> None:
    await post_poll(
        w, {"answer_1": "person:pedro-pascal", "answer_2": "person:sung-kang", "hours": 768}
    )
    [message] = polls_in_channel(w)
    await w.emu.vote(message, [2], user=w.fan)
    handle = await w.emu.slash("poll end", {"poll": 1}, user=w.emu.app.owner)
    ended = await handle.wait_message()
    assert "the final count" in ended.embeds[0]["description"]
    assert "**Sung Kang**: 1 vote (100%)" in ended.embeds[0]["description"]
    stored = await w.bot.store.polls.get(w.guild.id, 1)
    assert stored is not None and stored.finished
    again = await w.emu.slash("poll end", {"poll": 1}, user=w.emu.app.owner)
    assert "already ended" in ((await again.response()).content or "")
    refused = await w.emu.slash("poll end", {"poll": 1}, user=w.fan)
    assert "Manage Server" in ((await refused.response()).content or "")


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"answer_1": "Darth Vader", "answer_2": "person:sung-kang"}, "is not in the stored cast"),
        (
            {"answer_1": "Robert Rodriguez", "answer_2": "person:sung-kang"},
            "is not in the stored cast",
        ),
        ({"answer_1": "person:sung-kang", "answer_2": "Sung Kang"}, "Sung Kang is listed twice"),
        (
            {"answer_1": "person:nobody", "answer_2": "person:sung-kang"},
            "is not in the stored cast",
        ),
        (
            {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal", "question": "   "},
            "The question is empty",
        ),
        (
            {"answer_1": "**@everyone**", "answer_2": "person:pedro-pascal"},
            "“\\*\\*@everyone\\*\\*” is not in the stored cast",
        ),
    ],
)
async def test_bad_answers_are_refused_before_discord_and_nothing_is_stored(
    w: World, options: dict[str, Any], reason: str
) -> None:
    handle = await w.emu.slash("poll cast", options, user=w.emu.app.owner)
    reply = await handle.response()
    assert reply.ephemeral and reason in (reply.content or "")
    assert polls_in_channel(w) == []
    assert await w.bot.store.polls.of_guild(w.guild.id) == []


async def test_typed_names_are_found_as_forgivingly_as_cast_name_finds_them(w: World) -> None:
    # "pedro" and "slater" find one cast member each, as /cast name: does; the poll's answers
    # are then those people's names as the store prints them.
    await post_poll(w, {"answer_1": "pedro", "answer_2": "slater"})
    [message] = polls_in_channel(w)
    answers = [a["poll_media"]["text"] for a in message.to_payload()["poll"]["answers"]]
    assert answers == ["Pedro Pascal", "Christian Slater"]


async def test_forged_limits_are_refused_by_the_bot(w: World) -> None:
    base = {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"}
    for forged, reason in [
        ({"hours": 0}, "`hours` must be from 1 to 768"),
        ({"hours": 769}, "`hours` must be from 1 to 768"),
        ({"question": "?" * 301}, "`question` must be at least 1 and at most 300"),
    ]:
        handle = await w.emu.slash(
            "poll cast", {**base, **forged}, user=w.emu.app.owner, forged=True
        )
        reply = await handle.response()
        assert reply.ephemeral and (reply.content or "").startswith(reason), reply.content
    assert polls_in_channel(w) == [] and await w.bot.store.polls.of_guild(w.guild.id) == []


async def test_without_manage_server_or_send_polls_no_poll_is_posted(w: World) -> None:
    options = {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"}
    member = await w.emu.slash("poll cast", options, user=w.fan)
    assert "You need the Manage Server permission" in ((await member.response()).content or "")
    allow_polls(w, False)
    handle = await w.emu.slash("poll cast", options, user=w.emu.app.owner)
    reply = await handle.response()
    assert "I need Send Polls in this channel" in (reply.content or "")
    assert polls_in_channel(w) == [] and await w.bot.store.polls.of_guild(w.guild.id) == []


async def test_a_server_sees_only_its_own_polls(w: World) -> None:
    await post_poll(w, {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"})
    picked = await w.emu.autocomplete("poll results", "poll", "who", user=w.fan)
    assert picked == [{"name": "#1 Who do you most want back in the sequel?", "value": 1}]
    other = await w.emu.join_guild("Elsewhere")
    assert await w.emu.autocomplete("poll results", "poll", "", user=w.fan, guild=other) == []
    handle = await w.emu.slash("poll results", {"poll": 1}, user=w.emu.app.owner, guild=other)
    assert "This server has no poll #1" in ((await handle.response()).content or "")
    assert (
        "No poll yet"
        in (
            (
                await (
                    await w.emu.slash("poll results", {}, user=w.emu.app.owner, guild=other)
                ).response()
            ).embeds[0]["description"]
        )
    )


async def test_a_poll_discord_refuses_is_said_plainly_and_nothing_is_stored(w: World) -> None:
    # A channel overwrite denies the bot's role Send Polls: the interaction's app_permissions
    # (the server-wide grant) allowed it, Discord's channel check refuses the post (50013).
    bot_role = w.guild.members[w.emu.bot_user.id].roles[0]
    w.channel.permission_overwrites.append(
        {"id": str(bot_role), "type": 0, "allow": "0", "deny": str(SEND_POLLS)}
    )
    handle = await w.emu.slash(
        "poll cast",
        {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"},
        user=w.emu.app.owner,
    )
    reply = await handle.wait_message()
    assert reply.ephemeral and reply.content.startswith("Discord refused the poll")
    assert polls_in_channel(w) == [] and await w.bot.store.polls.of_guild(w.guild.id) == []
    assert [v.code for v in w.emu.violations] == [50013]
    w.emu.violations.clear()  # the refusal this test provoked, checked just above


async def test_a_poll_ending_while_the_bot_is_down_is_counted_once_after_a_restart(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    settings = Config(token=None, database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
    async with Emulator(heartbeat_interval=5.0, clock=clock) as emu:
        guild = emu.add_guild("Heroes HQ", channels=("general",))
        fan = emu.add_user("fan")
        role = guild.roles[guild.members[emu.bot_user.id].roles[0]]
        role.permissions |= SEND_POLLS
        options = {"answer_1": "person:pedro-pascal", "answer_2": "person:sung-kang", "hours": 2}
        async with running_bot(emu, settings, clock=clock):
            handle = await emu.slash("poll cast", options, user=emu.app.owner, guild=guild)
            assert (await handle.wait_message()).content.startswith("Poll #1 posted")
        [message] = [m for m in emu.state.messages.values() if m.poll is not None]
        await emu.vote(message, [2], user=fan)
        clock.advance(3 * 3600)  # the poll ends while the bot is stopped
        await emu.finish_due_polls()
        finalized = []
        for start in range(2):  # two starts: the first stores the count, the second not again
            clock.advance(60 * start)  # a second store would have a later time
            async with running_bot(emu, settings, clock=clock) as (bot, _task):
                stored = await counted(bot, guild.id)
                assert [a.votes for a in stored.answers] == [0, 1]
                finalized.append(stored.finalized_at)
        assert finalized[0] is not None and finalized[1] == finalized[0]
        assert_clean(emu)


async def test_a_poll_that_cannot_be_stored_is_taken_down_again(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(w.bot.store.polls, "record", broken)
    handle = await w.emu.slash(
        "poll cast",
        {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"},
        user=w.emu.app.owner,
    )
    reply = await handle.wait_message()
    assert reply.ephemeral and "posted" not in (reply.content or "")
    assert polls_in_channel(w) == []  # posted by Discord, then deleted: nothing half-done


async def test_a_poll_whose_answer_was_lost_is_not_posted_twice(w: World) -> None:
    # Discord posts the poll, then answers 500; discord.py retries the create with the same
    # nonce (it sets one on every send, enforced), so Discord returns the poll it made.
    lost = w.emu.inject_fault("POST /channels/{channel_id}/messages", status=500, after_effect=True)
    reply = await post_poll(w, {"answer_1": "person:sung-kang", "answer_2": "person:pedro-pascal"})
    assert lost.fired == 1 and reply.startswith("Poll #1 posted")
    [message] = polls_in_channel(w)
    [stored] = await w.bot.store.polls.of_guild(w.guild.id)
    assert stored.message_id == message.id
