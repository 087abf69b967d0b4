"""An installed heroes-bot (a wheel, as pip or pipx installs it) starts from any folder.

The wheel is built from this checkout and installed, without its dependencies, into a fresh
venv that sees the dev venv's site-packages through a .pth line (nothing is downloaded). That
line adds a plain folder: its own .pth files, among them the editable install's finder, are not
run, so `bot` is imported from the wheel only.
"""

from __future__ import annotations

import os
import site
import stat
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
# What must not leak in from the developer's shell: each would point the bot elsewhere.
CLEARED = ("DATABASE_PATH", "DATABASE_URL", "HEROES_ENV_FILE", "HEROES_HOME", "DISCORD_TOKEN")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding only the wheel of this checkout."""
    tmp = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(tmp / "wheel"), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    venv.create(tmp / "venv", with_pip=False)
    bin_dir = tmp / "venv" / "bin"
    target = Path(
        subprocess.run(
            [bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    (target / "dev-dependencies.pth").write_text(f"{site.getsitepackages()[0]}\n")
    wheel = next((tmp / "wheel").glob("heroes_bot-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
         "--no-deps", "--quiet", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return bin_dir


def _run(
    bin_dir: Path, *args: str, cwd: Path, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess:
    """A command of the installed venv, from `cwd`, with HOME and XDG_DATA_HOME under it."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED and k != "PYTHONPATH"}
    env.update(HOME=str(cwd / "home"), XDG_DATA_HOME=str(cwd / "xdg"), **extra)
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_wheel_is_what_runs_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    code = "import bot, heroes_data; print(bot.__file__); print(heroes_data.__file__)"
    result = _run(installed, "python", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.split():
        assert Path(line).is_relative_to(installed.parent), line


def test_installed_version_prints_the_package_version(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, "heroes-bot", "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert result.stdout.strip() == f"heroes-bot {version}"


def test_installed_bot_keeps_its_database_in_the_xdg_data_home(
    installed: Path, tmp_path: Path
) -> None:
    result = _run(installed, "heroes-bot", "news", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "#1" in result.stdout  # the seeded update, read from the packaged seed
    home = tmp_path / "xdg" / "heroes-bot"
    assert (home / "heroes.db").is_file()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert not (tmp_path / "data").exists()


def test_installed_bot_reads_env_from_heroes_home(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    home.mkdir()
    (home / ".env").write_text(f"DATABASE_PATH={tmp_path / 'from-env.db'}\n")
    result = _run(installed, "heroes-bot", "news", "list", cwd=tmp_path, HEROES_HOME=str(home))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env.db").is_file()
    assert not (home / "heroes.db").exists()


def test_installed_sandbox_starts_and_stops(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, "heroes-bot", "sandbox", cwd=tmp_path, stdin="/help\n")
    assert result.returncode == 0, result.stderr
    assert "Sandbox ready" in result.stdout
    assert result.stdout.rstrip().endswith("Bye.")
    assert "Traceback" not in result.stdout + result.stderr


def test_the_package_list_is_every_package_plus_the_data() -> None:
    """pyproject lists the packages (a find cannot map data/ to heroes_data): a new package
    left off the list would be missing from every install."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = find_packages(str(ROOT), include=["bot*", "cogs*", "discord_emulator*"])
    assert sorted(listed["packages"]) == sorted([*found, "heroes_data"])


def test_installed_doctor_checks_a_fresh_setup_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    token = "MTU3NzUzNTk1MzI1NjQ0ODAwMg.GabcDE.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
    result = _run(installed, "heroes-bot", "doctor", cwd=tmp_path, DISCORD_TOKEN=token)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout and "✓" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    # A check that creates nothing: the database is only said to be created at first start.
    assert not (tmp_path / "xdg" / "heroes-bot" / "heroes.db").exists()
