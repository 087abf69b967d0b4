"""Quote search ranks as FTS5's bm25(quotes_fts, 4.0, 1.0) would, without its cost.

The store ranks a bounded set of matches in Python (bot/store/_quote_rank.py) instead of asking
FTS5 for bm25(), which counts every quote containing each word first. These tests hold it to
FTS5's own ranking, computed by brute force over the same matches in the same database.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from bot.store import Store
from bot.store._film import SEARCH_CANDIDATES
from bot.store._quote_rank import DF_EXACT, estimated_count
from bot.text import fts_query, search_terms
from tests.engines import sqlite_only

# Words of the seed's quotes and contexts, alone and together, as members search for them.
SEED_SEARCHES = [
    "lava", "heroes", "comic book", "characters", "son", "kids superheroes", "original",
    "love those characters", "rodriguez", "sharkboy lava girl", "new ip", "universe",
    "spy kids", "something", "fun", "the", "i", "comic characters", "cinematic", "did",
    "heroes lava", "always wanted", "little kids", "filmmaker", "zzz lava",
]  # fmt: skip

# Accented words too: unicode61 folds "Héros" to "heros", and so must the ranking's tokens.
WORDS = [
    "lava",
    "girl",
    "shark",
    "boy",
    "heroes",
    "sequel",
    "comic",
    "book",
    "son",
    "kids",
    "movie",
    "Héros",
    "niño",
    "dream",
]


def brute_force_best(path: Path, text: str, limit: int, among: int | None = None) -> list[str]:
    """What FTS5 ranks first: every match (or the first `among`) by bm25(quotes_fts, 4.0, 1.0),
    then oldest first; all words whole if any quote has them, else all words as the starts of
    words, else any word."""
    terms = search_terms(text)
    every_word = fts_query(terms, match_all=True)
    queries = [every_word.replace('"*', '"'), every_word, fts_query(terms, match_all=False)]
    with sqlite3.connect(path) as db:
        for query in queries:
            rows = db.execute(
                "SELECT q.key FROM (SELECT rowid AS id, bm25(quotes_fts, 4.0, 1.0) AS score "
                "FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT ?) f "
                "JOIN quotes q ON q.id = f.id ORDER BY f.score, q.id LIMIT ?",
                (query, among or -1, limit),
            ).fetchall()
            if rows:
                return [key for (key,) in rows]
    return []


async def add_quotes(store: Store, count: int, seed: int = 3) -> None:
    """`count` quotes of the film's words, of varied lengths and repeats, after the seed's."""
    rng = random.Random(seed)
    person, source = await store.database.one("SELECT min(person_id), min(source_id) FROM quotes")
    async with store.database.transaction() as tx:
        await tx.execute_many(
            "INSERT INTO quotes (key, person_id, text, context, excerpt, source_id) "
            "VALUES (?, ?, ?, ?, 'test', ?)",
            [
                (
                    f"test-{i}",
                    person,
                    " ".join(rng.choices(WORDS, k=rng.randint(2, 14))),
                    " ".join(rng.choices(WORDS, k=rng.randint(0, 6))),
                    source,
                )
                for i in range(count)
            ],
        )


@sqlite_only
async def test_seed_searches_rank_as_fts5_bm25(store: Store, db_path: Path) -> None:
    for text in SEED_SEARCHES:
        found = [q.key for q in await store.search_quotes(text, limit=5)]
        assert found == brute_force_best(db_path, text, 5), text


@sqlite_only
async def test_searches_rank_as_fts5_bm25_below_the_bound(store: Store, db_path: Path) -> None:
    # Fewer matches than SEARCH_CANDIDATES: every match is ranked, with exact word counts.
    await add_quotes(store, SEARCH_CANDIDATES - 10)
    for text in ["lava", "comic book", "son kids", "shark boy lava girl", "héros niño", "s"]:
        found = [q.key for q in await store.search_quotes(text, limit=5)]
        assert found == brute_force_best(db_path, text, 5), text


@sqlite_only
async def test_many_matches_rank_the_oldest_candidates_as_fts5(store: Store, db_path: Path) -> None:
    await add_quotes(store, 3 * SEARCH_CANDIDATES)
    for text in ["lava", "comic book", "heroes sequel"]:
        found = [q.key for q in await store.search_quotes(text, limit=5)]
        assert found == brute_force_best(db_path, text, 5, among=SEARCH_CANDIDATES), text


@sqlite_only
async def test_suggestions_rank_their_candidates_as_fts5(store: Store, db_path: Path) -> None:
    await add_quotes(store, 100)
    with sqlite3.connect(db_path) as db:
        for typed in ["l", "la", "comic b", "son s", "heroes lava g"]:
            found = [q.key for q in await store.search_quotes(typed, limit=25, candidates=50)]
            query = fts_query(search_terms(typed), match_all=True, last_prefix_only=True)
            expected = db.execute(
                "SELECT q.key FROM (SELECT rowid AS id, bm25(quotes_fts, 4.0, 1.0) AS score "
                "FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT 50) f "
                "JOIN quotes q ON q.id = f.id ORDER BY f.score, q.id LIMIT 25",
                (query,),
            ).fetchall()
            assert found == [key for (key,) in expected], typed


def test_match_counts_are_exact_below_the_sample_and_scaled_beyond() -> None:
    assert estimated_count(7, last_id=900, first_id=1, end_id=1_000_000) == 7
    # DF_EXACT matches among the first tenth of the ids: about ten times as many in all.
    scaled = estimated_count(DF_EXACT, last_id=100_000, first_id=1, end_id=1_000_000)
    assert scaled == DF_EXACT * 10


async def test_a_whole_word_outranks_words_it_begins(store: Store) -> None:
    await add_quote_texts(store, ["sequels sequels sequels", "a sequel at last"])
    assert [q.text for q in await store.search_quotes("sequel", limit=1)] == ["a sequel at last"]


async def test_the_start_of_a_word_finds_quotes_when_no_whole_word_does(store: Store) -> None:
    await add_quote_texts(store, ["sequels sequels sequels"])
    assert [q.text for q in await store.search_quotes("sequ", limit=1)] == [
        "sequels sequels sequels"
    ]


async def add_quote_texts(store: Store, texts: list[str]) -> None:
    person, source = await store.database.one("SELECT min(person_id), min(source_id) FROM quotes")
    async with store.database.transaction() as tx:
        await tx.execute_many(
            "INSERT INTO quotes (key, person_id, text, context, excerpt, source_id) "
            "VALUES (?, ?, ?, NULL, 'test', ?)",
            [(f"text-{i}", person, text, source) for i, text in enumerate(texts)],
        )
