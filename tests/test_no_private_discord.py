"""Product code (bot/, cogs/) uses discord.py's public API only: a private name (`_state`,
`_connection`, `_cs_response`, ...) may change in any discord.py release without notice.

Read from the source with `ast`: no `thing._name` on anything but `self`/`cls`, no private name
imported or reached through getattr/setattr/hasattr/delattr; and a class deriving from a
discord.py class neither reads nor overrides a private name of the discord.py classes it
derives from (`self._connection` in a Client subclass is discord.py's, not the bot's).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import discord

import bot
import cogs

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "cogs")

# Private names reached on another object that are not discord.py's, each for a reason:
ALLOWED = {
    # argparse's type for `add_subparsers()`, the only name it has, in annotations.
    "argparse._SubParsersAction",
    # bot/config.py Secret.__eq__ compares with another Secret, its own class.
    "other._value",
}
ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def private(name: str) -> bool:
    # `_` alone is gettext's conventional public name (bot.i18n exports it).
    return name.startswith("_") and not name.startswith("__") and name != "_"


def product_files() -> Iterator[Path]:
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def private_uses(tree: ast.AST) -> Iterator[str]:
    """Each private name this source reaches on something other than itself."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                yield ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield from (
                f"from {node.module} import {a.name}" for a in node.names if private(a.name)
            )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
        ):
            yield ast.unparse(node)


def test_no_private_name_is_reached_on_another_object() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {use}"
        for path in product_files()
        for use in private_uses(ast.parse(path.read_text(encoding="utf-8")))
        if use not in ALLOWED
    ]
    assert found == []


def test_the_scan_sees_what_the_old_ack_timer_did() -> None:
    """The hook bot/metrics once used (replaced by discord.py's public http_trace)."""
    old = (
        "interaction._cs_response = TimedResponse(interaction, callback)\n"
        "state = bot._connection\n"
        "getattr(interaction, '_response_type')\n"
        "from discord.utils import _get_as_snowflake\n"
    )
    assert sorted(private_uses(ast.parse(old))) == [
        "bot._connection",
        "from discord.utils import _get_as_snowflake",
        "getattr(interaction, '_response_type')",
        "interaction._cs_response",
    ]


def self_private_names(cls: type) -> set[str]:
    """Private names a class defines, or reads or sets on `self`, in its own source."""
    names = {name for name in vars(cls) if private(name)}
    slots = vars(cls).get("__slots__", ())
    names |= {name for name in ((slots,) if isinstance(slots, str) else slots) if private(name)}
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):  # built in, or made at run time
        return names
    for node in ast.walk(ast.parse(inspect.cleandoc("\n" + source))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and private(node.attr)
        ):
            names.add(node.attr)
    return names


def product_classes() -> Iterator[type]:
    for package in (bot, cogs):
        for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if inspect.isclass(value) and value.__module__ == module.__name__:
                    yield value


def discord_bases(cls: type) -> list[type]:
    return [base for base in cls.__mro__ if base.__module__.split(".")[0] == discord.__name__]


def borrowed_names(cls: type) -> list[str]:
    """Private names of `cls`'s discord.py bases that `cls` itself defines or uses."""
    theirs: set[str] = set()
    for base in discord_bases(cls):
        theirs |= self_private_names(base)
    return sorted(self_private_names(cls) & theirs) if theirs else []


def test_no_subclass_touches_a_private_name_of_its_discord_py_base() -> None:
    derived = [cls for cls in product_classes() if discord_bases(cls)]
    found = [
        f"{cls.__module__}.{cls.__qualname__}: {name}"
        for cls in derived
        for name in borrowed_names(cls)
    ]
    assert {"HeroesBot", "HeroesTree", "LoggedView"} <= {cls.__name__ for cls in derived}
    assert found == []


class OldTimedResponse(discord.InteractionResponse):  # type: ignore[type-arg]
    """What bot/metrics once did: override the private attribute discord.py sets on answers."""

    @property  # type: ignore[override]
    def _response_type(self) -> None:
        return None


class ConnectionReader(discord.Client):
    def guild_count(self) -> int:
        return len(self._connection.guilds)  # discord.py's private state


def test_the_subclass_scan_sees_an_overridden_or_read_private_name() -> None:
    assert borrowed_names(OldTimedResponse) == ["_response_type"]
    assert borrowed_names(ConnectionReader) == ["_connection"]
