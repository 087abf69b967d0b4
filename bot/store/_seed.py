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
# The meta row holding the fingerprint of the seed last applied whole (see Seeding.fingerprint).
APPLIED_KEY = "seed.applied"
_SCHEMA_VERSION = {
    "sqlite": "PRAGMA user_version",
    "postgres": "SELECT coalesce(max(version), 0) FROM heroes_schema",
}


async def _id_of(db: Tx, table: str, key: str) -> int:
    row = await db.one(f"SELECT id FROM {table} WHERE key = ?", (key,))
    if row is None:
        raise ValueError(f"seed refers to unknown {table} key {key!r}")
    return int(row[0])


async def _upsert(db: Tx, table: str, key: str, values: dict[str, Any], report: SeedReport) -> None:
    """Insert the row, or update it when it is the seed's own, unedited and different."""
    columns = list(values)
    guard = ", origin, edited" if table in _GUARDED else ""
    existing = await db.one(
        f"SELECT {', '.join(columns)}{guard} FROM {table} WHERE key = ?", (key,)
    )
    if existing is None:
        names = ", ".join(["key", *columns])
        marks = ", ".join("?" * (len(columns) + 1))
        await db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", (key, *values.values()))
        report.added += 1
        return
    if table in _GUARDED and (existing[-2] != "seed" or existing[-1]):
        report.kept += 1
        report.details.append(f"kept {table}:{key} (edited by the bot's operators)")
        return
    if tuple(existing[: len(columns)]) == tuple(values.values()):
        report.unchanged += 1
        return
    assignments = ", ".join(f"{column} = ?" for column in columns)
    await db.execute(f"UPDATE {table} SET {assignments} WHERE key = ?", (*values.values(), key))
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
            for source in seed.sources:
                await _upsert(db, "sources", source.key, _source_values(source), report)
            for work in seed.works:
                await _upsert(db, "works", work.key, await _work_values(db, work), report)
            for person in seed.people:
                await _apply_person(db, person, report)
            for credit in seed.credits:
                await _apply_credit(db, credit, report)
            for quote in seed.quotes:
                await _upsert(db, "quotes", quote.key, await _quote_values(db, quote), report)
            for fact in seed.facts:
                await _upsert(db, "facts", fact.key, await _fact_values(db, fact), report)
            for update in seed.updates:
                await _upsert_update(db, update, report)
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


async def _work_values(db: Tx, work: SeedWork) -> dict[str, Any]:
    return {
        "title": work.title,
        "kind": work.kind,
        "studio": work.studio,
        "status": work.status,
        "summary": work.summary,
        "excerpt": work.excerpt,
        "source_id": await _id_of(db, "sources", work.source),
    }


async def _apply_person(db: Tx, person: SeedPerson, report: SeedReport) -> None:
    """The person's row, then every spelling of the name (the name and its aliases)."""
    values = {
        "name": person.name,
        "about": person.about,
        "excerpt": person.excerpt,
        "source_id": await _id_of(db, "sources", person.source),
    }
    await _upsert(db, "people", person.key, values, report)
    person_id = await _id_of(db, "people", person.key)
    spellings = [(person.name, 0)] + [(alias, 1) for alias in person.aliases]
    for spelling, is_alias in spellings:
        # A spelling may change sides (the printed name became the name, the correction an
        # alias): the flag follows the seed.
        await db.execute(
            "INSERT INTO person_names (person_id, name, folded, is_alias) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (person_id, folded) DO UPDATE SET "
            "name = excluded.name, is_alias = excluded.is_alias "
            "WHERE person_names.name IS DISTINCT FROM excluded.name "
            "OR person_names.is_alias IS DISTINCT FROM excluded.is_alias",
            (person_id, spelling, fold(spelling), is_alias),
        )


async def _apply_credit(db: Tx, credit: SeedCredit, report: SeedReport) -> None:
    """A credit is keyed by (work, person, role) and has no `edited` flag: the seed's wins."""
    params = (
        await _id_of(db, "works", credit.work),
        await _id_of(db, "people", credit.person),
        credit.role,
        credit.billing,
        int(credit.top_billed),
        credit.excerpt,
        await _id_of(db, "sources", credit.source),
    )
    existed = (
        await db.one(
            "SELECT 1 FROM credits WHERE work_id = ? AND person_id = ? AND role = ?", params[:3]
        )
        is not None
    )
    changed = await db.execute(
        """
        INSERT INTO credits (work_id, person_id, role, billing, top_billed, excerpt, source_id)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (work_id, person_id, role) DO UPDATE SET
            billing = excluded.billing, top_billed = excluded.top_billed,
            excerpt = excluded.excerpt, source_id = excluded.source_id
        WHERE (credits.billing, credits.top_billed, credits.excerpt, credits.source_id)
              IS DISTINCT FROM
              (excluded.billing, excluded.top_billed, excluded.excerpt, excluded.source_id)
        """,
        params,
    )
    if not existed:
        report.added += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


async def _quote_values(db: Tx, quote: SeedQuote) -> dict[str, Any]:
    return {
        "person_id": await _id_of(db, "people", quote.person),
        "text": quote.text,
        "context": quote.context,
        "excerpt": quote.excerpt,
        "source_id": await _id_of(db, "sources", quote.source),
    }


async def _fact_values(db: Tx, fact: SeedFact) -> dict[str, Any]:
    return {
        "work_id": await _id_of(db, "works", fact.work) if fact.work else None,
        "kind": fact.kind,
        "label": fact.label,
        "value": fact.value,
        "excerpt": fact.excerpt,
        "source_id": await _id_of(db, "sources", fact.source),
    }


async def _upsert_update(db: Tx, update: SeedUpdate, report: SeedReport) -> None:
    """A sequel-tracker timeline entry: added once, updated while it is the seed's own; never
    queued for delivery (followers get only news posted after they follow)."""
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
