"""The benchmark runs end to end in its smallest configuration (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT


def test_bench_smoke_writes_both_bots_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--no-plots", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["machine"]["discord.py"]
    for kind, figure in results["latency"]["kinds"].items():
        for bot in ("heroes", "baseline"):
            assert figure[bot]["n"] > 0 and figure[bot]["p99"] > 0, (kind, bot)
        assert set(figure["ratio"]) == {"p50", "p95", "p99"}
    assert results["latency"]["violations"] == {"heroes": 0, "baseline": 0}
    for bot in ("heroes", "baseline"):
        assert results["ready"][bot]["new"]["total_s"] > 0
        assert results["servers"][-1][bot]["peak_kb"] > 0
    assert results["scale"]["quotes"] and results["scale"]["cast"]
    assert "rows" in results["broadcast"] or "pending" in results["broadcast"]
    assert "| interaction | heroes-bot | baseline | ratio |" in done.stdout
