"""/watchparty end to end (issue 15 part 4): a watch party is a real Guild Scheduled Event on
the emulator, with the film's card (verbatim excerpt and source) as its description; its start is
typed in the server's timezone and shown back as Discord timestamps; list and cancel; every bad
input and every missing permission is refused before Discord is asked, with nothing stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import FILM_KEY
from discord_emulator import Channel, FakeClock, ScheduledEvent
from tests.e2e.harness import World, assert_clean, world

MANAGE_EVENTS, CREATE_EVENTS, CONNECT = 1 << 33, 1 << 44, 1 << 20
NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db", clock=FakeClock()) as value:
        movie_night = value.emu.state.add_channel(value.guild, "Movie night", type=2)
        # Made after the bot connected: Discord tells it with CHANNEL_CREATE.
        await value.emu.dispatch(
            "CHANNEL_CREATE", movie_night.to_payload(), guild_id=value.guild.id
        )
        yield value
        assert_clean(value.emu)


def voice(w: World) -> Channel:
    return next(c for c in w.guild.channels.values() if c.type == 2)


def events(w: World) -> list[ScheduledEvent]:
    return list(w.emu.rest.scheduled_events.events.values())


async def create(w: World, options: dict[str, Any]) -> str:
    handle = await w.emu.slash("watchparty create", options, user=w.emu.app.owner)
    reply = await handle.wait_message()
    assert reply.ephemeral
    return reply.content or ""


async def test_create_in_a_voice_channel_makes_the_event_with_the_films_card(w: World) -> None:
    reply = await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w)})
    [event] = events(w)
    start = datetime(NEXT_YEAR, 7, 1, 20, 0, tzinfo=UTC)
    assert (event.entity_type, event.channel_id, event.start) == (2, voice(w).id, start)
    assert event.end == start + timedelta(hours=2) and event.privacy_level == 2
    card = await w.bot.store.work_card(FILM_KEY)
    assert card is not None and event.name == f"Watch party: {card.work.display_title}"
    # The description is the film's card: the source's words, verbatim (maybe shortened), and
    # where they come from.
    description = " ".join((event.description or "").split())
    stars = (await w.bot.store.cast(FILM_KEY))[0]
    assert len(event.description or "") <= 1000 and card.work.excerpt[:60] in description
    assert stars.excerpt[:60] in description
    assert f"Source: {card.work.source.citation()}" in description
    stamp = int(start.timestamp())
    assert f"<t:{stamp}:F>" in reply and f"<t:{stamp}:R>" in reply
    assert "UTC" in reply and f"discord.com/events/{w.guild.id}/{event.id}" in reply
    [stored] = await w.bot.store.watch_parties.upcoming(w.guild.id, after=w.bot.clock.now())
    assert (stored.event_id, stored.channel_id, stored.created_by) == (
        event.id,
        voice(w).id,
        w.emu.app.owner.id,
    )


async def test_start_is_read_in_the_servers_quote_daily_timezone(w: World) -> None:
    await w.bot.store.daily.configure(
        w.guild.id, w.channel.id, "09:00", "Europe/Paris", starts_on="2030-01-01"
    )
    reply = await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w)})
    [event] = events(w)
    assert event.start == datetime(NEXT_YEAR, 7, 1, 18, 0, tzinfo=UTC)  # summer: UTC+2
    assert "Europe/Paris" in reply


async def test_an_external_party_has_its_location_and_end(w: World) -> None:
    await create(
        w,
        {
            "start": f"{NEXT_YEAR}-03-14 19:30",
            "location": "Rex cinema",
            "hours": 3,
            "title": "Heroes night",
        },
    )
    [event] = events(w)
    assert (event.entity_type, event.channel_id, event.location) == (3, None, "Rex cinema")
    assert event.end == event.start + timedelta(hours=3) and event.name == "Heroes night"


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"start": "next friday"}, "is not a start time"),
        ({"start": f"{NEXT_YEAR}-02-30 20:00"}, "is not a real date"),
        ({"start": "2001-01-01 20:00"}, "is in the past"),
        ({"start": "<t:978307200:F>"}, "is in the past"),  # a pasted Discord timestamp, 2001
        ({"start": f"{NEXT_YEAR}-07-01 20:00", "channel": None}, "Choose a voice or stage"),
        ({"start": f"{NEXT_YEAR}-07-01 20:00", "location": "Rex"}, "not both"),
    ],
)
async def test_bad_input_is_refused_clearly_and_nothing_is_made(
    w: World, options: dict[str, Any], said: str
) -> None:
    options = {"channel": voice(w), **options}
    if options["channel"] is None:
        del options["channel"]
    handle = await w.emu.slash("watchparty create", options, user=w.emu.app.owner)
    answer = await handle.response()
    assert answer.ephemeral and said in (answer.content or ""), answer.content
    assert events(w) == []
    assert await w.bot.store.watch_parties.upcoming(w.guild.id, after=w.bot.clock.now()) == []


async def test_a_time_the_clocks_skip_is_refused(w: World) -> None:
    await w.bot.store.daily.configure(
        w.guild.id, w.channel.id, "09:00", "Europe/Paris", starts_on="2030-01-01"
    )
    handle = await w.emu.slash(
        "watchparty create",
        {"start": "2031-03-30 02:30", "channel": voice(w)},
        user=w.emu.app.owner,
    )
    assert "the clocks skip it" in ((await handle.response()).content or "")
    assert events(w) == []


async def test_missing_permissions_are_named_before_discord_is_asked(w: World) -> None:
    for role in list(w.guild.roles.values()):  # as a server manager would: the bot is told
        await w.emu.update_role(
            w.guild, role, permissions=role.permissions & ~(MANAGE_EVENTS | CREATE_EVENTS)
        )
    options = {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w)}
    handle = await w.emu.slash("watchparty create", options, user=w.emu.app.owner)
    assert "Manage Events" in ((await handle.response()).content or "")
    bot_role = w.guild.members[w.emu.bot_user.id].roles[0]
    await w.emu.update_role(
        w.guild,
        w.guild.roles[bot_role],
        permissions=w.guild.roles[bot_role].permissions | MANAGE_EVENTS,
    )
    voice(w).permission_overwrites = [
        {"id": str(bot_role), "type": 0, "allow": "0", "deny": str(CONNECT)}
    ]
    await w.emu.dispatch("CHANNEL_UPDATE", voice(w).to_payload(), guild_id=w.guild.id)
    handle = await w.emu.slash("watchparty create", options, user=w.emu.app.owner)
    text = (await handle.response()).content or ""
    assert f"Connect in <#{voice(w).id}>" in text and "View Channel" not in text
    assert events(w) == [] and w.emu.violations == []


async def test_list_and_cancel_with_autocomplete(w: World) -> None:
    await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w), "title": "First"})
    await create(w, {"start": f"{NEXT_YEAR}-08-01 20:00", "channel": voice(w), "title": "Second"})
    listed = await (await w.emu.slash("watchparty list", {}, user=w.emu.app.owner)).response()
    text = listed.embeds[0]["description"]
    assert text.index("First") < text.index("Second")
    choices = await w.emu.autocomplete(
        "watchparty cancel", "party", "sec", {}, user=w.emu.app.owner
    )
    assert [c["name"] for c in choices] == [f"Second · {NEXT_YEAR}-08-01 20:00 UTC"]
    handle = await w.emu.slash(
        "watchparty cancel", {"party": choices[0]["value"]}, user=w.emu.app.owner
    )
    assert "Cancelled **Second**" in ((await handle.wait_message()).content or "")
    second = w.emu.rest.scheduled_events.events[int(choices[0]["value"])]
    assert second.status == 4  # CANCELED on Discord
    listed = await (await w.emu.slash("watchparty list", {}, user=w.emu.app.owner)).response()
    assert "Second" not in listed.embeds[0]["description"]
    again = await w.emu.slash(
        "watchparty cancel", {"party": choices[0]["value"]}, user=w.emu.app.owner
    )
    assert "No such watch party" in ((await again.response()).content or "")


async def test_a_party_deleted_in_discord_leaves_the_list(w: World) -> None:
    await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w), "title": "Kept"})
    await create(w, {"start": f"{NEXT_YEAR}-08-01 20:00", "channel": voice(w), "title": "Gone"})
    gone = next(e for e in events(w) if e.name == "Gone")
    await w.emu.rest.scheduled_events.delete_in_discord(gone.id)  # a manager, in Discord's UI
    listed = await (await w.emu.slash("watchparty list", {}, user=w.emu.app.owner)).response()
    text = listed.embeds[0]["description"]
    assert "Kept" in text and "Gone" not in text
    stored = await w.bot.store.watch_parties.get(w.guild.id, gone.id)
    assert stored is not None and stored.cancelled_at is not None


async def test_scheduled_event_gateway_events_go_only_to_a_session_with_the_intent(
    w: World,
) -> None:
    session = w.emu.gateway.session_for_guild(w.guild.id)
    assert session is not None and not (session.identify.intents or 0) & (1 << 16)

    def sent() -> list[str]:
        return [p["t"] for _, p in session.buffer if str(p["t"]).startswith("GUILD_SCHEDULED")]

    await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w)})
    assert sent() == []  # the bot asks for GUILDS only: Discord sends it none
    session.identify = replace(session.identify, intents=(session.identify.intents or 0) | 1 << 16)
    await create(w, {"start": f"{NEXT_YEAR}-08-01 20:00", "channel": voice(w)})
    await w.emu.rest.scheduled_events.delete_in_discord(events(w)[0].id)
    assert sent() == ["GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_DELETE"]


async def test_a_refusal_by_discord_after_the_checks_is_said_and_nothing_is_stored(
    w: World,
) -> None:
    w.emu.inject_fault("POST /guilds/{guild_id}/scheduled-events", status=503)
    reply = await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "  Rex   cinema "})
    assert reply == "Not scheduled: Discord refused the event (503). Nothing was stored."
    assert await w.bot.store.watch_parties.upcoming(w.guild.id, after=w.bot.clock.now()) == []
    await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "  Rex   cinema "})
    assert [e.location for e in events(w)] == ["Rex cinema"]  # typed spaces tidied


async def test_cancelling_a_party_under_way_ends_its_event(w: World) -> None:
    await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "channel": voice(w), "title": "Now"})
    [event] = events(w)
    event.status = 2  # ACTIVE: the host started it in Discord
    handle = await w.emu.slash("watchparty cancel", {"party": str(event.id)}, user=w.emu.app.owner)
    assert "Cancelled **Now**" in ((await handle.wait_message()).content or "")
    assert event.status == 3  # COMPLETED: Discord lets an active event only end


async def test_an_event_that_cannot_be_stored_is_deleted_again(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(w.bot.store.watch_parties, "add", broken)
    handle = await w.emu.slash(
        "watchparty create",
        {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "Rex"},
        user=w.emu.app.owner,
    )
    reply = await handle.wait_message()
    assert reply.ephemeral and "Scheduled" not in (reply.content or "")
    assert events(w) == []  # made by Discord, then deleted: nothing half-done


async def test_a_create_discord_answered_with_a_500_after_making_it_leaves_one_event(
    w: World,
) -> None:
    # Discord makes the event, then answers 500: discord.py retries on its own and a second
    # event is made (scheduled events have no nonce). The twin the first attempt left is deleted.
    w.emu.inject_fault("POST /guilds/{guild_id}/scheduled-events", status=500, after_effect=True)
    reply = await create(w, {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "Rex"})
    assert "Scheduled" in reply
    [event] = events(w)
    [stored] = await w.bot.store.watch_parties.upcoming(w.guild.id, after=w.bot.clock.now())
    assert stored.event_id == event.id


async def test_two_parties_with_the_same_name_and_start_are_both_kept(w: World) -> None:
    # Only an event no party knows is a retry's twin: a member's second, identical party stays.
    for _ in range(2):
        assert "Scheduled" in await create(
            w, {"start": f"{NEXT_YEAR}-07-01 20:00", "location": "Rex"}
        )
    assert len(events(w)) == 2
