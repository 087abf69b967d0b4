"""Forgetting servers that removed the bot while it was offline.

Discord sends no GUILD_DELETE for a removal that happened while the bot was not connected, so at
ready the servers with stored rows are compared with the servers the bot is in. Deleting is
irreversible, so it runs only on a complete guild list:

- only after every shard this process runs has received its READY (whose guild list is every
  server of that shard, unavailable ones included) and finished loading it;
- servers listed as unavailable (a Discord outage) count as present;
- only servers on this process's shards are considered: with SHARD_IDS a share of SHARD_COUNT,
  the others belong to another process sharing the database;
- never when `Config.forget_departed_servers` is off (the sandbox, whose emulator has only
  its own server even when it runs on the live database).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (guild_id >> 22) % shard_count


def departed_guilds(
    stored: Iterable[int],
    present: Collection[int],
    *,
    shard_count: int | None,
    shard_ids: Collection[int] | None,
) -> list[int]:
    """Stored servers on this process's shards that are not among the present ones."""
    gone = (guild_id for guild_id in stored if guild_id not in present)
    if shard_count is None:  # one connection: every server is this process's
        return sorted(gone)
    owned = set(range(shard_count) if shard_ids is None else shard_ids)
    return sorted(guild_id for guild_id in gone if shard_of(guild_id, shard_count) in owned)


async def forget_departed(bot: HeroesBot) -> list[int] | None:
    """Forget every departed server; the ids forgotten, or None when it may not run now."""
    settings = bot.config
    if not settings.forget_departed_servers:
        log.info("departed servers not checked: turned off here (the sandbox)")
        return None
    if not bot.guild_list_complete():
        log.warning("departed servers not checked: the server list is not complete yet")
        return None
    # Unavailable servers are in the list too (discord.py keeps them, marked unavailable).
    present = {guild.id for guild in bot.guilds}
    lifecycle = bot.store.lifecycle
    departed = departed_guilds(
        await lifecycle.stored_guild_ids(),
        present,
        shard_count=settings.shard_count,
        shard_ids=settings.shard_ids,
    )
    for guild_id in departed:
        report = await lifecycle.forget_guild(guild_id)
        log.info(
            "server %s removed the bot while it was offline: deleted %d rows (%s)",
            guild_id,
            report.rows,
            ", ".join(f"{c.datum.table} {c.rows}" for c in report.changes),
        )
    return departed
