"""The emulator's guild scheduled events: what Discord accepts, and what it refuses, the same way
(400 50035 with the field's error, 403 50013 without the permissions, 10070 unknown event)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from discord_emulator import Emulator, FakeClock, Guild

MANAGE_EVENTS, CREATE_EVENTS, CONNECT = 1 << 33, 1 << 44, 1 << 20


@dataclass
class Api:
    emu: Emulator
    guild: Guild
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        url = f"{self.emu.base_url}/api/v10/guilds/{self.guild.id}/scheduled-events{path}"
        headers = {"Authorization": f"Bot {self.emu.token}"}
        async with self.session.request(method, url, json=body, headers=headers) as response:
            return response.status, (await response.json() if response.status != 204 else None)


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with Emulator(clock=FakeClock(), heartbeat_interval=5.0) as emu:
        guild = emu.add_guild("Heroes", channels=("general",))
        emu.state.add_channel(guild, "Movie night", type=2)
        emu.state.add_channel(guild, "Stage", type=13)
        async with aiohttp.ClientSession() as session:
            yield Api(emu, guild, session)


def _channel(api: Api, kind: int) -> int:
    return next(c.id for c in api.guild.channels.values() if c.type == kind)


def _body(api: Api, **changes: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=1)
    body = {
        "name": "Watch party",
        "privacy_level": 2,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + timedelta(hours=2)).isoformat(),
        "entity_type": 2,
        "channel_id": str(_channel(api, 2)),
        "description": "We Can Be Heroes",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def _field_error(answer: Any, *path: str) -> str:
    node = answer["errors"]
    for part in path:
        node = node[part]
    return node["_errors"][0]["code"]


async def test_a_voice_event_is_created_listed_fetched_cancelled_and_deleted(api: Api) -> None:
    status, event = await api.call("POST", "", _body(api))
    assert status == 200 and event["status"] == 1 and event["entity_type"] == 2
    assert event["creator_id"] == str(api.emu.bot_user.id)
    assert [e["id"] for e in (await api.call("GET", ""))[1]] == [event["id"]]
    assert (await api.call("GET", f"/{event['id']}"))[1]["name"] == "Watch party"
    status, cancelled = await api.call("PATCH", f"/{event['id']}", {"status": 4})
    assert status == 200 and cancelled["status"] == 4
    assert (await api.call("GET", ""))[1] == []  # a cancelled event leaves the list
    status, again = await api.call("PATCH", f"/{event['id']}", {"status": 2})  # no way back
    assert status == 400 and _field_error(again, "status")
    assert (await api.call("DELETE", f"/{event['id']}"))[0] == 204
    status, gone = await api.call("GET", f"/{event['id']}")
    assert status == 404 and gone["code"] == 10070


async def test_an_external_event_needs_a_location_and_an_end_and_no_channel(api: Api) -> None:
    external = {"entity_type": 3, "channel_id": ..., "entity_metadata": {"location": "Cinema"}}
    assert (await api.call("POST", "", _body(api, **external)))[0] == 200
    for broken, path in (
        ({**external, "entity_metadata": {}}, ("entity_metadata", "location")),
        ({**external, "scheduled_end_time": ...}, ("scheduled_end_time",)),
        ({**external, "channel_id": str(_channel(api, 2))}, ("channel_id",)),
    ):
        status, answer = await api.call("POST", "", _body(api, **broken))
        assert (status, answer["code"]) == (400, 50035), broken
        assert _field_error(answer, *path), broken


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"name": ""}, ("name",)),
        ({"name": "x" * 101}, ("name",)),
        ({"description": "x" * 1001}, ("description",)),
        ({"privacy_level": 1}, ("privacy_level",)),
        ({"entity_type": 1}, ("channel_id",)),  # a stage event in a voice channel
        ({"scheduled_start_time": "2001-01-01T00:00:00+00:00"}, ("scheduled_start_time",)),
        ({"scheduled_end_time": "2001-01-01T00:00:00+00:00"}, ("scheduled_end_time",)),
        ({"scheduled_start_time": "tomorrow"}, ("scheduled_start_time",)),
        ({"entity_type": 9}, ("entity_type",)),
    ],
)
async def test_a_body_discord_refuses_is_refused_with_the_fields_error(
    api: Api, changes: dict[str, Any], path: tuple[str, ...]
) -> None:
    status, answer = await api.call("POST", "", _body(api, **changes))
    assert (status, answer["code"]) == (400, 50035)
    assert _field_error(answer, *path)
    assert api.emu.rest.scheduled_events.events == {}
    assert api.emu.violations[-1].code == 50035


async def test_without_manage_events_or_connect_the_bot_is_refused_403(api: Api) -> None:
    for role in api.guild.roles.values():
        role.permissions &= ~(MANAGE_EVENTS | CREATE_EVENTS)
    status, answer = await api.call("POST", "", _body(api))
    assert (status, answer["code"]) == (403, 50013)
    bot_role = api.guild.members[api.emu.bot_user.id].roles[0]
    api.guild.roles[bot_role].permissions |= MANAGE_EVENTS
    voice = api.guild.channels[_channel(api, 2)]
    voice.permission_overwrites = [
        {"id": str(api.guild.id), "type": 0, "allow": "0", "deny": str(CONNECT)}
    ]
    status, answer = await api.call("POST", "", _body(api))
    assert (status, answer["code"]) == (403, 50013)  # can't connect to the voice channel
    voice.permission_overwrites = []
    assert (await api.call("POST", "", _body(api)))[0] == 200
