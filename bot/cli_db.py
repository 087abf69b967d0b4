"""`heroes-bot db copy | status`: move the bot's data between SQLite and PostgreSQL, and see
what a database holds.

`db copy` reads the source in one snapshot (the bot may keep running on it, though what it
writes after the snapshot is not copied: stop it before switching), writes the target in one
transaction and verifies every table before committing (bot/store/_copy.py). Errors are one line;
a failed or mismatched copy exits 1 and leaves the target as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.store import (
    CopyFailed,
    CopyMismatch,
    StoreError,
    TableCheck,
    copy_database,
    is_postgres,
    load_migrations,
    open_store,
    redacted,
    row_counts,
    same_database,
    sqlite_path,
    stored_version,
)

ADDRESS_HELP = "a SQLite file (path or sqlite:///path) or a postgresql:// URL"
BAR_WIDTH = 30


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser(
        "db",
        help="copy the bot's data to another database (SQLite <-> PostgreSQL), or show one",
        description="Move the bot's data between engines, or show what a database holds.",
    )
    actions = db.add_subparsers(dest="db_command", required=True)
    copy = actions.add_parser(
        "copy",
        help="copy every table to another database, in one transaction, verified",
        description="Copy every table of --from into --to in one transaction, ids kept, then "
        "compare row counts and checksums table by table before committing: all or nothing. "
        "--from is read in one snapshot, so the bot may keep running on it (stop it before "
        "switching, or what it writes meanwhile stays behind). Both are migrated to this "
        "version's schema first. Running it again once the copy is complete changes nothing.",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="URL", help=ADDRESS_HELP)
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help=ADDRESS_HELP)
    copy.add_argument(
        "--replace",
        action="store_true",
        help="empty the target's tables first (in the same transaction) when it holds other data",
    )
    status = actions.add_parser(
        "status",
        help="engine, schema version and row counts of a database",
        description="Show a database's engine, schema version and row counts per table. "
        "Changes nothing (an older schema is not migrated).",
    )
    status.add_argument(
        "--url", metavar="URL", help=f"{ADDRESS_HELP}; default: DATABASE_URL or DATABASE_PATH"
    )


def run(args: argparse.Namespace, configured: Path | str) -> int:
    """Run `db copy` or `db status`; `configured` is the settings' database."""
    if args.db_command == "copy":
        return asyncio.run(
            run_copy(address(args.source), address(args.target), replace=args.replace)
        )
    return asyncio.run(run_status(address(args.url) if args.url else configured))


def address(text: str) -> Path | str:
    """A database named on the command line: a PostgreSQL URL, or a SQLite file."""
    return text if is_postgres(text) else sqlite_path(text)


def label(target: Path | str) -> str:
    """The database for messages: the file, or the URL without its password."""
    return redacted(str(target)) if is_postgres(target) else str(target)


def _engine(target: Path | str) -> str:
    return "postgres" if is_postgres(target) else "sqlite"


def _latest(target: Path | str) -> int:
    return len(load_migrations(_engine(target)))


class ProgressBar:
    """Rows copied per table, on stderr: an updating bar at a terminal, else a line a table."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._line_open = False

    def __call__(self, table: str, done: int, total: int) -> None:
        if self._tty:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self._stream.write(f"\r  {table:<22} [{bar}] {done}/{total}")
            self._line_open = done < total
            if not self._line_open:
                self._stream.write("\n")
        elif done == total:
            self._stream.write(f"  {table}: {done}/{total} rows\n")
        self._stream.flush()

    def finish(self) -> None:
        """End a bar left part way (the copy stopped)."""
        if self._line_open:
            self._stream.write("\n")
            self._line_open = False


def checks_table(checks: list[TableCheck]) -> list[str]:
    """The verification, one line per table: rows, checksum (first 12 hex digits), ok."""
    lines = [f"  {'table':<22}{'rows':>10}  {'checksum':<12}  ok"]
    for check in checks:
        verdict = (
            "ok"
            if check.ok
            else f"MISMATCH: the target has {check.target_rows} rows, "
            f"checksum {check.target_checksum[:12]}"
        )
        lines.append(f"  {check.table:<22}{check.rows:>10}  {check.checksum[:12]}  {verdict}")
    return lines


async def run_copy(
    source: Path | str,
    target: Path | str,
    *,
    replace: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`db copy`: 0 copied or already up to date, 1 failed or mismatched (rolled back).
    A refusal (same database, target holding other data, no source) raises StoreError."""
    out, err = out or sys.stdout, err or sys.stderr
    source, target = address(str(source)), address(str(target))
    if await same_database(source, target):  # before opening: opening migrates
        raise StoreError(f"--from and --to both name {label(target)}: copy to another database")
    versions = {"source": await stored_version(source), "target": await stored_version(target)}
    if versions["source"] is None:
        raise StoreError(f"{label(source)} does not exist: there is nothing to copy (--from)")
    bar = ProgressBar(err)
    async with open_store(source) as opened_source, open_store(target) as opened_target:
        for side, where in (("source", source), ("target", target)):
            if 0 < (versions[side] or 0) < _latest(where):
                print(
                    f"heroes-bot: migrated the {side} {label(where)} from schema version "
                    f"{versions[side]} to {_latest(where)}",
                    file=out,
                )
        print(f"heroes-bot: copying {label(source)} to {label(target)}", file=out)
        try:
            outcome = await copy_database(
                opened_source.database,
                opened_target.database,
                replace=replace,
                progress=bar,
                target_label=label(target),
            )
        except CopyFailed as exc:
            bar.finish()
            return _failed(exc, target, out, err)
    if not outcome.copied:
        print(f"heroes-bot: {label(target)} is already up to date, nothing copied", file=out)
        return 0
    print("\n".join(checks_table(outcome.tables)), file=out)
    print(
        f"heroes-bot: copied {outcome.rows} rows in {len(outcome.tables)} tables to "
        f"{label(target)}; every table verified",
        file=out,
    )
    return 0


def _failed(exc: CopyFailed, target: Path | str, out: TextIO, err: TextIO) -> int:
    if isinstance(exc, CopyMismatch):
        print("\n".join(checks_table(exc.tables)), file=out)
    print(
        f"heroes-bot: copy failed: {exc}; rolled back, nothing was written to {label(target)}",
        file=err,
    )
    return 1


async def run_status(target: Path | str, *, out: TextIO | None = None) -> int:
    """`db status`: engine, database, schema version and row counts; changes nothing."""
    out = out or sys.stdout
    target = address(str(target))
    version = await stored_version(target)
    if version is None:
        raise StoreError(f"{label(target)} does not exist: no SQLite database there")
    latest = _latest(target)
    engine = "PostgreSQL" if is_postgres(target) else "SQLite"
    lines = [
        f"engine: {engine}",
        f"database: {label(target)}",
        f"schema version: {version} (this heroes-bot knows up to {latest})",
    ]
    if version != latest:
        lines.append(
            "rows: not counted until the schema is at this version "
            + (
                "(the bot migrates it when it next starts)"
                if version < latest
                else "(upgrade heroes-bot)"
            )
        )
    else:
        async with open_store(target) as store:
            counts = await row_counts(store.database)
        lines.append("rows:")
        lines += [f"  {table:<22}{count:>10}" for table, count in counts.items()]
    print("\n".join(lines), file=out)
    return 0
