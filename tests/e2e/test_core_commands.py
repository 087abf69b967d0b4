"""/cast, /sequel and /quote end to end: the real bot, its gateway and HTTP client, the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.ui import views
from discord_emulator import PRIVILEGED_INTENTS, Emulator
from tests.e2e.cards import card_text
from tests.e2e.harness import World, assert_clean, running_bot, world

HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "((((",
    "@everyone",
    "<@&1234567890123>",
    "**bold** `code` ||spoiler||",
    "🦈🌋" * 10,
    "\u202e\u200b",
    "x" * 100,
    "'; DROP TABLE people; --",
]


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        yield value
        assert_clean(value.emu)


def _string_options(
    command: dict[str, Any],
) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(command path, option, its sibling options) for every string option of a synced command,
    subcommands too."""
    found = []

    def walk(node: dict[str, Any], path: str) -> None:
        for option in node.get("options", []):
            if option["type"] in (1, 2):
                walk(option, f"{path} {option['name']}")
            # Options with fixed choices (/settings replies) only ever receive one of them.
            elif option["type"] == 3 and not option.get("choices"):
                found.append((path, option, node.get("options", [])))

    walk(command, command["name"])
    return found


async def test_login_uses_no_privileged_intent(w: World) -> None:
    identify = w.emu.identifies[0]
    assert identify.intents & PRIVILEGED_INTENTS == 0


async def test_commands_are_synced_once_and_valid(w: World) -> None:
    synced = w.emu.synced_commands()
    assert {"cast", "quote", "sequel"} <= {c["name"] for c in synced}
    assert len(w.emu.command_sync_bodies()) == 1


async def test_a_restart_does_not_sync_again_but_a_change_does(tmp_path: Path) -> None:
    db = tmp_path / "heroes.db"
    async with world(db) as first:
        emu = first.emu
        app_settings = first.bot.config
        await first.bot.close()
        assert len(emu.command_sync_bodies()) == 1
        # Same application, same definitions: no PUT on restart.
        async with running_bot(emu, app_settings):
            pass
        assert len(emu.command_sync_bodies()) == 1
        # A dev guild syncs to that guild at every start.
        dev = emu.add_guild("Dev")
        from msgspec.structs import replace

        async with running_bot(emu, replace(app_settings, dev_guild_id=dev.id)):
            pass
        assert emu.synced_commands(dev)
        assert len(emu.command_sync_bodies()) == 2
        assert_clean(emu)


async def test_cast_pages_and_buttons(w: World) -> None:
    handle = await w.emu.slash("cast", user=w.fan)
    response = await handle.response()
    assert not response.ephemeral
    message = await handle.wait_message()
    assert "Pedro Pascal" in message.embeds[0]["description"]
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    assert len(ids) == 5
    # Someone else may not turn the pages.
    refused = await w.emu.press(message, ids[3], user=w.other)
    assert (await refused.response()).ephemeral
    assert "/cast" in (await refused.response()).content
    # The member who asked may.
    turned = await w.emu.press(message, ids[3], user=w.fan)
    assert (await turned.response()).type == 7
    assert "JJ Dashnaw" in message.embeds[0]["description"]


async def test_cast_card_and_autocomplete(w: World) -> None:
    choices = await w.emu.autocomplete("cast", "name", "holdb", user=w.fan)
    assert choices[0]["value"] == "person:boyd-holbrook"
    handle = await w.emu.slash("cast", {"name": choices[0]["value"]}, user=w.fan)
    embed = (await handle.wait_message()).embeds[0]
    assert embed["title"] == "Boyd Holdbrook"  # as the article prints it
    for typed in ("pedro", "Pascal", "holbrook", "Holdbrook"):
        handle = await w.emu.slash("cast", {"name": typed}, user=w.fan)
        assert (await handle.wait_message()).embeds[0]["title"] in {
            "Pedro Pascal",
            "Boyd Holdbrook",
        }
    assert len(await w.emu.autocomplete("cast", "name", "", user=w.fan)) <= 25


async def test_unknown_name_is_ephemeral(w: World) -> None:
    handle = await w.emu.slash("cast", {"name": "Pedro Almodovar"}, user=w.fan)
    response = await handle.response()
    assert response.ephemeral and "Closest" in response.content


async def test_sequel_card(w: World) -> None:
    names = {c["name"]: c for c in w.emu.synced_commands()}
    sequel = names["sequel"]
    subs = [o["name"] for o in sequel.get("options", []) if o["type"] == 1]
    handle = await w.emu.slash("sequel status" if "status" in subs else "sequel", user=w.fan)
    text = card_text(await handle.wait_message())  # a V2 card by default
    assert "Netflix" in text and "Robert Rodriguez" in text and "44 million" in text
    assert "Not in the sources" in text


async def test_quote_random_search_and_autocomplete(w: World) -> None:
    handle = await w.emu.slash("quote", user=w.fan)
    assert (await handle.wait_message()).embeds[0]["title"] == "Robert Rodriguez"
    handle = await w.emu.slash("quote", {"search": "son superheroes"}, user=w.fan)
    assert "my son did" in (await handle.wait_message()).embeds[0]["description"]
    choices = await w.emu.autocomplete("quote", "search", "lava", user=w.fan)
    assert choices and all(1 <= len(c["name"]) <= 100 for c in choices)
    handle = await w.emu.slash("quote", {"search": "spaceship"}, user=w.fan)
    assert (await handle.response()).ephemeral


async def test_hostile_input_on_every_string_option(w: World) -> None:
    for command in w.emu.synced_commands():
        for path, option, siblings in _string_options(command):
            limit = option.get("max_length", 6000)
            # Other required options get a plain value, so the hostile one reaches the bot.
            plain = {3: "x", 4: 1, 5: False, 7: w.channel, 10: 1.0}
            required = {
                o["name"]: plain[o["type"]]
                for o in siblings
                if o.get("required") and o is not option and o["type"] in plain
            }
            for text in HOSTILE:
                value = text[:limit]
                if option.get("autocomplete"):
                    choices = await w.emu.autocomplete(path, option["name"], value, user=w.fan)
                    assert len(choices) <= 25
                options = {**required, option["name"]: value}
                handle = await w.emu.slash(path, options, user=w.fan)
                response = await handle.response()
                assert response.type in (4, 5, 9), (path, value)


async def test_nothing_the_bot_sends_can_ping(w: World) -> None:
    await (await w.emu.slash("cast", {"name": "@everyone"}, user=w.fan)).response()
    await (await w.emu.slash("quote", user=w.fan)).response()
    for interaction in w.emu.state.interactions.values():
        data = (interaction.response_body or {}).get("data") or {}
        if interaction.response_type in (4, 7):
            assert data.get("allowed_mentions") == {"parse": []}, data


async def test_drop_and_close_are_survived_with_resume_and_no_lost_reply(w: World) -> None:
    emu: Emulator = w.emu
    emu.drop()  # abrupt, like a 1006
    handle = await emu.slash("quote", {"search": "lava"}, user=w.fan)  # sent while down
    await emu.wait_resumed(1, timeout=15)
    assert (await handle.wait_message(timeout=10)).embeds
    await emu.disconnect(4000)
    handle = (
        await emu.slash("sequel", user=w.fan)
        if False
        else await emu.slash("cast", {"name": "pedro"}, user=w.fan)
    )
    await emu.wait_resumed(2, timeout=15)
    assert (await handle.wait_message(timeout=10)).embeds
    assert len(emu.identifies) == 1


async def test_invalid_session_leads_to_a_fresh_identify(w: World) -> None:
    await w.emu.invalidate_session(resumable=False)
    await w.emu.wait_for_identify(2, timeout=20)
    await w.emu.wait_ready(timeout=15)
    handle = await w.emu.slash("cast", {"name": "pedro"}, user=w.fan)
    assert (await handle.wait_message(timeout=10)).embeds


async def test_heroes_bot_sync_forces_a_sync(tmp_path: Path) -> None:
    from msgspec.structs import replace

    from bot.config import Config, Secret
    from bot.runner import sync_once
    from discord_emulator import redirect_discord_py

    async with Emulator() as emu:
        settings = Config(token=Secret(emu.token), database_path=tmp_path / "heroes.db")
        with redirect_discord_py(emu.port):
            assert await sync_once(settings) == "synced globally"
            assert await sync_once(replace(settings)) == "synced globally"  # forced again
        assert len(emu.command_sync_bodies()) == 2
        assert emu.identifies == []  # HTTP only: no gateway connection
        assert emu.violations == []


async def test_heroes_bot_sync_beside_a_running_bot_leaves_its_metrics_port_and_backups(
    tmp_path: Path,
) -> None:
    import socket

    from bot.config import Config, Secret
    from bot.runner import sync_once
    from discord_emulator import redirect_discord_py

    with socket.socket() as running_bot:  # the running bot's metrics port, taken
        running_bot.bind(("127.0.0.1", 0))
        running_bot.listen()
        port = running_bot.getsockname()[1]
        async with Emulator() as emu:
            settings = Config(
                token=Secret(emu.token),
                database_path=tmp_path / "heroes.db",
                metrics_addr=("127.0.0.1", port),
                backup_dir=tmp_path / "backups",
            )
            with redirect_discord_py(emu.port):
                assert await sync_once(settings) == "synced globally"
    assert not (tmp_path / "backups").exists()


async def test_a_paginator_asks_no_request_for_its_message_and_disables_itself_at_timeout(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[views.Paginator] = []
    done = asyncio.Event()
    send = views.Paginator.send

    async def recorded(self: views.Paginator, interaction: Any, **options: Any) -> None:
        sent.append(self)
        await send(self, interaction, **options)
        done.set()

    monkeypatch.setattr(views.Paginator, "send", recorded)
    handle = await w.emu.slash("cast", user=w.fan)
    message = await handle.wait_message()
    await asyncio.wait_for(done.wait(), 5)
    assert not [r for r in w.emu.requests if r.method == "GET" and "@original" in r.path]
    (paginator,) = sent
    assert isinstance(paginator.message, views.SentReply)
    assert paginator.message.message_id == message.id

    await paginator.on_timeout()
    buttons = [c for row in message.components for c in row["components"]]
    assert buttons and all(button.get("disabled") for button in buttons)
