"""Copying the bot's data between two databases, on either engine (`heroes-bot db copy`).

The source is read in one snapshot (`Database.snapshot`): a bot may keep running on it. The
target is written in ONE transaction, table by table in foreign-key order, ids kept, and checked
before it commits: every table's row count and checksum must match the source's, or nothing is
kept. The checksum is computed here, in Python, over the rows in primary-key order with their
values as plain ints, texts and NULLs, so SQLite and PostgreSQL give the same digest for the
same data. Copied: every table both engines' schemas share (`_stored_data.py`); never the quote
search index (the target's triggers rebuild it) nor the engines' bookkeeping (schema versions).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from ._connection import is_postgres, open_read_only, open_store, sqlite_path
from ._database import Database, Reader, Tx
from ._errors import ConstraintError, StoreError
from ._migrations import current_version_postgres
from ._stored_data import BOT_TABLES, FILM_TABLES, STORED_DATA

BATCH_ROWS = 1000
# Kept by the target's own triggers as rows arrive: the search index, and the counter of name
# changes (its value counts changes to that database; only its changing matters).
DERIVED_TABLES = frozenset({"quotes_fts", "change_counters"})

# Told after each batch: (table, rows copied so far, rows in all).
Progress = Callable[[str, int, int], None]

# The schema as each engine describes it; table names come from here and `_stored_data.py`.
_CATALOG = {
    "sqlite": {
        "tables": "SELECT name FROM sqlite_master WHERE type = 'table'",
        "columns": "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid",
        "parents": 'SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)',
    },
    "postgres": {
        "tables": "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        "columns": """
            SELECT c.column_name, coalesce(k.ordinal_position, 0)
            FROM information_schema.columns c
            LEFT JOIN information_schema.table_constraints t
                   ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                  AND t.constraint_type = 'PRIMARY KEY'
            LEFT JOIN information_schema.key_column_usage k
                   ON k.constraint_schema = t.constraint_schema
                  AND k.constraint_name = t.constraint_name AND k.column_name = c.column_name
            WHERE c.table_schema = current_schema() AND c.table_name = ?
            ORDER BY c.ordinal_position
        """,
        "parents": "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = to_regclass(?)",
    },
}
# After ids were given explicitly, PostgreSQL's identity sequence must start past them.
_RESTART_IDS = (
    "SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
)


class CopyRefused(StoreError):
    """The copy was not started: the target holds other data, or the two schemas differ."""


class CopyFailed(StoreError):
    """The copy stopped part way; its transaction was rolled back, nothing was kept."""


class CopyMismatch(CopyFailed):
    """The target did not read back as the source: rolled back. `tables` says where."""

    def __init__(self, tables: list[TableCheck]) -> None:
        wrong = ", ".join(check.table for check in tables if not check.ok)
        super().__init__(f"the copy did not read back as the source in: {wrong}")
        self.tables = tables


def copied_tables() -> frozenset[str]:
    """Every table the copy moves, as declared (those missing from a schema are left out)."""
    declared = {datum.table for datum in STORED_DATA}
    return (FILM_TABLES | BOT_TABLES | declared) - DERIVED_TABLES


class Table(msgspec.Struct, frozen=True):
    name: str
    columns: tuple[str, ...]
    key: tuple[int, ...]  # positions in `columns` of the primary key, in key order
    parents: frozenset[str]  # copied tables it references


class TableRows(msgspec.Struct, frozen=True):
    table: Table
    rows: list[tuple[Any, ...]]  # in primary-key order

    @property
    def checksum(self) -> str:
        return checksum(self.rows)


class TableCheck(msgspec.Struct, frozen=True):
    """One table's row count and checksum on the source and on the target."""

    table: str
    rows: int
    checksum: str
    target_rows: int
    target_checksum: str

    @property
    def ok(self) -> bool:
        return (self.rows, self.checksum) == (self.target_rows, self.target_checksum)


class CopyOutcome(msgspec.Struct, frozen=True):
    copied: bool  # False: the target already held exactly the source's data
    tables: list[TableCheck]

    @property
    def rows(self) -> int:
        return sum(check.rows for check in self.tables)


# ---------------------------------------------------------------------- the values and checksum


def _plain(value: Any) -> Any:
    """A value as both engines give it back: an int, a text, or None (NULL)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int):  # bool too: a flag is 0/1 on both engines
        return int(value)
    if isinstance(value, float):
        return ["real", repr(value)]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["blob", bytes(value).hex()]
    raise CopyFailed(f"cannot copy a value of type {type(value).__name__}: {value!r:.40}")


def _sort_key(value: Any) -> tuple[int, Any]:
    # Ordered here rather than by the engines: their text collations differ.
    if isinstance(value, int):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, repr(value))


def checksum(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 over the rows (already in key order), one JSON line per row."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


# ---------------------------------------------------------------------- reading a database


async def read_tables(reader: Reader) -> list[Table]:
    """The copied tables this database has, parents before children."""
    catalog = _CATALOG[reader.engine]
    present = {row[0] for row in await reader.all(catalog["tables"])}
    names = sorted(copied_tables() & present)
    tables: dict[str, Table] = {}
    for name in names:
        columns = await reader.all(catalog["columns"], (name,))
        key = sorted((int(pk), index) for index, (_, pk) in enumerate(columns) if int(pk))
        parents = {str(row[0]) for row in await reader.all(catalog["parents"], (name,))}
        tables[name] = Table(
            name,
            tuple(str(column) for column, _ in columns),
            tuple(index for _, index in key) or tuple(range(len(columns))),
            frozenset(parents & set(names) - {name}),
        )
    return _parents_first(tables)


def _parents_first(tables: dict[str, Table]) -> list[Table]:
    ordered: list[Table] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for n, t in sorted(tables.items()) if n not in placed and t.parents <= placed]
        if not ready:
            raise CopyRefused(f"the foreign keys of {sorted(set(tables) - placed)} form a cycle")
        ordered.extend(ready)
        placed.update(t.name for t in ready)
    return ordered


async def read_rows(reader: Reader, table: Table) -> TableRows:
    rows = await reader.all(f"SELECT {', '.join(table.columns)} FROM {table.name}")
    plain = [tuple(row) for row in rows]
    plain.sort(key=lambda row: [_sort_key(row[i]) for i in table.key])
    return TableRows(table, plain)


async def _read_all(reader: Reader, tables: list[Table]) -> list[TableRows]:
    return [await read_rows(reader, table) for table in tables]


async def row_counts(database: Database) -> dict[str, int]:
    """How many rows each copied table holds (`db status`), in one snapshot."""
    async with database.snapshot() as reader:
        counts = {}
        for table in sorted(await read_tables(reader), key=lambda t: t.name):
            row = await reader.one(f"SELECT count(*) FROM {table.name}")
            counts[table.name] = int(row[0]) if row else 0
        return counts


async def table_checksums(database: Database) -> dict[str, tuple[int, str]]:
    """Each copied table's (row count, checksum), in one snapshot: equal on two databases
    (of either engine) exactly when they hold the same data."""
    async with database.snapshot() as reader:
        data = await _read_all(reader, await read_tables(reader))
    return {rows.table.name: (len(rows.rows), rows.checksum) for rows in data}


def _checks(source: list[TableRows], target: list[TableRows]) -> list[TableCheck]:
    return [
        TableCheck(s.table.name, len(s.rows), s.checksum, len(t.rows), t.checksum)
        for s, t in zip(source, target, strict=True)
    ]


def _same_schema(source: list[Table], target: list[Table]) -> None:
    theirs = {table.name: set(table.columns) for table in target}
    for table in source:
        if theirs.get(table.name) != set(table.columns):
            raise CopyRefused(
                f"the two databases' schemas differ at table {table.name}: "
                "upgrade heroes-bot on both sides' machines first"
            )
    if missing := set(theirs) - {table.name for table in source}:
        raise CopyRefused(f"the source lacks tables the target has: {', '.join(sorted(missing))}")


# ---------------------------------------------------------------------- copying


async def copy_database(
    source: Database,
    target: Database,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    target_label: str = "the target database",
) -> CopyOutcome:
    """Copy every shared table from `source` to `target` in one transaction, then verify.

    A target already holding exactly the source's data is left untouched (copied=False). A
    target holding other data is refused unless `replace` (which empties it first, in the same
    transaction). Raises CopyMismatch (rolled back) when the target does not read back the same.
    """
    async with source.snapshot() as reader:
        tables = await read_tables(reader)
        data = await _read_all(reader, tables)
    async with target.snapshot() as reader:
        _same_schema(tables, await read_tables(reader))
        before = _checks(data, await _read_all(reader, tables))
    if all(check.ok for check in before):
        return CopyOutcome(False, before)
    async with target.transaction() as tx:
        await _make_room(tx, tables, replace=replace, label=target_label)
        for table_rows in data:
            await _insert(tx, table_rows, progress)
        if tx.engine == "postgres":
            for table in tables:
                if "id" in table.columns:
                    await tx.one(_RESTART_IDS.format(table=table.name), (table.name,))
        after = _checks(data, await _read_all(tx, tables))
        if not all(check.ok for check in after):
            raise CopyMismatch(after)  # leaves the transaction: rolled back
    return CopyOutcome(True, after)


async def _make_room(tx: Tx, tables: list[Table], *, replace: bool, label: str) -> None:
    """Empty the target's copied tables, refusing (unless `replace`) a target that holds more
    than the rows its migrations put there (the send pace's starting row, ...)."""
    if not replace:
        fresh = await _migration_rows()
        held = [
            table.name
            for table in tables
            if (rows := await read_rows(tx, table)).rows
            and rows.checksum != fresh.get(table.name, "")
        ]
        if held:
            raise CopyRefused(
                f"{label} already holds other data (in {', '.join(held)}): add --replace to "
                "empty it first, or copy into an empty database"
            )
    for table in reversed(tables):  # children first
        await tx.execute(f"DELETE FROM {table.name}")


async def _migration_rows() -> dict[str, str]:
    """The checksum of each table of a database just migrated: what "empty" holds."""
    async with open_store(":memory:") as store:
        return {
            name: digest for name, (_, digest) in (await table_checksums(store.database)).items()
        }


async def _insert(tx: Tx, data: TableRows, progress: Progress | None) -> None:
    table = data.table
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
    total = len(data.rows)
    if progress:
        progress(table.name, 0, total)
    for start in range(0, total, BATCH_ROWS):
        batch = data.rows[start : start + BATCH_ROWS]
        try:
            await tx.execute_many(sql, batch)
        except ConstraintError as exc:
            raise CopyFailed(f"table {table.name} refused a row: {_first_line(exc)}") from exc
        except StoreError:
            raise
        except Exception as exc:  # the engines' own errors differ (sqlite3, asyncpg)
            # A value the target refuses (a text in an integer column): one line, rolled back.
            raise CopyFailed(f"table {table.name} refused a value: {_first_line(exc)}") from exc
        if progress:
            progress(table.name, start + len(batch), total)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------------- before opening


async def stored_version(target: Path | str) -> int | None:
    """The schema version a database is at now, without migrating it; None: no SQLite file.

    (Opening the store migrates it: `db copy` says so, and `db status` does not migrate.)
    """
    if is_postgres(target):
        return await _postgres_version(str(target))
    path = sqlite_path(target)
    if str(path) == ":memory:" or not path.is_file():
        return None
    return await asyncio.to_thread(_sqlite_version, path)


def _sqlite_version(path: Path) -> int:
    try:
        with contextlib.closing(open_read_only(path)) as connection:
            return int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} cannot be used as a database: {exc}") from None


async def _postgres_version(url: str) -> int:
    async with _connected(url) as connection:
        return 0 if connection is None else await current_version_postgres(connection)


@contextlib.asynccontextmanager
async def _connected(url: str) -> AsyncIterator[Any]:
    """One plain asyncpg connection to `url` (None without asyncpg: open_store says how to
    install it); an unreachable server is a one-line StoreError."""
    from ._pg_open import _unreachable

    try:
        import asyncpg

        from ._postgres import CONNECTION_ERRORS
    except ImportError:
        yield None
        return
    try:
        connection = await asyncpg.connect(url, timeout=10)
    except (*CONNECTION_ERRORS, asyncpg.PostgresError, ValueError, OverflowError) as exc:
        raise _unreachable(url, exc) from None
    try:
        yield connection
    finally:
        await connection.close()


# ---------------------------------------------------------------------- one database, two names


# The server's identity (set once by initdb, kept by its replicas), then the database's name and
# oid there: equal on two connections exactly when they reach the same database, whatever host
# name, port alias, user or options their URLs use. Readable by any user since PostgreSQL 10.
_POSTGRES_IDENTITY = """
    SELECT (SELECT system_identifier FROM pg_control_system()), current_database(),
           (SELECT oid FROM pg_database WHERE datname = current_database())
"""


async def same_database(source: Path | str, target: Path | str) -> bool:
    """Whether two addresses name one database (`db copy` would then empty what it reads):
    one SQLite file under two paths (a symlink, a hard link), or one PostgreSQL database under
    two URLs. Asks PostgreSQL itself; writes nothing, migrates nothing."""
    if is_postgres(source) != is_postgres(target):
        return False
    if is_postgres(source):
        return await _same_postgres(str(source), str(target))
    return _same_file(sqlite_path(source), sqlite_path(target))


def _same_file(source: Path, target: Path) -> bool:
    if source.exists() and target.exists():
        return source.samefile(target)  # (st_dev, st_ino): links and paths alike
    return source.resolve() == target.resolve()


async def _same_postgres(source: str, target: str) -> bool:
    async with _connected(source) as left, _connected(target) as right:
        if left is None or right is None:
            return False  # no asyncpg: opening either store will refuse, saying why
        import asyncpg  # present: both connected

        try:
            return tuple(await left.fetchrow(_POSTGRES_IDENTITY)) == tuple(
                await right.fetchrow(_POSTGRES_IDENTITY)
            )
        except (asyncpg.InsufficientPrivilegeError, asyncpg.UndefinedFunctionError):
            return await _same_by_lock(left, right)


async def _same_by_lock(left: Any, right: Any) -> bool:
    """Where pg_control_system() was revoked: advisory locks belong to one database of one
    server, so a random key held on one side is busy on the other exactly when they are one."""
    key = secrets.randbits(63)
    await left.execute("SELECT pg_advisory_lock($1)", key)
    try:
        free = await right.fetchval("SELECT pg_try_advisory_lock($1)", key)
        if free:
            await right.execute("SELECT pg_advisory_unlock($1)", key)
        return not free
    finally:
        await left.execute("SELECT pg_advisory_unlock($1)", key)
