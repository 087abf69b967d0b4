from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import SeedData, Store, StoreError, load_migrations, open_store
from bot.text import search_fold, search_terms, tsquery
from tests.engines import postgres_only, sqlite_only

HOSTILE = [
    '"',
    '""',
    "*",
    "NEAR(",
    "NEAR(lava shark, 2)",
    "lava OR",
    "AND",
    "(((",
    ")",
    "-lava",
    "^lava",
    "lava:*",
    "text:lava",
    "'; DROP TABLE quotes; --",
    "🦈🌋",
    "\x00",
    "_",
    "x" * 6000,
    "lava " * 1200,
    "\u202e\u200b",
    # PostgreSQL's tsquery syntax, quotes and escapes (never parsed: each word is quoted).
    "'",
    "\\",
    "lava\\'",
    "'lava':*",
    "lava & !shark | (son <-> did)",
    "&|!():*<->",
    "lava:A",
    "ʼn ʻlava",  # letters heroes_fold turns into apostrophes
    "foo_bar",
    "lava\x00shark",
    "y" * 10_000,
]


@sqlite_only
async def test_migrations_set_user_version_and_pragmas(store: Store) -> None:
    db = store.database.connection
    async with db.execute("PRAGMA user_version") as cur:
        assert (await cur.fetchone())[0] == len(load_migrations())
    async with db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    async with db.execute("PRAGMA busy_timeout") as cur:
        assert (await cur.fetchone())[0] > 0


async def test_a_database_newer_than_the_code_is_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="schema version 999"):
        async with open_store(db_path):
            pass


async def test_a_file_that_is_not_sqlite_is_never_touched(db_path: Path) -> None:
    original = b"my precious notes\n" * 100
    db_path.write_bytes(original)
    with pytest.raises(StoreError, match="not a SQLite database"):
        async with open_store(db_path):
            pass
    assert db_path.read_bytes() == original
    assert not Path(f"{db_path}-wal").exists()


async def test_a_failing_migration_leaves_the_database_as_it_was(db_path: Path) -> None:
    from bot.store import migrate
    from bot.store._migrations import Migration

    good = load_migrations()
    broken = [*good, Migration(len(good) + 1, "broken.sql", "CREATE TABLE x (a); BOGUS SQL;")]
    async with open_store(db_path) as store:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(store.database.connection, broken)
        async with store.database.connection.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == len(good)
        async with store.database.connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'x'"
        ) as cur:
            assert (await cur.fetchone())[0] == 0


async def test_seeding_is_idempotent(store: Store, seed: SeedData) -> None:
    before = await store.counts()
    report = await store.apply_seed(seed)
    assert report.added == report.updated == 0
    assert report.unchanged > 0
    assert await store.counts() == before


async def test_seeding_never_overwrites_what_operators_edited(store: Store, seed: SeedData) -> None:
    # The operators' edit path is SQL on the database, marking the row edited (README).
    async with store.database.transaction() as operator:
        await operator.execute(
            "UPDATE people SET about = 'Edited by the server admin.', edited = 1 "
            "WHERE key = 'pedro-pascal'"
        )
    report = await store.apply_seed(seed)
    assert report.kept == 1
    person = await store.person("pedro-pascal")
    assert person is not None and person.about == "Edited by the server admin."


async def test_a_newer_seed_adds_and_updates_without_deleting(store: Store, seed: SeedData) -> None:
    from msgspec.structs import replace

    from bot.store import SeedQuote

    extra = SeedQuote(
        "extra", "robert-rodriguez", "I love those characters", "I just love those characters"
    )
    changed = replace(seed.quotes[0], context="A better context.")
    newer = replace(seed, quotes=(changed, *seed.quotes[1:], extra))
    report = await store.apply_seed(newer)
    assert (report.added, report.updated) == (1, 1)
    assert (await store.quote("extra")) is not None
    assert (await store.quote(seed.quotes[0].key)).context == "A better context."
    # A seed that no longer lists a row does not delete it.
    await store.apply_seed(replace(seed, quotes=()))
    assert len(await store.all_quotes()) == len(seed.quotes) + 1


async def test_cast_is_in_article_order_top_billed_first(store: Store) -> None:
    cast = await store.cast()
    assert len(cast) == 23
    assert [m.name for m in cast[:3]] == ["Pedro Pascal", "Christian Slater", "Boyd Holdbrook"]
    assert all(m.top_billed for m in cast[:3]) and not any(m.top_billed for m in cast[3:])
    assert cast[3].name == "Priyanka Chopra Jonas" and cast[-1].name == "JJ Dashnaw"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pedro", "Pedro Pascal"),
        ("Pascal", "Pedro Pascal"),
        ("PEDRO PASCAL", "Pedro Pascal"),
        ("Pédro", "Pedro Pascal"),
        ("holbrook", "Boyd Holdbrook"),
        ("Holdbrook", "Boyd Holdbrook"),
        ("holdbrok", "Boyd Holdbrook"),
        ("pedor pascal", "Pedro Pascal"),
        ("chopra", "Priyanka Chopra Jonas"),
        ("j quinton", "J. Quinton Johnson"),
        ("perry russell", "Brittany Perry-Russell"),
        ("rodriguez", "Robert Rodriguez"),
    ],
)
async def test_names_are_found_forgivingly(store: Store, query: str, expected: str) -> None:
    matches = await store.find_people(query)
    assert matches, query
    assert matches[0].name == expected


async def test_name_search_ranks_prefix_before_substring_and_caps_at_25(store: Store) -> None:
    assert [m.name for m in await store.find_people("blair")] == ["Vivien Blair", "Nathan Blair"]
    # Empty input suggests the cast, top-billed first.
    empty = await store.find_people("", limit=100)
    assert len(empty) == 23 and empty[0].name == "Pedro Pascal"
    assert len(await store.find_people("a", limit=100)) <= 25
    assert await store.find_people("zzzzqqq") == []


async def test_closest_people_for_unknown_names(store: Store) -> None:
    closest = await store.closest_people("Pedro Pasqual Jr")
    assert closest and closest[0].name == "Pedro Pascal"


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_search_text_never_raises(store: Store, text: str) -> None:
    results = await store.search_quotes(text)
    assert isinstance(results, list)
    assert len(results) <= 5
    await store.find_people(text)


async def test_search_operators_typed_are_plain_words(store: Store) -> None:
    lava = [q.key for q in await store.search_quotes("lava")]
    assert [q.key for q in await store.search_quotes("!lava")] == lava  # not NOT lava
    assert [q.key for q in await store.search_quotes('"lava"*')] == lava
    # Any word: the same quotes ("lava" as the start of a word; alone, it is a whole word first).
    assert sorted(q.key for q in await store.search_quotes("(lava) & spaceship")) == sorted(lava)


@postgres_only
async def test_tsquery_of_hostile_text_holds_only_its_words(store: Store) -> None:
    text = "it's a \\'; DROP & !shark | (son <-> did):* ʼn"
    query = tsquery(search_terms(text), match_all=True)
    row = await store.database.one("SELECT to_tsquery('simple', ?)::text", (query,))
    assert row[0] == ("'it':* & 's':* & 'a':* & 'drop':* & 'shark':* & 'son':* & 'did':* & 'n':*")


@postgres_only
async def test_search_terms_fold_as_the_documents_do(store: Store) -> None:
    words = ["Pédro", "ŁÓDŹ", "Søren", "Ærø", "Œuvre", "Straße", "ÇA", "Đorđe", "naïve", "ﬁlm"]
    for word in words:
        row = await store.database.one("SELECT heroes_fold(?)", (word,))
        assert search_fold(word) == row[0], word


async def test_search_finds_the_best_match(store: Store) -> None:
    assert (await store.search_quotes("lava"))[0].key in {"my-son-did", "new-ip"}
    assert (await store.search_quotes("son superheroes"))[0].key == "my-son-did"
    assert (await store.search_quotes("comic book"))[0].key == "comic-book-universe"
    assert (await store.search_quotes("Desperado"))[0].key == "new-ip"
    assert await store.search_quotes("shar")  # prefix of 'shark'/'sharkboy'
    assert await store.search_quotes("spaceship") == []


async def test_quote_search_survives_quotes_added_later(store: Store) -> None:
    async with store.database.transaction() as db:
        await db.execute(
            "INSERT INTO quotes (key, person_id, text, excerpt, source_id) "
            "SELECT 'x', id, 'Volcanoes are cool', 'e', 1 FROM people "
            "WHERE key = 'robert-rodriguez'"
        )
    assert [q.key for q in await store.search_quotes("volcanoes")] == ["x"]


async def test_random_quote_and_sequel_card(store: Store) -> None:
    keys = {(await store.random_quote()).key for _ in range(40)}
    assert len(keys) >= 2
    card = await store.work_card("sequel")
    assert card is not None
    assert card.work.studio == "Netflix"
    assert {r: card.people_with_role(r) for r in ("writer", "director", "producer")} == {
        "writer": ["Robert Rodriguez"],
        "director": ["Robert Rodriguez"],
        "producer": ["Robert Rodriguez"],
    }
    unknown = {f.label for f in card.facts if not f.known}
    assert unknown == {"Title", "Production start", "Release date"}
    viewing = await store.facts(kind="viewership")
    assert any(f.value and f.value.startswith("44 million households") for f in viewing)


async def test_meta_roundtrip(store: Store) -> None:
    assert await store.get_meta("k") is None
    await store.set_meta("k", "1")
    await store.set_meta("k", "2")
    assert await store.get_meta("k") == "2"
