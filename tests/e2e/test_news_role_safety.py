"""Issue 9: the news role can't be a path to permissions, pings or API floods (real bot, emulator).

Each test is one attack: a member with Manage Server only picks an Administrator role; a member
picks a role they couldn't give themselves; a role becomes unsafe after follow; a role its
chooser couldn't mention gets pinged; a member mashes the Notify button.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import discord

from bot.client import HeroesBot
from bot.clock import ManualClock
from bot.config import Config
from bot.invite import invite_permissions
from bot.store import NewUpdate
from discord_emulator import Channel, Emulator, Guild, Message, Role, User
from tests.e2e.cards import card_text, custom_ids, is_card
from tests.e2e.harness import assert_clean, running_bot

P = discord.Permissions
# @everyone here can read and write, nothing more (the emulator's default is much broader).
EVERYONE = P(view_channel=True, send_messages=True, read_message_history=True).value
MANAGE_SERVER = P(manage_guild=True).value
MANAGE_ROLES = P(manage_guild=True, manage_roles=True).value


@dataclass
class Server:
    emu: Emulator
    bot: HeroesBot
    guild: Guild
    news: Channel
    owner: User
    fan: User
    roles: dict[str, Role] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


Build = Callable[[Emulator, Guild, dict[str, Role], dict[str, User]], None]


@asynccontextmanager
async def server(tmp_path: Path, build: Build) -> AsyncIterator[Server]:
    """A server whose roles and members `build` makes before the bot connects (the bot learns
    them from GUILD_CREATE, as it would on Discord)."""
    async with Emulator(heartbeat_interval=5.0) as emu:
        fan = emu.add_user("fan")
        guild = emu.add_guild(
            "Heroes HQ",
            channels=("general", "news"),
            everyone_permissions=EVERYONE,
            bot_permissions=invite_permissions().value,
        )
        roles: dict[str, Role] = {}
        users: dict[str, User] = {}
        build(emu, guild, roles, users)
        news = next(c for c in guild.channels.values() if c.name == "news")
        settings = Config(database_path=tmp_path / "heroes.db", guild_ready_timeout=0.05)
        async with running_bot(emu, settings) as (bot, _):
            yield Server(emu, bot, guild, news, emu.app.owner, fan, roles, users)


def fans_role(mentionable: bool) -> Build:
    """Only a permissionless sequel-fans role, just below the bot's."""

    def build(emu: Emulator, guild: Guild, roles: dict[str, Role], users: dict[str, User]) -> None:
        roles["fans"] = emu.add_role(guild, "sequel-fans", position=1, mentionable=mentionable)

    return build


def role_calls(emu: Emulator) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for r in emu.requests
        if r.method in ("PUT", "DELETE") and "/roles/" in r.path
    ]


async def follow(s: Server, user: User, role: object) -> str:
    handle = await s.emu.slash(
        "sequel-admin follow", {"channel": s.news, "role": role}, guild=s.guild, user=user
    )
    response = await handle.response()
    assert response.ephemeral
    return response.content or ""


async def status_card(s: Server) -> tuple[Message, str, str]:
    status = await s.emu.slash("sequel status", guild=s.guild, user=s.fan)
    card = await status.wait_message()
    notify, stop = custom_ids(card)
    return card, notify, stop


async def press_reply(s: Server, card: Message, custom_id: str) -> str:
    pressed = await s.emu.press(card, custom_id, user=s.fan)
    return (await pressed.wait_message()).content


async def test_news_role_with_administrator_chosen_by_a_manage_server_member_is_refused(
    tmp_path: Path,
) -> None:
    def build(emu: Emulator, guild: Guild, roles: dict[str, Role], users: dict[str, User]) -> None:
        users["manager"] = emu.add_user("manager", guilds=[guild])
        emu.add_role(guild, "Managers", permissions=MANAGE_SERVER, members=[users["manager"]])
        # Below the bot's role, so the bot could hand it out.
        roles["moderators"] = emu.add_role(
            guild,
            "Moderators",
            permissions=P(administrator=True, kick_members=True).value,
            position=1,
            mentionable=True,
        )

    async with server(tmp_path, build) as s:
        manager, moderators = s.users["manager"], s.roles["moderators"]
        reply = await follow(s, manager, moderators)
        assert "Not following" in reply
        assert "**Administrator**" in reply and "**Kick Members**" in reply
        assert "Server Settings → Roles" in reply  # how to fix it
        assert await s.bot.store.tracker.get_follow(s.guild.id) is None
        # Even the owner can't make it the news role: anyone pressing would get Administrator.
        assert "**Administrator**" in await follow(s, s.owner, moderators)
        assert await s.bot.store.tracker.get_follow(s.guild.id) is None
        assert role_calls(s.emu) == []
        assert_clean(s.emu)


async def test_news_role_the_member_could_not_give_themselves_is_refused(tmp_path: Path) -> None:
    def build(emu: Emulator, guild: Guild, roles: dict[str, Role], users: dict[str, User]) -> None:
        fans_role(mentionable=True)(emu, guild, roles, users)  # no permissions at all
        users["manager"] = emu.add_user("manager", guilds=[guild])
        emu.add_role(guild, "Managers", permissions=MANAGE_SERVER, members=[users["manager"]])
        users["helper"] = emu.add_user("helper", guilds=[guild])
        # Manage Roles, but their highest role sits below the news role.
        emu.add_role(
            guild, "Helpers", permissions=MANAGE_ROLES, members=[users["helper"]], position=1
        )

    async with server(tmp_path, build) as s:
        fans, no_manage_roles, lower = s.roles["fans"], s.users["manager"], s.users["helper"]
        reply = await follow(s, no_manage_roles, fans)
        assert "Not following" in reply and "**Manage Roles**" in reply
        reply = await follow(s, lower, fans)
        assert "Not following" in reply and f"no role above <@&{fans.id}>" in reply
        assert await s.bot.store.tracker.get_follow(s.guild.id) is None
        # The server owner may give any role.
        assert "Following" in await follow(s, s.owner, fans)
        assert_clean(s.emu)


async def test_news_role_made_unsafe_after_follow_is_refused_at_the_button(tmp_path: Path) -> None:
    def build(emu: Emulator, guild: Guild, roles: dict[str, Role], users: dict[str, User]) -> None:
        fans_role(mentionable=True)(emu, guild, roles, users)
        users["mod"] = emu.add_user("mod", guilds=[guild])
        roles["mods"] = emu.add_role(
            guild, "Mods", permissions=MANAGE_ROLES, members=[users["mod"]]
        )

    async with server(tmp_path, build) as s:
        fans, mods = s.roles["fans"], s.roles["mods"]
        assert "Following" in await follow(s, s.users["mod"], fans)
        card, notify, _ = await status_card(s)
        # A manager later gives the role Ban Members; the bot learns it from the gateway.
        await s.emu.update_role(s.guild, fans, permissions=P(ban_members=True).value)
        await s.emu.wait_until(
            lambda: (
                (g := s.bot.get_guild(s.guild.id)) is not None
                and (r := g.get_role(fans.id)) is not None
                and r.permissions.ban_members
            ),
            what="the role update",
        )
        reply = await press_reply(s, card, notify)
        assert "won't give you" in reply and "**Ban Members**" in reply
        assert role_calls(s.emu) == []
        assert fans.id not in s.guild.members[s.fan.id].roles

        # Or through a channel override: Manage Messages in #news, which @everyone lacks there.
        await s.emu.update_role(s.guild, fans, permissions=0)
        s.news.permission_overwrites.append(
            {
                "id": str(fans.id),
                "type": 0,
                "allow": str(P(manage_messages=True).value),
                "deny": "0",
            }
        )
        await s.emu.dispatch(
            "CHANNEL_UPDATE",
            {**s.news.to_payload(), "guild_id": str(s.guild.id)},
            guild_id=s.guild.id,
        )
        await s.emu.wait_until(
            lambda: (
                not s.bot.get_guild(s.guild.id).get_role(fans.id).permissions.ban_members  # type: ignore[union-attr]
                and s.bot.get_channel(s.news.id).overwrites
            ),  # type: ignore[union-attr]
            what="the override",
        )
        reply = await press_reply(s, card, notify)
        assert "won't give you" in reply and f"in <#{s.news.id}>: **Manage Messages**" in reply

        # Or the member who chose it can't give it any more (lost Manage Roles).
        s.news.permission_overwrites.clear()
        await s.emu.dispatch(
            "CHANNEL_UPDATE",
            {**s.news.to_payload(), "guild_id": str(s.guild.id)},
            guild_id=s.guild.id,
        )
        await s.emu.update_role(s.guild, mods, permissions=MANAGE_SERVER)
        await s.emu.wait_until(
            lambda: (
                not s.bot.get_channel(s.news.id).overwrites  # type: ignore[union-attr]
                and not s.bot.get_guild(s.guild.id).get_role(mods.id).permissions.manage_roles  # type: ignore[union-attr]
            ),
            what="the Mods role update",
        )
        reply = await press_reply(s, card, notify)
        assert "won't give you" in reply
        assert f"<@{s.users['mod'].id}>, who chose it, now doesn't have **Manage Roles**" in reply
        assert role_calls(s.emu) == []
        assert fans.id not in s.guild.members[s.fan.id].roles
        assert_clean(s.emu)


async def test_role_its_chooser_could_not_mention_is_posted_without_a_ping(tmp_path: Path) -> None:
    def build(emu: Emulator, guild: Guild, roles: dict[str, Role], users: dict[str, User]) -> None:
        fans_role(mentionable=False)(emu, guild, roles, users)
        users["mod"] = emu.add_user("mod", guilds=[guild])
        # Manage Roles above the role, but no Mention Everyone.
        emu.add_role(guild, "Mods", permissions=MANAGE_ROLES, members=[users["mod"]])

    async with server(tmp_path, build) as s:
        fans, mod = s.roles["fans"], s.users["mod"]
        reply = await follow(s, mod, fans)
        assert "Following" in reply and "without mentioning" in reply
        following = await s.emu.slash("sequel-admin following", guild=s.guild, user=mod)
        card = str((await following.response()).embeds[0])
        assert "not pinged" in card and "Mention Everyone" in card

        tracker = s.bot.store.tracker
        _, queued = await tracker.add_update(NewUpdate("Filming begins", "Cameras roll."))
        assert queued == 1
        s.bot.get_cog("Sequel").worker.wake()  # type: ignore[union-attr]
        posts = await s.emu.wait_until(
            lambda: [m for m in s.emu.conversation(s.news) if is_card(m)], what="the news post"
        )
        (post,) = posts
        assert f"<@&{fans.id}>" not in post.content + card_text(post)
        assert not (post.allowed_mentions or {}).get("roles")
        assert "roles" not in (post.allowed_mentions or {}).get("parse", [])
        assert post.components  # the Notify buttons are still there

        # Made mentionable later: anyone could mention it now, so posts ping it again.
        seen = asyncio.ensure_future(s.bot.wait_for("guild_role_update", timeout=5))
        await s.emu.update_role(s.guild, fans, mentionable=True)
        await seen
        # The bot's listeners for that event were started as it was dispatched (discord.py names
        # their tasks after the event): wait for them to finish instead of polling the database.
        await asyncio.gather(
            *(t for t in asyncio.all_tasks() if t.get_name() == "discord.py: on_guild_role_update")
        )
        follow_row = await tracker.get_follow(s.guild.id)
        assert follow_row is not None and follow_row.mention_role
        assert_clean(s.emu)


async def test_thirty_rapid_notify_presses_make_at_most_three_role_calls(tmp_path: Path) -> None:
    async with server(tmp_path, fans_role(mentionable=True)) as s:
        fans = s.roles["fans"]
        assert "Following" in await follow(s, s.owner, fans)
        clock = ManualClock()  # the presses' time: it stands still until advanced
        guard = getattr(s.bot.get_cog("Sequel"), "notify_guard", None)
        if guard is not None:  # absent before issue 9: the test then fails on the role calls
            guard.clock = clock
        card, notify, stop = await status_card(s)
        presses = []
        for i in range(30):  # alternately Notify me / Stop notifying me, without waiting
            presses.append(await s.emu.press(card, notify if i % 2 == 0 else stop, user=s.fan))
        replies = [await p.wait_message() for p in presses]
        calls = role_calls(s.emu)
        assert 1 <= len(calls) <= 3
        slowed = [r for r in replies if "Try again in" in r.content]
        assert len(slowed) == 27
        # The allowed presses were deferred (ephemeral "thinking") before the role call.
        deferred = [p for p in presses if p.interaction.response_type == 5]
        assert len(deferred) == 3 and all(p.interaction.response_body for p in deferred)
        assert all(r.ephemeral for r in replies)

        await clock.advance(10.0)  # ten seconds later: pressing works again
        reply = await press_reply(
            s, card, stop if fans.id in s.guild.members[s.fan.id].roles else notify
        )
        assert "Done" in reply
        assert len(role_calls(s.emu)) == len(calls) + 1
        assert_clean(s.emu)
