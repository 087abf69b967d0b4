"""Handler time as the data grows: synthetic quotes and cast in a temporary store.

The store is the real one (migrations and seed applied), on SQLite or PostgreSQL; synthetic rows
are added with SQL in the same shape the seeder writes, through the store's engine-neutral
transactions (`Tx.execute_many`). Every figure is the time of the code a member's keystroke or
command runs in the bot: the cogs' autocomplete callbacks, and the store calls of `/cast name:`
and `/quote search:`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bot.clock import SystemClock
from bot.seed import load_seed
from bot.store import FILM_KEY, Store, Tx, open_store
from bot.text import fold

from .live import percentiles

_SYLLABLES = (  # noqa: SIM905
    "ka ra mo li an ne to sa vi el or un pe dro bo yd hol brook pri yan ka chris tian sla ter "
    "ja mie sha ro za ha ya ak hil vi vian lyon ad ri ana ba rba ro sa go mez nat han bla ir"
).split()
_ARTICLE_WORDS = (  # noqa: SIM905
    "lava girl shark boy heroes sequel netflix rodriguez kids superheroes comic book son movie "
    "family film first second power team alien invasion parents rescue story world fans young "
    "director writer producer studio development announced million households watched record "
    "imagination dream creative school mission mother father daughter planet future time light "
    "strong brave friends together save help believe hope growing generation characters"
).split()


def _name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).title()

    return f"{word()} {word()}"


def _sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    n = rng.randint(8, 30)
    return " ".join(rng.choices(words, weights, k=n)).capitalize() + "."


async def _source_id(store: Store) -> int:
    row = await store.database.one("SELECT min(id) FROM sources")
    if row is None or row[0] is None:
        raise RuntimeError("the seeded store has no source")
    return int(row[0])


async def _count(store: Store, sql: str, params: tuple[Any, ...] = ()) -> int:
    row = await store.database.one(sql, params)
    return int(row[0]) if row is not None and row[0] is not None else 0


# Rows per statement batch: each batch is one call, and the PostgreSQL engine gives a call 30 s
# (command_timeout) before it counts the connection as lost; 100,000 quotes in one call take longer.
CHUNK = 2000
# Quotes per transaction: big enough that commits cost nothing, small enough that a million
# quotes never sit in one transaction's journal (or one PostgreSQL transaction) at once.
QUOTE_BATCH = 100_000


async def _insert_many(tx: Tx, sql: str, rows: list[tuple[Any, ...]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await tx.execute_many(sql, rows[start : start + CHUNK])


async def grow_people(store: Store, cast_total: int, rng: random.Random) -> int:
    """Add synthetic cast members to the film until it has `cast_total`; returns the count."""
    have = await _count(
        store,
        "SELECT count(*) FROM credits c JOIN works w ON w.id = c.work_id "
        "WHERE w.key = ? AND c.role = 'cast'",
        (FILM_KEY,),
    )
    if have >= cast_total:
        return have
    source = await _source_id(store)
    work_id = await _count(store, "SELECT id FROM works WHERE key = ?", (FILM_KEY,))
    names = {f"synthetic-{i}": _name(rng) for i in range(have, cast_total)}
    async with store.database.transaction() as tx:
        await _insert_many(
            tx,
            "INSERT INTO people (key, name, about, excerpt, source_id) VALUES (?, ?, ?, ?, ?)",
            [
                (key, name, "A synthetic cast member.", "synthetic", source)
                for key, name in names.items()
            ],
        )
        # The ids the engine gave them (no lastrowid on PostgreSQL; one statement per row is slow).
        rows = await tx.all("SELECT key, id FROM people WHERE key LIKE 'synthetic-%'")
        ids = {key: int(pid) for key, pid in rows}
        await _insert_many(
            tx,
            "INSERT INTO person_names (person_id, name, folded, is_alias) VALUES (?, ?, ?, 0) "
            "ON CONFLICT DO NOTHING",
            [(ids[key], name, fold(name)) for key, name in names.items()],
        )
        await _insert_many(
            tx,
            "INSERT INTO credits (work_id, person_id, role, billing, top_billed, excerpt, "
            "source_id) VALUES (?, ?, 'cast', ?, 0, 'synthetic', ?)",
            [(work_id, ids[key], have + n + 1, source) for n, key in enumerate(names)],
        )
    await refresh_statistics(store)
    return cast_total


async def grow_quotes(store: Store, total: int, rng: random.Random) -> int:
    """Add synthetic quotes (Zipf-like word frequencies) until the store holds `total`.

    The rows are made a chunk at a time as they are sent (a million at once would hold some
    300 MB), in one transaction per QUOTE_BATCH rows, so the random stream and the quotes are
    the same as when they were made all at once."""
    row = await store.database.one("SELECT count(*), min(person_id) FROM quotes")
    if row is None or row[1] is None:
        raise RuntimeError("the seeded store has no quote")
    have, person = int(row[0]), int(row[1])
    if have >= total:
        return have
    source = await _source_id(store)
    vocabulary = _ARTICLE_WORDS + [f"{w}{s}" for w in _ARTICLE_WORDS for s in ("s", "ed", "ing")]
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    for batch_start in range(have, total, QUOTE_BATCH):
        async with store.database.transaction() as tx:
            for start in range(batch_start, min(batch_start + QUOTE_BATCH, total), CHUNK):
                await tx.execute_many(
                    "INSERT INTO quotes (key, person_id, text, context, excerpt, source_id) "
                    "VALUES (?, ?, ?, ?, 'synthetic', ?)",
                    [
                        (
                            f"synthetic-{i}",
                            person,
                            _sentence(rng, vocabulary, weights),
                            "A synthetic quote.",
                            source,
                        )
                        for i in range(start, min(start + CHUNK, total))
                    ],
                )
    await refresh_statistics(store)
    return total


async def refresh_statistics(store: Store) -> None:
    """PostgreSQL: ANALYZE after a bulk load, as autovacuum would soon do in a deployment, so the
    planner sees the new row counts and uses the indexes. SQLite's figures are taken without
    ANALYZE, as before (its planner does not need row statistics to pick these indexes)."""
    if store.database.engine == "postgres":
        async with store.database.transaction(changes_cached=False) as tx:
            await tx.execute("ANALYZE")


async def _time(
    call: Callable[[str], Awaitable[Any]], inputs: list[str], repeats: int
) -> dict[str, float]:
    samples: list[float] = []
    for _ in range(repeats):
        for text in inputs:
            start = time.perf_counter()
            await call(text)
            samples.append(time.perf_counter() - start)
    return percentiles(samples)


CAST_TYPED = ["", "p", "pe", "ped", "pedr", "pedro", "hol", "holb", "holdb", "pri", "sla", "ka"]
CAST_NAMES = ["pedro", "Boyd Holbrook", "Pascal", "Holdbrook", "priyanka", "slater"]
QUOTE_TYPED = ["l", "la", "lav", "lava", "k", "ki", "kid", "son s", "comic b", "s", "t", "sup"]
QUOTE_SEARCHES = ["lava", "son superheroes", "comic book", "kids", "sequel", "first movie"]


def _cogs(store: Store) -> tuple[Any, Any]:
    from cogs.cast import Cast
    from cogs.quote import Quotes

    bot = SimpleNamespace(store=store, clock=SystemClock())
    return Cast(bot), Quotes(bot)  # type: ignore[arg-type]


async def run_scale(
    database: Path | str,
    *,
    quotes: list[int],
    cast: list[int],
    repeats: int,
    seed: int = 7,
) -> dict[str, Any]:
    """`database`: a SQLite file (new) or a postgresql:// URL (an empty database)."""
    rng = random.Random(seed)
    out: dict[str, Any] = {"quotes": [], "cast": []}
    async with open_store(database) as store:
        out["engine"] = store.database.engine
        await store.apply_seed(load_seed())
        # Each keystroke and search a member types is new text: measure the queries themselves,
        # not the read cache that serves repeats of the same text.
        store.bypass_read_cache()
        cast_cog, quote_cog = _cogs(store)
        for total in quotes:
            started = time.perf_counter()
            await grow_quotes(store, total, rng)
            build_s = round(time.perf_counter() - started, 1)

            async def command(text: str) -> Any:
                return await store.search_quotes(text, limit=1)

            async def suggest(text: str) -> Any:
                return await quote_cog.quote_search_autocomplete(None, text)

            await _time(suggest, QUOTE_TYPED, 1)  # warm the page cache
            out["quotes"].append(
                {
                    "n": total,
                    "build_s": build_s,  # adding the quotes since the previous point
                    "search": await _time(command, QUOTE_SEARCHES, repeats),
                    "autocomplete": await _time(suggest, QUOTE_TYPED, repeats),
                }
            )
        for total in cast:
            await grow_people(store, total, rng)

            async def lookup(text: str) -> Any:
                # What /cast name: runs before rendering: the lookup, then the person's card.
                matches = await store.find_people(text, limit=5)
                return await store.person(matches[0].person_key) if matches else None

            async def suggest_name(text: str) -> Any:
                return await cast_cog.cast_name_autocomplete(None, text)

            await _time(suggest_name, CAST_TYPED, 1)
            out["cast"].append(
                {
                    "n": total,
                    "lookup": await _time(lookup, CAST_NAMES, repeats),
                    "autocomplete": await _time(suggest_name, CAST_TYPED, repeats),
                }
            )
    return out
