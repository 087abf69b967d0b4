"""A self-hoster's `make run` on a fresh clone installs only what the lock files pin by hash."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_make_run_on_a_fresh_clone_fetches_nothing_unhashed(tmp_path: Path) -> None:
    # `make run` upgraded pip and setuptools from the index with no hash ("pip install --upgrade
    # pip setuptools>=78.1.1"): whatever the index served was installed, and setuptools then
    # built the bot (--no-build-isolation). Every download must be checked against a hash.
    for name in ("Makefile", "pyproject.toml", *(p.name for p in ROOT.glob("requirements*.lock"))):
        shutil.copy(ROOT / name, tmp_path / name)
    plan = subprocess.run(
        ["make", "-n", "run", "PYTHON=python3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in plan.splitlines() if " pip install " in line]
    assert installs, plan  # the plan does install: the checks below mean something
    for line in installs:
        if "--no-deps" in line and line.rstrip().endswith("-e ."):
            continue  # the bot itself, from this folder: nothing is downloaded
        assert "--require-hashes" in line, line
        lock = re.search(r"-r (\S+)", line)
        assert lock is not None, line
        text = (tmp_path / lock.group(1)).read_text("utf-8")
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\\n\s+--hash=sha256:", text, re.MULTILINE)
        assert pins, lock.group(1)
