"""`heroes-bot news ...`: add sequel updates from the command line, list them, watch delivery.

The command line only writes to the database: an update and one pending delivery per following
server, in one transaction. The running bot (any of its processes) delivers them within about
30 seconds; `--wait` shows a progress bar until it has.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import tomllib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.store import DeliveryCounts, NewUpdate, Store, stage_label
from bot.tracker.validate import check_update, stage_choices

IMPORT_FIELDS = {"key", "headline", "text", "source", "outlet", "stage", "date"}
STALL_HINT_AFTER = 90.0  # seconds without progress before suggesting the bot is not running


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

    async def go() -> int:
        async with store_factory() as store:
            return await dispatch(args, store)

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        print("stopped waiting; the running bot keeps delivering.", file=sys.stderr)
        return 0


async def dispatch(
    args: argparse.Namespace,
    store: Store,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    today: datetime | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    day = (today or datetime.now(UTC)).date()
    if args.news_command == "list":
        return await _list(store, args.limit, out)

    if args.news_command == "add":
        text = sys.stdin.read() if args.text == "-" else args.text
        records = [
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
            print(f"heroes-bot news import: {exc}", file=err)
            return 1
        where = [f"{args.file.name} update {i + 1}" for i in range(len(records))]

    updates: list[NewUpdate] = []
    failed = False
    for label, record in zip(where, records, strict=True):
        unknown = set(record) - IMPORT_FIELDS
        checked = check_update(
            headline=_text(record.get("headline")),
            text=_text(record.get("text")),
            source_url=_text(record.get("source")),
            outlet=_text(record.get("outlet")),
            stage=_text(record.get("stage")),
            published=_text(record.get("date")),
            key=_text(record.get("key")) if "key" in record else None,
            today=day,
        )
        problems = list(checked.problems)
        if unknown:
            problems.append(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        if problems or checked.update is None:
            failed = True
            headline = _text(record.get("headline")) or "(no headline)"
            print(f"{label} ({headline[:60]!r}) was refused:", file=err)
            for problem in problems:
                print(f"  - {problem}", file=err)
        else:
            updates.append(checked.update)
    if failed:
        print("Nothing was added.", file=err)
        return 1
    if getattr(args, "dry_run", False):
        print(f"{len(updates)} update(s) are valid; nothing was added (dry run).", file=out)
        return 0

    tracker = store.tracker
    added = []
    total_queued = 0
    for update in updates:
        duplicate = await tracker.find_duplicate(update)
        if duplicate is not None:
            print(f"skipped {update.headline[:60]!r}: already update #{duplicate.id}", file=out)
            continue
        stored, queued = await tracker.add_update(update, announce=not args.no_post)
        added.append(stored.id)
        total_queued += queued
        stage = f", stage → {stage_label(stored.stage)}" if stored.stage else ""
        where_to = (
            "not posted (--no-post)"
            if args.no_post
            else f"queued for {queued} following server(s)"
            if queued
            else "no server follows the news yet"
        )
        print(f"added update #{stored.id} ({stored.date_text}{stage}): {where_to}", file=out)
    if not added:
        print("Nothing new to add.", file=out)
        return 0
    if args.no_post or not total_queued:
        return 0
    if not args.wait:
        print(
            "The running bot posts queued updates within about 30 seconds "
            "(`heroes-bot news list` shows delivery; add --wait to watch).",
            file=out,
        )
        return 0
    return await wait_for_delivery(
        store, added, out=out, give_up_after=args.timeout, sleep=sleep, monotonic=monotonic
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def load_file(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text") from exc
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(raw)
        else:
            data = tomllib.loads(raw)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path} is not valid {path.suffix.lstrip('.').upper()}: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("updates")
    if not isinstance(data, list) or not data:
        raise ValueError(f"{path} holds no updates: expected [[updates]] tables or a JSON list")
    if not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{path}: every update must be a table/object of fields")
    if len(data) > 500:
        raise ValueError(f"{path}: {len(data)} updates; import at most 500 at a time")
    return data


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
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Poll the deliveries until none is pending or sending; a bar on a terminal, lines
    otherwise. Returns 0 when done, 3 on timeout."""
    tty = out.isatty()
    start = last_change = monotonic()
    last_line = ""
    hinted = False
    while True:
        counts = [await store.tracker.delivery_counts(u) for u in update_ids]
        line = progress_bar(counts)
        if line != last_line:
            last_change = monotonic()
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
        now = monotonic()
        if not hinted and now - last_change >= STALL_HINT_AFTER:
            hinted = True
            print(
                ("\n" if tty else "")
                + "nothing has moved for a while: is the bot running? (heroes-bot run)",
                file=out,
            )
        if give_up_after is not None and now - start >= give_up_after:
            print(
                ("\n" if tty else "")
                + "stopped waiting (--timeout); the running bot keeps delivering.",
                file=out,
            )
            return 3
        await sleep(interval)


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
