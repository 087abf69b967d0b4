"""Components V2 messages on the emulator: what Discord accepts, and each rule it refuses with its
error (the flag required, no legacy fields beside it, 40 components, 4,000 text characters,
unique custom ids, and the flag kept through edits), through raw requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from discord_emulator import Emulator, Guild

V2 = 1 << 15
BOT_PERMISSIONS = 0x0000_0000_0006_4C00 | (1 << 31) | (1 << 35)


def text(content: str) -> dict[str, Any]:
    return {"type": 10, "content": content}


def button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "Go", "custom_id": custom_id}


def card(*children: dict[str, Any]) -> list[dict[str, Any]]:
    """One Container holding `children`."""
    return [{"type": 17, "accent_color": 0x3D8BE8, "components": list(children)}]


VALID = {
    "flags": V2,
    "components": card(
        text("## Title"),
        {"type": 14},
        {
            "type": 9,
            "components": [text("-# Source: an article")],
            "accessory": {"type": 2, "style": 5, "label": "Source", "url": "https://example.com"},
        },
        {"type": 1, "components": [button("a"), button("b")]},
    ),
}


@pytest.fixture
async def emu() -> AsyncIterator[tuple[Emulator, Guild]]:
    async with Emulator(heartbeat_interval=0.5) as emulator:
        guild = emulator.add_guild("Heroes", bot_permissions=BOT_PERMISSIONS)
        yield emulator, guild


async def request(emu: Emulator, method: str, path: str, body: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            f"{emu.base_url}/api/v10{path}",
            json=body,
            headers={"Authorization": f"Bot {emu.token}"},
        ) as resp,
    ):
        return resp.status, await resp.json()


def messages_path(guild: Guild) -> str:
    return f"/channels/{next(iter(guild.channels))}/messages"


async def test_a_v2_card_with_every_kind_of_block_is_accepted(emu: tuple[Emulator, Guild]) -> None:
    emulator, guild = emu
    status, body = await request(emulator, "POST", messages_path(guild), VALID)
    assert status == 200, body
    assert body["flags"] & V2 and body["components"][0]["type"] == 17
    assert emulator.violations == []


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"content": "hello"}, "content"),
        ({"content": ""}, "content"),
        ({"embeds": [{"title": "x"}]}, "embeds"),
        ({"poll": {"question": {"text": "?"}, "answers": [], "duration": 1}}, "poll"),
        ({"sticker_ids": ["1"]}, "sticker_ids"),
    ],
)
async def test_legacy_fields_beside_the_v2_flag_are_refused(
    emu: tuple[Emulator, Guild], extra: dict[str, Any], where: str
) -> None:
    emulator, guild = emu
    status, body = await request(emulator, "POST", messages_path(guild), {**VALID, **extra})
    assert (status, body["code"]) == (400, 50035)
    codes = [e["code"] for e in body["errors"][where]["_errors"]]
    assert "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2" in codes


async def test_v2_components_without_the_flag_are_refused(emu: tuple[Emulator, Guild]) -> None:
    emulator, guild = emu
    status, body = await request(
        emulator, "POST", messages_path(guild), {"components": VALID["components"]}
    )
    assert (status, body["code"]) == (400, 50035)
    assert "components" in body["errors"]


async def test_a_41st_component_counted_through_every_level_is_refused(
    emu: tuple[Emulator, Guild],
) -> None:
    emulator, guild = emu
    # One container + 39 text displays = 40: accepted; one more (nested) is one too many.
    forty = {"flags": V2, "components": card(*[text(str(i)) for i in range(39)])}
    assert (await request(emulator, "POST", messages_path(guild), forty))[0] == 200
    rows = [{"type": 1, "components": [button("x")]}]  # a row and its button: two more
    over = {"flags": V2, "components": card(*[text(str(i)) for i in range(38)], *rows)}
    status, body = await request(emulator, "POST", messages_path(guild), over)
    assert (status, body["code"]) == (400, 50035)
    codes = [e["code"] for e in body["errors"]["components"]["_errors"]]
    assert codes == ["COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED"]


async def test_more_than_4000_characters_across_text_displays_is_refused(
    emu: tuple[Emulator, Guild],
) -> None:
    emulator, guild = emu
    fits = {"flags": V2, "components": card(text("a" * 2000), text("b" * 2000))}
    assert (await request(emulator, "POST", messages_path(guild), fits))[0] == 200
    over = {"flags": V2, "components": card(text("a" * 2000), text("b" * 2001))}
    status, body = await request(emulator, "POST", messages_path(guild), over)
    assert (status, body["code"]) == (400, 50035)
    codes = [e["code"] for e in body["errors"]["components"]["_errors"]]
    assert codes == ["COMPONENT_MAX_TOTAL_CHARACTERS_EXCEEDED"]


@pytest.mark.parametrize("flags", [0, V2])
async def test_a_repeated_custom_id_is_refused(emu: tuple[Emulator, Guild], flags: int) -> None:
    emulator, guild = emu
    row = {"type": 1, "components": [button("same"), {**button("same"), "disabled": True}]}
    components = card(text("t"), row) if flags else [row]
    status, body = await request(
        emulator, "POST", messages_path(guild), {"flags": flags, "components": components}
    )
    assert (status, body["code"]) == (400, 50035)
    assert "COMPONENT_CUSTOM_ID_DUPLICATED" in str(body["errors"])


async def test_a_section_without_its_accessory_is_refused(emu: tuple[Emulator, Guild]) -> None:
    emulator, guild = emu
    section = {"type": 9, "components": [text("t")]}
    status, body = await request(
        emulator, "POST", messages_path(guild), {"flags": V2, "components": card(section)}
    )
    assert (status, body["code"]) == (400, 50035)


async def test_the_v2_flag_cannot_be_removed_nor_content_added_by_an_edit(
    emu: tuple[Emulator, Guild],
) -> None:
    emulator, guild = emu
    _, created = await request(emulator, "POST", messages_path(guild), VALID)
    path = f"{messages_path(guild)}/{created['id']}"
    status, body = await request(emulator, "PATCH", path, {"flags": 0, "content": "classic now"})
    assert (status, body["code"]) == (400, 50035)
    assert "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG" in str(body["errors"]["flags"])
    # No flags in the body: the message is still V2, so content is still refused.
    status, body = await request(emulator, "PATCH", path, {"content": "hello"})
    assert (status, body["code"]) == (400, 50035)
    assert "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2" in str(body["errors"])
    # A V2 edit is fine, and the flag stays.
    status, body = await request(emulator, "PATCH", path, {"components": card(text("edited"))})
    assert status == 200 and body["flags"] & V2
    assert emulator.state.messages[int(created["id"])].flags & V2
