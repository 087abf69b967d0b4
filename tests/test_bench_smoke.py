"""The benchmark runs end to end in its smallest configuration (no timing is asserted), with its
PostgreSQL figures: a server started by the bench itself, heroes-bot on it in the latency phase,
the scale phase on it, and the broadcast by three shard processes sharing it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from bot.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--no-plots", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((out / "results.json").read_text()), done.stdout


def test_bench_smoke_writes_both_bots_figures(smoke: tuple[dict[str, Any], str]) -> None:
    results, stdout = smoke
    assert results["machine"]["discord.py"]
    for kind, figure in results["latency"]["kinds"].items():
        for bot in ("heroes", "baseline"):
            assert figure[bot]["n"] > 0 and figure[bot]["p99"] > 0, (kind, bot)
        assert set(figure["ratio"]) == {"p50", "p95", "p99"}
    for bot in ("heroes", "baseline"):
        assert results["ready"][bot]["new"]["total_s"] > 0
        assert results["servers"][-1][bot]["peak_kb"] > 0
    assert results["scale"]["quotes"] and results["scale"]["cast"]
    assert results["broadcast"]["rows"][0]["sent"] == results["broadcast"]["rows"][0]["channels"]
    assert "| interaction | heroes-bot (SQLite) | baseline | ratio |" in stdout


def test_bench_smoke_polls_feeds_and_prices_each_language(
    smoke: tuple[dict[str, Any], str],
) -> None:
    results, stdout = smoke
    first, second = results["feeds"]["cycles"][:2]
    assert first["feeds_polled"] == 20 and second["statuses"] == {"not_modified": 20}
    assert "Polling 20 feeds" in stdout
    languages = results["languages"]
    assert [row["locale"] for row in languages["rows"]] == [
        "en-US",
        "es-419",
        "es-ES",
        "pt-BR",
        "fr",
    ]
    assert all(row["lookup_ns"] > 0 and row["card_us"] > 0 for row in languages["rows"])
    assert "Languages, in the bot's process" in stdout


def test_bench_smoke_measures_heroes_bot_on_postgresql(smoke: tuple[dict[str, Any], str]) -> None:
    results, stdout = smoke
    assert results["postgres"]["server_version"]
    for kind, figure in results["latency"]["kinds"].items():
        assert figure["postgres"]["n"] > 0 and figure["postgres"]["p99"] > 0, kind
        assert set(figure["postgres_ratio"]) == {"p50", "p95", "p99"}
    assert results["latency"]["violations"] == {"heroes": 0, "baseline": 0, "postgres": 0}
    scale = results["scale"]["postgres"]
    assert scale["engine"] == "postgres"
    assert [row["n"] for row in scale["quotes"]] == [row["n"] for row in results["scale"]["quotes"]]
    assert all(row["autocomplete"]["n"] > 0 for row in scale["quotes"] + scale["cast"])
    assert "heroes-bot (PostgreSQL)" in stdout


def test_bench_smoke_broadcasts_by_three_processes_on_postgresql_once_per_channel(
    smoke: tuple[dict[str, Any], str],
) -> None:
    results, stdout = smoke
    (row,) = results["broadcast"]["sharded_postgres"]
    assert row["processes"] == 3 and min(row["servers_per_shard"]) > 0
    assert row["sent"] == row["posted"] == row["channels"]
    assert (row["duplicates"], row["served_global_429"], row["violations"]) == (0, 0, 0)
    assert row["exit_codes"] == [0, 0, 0]
    assert "three shard processes on one PostgreSQL database" in stdout
