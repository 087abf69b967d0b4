"""The layout's one import rule: a private name (`_x`) is imported only inside its own package.

Every package's public face is its `__init__` (or a module's names without a leading
underscore); anything else may change without notice. Checked on the source (every `import` and
`from ... import`, relative ones resolved), not on what happens to be loaded.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("bot", "cogs")


def _is_private(name: str) -> bool:
    # `_` alone is gettext's conventional public name (bot.i18n exports it), not a private one.
    if name == "_":
        return False
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path) -> tuple[str, ...]:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def _package_of(path: Path) -> tuple[str, ...]:
    """The package a source file belongs to (a package's `__init__` belongs to itself)."""
    return path.relative_to(ROOT).parent.parts


def _is_package(dotted: tuple[str, ...]) -> bool:
    return (ROOT.joinpath(*dotted) / "__init__.py").is_file()


def _owner(target: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """For a dotted target naming something private: (the package owning the first private
    name, the path down to that name). None when nothing in it is private."""
    for index, part in enumerate(target):
        if _is_private(part):
            container = target[:index]
            # A private module or package belongs to the package holding it; a private name in
            # a module belongs to that module's package.
            owner = container if not container or _is_package(container) else container[:-1]
            return owner, target[: index + 1]
    return None


def _allowed(importer: tuple[str, ...], owner: tuple[str, ...], private: tuple[str, ...]) -> bool:
    """Inside the owning package itself, or inside the private module/package named."""
    return importer == owner or importer[: len(private)] == private


def _targets(tree: ast.Module, path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """(line, dotted name) of everything imported, relative imports resolved."""
    package = _package_of(path)
    found: list[tuple[int, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, tuple(alias.name.split("."))) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else ()
            module = (*base, *(node.module.split(".") if node.module else ()))
            found.extend((node.lineno, (*module, alias.name)) for alias in node.names)
    return found


def private_imports() -> list[str]:
    problems = []
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            importer = _package_of(path)
            for line, target in _targets(tree, path):
                owned = _owner(target)
                if owned is not None and not _allowed(importer, *owned):
                    where = path.relative_to(ROOT)
                    problems.append(f"{where}:{line} imports {'.'.join(target)}")
    return problems


def test_no_module_imports_a_private_name_from_another_package() -> None:
    assert private_imports() == []


def test_the_rule_tells_a_package_from_its_neighbours() -> None:
    # The checker itself, on the shapes it must tell apart (a check that never fires proves
    # nothing): inside bot.store its own private modules are fine, from bot/ they are not.
    store, film = ("bot", "store"), ("bot", "store", "_film", "FilmData")
    assert _owner(film) == (store, ("bot", "store", "_film"))
    assert _allowed(store, *_owner(film))  # type: ignore[misc]
    assert not _allowed(("bot",), *_owner(film))  # type: ignore[misc]
    assert not _allowed(("cogs", "sequel"), *_owner(film))  # type: ignore[misc]
    # A private function of a module belongs to the module's package.
    helper = ("bot", "store", "_film", "_source")
    assert _owner(helper) == (store, ("bot", "store", "_film"))
    assert _owner(("bot", "store", "FilmData")) is None
    assert _owner(("bot", "__main__")) is None  # dunder names are not private


def _flagged(source: str, importer: str) -> list[tuple[str, ...]]:
    """What the rule reports in `source` as if it were the file `importer`."""
    path = ROOT / importer
    return [
        target
        for _, target in _targets(ast.parse(source), path)
        if (owned := _owner(target)) is not None and not _allowed(_package_of(path), *owned)
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from cogs.sequel._render import sequel_card",
        "import bot.store._film",
        "import bot.store._film as film",
        "from bot.store import _film",
        "from bot.ui.views import _Helper",
        "from ..sequel import _render",
        "from ..sequel._render import sequel_card",
    ],
)
def test_the_rule_catches_every_form_of_private_import(source: str) -> None:
    # Each spelling of reaching into another package, from cogs/film/_cog.py.
    assert _flagged(source, "cogs/film/_cog.py") != []


def test_the_rule_lets_a_package_import_its_own_private_modules() -> None:
    assert _flagged("from ._render import film_card", "cogs/film/_cog.py") == []
    assert _flagged("from bot.store._film import FilmData", "bot/store/_store.py") == []


# ---------------------------------------------------------------- the emulator stands alone

EMULATOR = "discord_emulator"


def imports_of_the_bot(top: str) -> tuple[int, list[str]]:
    """(files checked, every import of `bot` or `cogs` in them) under the package `top`."""
    paths = sorted((ROOT / top).rglob("*.py"))
    problems = [
        f"{path.relative_to(ROOT)}:{line} imports {'.'.join(target)}"
        for path in paths
        for line, target in _targets(ast.parse(path.read_text(encoding="utf-8"), str(path)), path)
        if target[0] in CHECKED
    ]
    return len(paths), problems


def test_the_discord_emulator_imports_nothing_of_the_bot() -> None:
    # Usable by any discord.py project (as httpx ships MockTransport): a top-level package that
    # neither imports the bot nor lives inside it.
    checked, problems = imports_of_the_bot(EMULATOR)
    assert checked > 10
    assert problems == []
    assert not (ROOT / "bot" / "emulator").exists()


# ---------------------------------------------------------------- function length

MAX_FUNCTION_LINES = 60  # a longer function does several jobs: split it by job


def long_functions(source: str, where: str) -> list[str]:
    """Every function (or method) in `source` longer than MAX_FUNCTION_LINES, with its size."""
    return [
        f"{where}:{node.lineno} {node.name} is {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(source, where))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_no_function_in_the_bot_is_over_60_lines() -> None:
    found = [
        problem
        for top in CHECKED
        for path in sorted((ROOT / top).rglob("*.py"))
        for problem in long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_length_rule_counts_a_function_from_its_def_to_its_last_line() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 1))
    assert long_functions(f"def fits():\n{body}", "m.py") == []
    assert long_functions(f"async def over():\n{body}    return 0\n", "m.py") == [
        "m.py:1 over is 61 lines"
    ]
