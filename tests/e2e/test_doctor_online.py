"""`heroes-bot doctor --online` against the emulator: it logs in over HTTP only and reports each
channel and news role the store names, as Discord has them now, with the fix."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest

import bot.doctor.online
from bot.__main__ import main
from bot.invite import invite_permissions, invite_url, user_install_url
from bot.store import open_store
from discord_emulator import Channel, Emulator, Guild, Role, redirect_discord_py
from tests.test_doctor import SETTINGS

MANAGE_ROLES = 1 << 28
SEND_MESSAGES = 1 << 11
ADMINISTRATOR = 1 << 3


@dataclass
class Server:
    emu: Emulator
    guild: Guild
    news: Channel
    daily: Channel
    news_role: Role
    bot_role: Role
    env: Path

    @property
    def where(self) -> str:
        return f"server Heroes HQ ({self.guild.id})"


def shaped_token(application_id: int) -> str:
    head = base64.b64encode(str(application_id).encode()).decode().rstrip("=")
    return f"{head}.GaBcDe.{'x' * 38}"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS:
        # Set, then removed: monkeypatch then deletes at the end what the .env loaded (a
        # plain delenv of an absent variable records nothing to undo).
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    """A server following the news in #news with a safe, assignable role, and a quote of the
    day in #daily: everything doctor --online checks is fine."""
    async with Emulator() as emu:
        emu.app.token = shaped_token(emu.app.id)
        guild = emu.add_guild("Heroes HQ", channels=("news", "daily"))
        news, daily = guild.channels.values()
        bot_role = next(r for r in guild.roles.values() if r.name == emu.bot_user.username)
        bot_role.permissions |= MANAGE_ROLES
        news_role = emu.add_role(guild, "Sequel news", position=1)  # below the bot's role
        db = tmp_path / "heroes.db"
        async with open_store(db) as store:
            await store.tracker.follow(guild.id, news.id, news_role.id)
            await store.daily.configure(guild.id, daily.id, "09:00", "UTC", starts_on="2026-01-01")
        env = tmp_path / ".env"
        env.write_text(f"DISCORD_TOKEN={emu.token}\nDATABASE_PATH={db}\n")
        env.chmod(0o600)
        yield Server(emu, guild, news, daily, news_role, bot_role, env)


async def doctor_online(
    server: Server, capsys: pytest.CaptureFixture[str], *, port: int | None = None
) -> tuple[int, list[str]]:
    """main() as the command line runs it (its own event loop: on a thread), with discord.py
    sent to the emulator (or to `port`)."""
    with redirect_discord_py(port or server.emu.port):
        status = await asyncio.to_thread(
            main, ["--env-file", str(server.env), "doctor", "--online"]
        )
    return status, capsys.readouterr().out.splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


async def test_a_healthy_server_is_all_ticks_and_prints_the_invite_link(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = await doctor_online(server, capsys)
    assert status == 0, lines
    assert failures(lines) == []
    assert f"✓ invite link: {invite_url(server.emu.app.id)}" in lines
    assert "✓ intents: heroes-bot needs no privileged intent" in lines
    assert (
        f"✓ sequel news in {server.where}: heroes-bot may post in #news ({server.news.id})" in lines
    )
    assert (
        f"✓ quote of the day in {server.where}: heroes-bot may post in #daily "
        f"({server.daily.id})" in lines
    )
    assert (
        f"✓ news role in {server.where}: @Sequel news ({server.news_role.id}) is safe and "
        "heroes-bot can give it" in lines
    )
    # HTTP only: no gateway session was opened.
    assert server.emu.identifies == []
    assert server.emu.violations == []


async def test_a_followed_channel_denying_send_messages_names_the_fix(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.news.permission_overwrites = [
        {"id": str(server.bot_role.id), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}
    ]
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ sequel news in {server.where}: heroes-bot lacks Send Messages in #news "
        f"({server.news.id}): give heroes-bot View Channel, Send Messages and Embed Links in "
        "#news (the channel's settings > Permissions > heroes-bot's role), or run "
        "/sequel-admin follow with another channel, or /sequel-admin unfollow"
    ]


async def test_a_deleted_quote_of_the_day_channel_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    await server.emu.delete_channel(server.guild, server.daily)
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ quote of the day in {server.where}: channel {server.daily.id} no longer exists: run "
        "/quote-daily set with another channel, or /quote-daily off in that server"
    ]


async def test_a_news_role_above_the_bots_top_role_cannot_be_given(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.news_role.position = server.bot_role.position + 1
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    bot_role = f"@{server.bot_role.name} ({server.bot_role.id})"
    assert failures(lines) == [
        f"✗ news role in {server.where}: @Sequel news ({server.news_role.id}) is not safe to "
        f"give or cannot be given: @Sequel news ({server.news_role.id}) sits at or above my "
        f"highest role ({bot_role}), so I can't give it to anyone. Drag my role above it in "
        "Server Settings → Roles."
    ]


async def test_a_news_role_given_administrator_is_unsafe(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.news_role.permissions = ADMINISTRATOR
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith(
        f"✗ news role in {server.where}: @Sequel news ({server.news_role.id}) is not safe to "
        f"give or cannot be given: @Sequel news ({server.news_role.id}) gives permissions "
        "@everyone doesn't have — in the server: Administrator"
    )


async def test_a_refused_token_is_one_line_and_exit_1(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.emu.app.token = shaped_token(server.emu.app.id).replace("x", "y")  # reset in the portal
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ Discord refused DISCORD_TOKEN: copy the token again from "
        "https://discord.com/developers/applications (Bot > Reset Token) into DISCORD_TOKEN, "
        "without quotes or spaces"
    ]


async def test_an_unreachable_discord_is_one_line_and_exit_1(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    status, lines = await doctor_online(server, capsys, port=port)
    assert status == 1
    [failure] = failures(lines)
    assert failure.startswith("✗ Discord cannot be reached (")
    assert failure.endswith("): check this machine's network and DNS, then try again")


async def test_an_invite_needing_a_code_grant_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.emu.app.bot_require_code_grant = True
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ install settings: the application requires an OAuth2 code grant: switch off "
        "Requires OAuth2 Code Grant in https://discord.com/developers/applications (Bot): "
        "invites fail with it on"
    ]


async def test_a_portal_install_link_without_the_bot_scope_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # Default Install Settings with only applications.commands: commands, but no bot to post.
    server.emu.app.install_params = {"scopes": ["applications.commands"], "permissions": "0"}
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ install settings: the portal's install link lacks the scope bot: add the scopes bot "
        "and applications.commands in https://discord.com/developers/applications "
        "(Installation > Default Install Settings), or invite with the link below"
    ]


async def test_a_privileged_intent_on_in_the_portal_is_fine_and_named(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.emu.app.flags = 1 << 18  # GATEWAY_MESSAGE_CONTENT
    status, lines = await doctor_online(server, capsys)
    assert status == 0, lines
    assert (
        "✓ intents: heroes-bot needs no privileged intent (Message Content is on in the portal, "
        "unused: you may switch it off)" in lines
    )


async def test_an_unexpected_discord_error_keeps_the_checks_made_before_it(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.emu.inject_fault("GET /guilds/{guild_id}/channels", status=400, times=1)
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert f"✓ invite link: {invite_url(server.emu.app.id)}" in lines
    assert failures(lines) == [
        "✗ Discord answered 400 (400: Server Error): try again later; if it stays, see "
        "https://discordstatus.com"
    ]


async def test_a_server_that_removed_the_bot_is_reported_once(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    del server.emu.state.guilds[server.guild.id]  # kicked while the bot was offline
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ server {server.guild.id}: heroes-bot is no longer in it: invite it back with the "
        "link above, or leave it: heroes-bot forgets the server's settings at its next start"
    ]


async def test_no_token_is_reported_offline_and_online(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.env.write_text(f"DATABASE_PATH={server.env.parent / 'heroes.db'}\n")
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines)[-1] == "✗ Discord: no DISCORD_TOKEN to log in with: set it (see above)"
    assert failures(lines)[0].startswith("✗ DISCORD_TOKEN is not set: ")
    assert server.emu.violations == []


async def test_whether_members_can_install_it_to_their_own_account_is_said(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    def install_line(lines: list[str]) -> str:
        return next(line for line in lines if line.startswith("✓ install settings"))

    _, lines = await doctor_online(server, capsys)
    assert "User Install is off: members cannot add it to their own account" in install_line(lines)
    server.emu.app.integration_types_config = {"0": {}, "1": {}}
    _, lines = await doctor_online(server, capsys)
    assert "User Install is on: members can also add it" in install_line(lines)


async def test_user_install_link_is_printed_only_when_user_install_is_on(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    line = f"✓ user install link: {user_install_url(server.emu.app.id)}"
    _, lines = await doctor_online(server, capsys)
    assert line not in lines
    server.emu.app.integration_types_config = {"0": {}, "1": {}}
    _, lines = await doctor_online(server, capsys)
    assert line in lines


async def test_guild_install_switched_off_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.emu.app.integration_types_config = {"1": {}}  # User Install only
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ install settings: Guild Install is off, so no server can add heroes-bot: switch on "
        "Guild Install in https://discord.com/developers/applications (Installation > "
        "Installation Contexts)"
    ]


async def test_a_portal_install_link_without_embed_links_and_manage_roles_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # Everything the invite asks for but those two.
    asked = invite_permissions()
    asked.embed_links = asked.manage_roles = False
    server.emu.app.install_params = {
        "scopes": ["bot", "applications.commands"],
        "permissions": str(asked.value),
    }
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ install settings: the portal's install link leaves out Embed Links, Manage Roles: "
        "add them in https://discord.com/developers/applications (Installation > Default "
        "Install Settings), or invite with the link below"
    ]


async def test_a_store_that_cannot_be_read_is_reported_once_online(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    db = server.env.parent / "heroes.db"
    db.write_bytes(b"overwritten by mistake " * 300)
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    offline, online = failures(lines)
    assert offline.startswith(f"✗ database {db} does not open (")
    assert online.startswith(
        f"✗ channels and news roles: the database cannot be read: {db} cannot be used as a "
        "database: "
    )


async def test_a_deleted_news_role_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    del server.guild.roles[server.news_role.id]  # deleted while the bot was offline
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        f"✗ news role in {server.where}: role {server.news_role.id} no longer exists: run "
        "/sequel-admin follow again in that server with another role, or none"
    ]


async def test_doctor_online_leaves_the_database_folder_as_it_was(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = server.env.parent
    before = sorted(entry.name for entry in folder.iterdir())
    status, lines = await doctor_online(server, capsys)
    assert status == 0, lines
    assert sorted(entry.name for entry in folder.iterdir()) == before == [".env", "heroes.db"]


async def test_a_privileged_intent_heroes_bot_needs_but_the_portal_has_off_is_reported(
    server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # heroes-bot needs none today; this guards the day a feature asks for one.
    def intents_with_members() -> discord.Intents:
        return discord.Intents(guilds=True, members=True)

    monkeypatch.setattr(bot.doctor.online, "bot_intents", intents_with_members)
    status, lines = await doctor_online(server, capsys)
    assert status == 1
    assert failures(lines) == [
        "✗ intents: heroes-bot needs Server Members: switch it on in "
        "https://discord.com/developers/applications (Bot > Privileged Gateway Intents)"
    ]
