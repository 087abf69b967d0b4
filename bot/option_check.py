"""The bot's own check of a slash command's options against what the command declares.

Discord's client enforces each option's type, range, length, choices and whether it is required,
so real members never trip this. A forged or outdated client (or a definition Discord still holds
from an older version of the bot) is not bound by the client, and the commands must never see
such values: the tree refuses them with a clear reply, generically, from the same declarations
that are synced to Discord (the `Range[...]`, choices and defaults of each command).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from discord import AppCommandOptionType
from discord.app_commands import Command, Parameter

# Discord's own bounds where a command declares none (option values, integer options).
STRING_MAX = 6000
INTEGER_LIMIT = 2**53
_SNOWFLAKE_TYPES = (
    AppCommandOptionType.user,
    AppCommandOptionType.channel,
    AppCommandOptionType.role,
    AppCommandOptionType.mentionable,
    AppCommandOptionType.attachment,
)
_SUBCOMMANDS = (AppCommandOptionType.subcommand.value, AppCommandOptionType.subcommand_group.value)


def leaf_options(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The options given to the invoked (sub)command, below any subcommand (group) wrappers."""
    options: Sequence[Any] = data.get("options") or []
    while len(options) == 1 and isinstance(options[0], Mapping):
        if options[0].get("type") not in _SUBCOMMANDS:
            break
        options = options[0].get("options") or []
    return [o for o in options if isinstance(o, Mapping)]


def _is_snowflake(value: Any) -> bool:
    """Whether a user/channel/role/... option's value is an id discord.py can look up."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20


def _number(value: float) -> str:
    # A forged integer may have thousands of digits: the echo must stay short.
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def _range_problem(name: str, value: float, low: float | None, high: float | None) -> str | None:
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            bounds = f"from {_number(low)} to {_number(high)}"
        elif low is not None:
            bounds = f"at least {_number(low)}"
        else:
            bounds = f"at most {_number(high)}"  # type: ignore[arg-type]
        return f"`{name}` must be {bounds} (you sent {_number(value)})."
    return None


def _value_problem(param: Parameter, value: Any) -> str | None:
    name, kind = param.display_name, param.type
    if kind is AppCommandOptionType.string:
        if not isinstance(value, str):
            return _kind_problem(param)
        low = int(param.min_value) if param.min_value is not None else None
        high = int(param.max_value) if param.max_value is not None else STRING_MAX
        if (low is not None and len(value) < low) or len(value) > high:
            least = f"at least {low} and " if low else ""
            return f"`{name}` must be {least}at most {high} characters (you sent {len(value):,})."
    elif kind in (AppCommandOptionType.integer, AppCommandOptionType.number):
        integer = kind is AppCommandOptionType.integer
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            return _kind_problem(param)
        if isinstance(value, float) and not math.isfinite(value):  # an int may exceed a float
            return _kind_problem(param)
        low = param.min_value if param.min_value is not None else -INTEGER_LIMIT
        high = param.max_value if param.max_value is not None else INTEGER_LIMIT
        problem = _range_problem(name, value, low, high)
        if problem:
            return problem
    elif kind is AppCommandOptionType.boolean:
        if not isinstance(value, bool):
            return _kind_problem(param)
    elif kind in _SNOWFLAKE_TYPES and not _is_snowflake(value):
        return _kind_problem(param)
    choices = param.choices
    if choices and not param.autocomplete and value not in [c.value for c in choices]:
        names = ", ".join(f"`{c.name}`" for c in choices[:10])  # the bot's own declarations
        return f"`{name}` must be one of: {names}."
    return None


def suggestions_wanted(command: Command[Any, ..., Any], data: Mapping[str, Any]) -> bool:
    """Whether an autocomplete request is one Discord's client sends: exactly one focused
    option, text, of a parameter that offers suggestions."""
    options = leaf_options(data)
    focused = [o for o in options if o.get("focused")]
    if len(focused) != 1 or not isinstance(focused[0].get("value"), str):
        return False
    params = {param.display_name: param for param in command.parameters}
    for option in options:  # discord.py converts the others by their payload type first
        param = params.get(option.get("name"))  # type: ignore[arg-type]
        if param is None or option.get("type") != param.type.value:
            return False
        value = option.get("value")
        if option.get("focused"):
            continue
        if param.type in _SNOWFLAKE_TYPES and not _is_snowflake(value):
            return False
        if param.type is AppCommandOptionType.number and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            return False
    param = params[focused[0]["name"]]
    return param.autocomplete


def _kind_problem(param: Parameter) -> str:
    name, kind = param.display_name, param.type
    if kind is AppCommandOptionType.string:
        return f"`{name}` must be text."
    if kind in (AppCommandOptionType.integer, AppCommandOptionType.number):
        integer = kind is AppCommandOptionType.integer
        return f"`{name}` must be {'a whole number' if integer else 'a number'}."
    if kind is AppCommandOptionType.boolean:
        return f"`{name}` must be true or false."
    return f"`{name}` is not something I can look up."


def option_problem(command: Command[Any, ..., Any], data: Mapping[str, Any]) -> str | None:
    """Why the options of this slash command invocation break its declaration, or None."""
    params = {param.display_name: param for param in command.parameters}
    types: dict[str, Any] = {}
    given: dict[str, Any] = {}
    for option in leaf_options(data):
        name = option.get("name")
        if not isinstance(name, str) or name not in params:
            known = ", ".join(f"`{n}`" for n in params) or "none"
            # Shown inside a code span, so only the characters an option name may have are kept.
            shown = re.sub(r"[^\w-]", "", str(name))[:32] or "?"
            return f"I don't know the option `{shown}` (options here: {known})."
        if name in given:
            return f"`{name}` was given twice."
        given[name], types[name] = option.get("value"), option.get("type")
    for name, param in params.items():
        if name not in given:
            if param.required:
                return f"`{name}` is required."
            continue
        if types[name] != param.type.value:
            # discord.py converts a value by the type the payload gives it (float(), int()...)
            return _kind_problem(param)
        problem = _value_problem(param, given[name])
        if problem:
            return problem
    return None
