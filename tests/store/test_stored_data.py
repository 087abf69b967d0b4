"""What is stored is declared, and deleting it is complete (issue 9, item 7)."""

from __future__ import annotations

from bot.store import BOT_TABLES, FILM_TABLES, STORED_DATA, ByParent, Store
from bot.ui.privacy import deleting_text, stored_fields
from tests.stored_rows import DISCORD_ID_COLUMN, columns, fill_server, rows_holding, tables

# Snowflake-sized ids, so no row id or count of the film's data can equal one of them.
SNOW = 900_000_000_000_000_000
GUILD, OTHER = SNOW + 1, SNOW + 2


async def test_every_table_and_discord_id_column_in_the_schema_is_declared(store: Store) -> None:
    db = store.database
    declared = {d.table: d for d in STORED_DATA}
    assert len(declared) == len(STORED_DATA), "a table is declared twice"
    schema = await tables(db)
    virtual = set(FILM_TABLES) & set(schema)
    undeclared, uncovered = [], []
    for table in schema:
        if any(table.startswith(f"{v}_") for v in virtual):
            continue  # an FTS index's shadow tables (quotes_fts_data, ...)
        if table not in declared and table not in FILM_TABLES | BOT_TABLES:
            undeclared.append(table)
        covered = declared[table].id_columns if table in declared else frozenset()
        uncovered += [
            f"{table}.{column}"
            for column in await columns(db, table)
            if DISCORD_ID_COLUMN.search(column) and column not in covered
        ]
    assert undeclared == [], "tables missing from bot/store/_stored_data.py"
    assert uncovered == [], "Discord id columns no declaration accounts for"
    # And every declaration names real tables and columns.
    for datum in STORED_DATA:
        real = set(await columns(db, datum.table))
        assert datum.id_columns <= real, datum.table
        if isinstance(datum.server, ByParent):
            assert datum.server.key in await columns(db, datum.server.table)


async def test_leaving_a_server_leaves_no_row_keyed_by_it_in_any_table(store: Store) -> None:
    gone = await fill_server(
        store,
        GUILD,
        channel_id=SNOW + 11,
        role_id=SNOW + 12,
        member_id=SNOW + 13,
        message_base=SNOW + 14_000,
    )
    kept = await fill_server(
        store,
        OTHER,
        channel_id=SNOW + 21,
        role_id=SNOW + 22,
        member_id=SNOW + 23,
        message_base=SNOW + 24_000,
    )
    db = store.database
    assert len(await rows_holding(db, gone.ids)) >= 12  # every feature had rows for it
    report = await store.lifecycle.forget_guild(GUILD)
    assert {c.datum.table for c in report.changes} == {
        d.table for d in STORED_DATA if d.server is not None
    }
    # Not one cell of any table still holds the server's id, its channel, role or message ids,
    # or the id of the member who was only there.
    assert await rows_holding(db, gone.ids) == []
    assert await store.lifecycle.stored_guild_ids() == {OTHER}
    still = await rows_holding(db, kept.ids)
    assert {cell.split(".")[0] for cell in still} >= {
        d.table for d in STORED_DATA if d.server is not None
    }


async def test_forget_member_in_one_server_keeps_their_rows_in_another(store: Store) -> None:
    member = SNOW + 55
    await fill_server(
        store,
        GUILD,
        channel_id=SNOW + 11,
        role_id=SNOW + 12,
        member_id=member,
        message_base=SNOW + 14_000,
    )
    await fill_server(
        store,
        OTHER,
        channel_id=SNOW + 21,
        role_id=SNOW + 22,
        member_id=member,
        message_base=SNOW + 24_000,
    )
    here = await store.lifecycle.forget_member(member, GUILD)
    assert {(c.datum.table, c.member.column) for c in here.changes if c.member} == {
        ("trivia_scores", "user_id"),
        ("trivia_answers", "user_id"),
        ("sequel_follows", "followed_by"),
        ("quote_daily", "configured_by"),
        ("watch_parties", "created_by"),
        ("watch_party_premieres", "set_by"),
        ("polls", "created_by"),
    }
    assert await store.trivia.standing(GUILD, member) is None
    assert (await store.trivia.standing(OTHER, member)) is not None
    assert (await store.tracker.get_follow(GUILD)).followed_by is None  # type: ignore[union-attr]
    assert (await store.tracker.get_follow(OTHER)).followed_by == member  # type: ignore[union-attr]
    everywhere = await store.lifecycle.forget_member(member, None)
    assert everywhere.rows == 7  # in OTHER: the same seven tables, trivia's two deleted
    assert await rows_holding(store.database, frozenset({member})) == []


def test_about_privacy_text_lists_every_declared_datum() -> None:
    fields = dict(stored_fields())
    shown = "\n".join(fields.values()).lower()
    for datum in STORED_DATA:
        assert datum.what.lower() in shown, datum.table
        assert any(datum.feature in name for name in fields), datum.feature
    deleting = deleting_text()
    for datum in STORED_DATA:
        for member in datum.members:
            assert member.forgotten in deleting, member.column
    assert all(len(value) <= 1024 for value in fields.values()) and len(deleting) <= 1024
