"""Which tests run on both store engines, SQLite and PostgreSQL (issue 12: one contract).

The store's own tests (tests/store/) run on both; a feature module testing its repository opts
in with `pytestmark = both_engines`. Each of their tests using `store` then runs twice, `[sqlite]`
and `[postgres]`. A test that reaches one engine's internals on purpose is marked
`@sqlite_only` / `@postgres_only` and runs once, on that engine (never generated and skipped:
a skip in CI is a failure).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ENGINES = ("sqlite", "postgres")
BOTH_ENGINE_FOLDERS = (Path(__file__).parent / "store",)

both_engines = pytest.mark.both_engines
sqlite_only = pytest.mark.engine_only("sqlite")
postgres_only = pytest.mark.engine_only("postgres")


def engines_for(metafunc: pytest.Metafunc) -> tuple[str, ...] | None:
    """The engines a test runs on, or None when it just uses the default (SQLite)."""
    path = Path(str(metafunc.definition.path))
    in_folder = any(folder in path.parents for folder in BOTH_ENGINE_FOLDERS)
    if not in_folder and metafunc.definition.get_closest_marker("both_engines") is None:
        return None
    only = metafunc.definition.get_closest_marker("engine_only")
    return tuple(only.args) if only is not None else ENGINES
