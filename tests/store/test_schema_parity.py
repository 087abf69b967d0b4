"""SQLite and PostgreSQL, migrated by their real migrations, describe the same schema.

Every repository runs the same SQL on both engines, so a table or column that differs between
`bot/store/migrations/` and `bot/store/migrations/postgres/` is a bug that only one engine's
users would meet. The two schemas are read back from the databases themselves (SQLite's
`pragma_table_info`, PostgreSQL's `information_schema`) and compared table by table, column by
column, in order. The only differences allowed are listed below, each with why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.store import Store, load_migrations, open_store

# Allowed differences -----------------------------------------------------------------------

# SQLite's quote search is an FTS5 virtual table, which SQLite keeps in shadow tables of its own
# (quotes_fts_data, _idx, _config, _docsize); PostgreSQL has no such thing.
SQLITE_FTS_SHADOWS = re.compile(r"quotes_fts_[a-z]+")
# PostgreSQL's migration runner records its versions in a table; SQLite uses PRAGMA user_version.
POSTGRES_BOOKKEEPING = frozenset({"heroes_schema"})
# The quote search index itself exists on both, but is a different thing on each: FTS5's
# indexed columns (text, context) on SQLite, a tsvector kept by a trigger (id, document) on
# PostgreSQL. Only its name is compared; the search tests check that it finds the same quotes.
DIFFERENT_BY_DESIGN = frozenset({"quotes_fts"})
# SQLite's `INTEGER PRIMARY KEY` is the rowid, which SQLite numbers itself when no id is given;
# PostgreSQL's counterpart is an identity column. Except these keys, which are a Discord server
# id the bot always gives: a plain BIGINT key on PostgreSQL (its migration says so), never
# numbered by the database on either engine in practice.
DISCORD_GIVEN_KEYS = frozenset(
    {
        ("guild_settings", "guild_id"),
        ("quote_daily", "guild_id"),
        ("sequel_follows", "guild_id"),
        ("watch_party_premieres", "guild_id"),
    }
)

# Equivalent spellings --------------------------------------------------------------------

# Integers are 64-bit on both (SQLite INTEGER, PostgreSQL BIGINT); SQLite's REAL is an 8-byte
# float, PostgreSQL's double precision; text is text.
TYPES = {
    "INTEGER": "integer",
    "bigint": "integer",
    "REAL": "float",
    "double precision": "float",
    "TEXT": "text",
    "text": "text",
}
GENERATED_ID = "<numbered by the database>"
NOW_AS_TEXT = "<the statement's time, '2025-06-01T12:00:00.123Z'>"
NOW_DEFAULTS = {
    "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')": NOW_AS_TEXT,
    "to_char((statement_timestamp() AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')": (
        NOW_AS_TEXT
    ),
}
POSTGRES_TEXT_CAST = re.compile(r"::text\b")  # PostgreSQL shows 'seed' as 'seed'::text


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    primary_key: int  # position in the primary key, 0 when not part of it


SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
SQLITE_COLUMNS = (
    'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid'
)
POSTGRES_COLUMNS = """
    SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', c.column_default,
           c.is_identity = 'YES', coalesce(k.ordinal_position, 0)
    FROM information_schema.columns c
    LEFT JOIN information_schema.table_constraints t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          AND t.constraint_type = 'PRIMARY KEY'
    LEFT JOIN information_schema.key_column_usage k
           ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
          AND k.column_name = c.column_name
    WHERE c.table_schema = current_schema()
    ORDER BY c.table_name, c.ordinal_position
"""


async def sqlite_schema(store: Store) -> dict[str, list[Column]]:
    schema: dict[str, list[Column]] = {}
    for (table,) in await store.database.all(SQLITE_TABLES):
        rows = await store.database.all(SQLITE_COLUMNS, (table,))
        single_key = sum(1 for row in rows if row[4]) == 1
        schema[table] = [
            Column(
                name,
                TYPES.get(kind, kind),
                # SQLite reports notnull=0 for primary-key columns, which are never NULL here:
                # the rowid cannot be, and every other key is given by the code.
                bool(not_null or key),
                _sqlite_default(table, name, kind, default, single_key and bool(key)),
                key,
            )
            for name, kind, not_null, default, key in rows
        ]
    return schema


def _sqlite_default(
    table: str, name: str, kind: str, default: str | None, only_key: bool
) -> str | None:
    if only_key and kind == "INTEGER" and (table, name) not in DISCORD_GIVEN_KEYS:
        return GENERATED_ID  # the rowid
    if default is None:
        return None
    return NOW_DEFAULTS.get(default, default)


async def postgres_schema(store: Store) -> dict[str, list[Column]]:
    schema: dict[str, list[Column]] = {}
    for table, name, kind, not_null, default, identity, key in await store.database.all(
        POSTGRES_COLUMNS
    ):
        if default is not None:
            default = POSTGRES_TEXT_CAST.sub("", default)
            default = NOW_DEFAULTS.get(default, default)
        column = Column(
            name, TYPES.get(kind, kind), not_null, GENERATED_ID if identity else default, key
        )
        schema.setdefault(table, []).append(column)
    return schema


async def both_schemas(
    db_path: Path, postgres_url: str
) -> tuple[dict[str, list[Column]], dict[str, list[Column]]]:
    async with open_store(db_path) as sqlite, open_store(postgres_url) as postgres:
        return await sqlite_schema(sqlite), await postgres_schema(postgres)


def test_both_engines_ship_the_same_numbered_migrations() -> None:
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    postgres = [(m.version, m.name) for m in load_migrations("postgres")]
    assert sqlite == postgres
    assert len(sqlite) >= 7


async def test_migrated_engines_have_the_same_tables(db_path: Path, postgres_url: str) -> None:
    sqlite, postgres = await both_schemas(db_path, postgres_url)
    sqlite_tables = {t for t in sqlite if not SQLITE_FTS_SHADOWS.fullmatch(t)}
    postgres_tables = set(postgres) - POSTGRES_BOOKKEEPING
    assert sorted(sqlite_tables) == sorted(postgres_tables)
    assert sqlite_tables >= DIFFERENT_BY_DESIGN  # the allowance still names a real table
    assert len(sqlite_tables) >= 15


async def test_migrated_engines_have_the_same_columns_in_the_same_order(
    db_path: Path, postgres_url: str
) -> None:
    """Names, order, type, NOT NULL, default and primary key, column by column."""
    sqlite, postgres = await both_schemas(db_path, postgres_url)
    compared = sorted(set(sqlite) & set(postgres) - DIFFERENT_BY_DESIGN)
    differences = [
        f"{table}: sqlite {sqlite[table]} != postgres {postgres[table]}"
        for table in compared
        if sqlite[table] != postgres[table]
    ]
    assert differences == []
    assert sum(len(sqlite[table]) for table in compared) >= 100
