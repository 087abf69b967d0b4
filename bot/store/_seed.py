"""Applying seed data: idempotent upserts by stable key that never touch rows people edited."""

from __future__ import annotations

from typing import Any

from bot.text import fold

from ._database import Database, Repository, Tx
from ._seed_types import (
    SeedCredit,
    SeedData,
    SeedFact,
    SeedPerson,
    SeedQuote,
    SeedReport,
    SeedSource,
    SeedUpdate,
    SeedWork,
)
from ._times import iso, utcnow

# Tables whose rows carry `origin` and `edited`; only the seed's own, unedited rows are updated.
_GUARDED = {"works", "people", "quotes", "facts"}
# Held by the transaction applying the seed (PostgreSQL): every process applies it at start, and
# shard processes starting together on a new database would otherwise each find a row missing
# and insert it, the later failing on its unique key. Any fixed 64-bit number ("seed" in ASCII).
# (SQLite's write lock, taken at BEGIN IMMEDIATE, already serializes them.)
_SEED_LOCK = 0x73656564
# Bump when `apply` writes something different for the same seed text (a new column filled, a
# new table seeded): every database then re-applies the seed once, at its next start.
APPLY_VERSION = 1
# The meta row holding the fingerprint of the seed last applied whole (see _fingerprint).
APPLIED_KEY = "seed.applied"
_SCHEMA_VERSION = {
    "sqlite": "PRAGMA user_version",
    "postgres": "SELECT coalesce(max(version), 0) FROM heroes_schema",
}


class _Pass:
    """One apply's reads of what is already stored, each table read once and then kept up to date
    with the pass's own writes: a row-by-row lookup cost a round trip to the database thread per
    row and id (hundreds for a new database; issue 14)."""

    def __init__(self, db: Tx, report: SeedReport) -> None:
        self.db = db
        self.report = report
        self._ids: dict[str, dict[str, int]] = {}
        self._rows: dict[str, dict[str, tuple[Any, ...]]] = {}

    async def id_of(self, table: str, key: str) -> int:
        ids = self._ids.get(table)
        if ids is None:
            rows = await self.db.all(f"SELECT key, id FROM {table}")
            ids = self._ids[table] = {str(k): int(i) for k, i in rows}
        found = ids.get(key)
        if found is None:
            raise ValueError(f"seed refers to unknown {table} key {key!r}")
        return found

    async def stored(self, table: str, key: str, columns: str) -> tuple[Any, ...] | None:
        """The stored `columns` of `table`'s row `key` (the same columns at every call)."""
        rows = self._rows.get(table)
        if rows is None:
            found = await self.db.all(f"SELECT key, {columns} FROM {table}")
            rows = self._rows[table] = {str(row[0]): tuple(row[1:]) for row in found}
        return rows.get(key)

    def remember(self, table: str, key: str, row: tuple[Any, ...], new_id: int | None) -> None:
        self._rows[table][key] = row
        if new_id is not None and table in self._ids:
            self._ids[table][key] = new_id

    async def upsert(self, table: str, key: str, values: dict[str, Any]) -> None:
        """Insert the row, or update it when it is the seed's own, unedited and different."""
        columns = list(values)
        guarded = table in _GUARDED
        existing = await self.stored(
            table, key, ", ".join(columns + (["origin", "edited"] if guarded else []))
        )
        report = self.report
        if existing is None:
            names = ", ".join(["key", *columns])
            marks = ", ".join("?" * (len(columns) + 1))
            row = await self.db.one(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id",
                (key, *values.values()),
            )
            new_id = int(row[0]) if row else None
            self.remember(table, key, (*values.values(), *(("seed", 0) if guarded else ())), new_id)
            report.added += 1
            return
        if guarded and (existing[-2] != "seed" or existing[-1]):
            report.kept += 1
            report.details.append(f"kept {table}:{key} (edited by the bot's operators)")
            return
        if tuple(existing[: len(columns)]) == tuple(values.values()):
            report.unchanged += 1
            return
        assignments = ", ".join(f"{column} = ?" for column in columns)
        await self.db.execute(
            f"UPDATE {table} SET {assignments} WHERE key = ?", (*values.values(), key)
        )
        self.remember(table, key, (*values.values(), *existing[len(columns) :]), None)
        report.updated += 1


async def _fingerprint(db: Tx | Database, digest: str) -> str:
    """What an apply of the seed whose files hash to `digest` (bot.seed.seed_digest) depends on:
    that text, this code's APPLY_VERSION, and the schema version, as a migration may change or
    delete seed rows (0007 deleted unsourced ones) and the seed must then be applied again."""
    row = await db.one(_SCHEMA_VERSION[db.engine])
    schema = int(row[0]) if row else 0
    return f"{digest}:apply{APPLY_VERSION}:schema{schema}"


class Seeding(Repository):
    """Writes the seed (data/seed.toml) into the film data and the sequel timeline."""

    async def is_applied(self, digest: str) -> bool:
        """Whether the seed whose files hash to `digest` was applied whole to this schema by
        this code already: applying it again would change nothing (owners' edits are kept
        either way), so a start can skip it."""
        row = await self._db.one("SELECT value FROM meta WHERE key = ?", (APPLIED_KEY,))
        return row is not None and row[0] == await _fingerprint(self._db, digest)

    async def apply(self, seed: SeedData, *, digest: str | None = None) -> SeedReport:
        """Apply the whole seed in one transaction: all of it, or (on any error) none. With
        `digest` (the hash of the seed's files), the same transaction records it, so that
        `is_applied(digest)` is true only once this seed is in the database whole."""
        report = SeedReport()
        async with self._db.transaction() as db:
            if db.engine == "postgres":  # the later process then finds every row there
                await db.one("SELECT pg_advisory_xact_lock(?)", (_SEED_LOCK,))
            p = _Pass(db, report)
            for source in seed.sources:
                await p.upsert("sources", source.key, _source_values(source))
            for work in seed.works:
                await p.upsert("works", work.key, await _work_values(p, work))
            for person in seed.people:
                await _apply_person(p, person)
            await _apply_credits(p, seed.credits)
            for quote in seed.quotes:
                await p.upsert("quotes", quote.key, await _quote_values(p, quote))
            for fact in seed.facts:
                await p.upsert("facts", fact.key, await _fact_values(p, fact))
            for update in seed.updates:
                await _upsert_update(p, update)
            if digest is not None:
                await db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (APPLIED_KEY, await _fingerprint(db, digest)),
                )
        return report


def _source_values(source: SeedSource) -> dict[str, Any]:
    return {
        "title": source.title,
        "outlet": source.outlet,
        "url": source.url,
        "published": source.published,
        "body": source.body,
    }


async def _work_values(p: _Pass, work: SeedWork) -> dict[str, Any]:
    return {
        "title": work.title,
        "kind": work.kind,
        "studio": work.studio,
        "status": work.status,
        "summary": work.summary,
        "excerpt": work.excerpt,
        "source_id": await p.id_of("sources", work.source),
    }


async def _apply_person(p: _Pass, person: SeedPerson) -> None:
    """The person's row, then every spelling of the name (the name and its aliases)."""
    values = {
        "name": person.name,
        "about": person.about,
        "excerpt": person.excerpt,
        "source_id": await p.id_of("sources", person.source),
    }
    await p.upsert("people", person.key, values)
    person_id = await p.id_of("people", person.key)
    spellings = [(person.name, 0)] + [(alias, 1) for alias in person.aliases]
    # A spelling may change sides (the printed name became the name, the correction an
    # alias): the flag follows the seed.
    await p.db.execute_many(
        "INSERT INTO person_names (person_id, name, folded, is_alias) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (person_id, folded) DO UPDATE SET "
        "name = excluded.name, is_alias = excluded.is_alias "
        "WHERE person_names.name IS DISTINCT FROM excluded.name "
        "OR person_names.is_alias IS DISTINCT FROM excluded.is_alias",
        [(person_id, spelling, fold(spelling), is_alias) for spelling, is_alias in spellings],
    )


async def _apply_credits(p: _Pass, credits: tuple[SeedCredit, ...]) -> None:
    """A credit is keyed by (work, person, role) and has no `edited` flag: the seed's wins.
    The stored credits are read once and only the new or different ones written, together."""
    stored = {
        tuple(row[:3]): tuple(row[3:])
        for row in await p.db.all(
            "SELECT work_id, person_id, role, billing, top_billed, excerpt, source_id FROM credits"
        )
    }
    writes = []
    for credit in credits:
        key = (
            await p.id_of("works", credit.work),
            await p.id_of("people", credit.person),
            credit.role,
        )
        values = (
            credit.billing,
            int(credit.top_billed),
            credit.excerpt,
            await p.id_of("sources", credit.source),
        )
        existing = stored.get(key)
        if existing is None:
            p.report.added += 1
        elif existing == values:
            p.report.unchanged += 1
            continue
        else:
            p.report.updated += 1
        stored[key] = values
        writes.append((*key, *values))
    if not writes:
        return
    await p.db.execute_many(
        """
        INSERT INTO credits (work_id, person_id, role, billing, top_billed, excerpt, source_id)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (work_id, person_id, role) DO UPDATE SET
            billing = excluded.billing, top_billed = excluded.top_billed,
            excerpt = excluded.excerpt, source_id = excluded.source_id
        """,
        writes,
    )


async def _quote_values(p: _Pass, quote: SeedQuote) -> dict[str, Any]:
    return {
        "person_id": await p.id_of("people", quote.person),
        "text": quote.text,
        "context": quote.context,
        "excerpt": quote.excerpt,
        "source_id": await p.id_of("sources", quote.source),
    }


async def _fact_values(p: _Pass, fact: SeedFact) -> dict[str, Any]:
    return {
        "work_id": await p.id_of("works", fact.work) if fact.work else None,
        "kind": fact.kind,
        "label": fact.label,
        "value": fact.value,
        "excerpt": fact.excerpt,
        "source_id": await p.id_of("sources", fact.source),
    }


async def _upsert_update(p: _Pass, update: SeedUpdate) -> None:
    """A sequel-tracker timeline entry: added once, updated while it is the seed's own; never
    queued for delivery (followers get only news posted after they follow)."""
    db, report = p.db, p.report
    source = await db.one("SELECT title, outlet, url FROM sources WHERE key = ?", (update.source,))
    if source is None:
        raise ValueError(f"seed refers to unknown sources key {update.source!r}")
    values = (
        update.headline,
        update.text,
        update.published,
        source[1],
        source[2],
        update.stage,
        update.excerpt,
    )
    existing = await db.one(
        "SELECT headline, body, published_at, source_outlet, source_url, stage, excerpt, origin "
        "FROM sequel_updates WHERE key = ?",
        (update.key,),
    )
    if existing is None:
        await db.execute(
            "INSERT INTO sequel_updates (key, headline, body, published_at, source_outlet, "
            "source_url, stage, excerpt, origin, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'seed', ?)",
            (update.key, *values, iso(utcnow())),
        )
        report.added += 1
    elif existing[-1] != "seed":
        report.kept += 1
        report.details.append(f"kept sequel_updates:{update.key} (added by the bot's operators)")
    elif tuple(existing[:-1]) == values:
        report.unchanged += 1
    else:
        await db.execute(
            "UPDATE sequel_updates SET headline = ?, body = ?, published_at = ?, "
            "source_outlet = ?, source_url = ?, stage = ?, excerpt = ? WHERE key = ?",
            (*values, update.key),
        )
        report.updated += 1
