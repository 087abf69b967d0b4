"""For every server in the store: the followed news channel, the quote-of-the-day channel and
the news role, as Discord has them now (fetched over HTTP)."""

from __future__ import annotations

from collections import defaultdict

import discord
import msgspec

from bot.config import Config
from bot.store import (
    DailyConfig,
    Follow,
    StoreError,
    open_store_unchanged,
    stored_version,
)

from .database import latest_version
from .permissions import POSTING_WORDS, FetchedGuild, news_role_problem, posting_gap
from .report import Check

NEWS = "sequel news"
DAILY = "quote of the day"
ELSEWHERE = {
    NEWS: "/sequel-admin follow with another channel, or /sequel-admin unfollow",
    DAILY: "/quote-daily set with another channel, or /quote-daily off",
}


class Server(msgspec.Struct):
    """What the store says heroes-bot does in one server."""

    follow: Follow | None = None
    daily: DailyConfig | None = None
    channels: list[tuple[str, int]] = msgspec.field(default_factory=list)


async def stored_servers(settings: Config) -> dict[int, Server] | Check:
    """The servers' follows and schedules, read without changing the database; a Check when
    they cannot be read (yet)."""
    target = settings.database_target
    try:
        version = await stored_version(target)
        if version is None:
            return {}
        if version != latest_version(target):
            return Check.passed(
                "channels and news roles: not checked until the database is at this "
                "heroes-bot's schema (see above); run doctor --online again after"
            )
        async with open_store_unchanged(target) as store:
            follows = await store.tracker.active_follows()
            schedules = await store.daily.all_configs()
    except StoreError as exc:
        return Check.failed("channels and news roles: the database cannot be read", str(exc))
    servers: dict[int, Server] = defaultdict(Server)
    for follow in follows:
        servers[follow.guild_id].follow = follow
        servers[follow.guild_id].channels.append((NEWS, follow.channel_id))
    for daily in schedules:
        servers[daily.guild_id].daily = daily
        servers[daily.guild_id].channels.append((DAILY, daily.channel_id))
    return dict(sorted(servers.items()))


async def server_checks(client: discord.Client, settings: Config) -> list[Check]:
    servers = await stored_servers(settings)
    if isinstance(servers, Check):
        return [servers]
    if not servers:
        return [Check.passed("channels: no server follows the news or has a quote of the day yet")]
    checks: list[Check] = []
    for guild_id, server in servers.items():
        fetched = await fetch_server(client, guild_id)
        if isinstance(fetched, Check):
            checks.append(fetched)
            continue
        for feature, channel_id in server.channels:
            checks.append(channel_check(fetched, feature, channel_id))
        if server.follow is not None and server.follow.role_id is not None:
            checks.append(role_check(fetched, server.follow.role_id))
    return checks


async def fetch_server(client: discord.Client, guild_id: int) -> FetchedGuild | Check:
    if client.user is None:  # only before login
        raise RuntimeError("fetch_server needs a logged-in client")
    try:
        guild = await client.fetch_guild(guild_id, with_counts=False)
        me = await guild.fetch_member(client.user.id)
        channels = await guild.fetch_channels()
    except (discord.NotFound, discord.Forbidden):
        return Check.failed(
            f"server {guild_id}: heroes-bot is no longer in it",
            "invite it back with the link above, or leave it: heroes-bot forgets the "
            "server's settings at its next start",
        )
    return FetchedGuild(guild, me, channels)


def channel_check(server: FetchedGuild, feature: str, channel_id: int) -> Check:
    where = f"{feature} in {server.label()}"
    channel = server.channel(channel_id)
    if channel is None:
        return Check.failed(
            f"{where}: channel {channel_id} no longer exists",
            f"run {ELSEWHERE[feature]} in that server",
        )
    named = f"#{channel.name} ({channel.id})"
    gap = posting_gap(channel, server.me)
    if gap is not None:
        return Check.failed(
            f"{where}: heroes-bot lacks {gap} in {named}",
            f"give heroes-bot {POSTING_WORDS} in #{channel.name} (the channel's settings > "
            f"Permissions > heroes-bot's role), or run {ELSEWHERE[feature]}",
        )
    return Check.passed(f"{where}: heroes-bot may post in {named}")


def role_check(server: FetchedGuild, role_id: int) -> Check:
    where = f"news role in {server.label()}"
    role = server.guild.get_role(role_id)
    if role is None:
        return Check.failed(
            f"{where}: role {role_id} no longer exists",
            "run /sequel-admin follow again in that server with another role, or none",
        )
    named = f"@{role.name} ({role.id})"
    problem = news_role_problem(server, role)
    if problem is not None:
        return Check.failed(f"{where}: {named} is not safe to give or cannot be given", problem)
    return Check.passed(f"{where}: {named} is safe and heroes-bot can give it")
