"""Native polls on the emulator: Discord's limits on the body, Send Polls, votes and their events,
ending early, expiry and the voters route; an unmodified discord.py client and raw requests."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from discord_emulator import ClientRefusal, Emulator, FakeClock, Guild, redirect_discord_py

SEND_POLLS = 1 << 49
BOT_PERMISSIONS = 0x0000_0000_0006_4C00 | (1 << 31) | (1 << 35)


def _poll(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "question": {"text": "Who do you most want back?"},
        "answers": [{"poll_media": {"text": name}} for name in ("Missy", "Wheels")],
        "duration": 24,
        "allow_multiselect": False,
        "layout_type": 1,
    }
    body.update(changes)
    return body


@pytest.fixture
async def emu() -> AsyncIterator[tuple[Emulator, Guild, FakeClock]]:
    clock = FakeClock()
    async with Emulator(heartbeat_interval=0.5, clock=clock) as emulator:
        guild = emulator.add_guild("Heroes", bot_permissions=BOT_PERMISSIONS | SEND_POLLS)
        emulator.add_user("fan")
        yield emulator, guild, clock


async def _post(emu: Emulator, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emu.base_url}/api/v10{path}",
            json=body,
            headers={"Authorization": f"Bot {emu.token}"},
        ) as resp,
    ):
        return resp.status, await resp.json()


def _channel(guild: Guild) -> int:
    return next(iter(guild.channels))


@pytest.mark.parametrize(
    ("poll", "where"),
    [
        (_poll(question={"text": "?" * 301}), "question"),
        (_poll(question={"text": ""}), "question"),
        (_poll(answers=[]), "answers"),
        (_poll(answers=[{"poll_media": {"text": str(i)}} for i in range(11)]), "answers"),
        (_poll(answers=[{"poll_media": {"text": "x" * 56}}]), "answers"),
        (_poll(duration=0), "duration"),
        (_poll(duration=769), "duration"),
        (_poll(duration=1.5), "duration"),
        (_poll(layout_type=2), "layout_type"),
    ],
)
async def test_a_poll_beyond_discords_limits_is_refused(
    emu: tuple[Emulator, Guild, FakeClock], poll: dict[str, Any], where: str
) -> None:
    emulator, guild, _ = emu
    status, body = await _post(emulator, f"/channels/{_channel(guild)}/messages", {"poll": poll})
    assert (status, body["code"]) == (400, 50035)
    assert where in body["errors"]["poll"]
    assert emulator.violations and emulator.violations[-1].kind == "invalid_form_body"
    assert all(m.poll is None for m in emulator.state.messages.values())


async def test_a_poll_at_discords_limits_is_posted(emu: tuple[Emulator, Guild, FakeClock]) -> None:
    emulator, guild, _ = emu
    poll = _poll(
        question={"text": "?" * 300},
        answers=[{"poll_media": {"text": f"{i}" * 55}} for i in range(10)],
        duration=768,
        allow_multiselect=True,
    )
    status, body = await _post(emulator, f"/channels/{_channel(guild)}/messages", {"poll": poll})
    assert status == 200, body
    assert [a["answer_id"] for a in body["poll"]["answers"]] == list(range(1, 11))
    assert body["poll"]["results"] == {"answer_counts": [], "is_finalized": False}
    assert emulator.violations == []


async def test_a_poll_with_the_components_v2_flag_is_refused(
    emu: tuple[Emulator, Guild, FakeClock],
) -> None:
    emulator, guild, _ = emu
    body = {"poll": _poll(), "flags": 1 << 15}
    status, answer = await _post(emulator, f"/channels/{_channel(guild)}/messages", body)
    assert (status, answer["code"]) == (400, 50035)
    assert "poll" in answer["errors"]


async def test_a_poll_without_send_polls_is_refused_with_50013() -> None:
    async with Emulator() as emulator:
        guild = emulator.add_guild("No polls")  # the bot's role lacks Send Polls
        status, body = await _post(
            emulator, f"/channels/{_channel(guild)}/messages", {"poll": _poll()}
        )
        assert (status, body["code"]) == (403, 50013)
        # A channel overwrite granting it to the bot's role is enough.
        bot_role = guild.members[emulator.bot_user.id].roles[0]
        channel = guild.channels[_channel(guild)]
        channel.permission_overwrites.append(
            {"id": str(bot_role), "type": 0, "allow": str(SEND_POLLS), "deny": "0"}
        )
        status, body = await _post(emulator, f"/channels/{channel.id}/messages", {"poll": _poll()})
        assert status == 200, body


async def test_expiring_a_message_without_a_poll_is_520006_and_twice_is_520001(
    emu: tuple[Emulator, Guild, FakeClock],
) -> None:
    emulator, guild, _ = emu
    channel = _channel(guild)
    _, plain = await _post(emulator, f"/channels/{channel}/messages", {"content": "hi"})
    status, body = await _post(emulator, f"/channels/{channel}/polls/{plain['id']}/expire")
    assert (status, body["code"]) == (400, 520006)
    _, poll = await _post(emulator, f"/channels/{channel}/messages", {"poll": _poll()})
    status, ended = await _post(emulator, f"/channels/{channel}/polls/{poll['id']}/expire")
    assert status == 200 and ended["poll"]["results"]["is_finalized"] is True
    status, body = await _post(emulator, f"/channels/{channel}/polls/{poll['id']}/expire")
    assert (status, body["code"]) == (400, 520001)


async def test_votes_events_end_and_voters_through_discord_py(
    emu: tuple[Emulator, Guild, FakeClock],
) -> None:
    """A discord.py client with the poll intents posts a poll, sees each vote as an event,
    reads the voters, ends the poll and finds the results final and POLL_RESULT posted."""
    emulator, guild, _ = emu
    fan = next(u for u in emulator.state.users.values() if u.username == "fan")
    intents = discord.Intents(guilds=True, guild_polls=True)
    client = discord.Client(intents=intents)
    events: list[tuple[str, int, int]] = []

    @client.event
    async def on_raw_poll_vote_add(payload: discord.RawPollVoteActionEvent) -> None:
        events.append(("add", payload.user_id, payload.answer_id))

    @client.event
    async def on_raw_poll_vote_remove(payload: discord.RawPollVoteActionEvent) -> None:
        events.append(("remove", payload.user_id, payload.answer_id))

    with redirect_discord_py(emulator.port):
        task = asyncio.create_task(client.start(emulator.token))
        try:
            await emulator.wait_ready()
            await client.wait_until_ready()
            channel = client.get_channel(_channel(guild))
            assert isinstance(channel, discord.TextChannel)
            poll = discord.Poll("Who?", datetime.timedelta(hours=1))
            poll.add_answer(text="Missy").add_answer(text="Wheels")
            sent = await channel.send(poll=poll)
            stored = emulator.state.messages[sent.id]
            await emulator.vote(stored, [1], user=fan)
            await emulator.vote(stored, [2], user=fan)  # a changed vote
            await emulator.wait_until(lambda: len(events) == 3, what="three vote events")
            assert events == [("add", fan.id, 1), ("remove", fan.id, 1), ("add", fan.id, 2)]
            with pytest.raises(ClientRefusal):
                await emulator.vote(stored, [1, 2], user=fan)  # one answer only
            answer = sent.poll.get_answer(2) if sent.poll else None
            assert answer is not None
            assert [u.id async for u in answer.voters()] == [fan.id]
            ended = await sent.end_poll()
            assert ended.poll is not None and ended.poll.is_finalised()
            assert ended.poll.get_answer(2).vote_count == 1  # type: ignore[union-attr]
            result = emulator.conversation(_channel(guild))[-1]
            assert result.type == 46 and result.embeds[0]["type"] == "poll_result"
            with pytest.raises(ClientRefusal):
                await emulator.vote(stored, [1], user=fan)
        finally:
            await client.close()
            await task
    assert emulator.violations == []


async def test_a_poll_ends_at_its_expiry_on_the_emulators_clock(
    emu: tuple[Emulator, Guild, FakeClock],
) -> None:
    emulator, guild, clock = emu
    fan = next(u for u in emulator.state.users.values() if u.username == "fan")
    channel = _channel(guild)
    _, poll = await _post(emulator, f"/channels/{channel}/messages", {"poll": _poll(duration=1)})
    message = emulator.state.messages[int(poll["id"])]
    await emulator.vote(message, [1], user=fan)
    assert await emulator.finish_due_polls() == []  # not yet
    clock.advance(3601)
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator.base_url}/api/v10/channels/{channel}/messages/{message.id}",
            headers={"Authorization": f"Bot {emulator.token}"},
        ) as resp,
    ):
        fetched = await resp.json()
    assert fetched["poll"]["results"] == {
        "answer_counts": [{"id": 1, "count": 1, "me_voted": False}],
        "is_finalized": True,
    }
    result = emulator.conversation(channel)[-1]
    fields = {f["name"]: f["value"] for f in result.embeds[0]["fields"]}
    assert fields["victor_answer_id"] == "1" and fields["total_votes"] == "1"
    assert result.message_reference is not None
    assert result.message_reference["message_id"] == str(message.id)


async def test_a_deleted_poll_ends_with_no_result_posted(
    emu: tuple[Emulator, Guild, FakeClock],
) -> None:
    emulator, guild, clock = emu
    channel = _channel(guild)
    _, poll = await _post(emulator, f"/channels/{channel}/messages", {"poll": _poll(duration=1)})
    assert await emulator.finish_due_polls() == []  # seen open
    async with (
        aiohttp.ClientSession() as session,
        session.delete(
            f"{emulator.base_url}/api/v10/channels/{channel}/messages/{poll['id']}",
            headers={"Authorization": f"Bot {emulator.token}"},
        ) as resp,
    ):
        assert resp.status == 204
    clock.advance(3601)
    assert await emulator.finish_due_polls() == []
    assert emulator.conversation(channel) == []  # no POLL_RESULT for a poll that is gone
