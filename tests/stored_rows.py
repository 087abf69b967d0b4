"""Rows in every feature's tables for one server, made through the store's own writes.

Used by the tests that check forgetting a member or a server leaves nothing behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.store import NewUpdate, Store

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
# A column whose name says it holds a Discord id (user, server, channel, role, message, ...):
# `guild_id`, `message_id`, `followed_by`. Internal row references (`person_id`, `round_id`)
# and flags (`mention_role`) do not match.
DISCORD_ID_COLUMN = re.compile(
    r"(^|_)(guild|server|channel|role|user|member|message|author|owner|thread|webhook|"
    r"interaction|emoji|sticker|application)_ids?$|_by$"
)


@dataclass(frozen=True)
class ServerRows:
    guild_id: int
    channel_id: int
    role_id: int
    member_id: int  # the member who set everything up, answered trivia and added an update
    message_ids: frozenset[int]

    @property
    def ids(self) -> frozenset[int]:
        """Every Discord id that is this server's (and of its member, here only)."""
        return frozenset(
            {self.guild_id, self.channel_id, self.role_id, self.member_id, *self.message_ids}
        )


async def fill_server(
    store: Store,
    guild_id: int,
    *,
    channel_id: int,
    role_id: int,
    member_id: int,
    message_base: int,
    updates: int = 2,
    daily_from: str = "2026-05-01",  # a future day keeps a running bot from posting a quote
) -> ServerRows:
    """A follow, a sent and a pending delivery (`updates` news updates: the first is sent),
    quote of the day with a posted quote, server settings, trivia scores and an open
    question's answer, all for `guild_id`."""
    tracker = store.tracker
    await tracker.follow(guild_id, channel_id, role_id, by=member_id, now=NOW)
    messages = {message_base, message_base + 1}
    for n in range(updates):
        update, _ = await tracker.add_update(NewUpdate(f"Update {guild_id} {n}", "Text."), now=NOW)
        if n == 0:
            for delivery in await tracker.deliveries(update.id):
                if delivery.guild_id == guild_id and await tracker.claim(delivery.id, now=NOW):
                    await tracker.mark_sent(delivery.id, message_base, now=NOW)
    await store.daily.configure(
        guild_id, channel_id, "09:00", "UTC", starts_on=daily_from, by=member_id, now=NOW
    )
    if await store.daily.pick_for_day(guild_id, "2026-05-01", now=NOW):
        await store.daily.record_posted(guild_id, "2026-05-01", message_base + 1)
    await store.settings.set_private_replies(guild_id, True)
    closed = await store.trivia.open_round(guild_id, channel_id, "q-closed", 1)
    assert closed is not None
    await store.trivia.record_answer(closed, member_id, f"fan of {guild_id}", 1)
    await store.trivia.close_round(closed)
    open_round = await store.trivia.open_round(guild_id, channel_id, "q-open", 2)
    assert open_round is not None
    await store.trivia.record_answer(open_round, member_id, f"fan of {guild_id}", 0)
    return ServerRows(guild_id, channel_id, role_id, member_id, frozenset(messages))


async def tables(db: aiosqlite.Connection) -> list[str]:
    rows = await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


async def columns(db: aiosqlite.Connection, table: str) -> list[str]:
    return [row[1] for row in await db.execute_fetchall(f"PRAGMA table_info({table})")]


async def rows_holding(db: aiosqlite.Connection, values: frozenset[int]) -> list[str]:
    """`table.column = value` for every cell of every table holding one of `values`."""
    found = []
    marks = ", ".join("?" * len(values))
    for table in await tables(db):
        for column in await columns(db, table):
            hits = await db.execute_fetchall(
                f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", tuple(values)
            )
            found += [f"{table}.{column} = {hit[0]}" for hit in hits]
    return found
