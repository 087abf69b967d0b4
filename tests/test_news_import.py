"""`heroes-bot news import` against hostile or unlucky input: all or nothing, nothing echoed raw."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import _parser, main
from bot.cli_news import MAX_IMPORT_BYTES, dispatch
from bot.store import Store
from tests.tracker_fakes import FakeClock

GOOD = {"headline": "Filming begins", "text": "Cameras roll.", "date": "2025-01-05"}


async def run_import(
    store: Store, path: Path, *flags: str, clock: FakeClock | None = None
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    clock = clock or FakeClock()
    code = await dispatch(
        _parser().parse_args(["news", "import", str(path), *flags]),
        store,
        out=out,
        err=err,
        clock=clock,
    )
    return code, out.getvalue(), err.getvalue()


def write_json(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps(records), "utf-8")
    return path


async def test_import_that_fails_part_way_stores_nothing(store: Store, tmp_path: Path) -> None:
    # The third insert fails as a full disk or a crash would, after two were written.
    await store.database.connection.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON sequel_updates WHEN NEW.headline = 'Third' "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
    )
    records = [{**GOOD, "headline": h} for h in ("First", "Second", "Third")]
    code, _, err = await run_import(store, write_json(tmp_path / "news.json", records))
    assert code == 1 and "nothing was added" in err and "Traceback" not in err
    assert await store.tracker.count_updates() == 1  # the seed's article only


async def test_import_retries_while_another_process_holds_the_database(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    await store.database.connection.execute("PRAGMA busy_timeout = 10")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    waits: list[float] = []

    class Waiting(FakeClock):
        async def sleep(self, seconds: float) -> None:
            waits.append(seconds)
            if other.in_transaction:
                other.execute("COMMIT")  # ...and finishes while the import waits

    records = [{**GOOD, "headline": h} for h in ("First", "Second")]
    try:
        code, out, err = await run_import(
            store, write_json(tmp_path / "news.json", records), clock=Waiting()
        )
    finally:
        other.close()
    assert code == 0 and out.count("added update") == 2, err
    assert waits and "busy" in err
    assert await store.tracker.count_updates() == 3


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep.toml", "updates = " + "[" * 100_000 + "]" * 100_000),
    ],
)
async def test_deeply_nested_import_file_gives_one_line_not_recursion_error(
    store: Store, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    code, _, err = await run_import(store, path)
    assert code == 1 and "nested too deeply" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("nan.json", '[{"headline": NaN, "text": "x"}]'),
        ("inf.json", '[{"headline": "h", "text": Infinity}]'),
        ("bool.json", '[{"headline": true, "text": "x"}]'),
        ("list.json", '[{"headline": [1, 2], "text": "x"}]'),
        ("huge.json", '[{"headline": 1e400, "text": "x"}]'),
        ("number.json", '[{"headline": "h", "text": "x", "stage": 4}]'),
        ("nan.toml", '[[updates]]\nheadline = nan\ntext = "x"\n'),
        ("bool.toml", '[[updates]]\nheadline = "h"\ntext = true\n'),
        ("table.toml", '[[updates]]\nheadline = "h"\ntext = "x"\nkey = {a = "b"}\n'),
    ],
)
async def test_non_text_import_values_are_refused_not_stored_as_text(
    store: Store, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    code, _, err = await run_import(store, path)
    assert code == 1 and ("must be text" in err or "not valid JSON" in err), err
    assert await store.tracker.count_updates() == 1


async def test_toml_date_value_is_accepted_as_a_date(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "news.toml"
    path.write_text('[[updates]]\nheadline = "h"\ntext = "x"\ndate = 2025-01-05\n', "utf-8")
    code, _, err = await run_import(store, path)
    assert code == 0, err
    latest = await store.tracker.latest_update()
    assert latest is not None and latest.published_at == "2025-01-05"


async def test_duplicate_json_keys_are_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text('[{"headline": "Harmless", "text": "x", "headline": "Other"}]', "utf-8")
    code, _, err = await run_import(store, path)
    assert code == 1 and "appears twice" in err
    assert await store.tracker.count_updates() == 1


async def test_import_file_over_the_size_cap_is_refused_before_parsing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr(json, "loads", no_parsing)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([GOOD]) + " " * MAX_IMPORT_BYTES, "utf-8")
    code, _, err = await run_import(store, path)
    assert code == 1 and "at most 5 MB" in err


async def test_terminal_escape_codes_in_import_values_are_echoed_escaped(
    store: Store, tmp_path: Path
) -> None:
    records = [
        {
            "headline": "\x1b[2J\x1b[Hheadline",
            "text": "x",
            "date": "\x1b]0;pwned\x07",
            "stage": "\x1b[31mfilming",
            "key": "\x1b[8mhidden",
            "\x1b[5mcolour": "red",
        }
    ]
    code, _, err = await run_import(store, write_json(tmp_path / "evil\x1b[1m.json", records))
    assert code == 1 and "Date:" in err and "Stage:" in err and "Key:" in err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b" in err


def _main_env(monkeypatch: pytest.MonkeyPatch, database: Path) -> None:
    monkeypatch.setenv("HEROES_ENV_FILE", os.devnull)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)


@pytest.mark.parametrize("dry_run", [True, False])
def test_dry_run_and_refused_import_create_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    database = tmp_path / "fresh" / "heroes.db"
    _main_env(monkeypatch, database)
    records = [GOOD] if dry_run else [{"headline": "", "text": "x"}]
    path = write_json(tmp_path / "news.json", records)
    code = main(["news", "import", str(path), *(["--dry-run"] if dry_run else [])])
    assert code == (0 if dry_run else 1)
    assert not database.parent.exists()


def test_importing_a_markdown_file_names_the_accepted_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _main_env(monkeypatch, tmp_path / "heroes.db")
    readme = tmp_path / "README.md"
    readme.write_text("# notes\n", "utf-8")
    assert main(["news", "import", str(readme)]) == 1
    err = capsys.readouterr().err
    assert "TOML (.toml" in err and "JSON (.json" in err and "not valid MD" not in err


async def test_import_from_a_fifo_is_refused_instead_of_hanging(
    store: Store, tmp_path: Path
) -> None:
    # Opening a named pipe for reading blocks until something writes to it: the import hung
    # forever without a word. Only a regular file is an import file.
    fifo = tmp_path / "news.json"
    os.mkfifo(fifo)
    code, _, err = await asyncio.wait_for(run_import(store, fifo), timeout=5)
    assert code == 1 and "not a regular file" in err


async def test_import_file_saved_with_a_bom_by_notepad_is_read(
    store: Store, tmp_path: Path
) -> None:
    # Windows editors often start UTF-8 files with a byte order mark; JSON and TOML parsers
    # then refused the file at "line 1 column 1" although its text is valid.
    toml = tmp_path / "news.toml"
    toml.write_bytes(
        b'\xef\xbb\xbf[[updates]]\nheadline = "Filming begins"\ntext = "Cameras roll."\n'
        b'date = "2025-01-05"\n'
    )
    code, out, err = await run_import(store, toml, "--no-post")
    assert (code, err) == (0, "") and "added update #" in out


def test_ctrl_c_while_reading_the_input_does_not_claim_updates_are_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `news add --text -` waits for stdin; Ctrl-C there said "the updates stay queued until a
    # bot delivers them" although nothing had been checked or stored.
    _main_env(monkeypatch, tmp_path / "heroes.db")

    class Interrupted(io.StringIO):
        def read(self, *_: object) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", Interrupted())
    main(["news", "add", "--headline", "Filming begins", "--text", "-"])
    err = capsys.readouterr().err
    assert "queued" not in err and "nothing was added" in err
    assert not (tmp_path / "heroes.db").exists()
