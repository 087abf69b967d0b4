"""What a new user reads first: help, --version, plurals, and no alarming start-up lines."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot import __version__
from bot.__main__ import _parser
from bot.store import SequelUpdate
from cogs.sequel import news_pages
from discord_emulator import SchemaValidator

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "LOG_LEVEL"}}
    env |= {
        "HEROES_ENV_FILE": os.devnull,
        "DATABASE_PATH": str(tmp_path / "heroes.db"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_news_timeline_with_one_update_says_1_update_not_1_updates() -> None:
    update = SequelUpdate(
        1, None, "Filming begins", "Cameras roll.", "2025-03-01", None, None, None,
        "seed", None, "2025-03-01T00:00:00+00:00",
    )  # fmt: skip
    (page,) = news_pages([update])
    assert page.footer.text is not None and "· 1 update, newest first" in page.footer.text


@pytest.mark.parametrize("command", ["run", "sync"])
def test_run_and_sync_help_have_a_description(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args([command, "--help"])
    _usage, _, rest = capsys.readouterr().out.partition("\n\n")
    description = rest.split("\n\n")[0]
    assert "DISCORD_TOKEN" in description and not description.startswith("options:")


def test_version_flag_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"heroes-bot {__version__}"


def test_news_command_does_not_log_the_seed_report(tmp_path: Path) -> None:
    result = _cli("news", "list", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "seed:" not in result.stdout


def test_missing_openapi_spec_is_not_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A self-hoster's sandbox has no copy of Discord's spec: nothing is wrong, nothing to say.
    with caplog.at_level(logging.INFO):
        validator = SchemaValidator(tmp_path / "absent.json")
    assert not validator.enabled and caplog.records == []


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"  # a table is deprecated by setuptools
    assert "setuptools>=77" in " ".join(project["build-system"]["requires"])
