"""Rows in every feature's tables for one server, made through the store's own writes.

Used by the tests that check forgetting a member or a server leaves nothing behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite
from msgspec.structs import replace

from bot.store import Database, NewPoll, NewUpdate, NewWatchParty, Store

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
OPEN_UNTIL = datetime(2099, 1, 1, tzinfo=UTC)
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
    event_id = message_base + 2  # a watch party's Discord event, and the premiere opt-in
    messages.add(event_id)
    party = NewWatchParty(guild_id, event_id, "Watch party", NOW, channel_id=channel_id)
    await store.watch_parties.add(replace(party, created_by=member_id), now=NOW)
    await store.watch_parties.set_premiere(guild_id, True, by=member_id, now=NOW)
    poll_message = message_base + 3  # a /poll cast poll, with its answers
    messages.add(poll_message)
    await store.polls.record(
        NewPoll(
            guild_id,
            channel_id,
            poll_message,
            "Who do you most want back?",
            (("pedro-pascal", "Pedro Pascal"), ("yaya-gosselin", "YaYa Gosselin")),
            multiselect=False,
            created_by=member_id,
            created_at=NOW,
            # Still open whatever the bot's clock says: a due poll's final count is fetched at
            # start, from a channel these prefilled servers don't have in the emulator.
            expires_at=OPEN_UNTIL,
        )
    )
    return ServerRows(guild_id, channel_id, role_id, member_id, frozenset(messages))


# What the schema listing leaves out: each engine's own bookkeeping, not the bot's tables.
# SQLite's internal tables are `sqlite_*` (its schema version is PRAGMA user_version, no table);
# PostgreSQL's migration runner records its versions in `heroes_schema`.
_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
    "ORDER BY name",
    "postgres": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
    "AND table_name <> 'heroes_schema' ORDER BY table_name",
}
_COLUMNS = {
    "sqlite": "SELECT name FROM pragma_table_info(?) ORDER BY cid",
    "postgres": "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
}

# A store's Database (either engine), or the aiosqlite connection older callers pass.
Source = Database | aiosqlite.Connection


async def _all(db: Source, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(db, aiosqlite.Connection):
        return [tuple(row) for row in await db.execute_fetchall(sql, params)]
    return [tuple(row) for row in await db.all(sql, params)]


def _engine(db: Source) -> str:
    return "sqlite" if isinstance(db, aiosqlite.Connection) else db.engine


async def tables(db: Source) -> list[str]:
    """The bot's tables, by name (on SQLite with the FTS index's shadow tables)."""
    return [str(row[0]) for row in await _all(db, _TABLES[_engine(db)])]


async def columns(db: Source, table: str) -> list[str]:
    return [str(row[0]) for row in await _all(db, _COLUMNS[_engine(db)], (table,))]


async def rows_holding(db: Source, values: frozenset[int]) -> list[str]:
    """`table.column = value` for every cell of every table holding one of `values`.

    Every column is compared as text, one spelling for both engines: PostgreSQL refuses to
    compare a text column with an integer, and an id kept as text is found as well."""
    found = []
    marks = ", ".join("?" * len(values))
    texts = tuple(str(value) for value in values)
    for table in await tables(db):
        for column in await columns(db, table):
            hits = await _all(
                db, f"SELECT {column} FROM {table} WHERE CAST({column} AS TEXT) IN ({marks})", texts
            )
            found += [f"{table}.{column} = {hit[0]}" for hit in hits]
    return found
