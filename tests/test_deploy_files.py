"""The container files say what the README promises, checked on their text (no engine needed):
the Dockerfile's non-root user, health check, volume and base argument, and no token baked in;
the compose files' volume and settings; the image check script CI runs.

`make image-check` builds and inspects the real image where podman exists; these checks run
everywhere. The compose files are read with a small reader for the YAML they use (block
mappings and lists, anchors and `<<` merges, flow lists): PyYAML is not a dependency.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "image-check.sh"
COMPOSE = ROOT / "deploy" / "compose.yaml"
COMPOSE_POSTGRES = ROOT / "deploy" / "compose.postgres.yaml"


# --- the Dockerfile -------------------------------------------------------------------------


def instructions(path: Path = ROOT / "Dockerfile") -> list[tuple[int, str, str]]:
    """(stage, INSTRUCTION, arguments): continuation lines joined, comments dropped; stage 0
    holds what comes before the first FROM, stage n the n-th FROM and what follows it."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    found, stage = [], 0
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        stage += keyword.upper() == "FROM"
        found.append((stage, keyword.upper(), " ".join(arguments.split())))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last = max(stage for stage, _, _ in steps)
    return [(keyword, arguments) for stage, keyword, arguments in steps if stage == last]


def test_base_image_is_a_build_argument_used_by_every_stage() -> None:
    steps = instructions()
    assert ("ARG", "BASE=python:3.11-slim") in [(k, a) for s, k, a in steps if s == 0]
    froms = [arguments for _, keyword, arguments in steps if keyword == "FROM"]
    assert len(froms) == 2, "a builder stage and the final stage"
    assert all(line.startswith("${BASE}") for line in froms)


def test_final_stage_takes_only_the_virtual_environment_from_the_builder() -> None:
    copies = [arguments for keyword, arguments in final_stage() if keyword == "COPY"]
    assert copies == ["--from=builder /opt/heroes-bot /opt/heroes-bot"]


def test_dependencies_come_from_the_lock_with_hashes_and_the_bot_as_a_wheel() -> None:
    runs = " ".join(arguments for _, keyword, arguments in instructions() if keyword == "RUN")
    assert "--require-hashes -r requirements.lock" in runs
    assert "--require-hashes -r requirements-postgres.lock" in runs
    assert "pip wheel" in runs and "--no-deps /tmp/wheels/heroes_bot-" in runs
    assert " -e " not in runs and "--editable" not in runs


def test_runs_as_a_fixed_non_root_user() -> None:
    users = [arguments for keyword, arguments in final_stage() if keyword == "USER"]
    assert users, "the final stage sets USER"
    name = users[-1].split(":")[0]
    assert name not in ("root", "0") and name.isdigit() and int(name) >= 1000


def test_health_check_runs_heroes_bot_health() -> None:
    checks = [arguments for keyword, arguments in final_stage() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert re.search(r"--start-period=\d+s", checks[0])
    assert re.search(r"\bCMD heroes-bot health\b", checks[0])
    # Only this container's own bot counts: shard containers share one database's heartbeats.
    assert "--this-host" in checks[0]


def test_data_volume_is_heroes_home_and_the_process_stops_on_sigterm() -> None:
    steps = final_stage()
    assert ("VOLUME", "/data") in steps
    assert ("STOPSIGNAL", "SIGTERM") in steps
    assert ("ENTRYPOINT", '["heroes-bot"]') in steps and ("CMD", '["run"]') in steps
    env = " ".join(arguments for keyword, arguments in steps if keyword == "ENV")
    assert "HEROES_HOME=/data" in env


def test_no_token_is_baked_into_the_image() -> None:
    for _, keyword, arguments in instructions():
        if keyword in ("ARG", "ENV", "LABEL"):
            assert "DISCORD_TOKEN" not in arguments, f"{keyword} {arguments}"
    # Nor copied in: the build context never holds .env or a database.
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in (".env", ".venv", "**/*.db", "backups", "build", ".pytest_cache"):
        assert pattern in ignored


# --- the compose files ----------------------------------------------------------------------


def _without_comment(line: str) -> str:
    """The line up to a `#` that starts a comment: first on the line or after a space, and
    outside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] == " "):
            return line[:index].rstrip()
    return line.rstrip()


def _lines(text: str) -> list[tuple[int, str]]:
    """(indent, content) of each line that holds something, its trailing comment removed."""
    found = []
    for raw in text.splitlines():
        assert "\t" not in raw, f"a tab in {raw!r}"
        content = _without_comment(raw)
        if content.strip():
            found.append((len(content) - len(content.lstrip(" ")), content.strip()))
    return found


def _scalar(text: str, anchors: dict[str, Any]) -> Any:
    if text.startswith("*"):
        return anchors[text[1:]]
    if text.startswith("["):
        return json.loads(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _block(lines: list[tuple[int, str]], at: int, anchors: dict[str, Any]) -> tuple[Any, int]:
    """The mapping or list starting at line `at`, and the index of the line after it."""
    indent = lines[at][0]
    if lines[at][1].startswith("- "):
        items = []
        while at < len(lines) and lines[at][0] == indent and lines[at][1].startswith("- "):
            items.append(_scalar(lines[at][1][2:].strip(), anchors))
            at += 1
        return items, at
    mapping: dict[str, Any] = {}
    while at < len(lines) and lines[at][0] == indent:
        key, colon, rest = lines[at][1].partition(":")
        assert colon and (not rest or rest.startswith(" ")), f"not `key: value`: {lines[at]}"
        rest, anchor = rest.strip(), None
        if rest.startswith("&"):
            anchor, rest = rest[1:], ""
        at += 1
        if rest:
            value = _scalar(rest, anchors)
        elif at < len(lines) and lines[at][0] > indent:
            value, at = _block(lines, at, anchors)
        else:
            value = None
        if anchor:
            anchors[anchor] = value
        if key == "<<":
            mapping = {**value, **mapping}
        else:
            mapping[key] = value
    assert at == len(lines) or lines[at][0] < indent, f"bad indentation at {lines[at]}"
    return mapping, at


def read_compose(path: Path) -> dict[str, Any]:
    lines = _lines(path.read_text())
    document, end = _block(lines, 0, {})
    assert end == len(lines) and lines[0][0] == 0
    return document


def test_compose_reader_reads_anchors_merges_lists_and_comments() -> None:
    text = (
        "# top's comment\nx-a: &a\n  one: 1  # it's a comment\n  two: '#2'\n  three: a#b\n"
        "services:\n  s:\n    <<: *a\n"
        '    two: "3"\n    test: ["CMD", "x"]\n    volumes:\n      - v:/data\nvolumes:\n  v:\n'
    )
    lines = _lines(text)
    document, _ = _block(lines, 0, {})
    assert document["services"]["s"] == {
        "one": "1",
        "two": "3",
        "three": "a#b",
        "test": ["CMD", "x"],
        "volumes": ["v:/data"],
    }
    assert document["volumes"] == {"v": None}


def test_compose_runs_the_bot_on_its_named_volume_with_env_file_settings() -> None:
    compose = read_compose(COMPOSE)
    bot = compose["services"]["bot"]
    assert bot["volumes"] == ["heroes-data:/data"]
    assert "heroes-data" in compose["volumes"]
    assert bot["env_file"] == "../.env"
    assert bot["build"]["context"] == ".."
    assert bot["restart"] == "unless-stopped"
    assert bot["stop_grace_period"] == "15s"
    assert bot["environment"]["DATABASE_PATH"] == "/data/heroes.db"
    assert "healthcheck" not in bot, "the image's HEALTHCHECK applies"


def test_postgres_compose_runs_two_shards_on_a_healthy_postgres() -> None:
    compose = read_compose(COMPOSE_POSTGRES)
    services = compose["services"]
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert "pgdata" in compose["volumes"]
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    for shard in ("0", "1"):
        bot = services[f"bot-{shard}"]
        assert bot["build"]["args"] == {"EXTRAS": "postgres"}
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert bot["stop_grace_period"] == "15s" and bot["env_file"] == "../.env"
        environment = bot["environment"]
        assert environment["DATABASE_URL"].startswith("postgresql://heroes:${POSTGRES_PASSWORD")
        assert environment["DATABASE_PATH"] == "" and environment["SHARD_IDS"] == shard


@pytest.mark.parametrize("path", [COMPOSE, COMPOSE_POSTGRES], ids=lambda p: p.name)
def test_compose_files_hold_no_token(path: Path) -> None:
    assert "DISCORD_TOKEN" not in re.sub(r"#.*", "", path.read_text())


# --- the image check script -----------------------------------------------------------------


def test_image_check_script_is_executable_valid_bash_and_run_by_make_and_ci() -> None:
    assert os.access(SCRIPT, os.X_OK)
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)
    assert "\nimage-check:\n\tbash scripts/image-check.sh\n" in (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make test") < ci.index("scripts/image-check.sh --if-available")


def test_image_check_says_skipped_without_podman(tmp_path: Path) -> None:
    # A PATH holding only what the script needs before it looks for podman.
    for tool in ("bash", "dirname", "id"):
        (tmp_path / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    result = subprocess.run(
        ["bash", str(SCRIPT), "--if-available"],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "image-check: skipped (podman not installed)\n"
