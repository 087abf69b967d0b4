from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import (
    PROJECT_ROOT,
    ConfigError,
    Secret,
    check_database_path,
    load_config,
)
from tests.conftest import FAKE_TOKEN

ROOT = Path(__file__).resolve().parents[1]


def test_defaults() -> None:
    settings = load_config({})
    assert settings.token is None and not settings.has_token
    assert settings.database_path == PROJECT_ROOT / "data" / "heroes.db"
    assert settings.dev_guild_id is None and settings.owner_ids == frozenset()
    assert settings.log_level == "INFO"


def test_all_keys() -> None:
    settings = load_config(
        {
            "DISCORD_TOKEN": FAKE_TOKEN,
            "DATABASE_PATH": "/tmp/x.db",
            "DEV_GUILD_ID": "123456789012345678",
            "OWNER_IDS": "123456789012345678, 223456789012345678",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.token == Secret(FAKE_TOKEN)
    assert settings.dev_guild_id == 123456789012345678
    assert settings.owner_ids == {123456789012345678, 223456789012345678}
    assert settings.log_level == "DEBUG"


def test_settings_are_frozen() -> None:
    settings = load_config({})
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


def test_the_token_never_shows() -> None:
    settings = load_config({"DISCORD_TOKEN": FAKE_TOKEN})
    for text in (repr(settings), str(settings), f"{settings.token}", repr(settings.token)):
        assert FAKE_TOKEN not in text
    assert settings.require_token().reveal() == FAKE_TOKEN


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID"),
        ({"OWNER_IDS": "123456789012345678,bob"}, "OWNER_IDS"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": "short"}, "DISCORD_TOKEN"),
        ({"GUILD_READY_TIMEOUT": "soon"}, "GUILD_READY_TIMEOUT"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names) as info:
        load_config(env)
    assert "short" not in str(info.value) or names != "DISCORD_TOKEN"


def test_database_path_checks(tmp_path: Path) -> None:
    check_database_path(tmp_path / "new" / "heroes.db")
    assert (tmp_path / "new").is_dir()
    with pytest.raises(ConfigError, match="is a directory"):
        check_database_path(tmp_path)


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_PATH"}}
    # A developer's own .env in the project folder must not change what the tests see.
    isolated = {"HEROES_ENV_FILE": os.devnull, **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **isolated, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": FAKE_TOKEN, "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be"),
        ({"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": "/proc/nope/heroes.db"}, "DATABASE_PATH"),
    ],
)
def test_cli_config_errors_are_one_line_with_exit_2(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = _cli("sync", env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.stderr
    assert FAKE_TOKEN not in result.stderr + result.stdout


def test_cli_refuses_a_foreign_database_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.db"
    target.write_text("not a database")
    result = _cli(
        "sync", env={"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": str(target)}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not a SQLite database" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "not a database"


def test_dotenv_is_read_by_main_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "bot.env").write_text("DEV_GUILD_ID=from-dotenv\nLOG_LEVEL=loud\n")
    result = _cli(
        "--env-file", str(tmp_path / "bot.env"), "sync", env={"LOG_LEVEL": "INFO"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "DEV_GUILD_ID must be" in result.stderr  # .env was read, LOG_LEVEL from env won
    result = _cli("sync", env={"HEROES_ENV_FILE": str(tmp_path / "bot.env")}, cwd=tmp_path)
    assert result.returncode == 2 and "LOG_LEVEL must be" in result.stderr


def test_dotenv_in_the_current_or_a_parent_folder_is_not_read(tmp_path: Path) -> None:
    # Another project's .env above (or in) the folder the command is run from.
    (tmp_path / ".env").write_text("LOG_LEVEL=from-a-parent\n")
    child = tmp_path / "elsewhere"
    child.mkdir()
    (child / ".env").write_text("LOG_LEVEL=from-the-current-folder\n")
    database = tmp_path / "heroes.db"
    # HEROES_ENV_FILE empty: the default lookup, which must not walk up from `child`.
    result = _cli(
        "news", "list", env={"DATABASE_PATH": str(database), "HEROES_ENV_FILE": ""}, cwd=child
    )
    assert result.returncode == 0, result.stderr
    assert "LOG_LEVEL" not in result.stderr


def test_relative_database_path_is_taken_from_the_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `heroes-bot news add` run from another folder
    assert load_config({"DATABASE_PATH": "data/other.db"}).database_path == (
        PROJECT_ROOT / "data" / "other.db"
    )
    assert load_config({}).database_path.is_absolute()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("123", "too short to be a Discord id"),
        ("9" * 25, "too long to be a Discord id"),
        ("my-server", "digits only"),
    ],
)
def test_dev_guild_id_that_cannot_be_a_discord_id_says_why(raw: str, reason: str) -> None:
    with pytest.raises(ConfigError, match="DEV_GUILD_ID") as info:
        load_config({"DEV_GUILD_ID": raw})
    assert reason in str(info.value) and "numeric Discord id (got '123')" not in str(info.value)


def test_importing_the_package_does_not_read_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HEROES_MARKER=1\n")
    code = "import os, bot.__main__, bot.config; print(os.environ.get('HEROES_MARKER'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "None"


def test_database_url_names_the_engine(tmp_path: Path) -> None:
    pg = load_config({"DATABASE_URL": "postgresql://heroes:s3cret@db.internal:5432/heroes"})
    assert (
        pg.postgres and pg.database_target == "postgresql://heroes:s3cret@db.internal:5432/heroes"
    )
    assert pg.database_label == "postgresql://heroes@db.internal:5432/heroes"  # no password
    assert "s3cret" not in repr(pg)
    relative = load_config({"DATABASE_URL": "sqlite:///data/other.db"}, root=tmp_path)
    assert not relative.postgres and relative.database_target == tmp_path / "data" / "other.db"
    absolute = load_config({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, root=Path("/elsewhere"))
    assert absolute.database_path == tmp_path / "x.db"


@pytest.mark.parametrize(
    ("env", "fix"),
    [
        ({"DATABASE_URL": "mysql://root:hunter2@db/heroes"}, "postgresql://user:password@host"),
        ({"DATABASE_URL": "sqlite:///"}, "sqlite:///path/to/heroes.db"),
        ({"DATABASE_URL": "sqlite:///a.db", "DATABASE_PATH": "a.db"}, "keep one"),
    ],
)
def test_a_bad_database_url_says_the_fix_and_never_the_password(
    env: dict[str, str], fix: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(env)
    assert fix in str(raised.value) and "hunter2" not in str(raised.value)


def test_backup_dir_is_taken_from_the_project_folder_and_keeps_seven_by_default(tmp_path):
    settings = load_config({"BACKUP_DIR": "backups"}, root=tmp_path)
    assert (settings.backup_dir, settings.backup_keep) == (tmp_path / "backups", 7)
    assert load_config({}, root=tmp_path).backup_dir is None


@pytest.mark.parametrize(
    ("env", "wording"),
    [
        ({"BACKUP_KEEP": "3"}, "BACKUP_KEEP needs BACKUP_DIR"),
        ({"BACKUP_DIR": "b", "BACKUP_KEEP": "0"}, "1 to 365"),
        ({"BACKUP_DIR": "b", "BACKUP_KEEP": "seven"}, "1 to 365"),
        ({"BACKUP_DIR": "b", "DATABASE_URL": "postgresql://u@h/d"}, "pg_dump"),
    ],
)
def test_bad_backup_settings_are_refused_with_the_fix(env, wording):
    with pytest.raises(ConfigError, match=wording):
        load_config(env)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("9108", ("127.0.0.1", 9108)),
        ("0.0.0.0:9108", ("0.0.0.0", 9108)),
        ("[::1]:9200", ("::1", 9200)),
    ],
)
def test_metrics_address_defaults_to_loopback(text, address):
    assert load_config({"METRICS_ADDR": text}).metrics_addr == address


@pytest.mark.parametrize("text", ["abc", ":80", "host:0", "host:70000", "a b:80"])
def test_bad_metrics_address_is_refused(text):
    with pytest.raises(ConfigError, match="METRICS_ADDR must be"):
        load_config({"METRICS_ADDR": text})


def test_metrics_are_off_unless_asked():
    assert load_config({}).metrics_addr is None


def test_feed_watcher_settings_default_to_review_by_dm_and_eight_failures() -> None:
    settings = load_config({})
    assert settings.feeds_auto_publish is False
    assert settings.feeds_review_channel_id is None
    assert settings.feeds_max_failures == 8


def test_feed_watcher_settings_are_read() -> None:
    settings = load_config(
        {
            "FEEDS_AUTO_PUBLISH": "True",
            "FEEDS_REVIEW_CHANNEL_ID": " 123456789012345678 ",
            "FEEDS_MAX_FAILURES": "100",
        }
    )
    assert settings.feeds_auto_publish is True
    assert settings.feeds_review_channel_id == 123456789012345678
    assert settings.feeds_max_failures == 100
    assert load_config({"FEEDS_AUTO_PUBLISH": "false"}).feeds_auto_publish is False


@pytest.mark.parametrize(
    ("env", "wording"),
    [
        # Anything but true/false is refused: a typo must not publish without review.
        ({"FEEDS_AUTO_PUBLISH": "yes"}, "FEEDS_AUTO_PUBLISH must be true or false (got 'yes')"),
        ({"FEEDS_AUTO_PUBLISH": "1"}, "FEEDS_AUTO_PUBLISH must be true or false"),
        ({"FEEDS_REVIEW_CHANNEL_ID": "#news"}, "FEEDS_REVIEW_CHANNEL_ID must be a Discord id"),
        ({"FEEDS_REVIEW_CHANNEL_ID": "1234"}, "FEEDS_REVIEW_CHANNEL_ID=1234 is too short"),
        ({"FEEDS_MAX_FAILURES": "0"}, "FEEDS_MAX_FAILURES must be how many failed polls"),
        ({"FEEDS_MAX_FAILURES": "101"}, "1 to 100 (got '101')"),
        ({"FEEDS_MAX_FAILURES": "eight"}, "1 to 100 (got 'eight')"),
        ({"FEEDS_MAX_FAILURES": "-3"}, "1 to 100"),
        ({"FEEDS_MAX_FAILURES": "٣"}, "1 to 100"),  # an Arabic-Indic digit is not a number here
    ],
)
def test_bad_feed_watcher_settings_are_one_line_naming_the_variable(
    env: dict[str, str], wording: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env)
    message = str(info.value)
    assert wording in message and "\n" not in message


def test_env_example_names_every_feed_watcher_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in ("FEEDS_AUTO_PUBLISH=", "FEEDS_REVIEW_CHANNEL_ID=", "FEEDS_MAX_FAILURES="):
        assert f"\n{name}" in example, name
    # Every line of the example is accepted as written (an empty value means the default).
    values = dict(
        line.split("=", 1)
        for line in example.splitlines()
        if line.startswith("FEEDS_") and "=" in line
    )
    load_config(values)
