"""The bot installed to a member's own account (a user install), on the emulator: the
information commands answer in the bot's DM, a DM between members, a group DM and a server the
bot is not in; the server commands are neither offered there nor run when forged; the sync
declares both install types; and what Discord refuses a user install, the emulator refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.policy import SERVER_INSTALL_NEEDED
from bot.sync import command_payload, fingerprint
from discord_emulator import Channel, ClientRefusal, Guild
from tests.e2e.harness import World, assert_clean, world
from tests.e2e.test_every_command import _leaves, _required

EVERYWHERE = {"integration_types": [0, 1], "contexts": [0, 1, 2]}
SERVER_ONLY = {"integration_types": [0], "contexts": [0]}
INFORMATION = {"cast", "quote", "film", "universe", "about", "sequel status", "sequel news"}
IN_A_SERVER = "This command works only in a server."


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path / "heroes.db") as value:
        value.emu.install_for_user(value.fan)
        yield value
        assert_clean(value.emu)


def _slash_commands(w: World, **declared: Any) -> list[dict[str, Any]]:
    return [
        c
        for c in w.emu.synced_commands()
        if c.get("type", 1) == 1 and all(c.get(k) == v for k, v in declared.items())
    ]


def _places(w: World) -> dict[str, tuple[Guild | None, Channel]]:
    """Every place a user install reaches, by name: (the server, if any; the channel)."""
    elsewhere = w.emu.add_guild_without_bot("Fan Server")
    return {
        "the bot's DM": (None, w.emu.state.dm_channel(w.fan)),
        "a DM between members": (None, w.emu.add_user_dm(w.fan, w.other)),
        "a group DM": (None, w.emu.add_group_dm(w.fan, w.other, name="movie night")),
        "a server without the bot": (elsewhere, next(iter(elsewhere.channels.values()))),
    }


async def test_information_commands_answer_everywhere_a_user_install_reaches(w: World) -> None:
    everywhere = _slash_commands(w, **EVERYWHERE)
    leaves = [leaf for command in everywhere for leaf in _leaves(command)]
    assert {name for name, _ in leaves} >= INFORMATION
    for place, (guild, channel) in _places(w).items():
        for name, options in leaves:
            handle = await w.emu.slash(
                name, _required(options, w), user=w.fan, guild=guild, channel=channel
            )
            response = await handle.response()
            assert response.type in (4, 5), (place, name, response.body)
            if response.type == 5:
                await handle.wait_message()
            sent = handle.interaction.payload
            assert "1" in sent["authorizing_integration_owners"], (place, name)
            assert response.data.get("allowed_mentions", {"parse": []})["parse"] == [], name
    # Nothing made the bot look up, or keep, a server it is not in.
    elsewhere = next(iter(w.emu.installs.guilds))
    assert w.bot.get_guild(elsewhere) is None
    assert not [r for r in w.emu.requests if f"/guilds/{elsewhere}" in r.path]


async def test_interactions_carry_context_and_installs_as_discord_sends_them(w: World) -> None:
    places = _places(w)
    attach_embed_mention = str((1 << 15) | (1 << 14) | (1 << 17))
    expected = {
        "the bot's DM": (1, {"0": "0", "1": str(w.fan.id)}, None),
        "a DM between members": (2, {"1": str(w.fan.id)}, attach_embed_mention),
        "a group DM": (2, {"1": str(w.fan.id)}, attach_embed_mention),
    }
    for place, (context, owners, permissions) in expected.items():
        guild, channel = places[place]
        handle = await w.emu.slash("about", user=w.fan, guild=guild, channel=channel)
        await handle.response()
        sent = handle.interaction.payload
        assert (sent["context"], sent["authorizing_integration_owners"]) == (context, owners)
        assert permissions is None or sent["app_permissions"] == permissions, place
    guild, channel = places["a server without the bot"]
    handle = await w.emu.slash("about", user=w.fan, guild=guild, channel=channel)
    await handle.response()
    sent = handle.interaction.payload
    assert (sent["context"], sent["authorizing_integration_owners"]) == (0, {"1": str(w.fan.id)})
    # @everyone's permissions, only those a response can use: no Send Messages, no Manage.
    assert int(sent["app_permissions"]) & ~((1 << 15) | (1 << 14) | (1 << 17) | (1 << 18)) == 0
    handle = await w.emu.slash("about", user=w.fan, guild=w.guild, channel=w.channel)
    await handle.response()
    owners = handle.interaction.payload["authorizing_integration_owners"]
    assert owners == {"0": str(w.guild.id), "1": str(w.fan.id)}


async def test_replies_in_a_server_without_the_bot_are_private_unless_asked(w: World) -> None:
    places = _places(w)
    guild, channel = places["a server without the bot"]
    default = await w.emu.slash("film", user=w.fan, guild=guild, channel=channel)
    assert (await default.response()).ephemeral
    shared = await w.emu.slash("film", {"private": False}, user=w.fan, guild=guild, channel=channel)
    assert not (await shared.response()).ephemeral
    _, group = places["a group DM"]
    in_group = await w.emu.slash("film", user=w.fan, channel=group)
    assert not (await in_group.response()).ephemeral


async def test_pages_turn_in_a_group_dm(w: World) -> None:
    group = w.emu.add_group_dm(w.fan, w.other)
    handle = await w.emu.slash("cast", {"private": False}, user=w.fan, channel=group)
    message = await handle.wait_message()
    ids = [c["custom_id"] for row in message.components for c in row["components"]]
    turned = await w.emu.press(message, ids[3], user=w.fan)
    assert (await turned.response()).type == 7
    assert turned.interaction.payload["authorizing_integration_owners"] == {"1": str(w.fan.id)}
    assert "JJ Dashnaw" in message.embeds[0]["description"]


async def test_sequel_status_offers_no_notify_button_in_a_server_without_the_bot(
    w: World,
) -> None:
    # Both servers follow the news with a role (the other one, say, before it removed the bot).
    elsewhere = w.emu.add_guild_without_bot()
    role = w.emu.add_role(w.guild, "sequel-fans")
    for guild_id in (w.guild.id, elsewhere.id):
        await w.bot.store.tracker.follow(guild_id, w.channel.id, role.id, now=w.bot.clock.now())
    buttons = {}
    for guild in (w.guild, elsewhere):
        handle = await w.emu.slash("sequel status", {"private": False}, user=w.fan, guild=guild)
        message = await handle.wait_message()
        ids = _custom_ids(message.components)
        buttons[guild.name] = [i for i in ids if i.startswith("heroes:notify:")]
    assert buttons[w.guild.name] and not buttons[elsewhere.name]


def _custom_ids(components: list[dict[str, Any]]) -> list[str]:
    """Every custom_id in a message's components, however nested (rows, V2 containers)."""
    found = []
    for component in components:
        if "custom_id" in component:
            found.append(component["custom_id"])
        found += _custom_ids(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            found += _custom_ids([component["accessory"]])
    return found


async def test_server_commands_are_not_offered_where_only_the_member_installed_the_app(
    w: World,
) -> None:
    server_only = _slash_commands(w, **SERVER_ONLY)
    assert {c["name"] for c in server_only} >= {"sequel-admin", "quote-daily", "settings"}
    places = _places(w)
    tried = []
    for place, (guild, channel) in places.items():
        refusal = SERVER_INSTALL_NEEDED if guild is not None else IN_A_SERVER
        for command in server_only:
            for name, options in _leaves(command):
                values = _required(options, w)
                with pytest.raises(ClientRefusal):  # Discord's client does not offer it here
                    await w.emu.slash(name, values, user=w.fan, guild=guild, channel=channel)
                handle = await w.emu.slash(
                    name, values, user=w.fan, guild=guild, channel=channel, forged=True
                )
                response = await handle.response()
                assert (response.content, response.ephemeral) == (refusal, True), (place, name)
                tried.append(name)
    assert {"settings", "sequel-admin follow", "quote-daily set", "trivia play"} <= set(tried)


async def test_a_member_without_the_app_is_offered_nothing_where_the_bot_is_not(
    w: World,
) -> None:
    elsewhere = w.emu.add_guild_without_bot()
    with pytest.raises(ClientRefusal, match="not offered to other"):
        await w.emu.slash("film", user=w.other, guild=elsewhere)
    w.emu.install_for_user(w.other)
    handle = await w.emu.slash("film", user=w.other, guild=elsewhere)
    assert (await handle.response()).type == 4


async def test_sync_declares_install_types_and_contexts(w: World) -> None:
    (guild_id, body), *_ = w.emu.command_sync_bodies()
    assert guild_id is None
    declared = {c["name"]: (c.get("integration_types"), c.get("contexts")) for c in body}
    for name in ("cast", "quote", "film", "universe", "about", "sequel"):
        assert declared[name] == ([0, 1], [0, 1, 2]), name
    for name in ("sequel-admin", "quote-daily", "settings", "trivia"):
        assert declared[name] == ([0], [0]), name
    assert all(types and contexts for types, contexts in declared.values()), declared


async def test_fingerprint_changes_when_install_types_or_contexts_change(w: World) -> None:
    film = w.bot.tree.get_command("film")
    assert isinstance(film, app_commands.Command)
    before = fingerprint(await command_payload(w.bot))
    installs, contexts = film.allowed_installs, film.allowed_contexts
    try:
        film.allowed_installs = app_commands.AppInstallationType(guild=True, user=False)
        servers_only = fingerprint(await command_payload(w.bot))
        film.allowed_installs = installs
        film.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True)
        no_group_dms = fingerprint(await command_payload(w.bot))
    finally:
        film.allowed_installs, film.allowed_contexts = installs, contexts
    assert len({before, servers_only, no_group_dms}) == 3
    assert fingerprint(await command_payload(w.bot)) == before


async def test_the_bot_cannot_post_where_only_a_user_install_reaches(w: World) -> None:
    elsewhere = w.emu.add_guild_without_bot()
    for channel in (
        next(iter(elsewhere.channels.values())),
        w.emu.add_group_dm(w.fan, w.other),
        w.emu.add_user_dm(w.fan, w.other),
    ):
        with pytest.raises(discord.Forbidden) as refused:
            await w.bot.get_partial_messageable(channel.id).send("hello")
        assert refused.value.code == 50001
    with pytest.raises(discord.Forbidden) as refused:
        await w.bot.fetch_guild(elsewhere.id)
    assert refused.value.code == 50001
    assert {v.code for v in w.emu.violations} == {50001}
    w.emu.violations.clear()


async def test_a_sixth_followup_of_a_user_install_interaction_is_refused(w: World) -> None:
    group = w.emu.add_group_dm(w.fan, w.other)
    handle = await w.emu.slash("about", user=w.fan, channel=group)
    await handle.response()
    webhook = discord.Webhook.partial(w.bot.application_id, handle.token, client=w.bot)
    for number in range(5):
        await webhook.send(f"follow-up {number + 1}")
    with pytest.raises(discord.HTTPException) as refused:
        await webhook.send("one too many")
    assert (refused.value.status, refused.value.code) == (400, 40094)
    assert len(handle.followups) == 5
    # A server's own install has no such limit.
    handle = await w.emu.slash("about", user=w.fan, guild=w.guild, channel=w.channel)
    await handle.response()
    webhook = discord.Webhook.partial(w.bot.application_id, handle.token, client=w.bot)
    for number in range(6):
        await webhook.send(f"follow-up {number + 1}")
    assert [v.code for v in w.emu.violations] == [40094]
    w.emu.violations.clear()


async def test_suggestions_come_where_the_command_is_offered_and_nowhere_else(w: World) -> None:
    elsewhere = w.emu.add_guild_without_bot()
    group = w.emu.add_group_dm(w.fan, w.other)
    for guild, channel in ((elsewhere, None), (None, group)):
        names = await w.emu.autocomplete(
            "cast", "name", "pe", user=w.fan, guild=guild, channel=channel
        )
        assert any("Pedro" in c["name"] for c in names)
    # A modified client asking for a server command's suggestions there gets none (in the
    # bot's server, the same request gets some).
    typed = {"channel": w.channel, "time": "09:00"}
    suggestions = {
        guild.name: await w.emu.autocomplete(
            "quote-daily set", "timezone", "par", typed, user=w.fan, guild=guild, forged=True
        )
        for guild in (w.guild, elsewhere)
    }
    assert suggestions[w.guild.name] and suggestions[elsewhere.name] == []
