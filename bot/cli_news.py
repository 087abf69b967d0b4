"""`heroes-bot news ...`: add sequel updates from the command line, list them, watch delivery.

The command line only writes to the database: an update and one pending delivery per following
server, in one transaction. The running bot (any of its processes) delivers them within about
30 seconds; `--wait` shows a progress bar until it has.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any, TextIO

from bot.clock import Clock, SystemClock
from bot.store import (
    DeliveryCounts,
    NewUpdate,
    SequelUpdate,
    Store,
    StoreError,
    StoreUnavailable,
    stage_label,
)
from cogs.sequel import check_update, printable, stage_choices

IMPORT_FIELDS = {"key", "headline", "text", "source", "outlet", "stage", "date"}
MAX_IMPORT_BYTES = 5_000_000  # refused before parsing: a news file is a few kilobytes
STALL_HINT_AFTER = 90.0  # seconds without progress before saying delivery has stalled
# A bot runs a delivery pass every 30 s; none in this long means no bot uses this database.
DELIVERY_SEEN_WITHIN = timedelta(seconds=90)
STORE_ATTEMPTS = 4  # the write is retried while another process holds the database
STORE_RETRY_DELAY = 2.0  # seconds, times the attempt number (on top of SQLite's 5 s wait)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    news = sub.add_parser(
        "news",
        help="add sequel updates and watch their delivery (the running bot posts them)",
        description="Sequel tracker updates. Adding one queues it for every following server; "
        "the running bot posts it within about 30 seconds.",
    )
    actions = news.add_subparsers(dest="news_command", required=True)

    add = actions.add_parser("add", help="add one update")
    add.add_argument("--headline", required=True, help="at most 256 characters")
    add.add_argument("--text", required=True, help="at most 4000 characters; '-' reads stdin")
    add.add_argument("--source", help="the source's link (http or https)")
    add.add_argument("--outlet", help="the source's name (default: the link's website)")
    add.add_argument("--stage", help=f"the stage it moves to: {stage_choices()}")
    add.add_argument("--date", help="YYYY-MM-DD (default: today, UTC)")
    _delivery_flags(add)

    imp = actions.add_parser(
        "import",
        help="add several updates from a TOML or JSON file",
        description="A TOML file with [[updates]] tables, or JSON: a list or {'updates': [...]}. "
        f"Fields: {', '.join(sorted(IMPORT_FIELDS))}. Updates already in the timeline (same key, "
        "or same headline and link) are skipped, so importing twice adds nothing.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    _delivery_flags(imp)

    listing = actions.add_parser("list", help="the timeline, newest first, with delivery counts")
    listing.add_argument("--limit", type=int, default=20)


def _delivery_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-post",
        action="store_true",
        help="add to the timeline only; post nothing to following servers (history)",
    )
    parser.add_argument(
        "--wait", action="store_true", help="show delivery progress until the bot has finished"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="stop waiting after this many seconds"
    )


def run(args: argparse.Namespace, store_factory: Callable[[], Any]) -> int:
    """Entry point from bot.__main__: `store_factory()` is an async context giving a Store."""

    opened = False  # whether the input was checked and the database opened

    clock = SystemClock()  # the command's one clock: today's date, the waits of --wait

    async def go() -> int:
        nonlocal opened
        prepared = None
        if args.news_command in {"add", "import"}:
            # Checked before the database is opened: a refused file or a dry run creates no
            # database (or folder) and changes nothing.
            try:
                prepared = prepare(args, clock.now().date(), sys.stderr)
            except _Refused:
                return 1
            if _dry_run(args, prepared, sys.stdout):
                return 0
        opened = True
        async with store_factory() as store:
            return await dispatch(args, store, clock=clock, prepared=prepared)

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        if not opened:
            print("stopped; nothing was added.", file=sys.stderr)
            return 1
        print(
            "stopped waiting; the updates stay queued until a bot delivers them "
            "(`heroes-bot news list` shows where they are).",
            file=sys.stderr,
        )
        return 0


class _Refused(Exception):
    """The input was refused before anything was opened or stored; already explained."""


def prepare(args: argparse.Namespace, day: date, err: TextIO) -> list[NewUpdate]:
    """Read and check `news add` / `news import` input, before any database is opened.

    Raises _Refused after printing every problem (escaped) to `err`.
    """
    if args.news_command == "add":
        text = sys.stdin.read() if args.text == "-" else args.text
        records: list[dict[str, Any]] = [
            {
                "headline": args.headline,
                "text": text,
                "source": args.source,
                "outlet": args.outlet,
                "stage": args.stage,
                "date": args.date,
            }
        ]
        where = ["the update"]
    else:
        try:
            records = load_file(args.file)
        except ValueError as exc:
            _say(err, f"heroes-bot news import: {exc}")
            raise _Refused from None
        where = [f"{printable(args.file.name)} update {i + 1}" for i in range(len(records))]

    updates: list[NewUpdate] = []
    failed = False
    for label, record in zip(where, records, strict=True):
        problems, values = _field_values(record)
        checked = check_update(
            headline=values.get("headline"),
            text=values.get("text"),
            source_url=values.get("source"),
            outlet=values.get("outlet"),
            stage=values.get("stage"),
            published=values.get("date"),
            key=values.get("key") if "key" in record else None,
            today=day,
        )
        problems += checked.problems
        if problems or checked.update is None:
            failed = True
            headline = values.get("headline") or "(no headline)"
            _say(err, f"{label} ({headline[:60]!r}) was refused:")
            for problem in problems:
                _say(err, f"  - {problem}")
        else:
            updates.append(checked.update)
    if failed:
        _say(err, "Nothing was added.")
        raise _Refused
    return updates


def _field_values(record: dict[str, Any]) -> tuple[list[str], dict[str, str | None]]:
    """Problems with the record's fields, and its values as text.

    Every field is text: a number, true/false, a list or a table is refused rather than
    stored as its Python spelling ("nan", "True", "[1, 2]"). Only `date` may also be a TOML
    date (date = 2025-06-01, unquoted). JSON null means "not given".
    """
    problems: list[str] = []
    values: dict[str, str | None] = {}
    unknown = sorted(set(record) - IMPORT_FIELDS)
    if unknown:
        problems.append(f"Unknown field(s): {', '.join(printable(str(u)) for u in unknown)}.")
    for name in sorted(IMPORT_FIELDS & set(record)):
        value = record[name]
        if value is None or isinstance(value, str):
            values[name] = value
        elif name == "date" and isinstance(value, date) and not isinstance(value, datetime):
            values[name] = value.isoformat()
        else:
            problems.append(
                f"{name.capitalize()}: must be text in quotes, not {_kind(value)}; "
                f'write {name} = "..." (TOML) or "{name}": "..." (JSON).'
            )
    return problems, values


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time" if isinstance(value, date | time_of_day) else "this kind of value"


def _say(stream: TextIO, line: str) -> None:
    """Every line about refused input goes out escaped: a file cannot drive the terminal."""
    print(printable(line), file=stream)


async def dispatch(
    args: argparse.Namespace,
    store: Store,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    clock: Clock,
    prepared: list[NewUpdate] | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    now = clock.now()
    if args.news_command == "list":
        return await _list(store, args.limit, out)

    if prepared is None:
        try:
            prepared = prepare(args, now.date(), err)
        except _Refused:
            return 1
    updates = prepared
    if _dry_run(args, updates, out):
        return 0

    try:
        results = await _store_all(store, updates, announce=not args.no_post, err=err, clock=clock)
    except (sqlite3.Error, StoreError) as exc:
        reason = (
            "the database stayed busy or out of reach (another process kept writing, or "
            "PostgreSQL could not be reached)"
            if _busy(exc)
            else f"the database refused it ({exc})"
        )
        _say(err, f"heroes-bot news: {reason}; nothing was added. Run the same command again.")
        return 1
    added, total_queued = _report_added(results, no_post=args.no_post, out=out)
    if not added:
        print("Nothing new to add.", file=out)
        return 0
    if args.no_post or not total_queued:
        return 0
    return await _follow_delivery(store, added, args, out=out, clock=clock)


def _report_added(
    results: list[tuple[SequelUpdate, int, bool]], *, no_post: bool, out: TextIO
) -> tuple[list[int], int]:
    """One line per update (added where to, or skipped as a duplicate); the ids added and the
    deliveries queued in all."""
    added = []
    total_queued = 0
    for stored, queued, duplicate in results:
        if duplicate:
            print(f"skipped {stored.headline[:60]!r}: already update #{stored.id}", file=out)
            continue
        added.append(stored.id)
        total_queued += queued
        stage = f", stage → {stage_label(stored.stage)}" if stored.stage else ""
        where_to = (
            "not posted (--no-post)"
            if no_post
            else f"queued for {_count(queued, 'following server')}"
            if queued
            else "no server follows the news yet"
        )
        print(f"added update #{stored.id} ({stored.date_text}{stage}): {where_to}", file=out)
    return added, total_queued


async def _follow_delivery(
    store: Store,
    added: list[int],
    args: argparse.Namespace,
    *,
    out: TextIO,
    clock: Clock,
) -> int:
    """Once updates are queued: say whether a bot is delivering, and wait for it with --wait."""
    bot_running = await delivery_is_running(store, clock.now())
    if not bot_running:
        print(
            "No bot is delivering from this database right now (no delivery pass in the last "
            f"{int(DELIVERY_SEEN_WITHIN.total_seconds())} seconds). The updates stay queued: "
            "start the bot (`make run` or `heroes-bot run`) and it posts them.",
            file=out,
        )
        return 3 if args.wait else 0
    if not args.wait:
        print(
            "The running bot posts queued updates within about 30 seconds "
            "(`heroes-bot news list` shows delivery; add --wait to watch).",
            file=out,
        )
        return 0
    return await wait_for_delivery(store, added, out=out, give_up_after=args.timeout, clock=clock)


def _dry_run(args: argparse.Namespace, updates: list[NewUpdate], out: TextIO) -> bool:
    """With --dry-run: say how many updates are valid, and that nothing was added."""
    if not getattr(args, "dry_run", False):
        return False
    count = _count(len(updates), "update is", "updates are")
    print(f"{count} valid; nothing was added (dry run).", file=out)
    return True


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _busy(exc: sqlite3.Error | StoreError) -> bool:
    """Worth another try: SQLite's write lock held by another process, or PostgreSQL gone for
    a moment (nothing of the transaction was committed either way)."""
    if isinstance(exc, StoreUnavailable):
        return True
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


async def _store_all(
    store: Store,
    updates: list[NewUpdate],
    *,
    announce: bool,
    err: TextIO,
    clock: Clock,
) -> list[tuple[SequelUpdate, int, bool]]:
    """Every update in one transaction (all or none), retried while another process writes."""
    attempt = 1
    while True:
        try:
            return await store.tracker.add_updates(updates, announce=announce, now=clock.now())
        except (sqlite3.OperationalError, StoreUnavailable) as exc:
            if not _busy(exc) or attempt >= STORE_ATTEMPTS:
                raise
            delay = STORE_RETRY_DELAY * attempt
            print(
                f"the database is busy (another process is writing); nothing stored yet, "
                f"retrying in {delay:g} s ({attempt}/{STORE_ATTEMPTS - 1})",
                file=err,
            )
            await clock.sleep(delay)
            attempt += 1


async def delivery_is_running(store: Store, now: datetime) -> bool:
    """Whether a bot process has run a delivery pass on this database lately."""
    last = await store.tracker.last_delivery_pass()
    return last is not None and now - last <= DELIVERY_SEEN_WITHIN


def load_file(path: Path) -> list[dict[str, Any]]:
    """The updates of a .toml or .json file; ValueError (one line, escaped) on anything else."""
    shown = printable(str(path))
    kind = path.suffix.lower()
    if kind not in {".toml", ".json"}:
        raise ValueError(
            f"{shown}: import reads TOML (.toml, [[updates]] tables) or JSON (.json, a list of "
            f"objects); this file's name ends in {printable(kind) or 'no extension'}."
        )
    try:
        # Opened without blocking: a named pipe would otherwise wait forever for a writer.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ValueError(f"{shown} is not a regular file")
            os.set_blocking(handle.fileno(), True)
            size = status.st_size
            if size > MAX_IMPORT_BYTES:
                raise ValueError(_too_big(shown, size))
            # Read one byte past the cap: a file that grows (or a pipe) is refused too.
            data_bytes = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read {shown}: {exc.strerror or exc}") from exc
    if len(data_bytes) > MAX_IMPORT_BYTES:
        raise ValueError(_too_big(shown, len(data_bytes)))
    try:
        raw = data_bytes.decode("utf-8-sig")  # Windows editors may start with a BOM
    except UnicodeDecodeError as exc:
        raise ValueError(f"{shown} is not UTF-8 text") from exc
    import tomllib  # only here: `heroes-bot run` never reads an update file

    try:
        if kind == ".json":
            data: Any = json.loads(
                raw, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants
            )
        else:
            data = tomllib.loads(raw)
    except RecursionError:
        raise ValueError(f"{shown} is nested too deeply to be an update file") from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, _BadJSON) as exc:
        name = "JSON" if kind == ".json" else "TOML"
        raise ValueError(f"{shown} is not valid {name}: {printable(str(exc))}") from None
    if isinstance(data, dict):
        data = data.get("updates")
    if not isinstance(data, list) or not data:
        raise ValueError(f"{shown} holds no updates: expected [[updates]] tables or a JSON list")
    if not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{shown}: every update must be a table/object of fields")
    if len(data) > 500:
        raise ValueError(f"{shown}: {len(data)} updates; import at most 500 at a time")
    return data


def _too_big(shown: str, size: int) -> str:
    return (
        f"{shown} is {size / 1_000_000:.1f} MB; an import file may be at most "
        f"{MAX_IMPORT_BYTES // 1_000_000} MB (split it)"
    )


class _BadJSON(ValueError):
    """JSON that parses but must not be trusted: a repeated key, NaN or Infinity."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            # Parsers disagree on which of two equal keys wins; refuse rather than guess.
            raise _BadJSON(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def _no_constants(name: str) -> Any:
    raise _BadJSON(f"{name} is not a value an update can hold")


def progress_bar(counts: list[DeliveryCounts], width: int = 30) -> str:
    total = sum(c.total for c in counts)
    finished = sum(c.finished for c in counts)
    filled = width if total == 0 else round(width * finished / total)
    sent = sum(c.sent for c in counts)
    failed = sum(c.failed for c in counts)
    uncertain = sum(c.uncertain for c in counts)
    skipped = sum(c.skipped for c in counts)
    extra = "".join(
        f" · {n} {label}"
        for n, label in ((failed, "failed"), (uncertain, "uncertain"), (skipped, "skipped"))
        if n
    )
    return f"[{'#' * filled}{'.' * (width - filled)}] {finished}/{total} · {sent} sent{extra}"


async def wait_for_delivery(
    store: Store,
    update_ids: list[int],
    *,
    out: TextIO,
    give_up_after: float | None = None,
    interval: float = 1.0,
    clock: Clock,
) -> int:
    """Poll the deliveries until none is pending or sending; a bar on a terminal, lines
    otherwise. Returns 0 when done, 3 on timeout."""
    tty = out.isatty()
    start = last_change = clock.monotonic()
    last_line = ""
    hinted = False
    while True:
        counts = [await store.tracker.delivery_counts(u) for u in update_ids]
        line = progress_bar(counts)
        if line != last_line:
            last_change = clock.monotonic()
            if tty:
                out.write("\r" + line)
            else:
                out.write(line + "\n")
            out.flush()
            last_line = line
        if all(c.done for c in counts):
            if tty:
                out.write("\n")
            print("delivered.", file=out)
            return 0
        now = clock.monotonic()
        if not hinted and now - last_change >= STALL_HINT_AFTER:
            hinted = True
            print(
                ("\n" if tty else "")
                + f"nothing has moved for {int(now - last_change)} seconds: the bot may have "
                "stopped or lost Discord; its log says why.",
                file=out,
            )
        if give_up_after is not None and now - start >= give_up_after:
            print(
                ("\n" if tty else "")
                + "stopped waiting (--timeout); what is not delivered yet stays queued "
                "(`heroes-bot news list` shows where it is).",
                file=out,
            )
            return 3
        await clock.sleep(interval)


async def _list(store: Store, limit: int, out: TextIO) -> int:
    updates = await store.tracker.timeline(limit=max(1, limit))
    if not updates:
        print("The timeline is empty.", file=out)
        return 0
    for update in updates:
        counts = await store.tracker.delivery_counts(update.id)
        stage = f" [→ {stage_label(update.stage)}]" if update.stage else ""
        delivery = f"  ({counts.summary()})" if counts.total else ""
        print(f"#{update.id} {update.date_text} {update.headline}{stage}{delivery}", file=out)
    return 0
