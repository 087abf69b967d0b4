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

from bot.i18n import _, current_locale, format_number, translate_command_string

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
    # A forged integer may have thousands of digits: the echo must stay short. Written as sent
    # (digits only), not in the locale's way: it echoes what the client sent.
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def shown_name(param: Parameter) -> str:
    """An option's name as the member's client shows it: translated where the catalogs name it
    (the command Translator gives Discord the same), else as declared."""
    name = param.display_name
    return translate_command_string(name, "option name", current_locale()) or name


def _range_problem(name: str, value: float, low: float | None, high: float | None) -> str | None:
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    shown = {"name": name, "low": _number(low or 0), "high": _number(high or 0)}
    shown["sent"] = _number(value)
    if low is not None and high is not None:
        # Translators: {name} is an option's name, shown in code style; the rest are numbers.
        return _("`{name}` must be from {low} to {high} (you sent {sent}).").format(**shown)
    if low is not None:
        # Translators: {name} is an option's name, shown in code style; the rest are numbers.
        return _("`{name}` must be at least {low} (you sent {sent}).").format(**shown)
    # Translators: {name} is an option's name, shown in code style; the rest are numbers.
    return _("`{name}` must be at most {high} (you sent {sent}).").format(**shown)


def _length_problem(name: str, value: str, low: int | None, high: int) -> str | None:
    if (low is None or len(value) >= low) and len(value) <= high:
        return None
    shown = {"name": name, "low": _number(low or 0), "high": _number(high)}
    shown["sent"] = format_number(len(value))
    if low:
        # Translators: {name} is an option's name, shown in code style; the rest are numbers.
        text = _("`{name}` must be at least {low} and at most {high} characters (you sent {sent}).")
    else:
        # Translators: {name} is an option's name, shown in code style; the rest are numbers.
        text = _("`{name}` must be at most {high} characters (you sent {sent}).")
    return text.format(**shown)


def _choice_problem(param: Parameter, name: str, value: Any) -> str | None:
    choices = param.choices
    if not choices or param.autocomplete or value in [c.value for c in choices]:
        return None
    locale = current_locale()
    names = ", ".join(  # the bot's own declarations, as the member's client lists them
        f"`{translate_command_string(c.name, 'choice', locale) or c.name}`" for c in choices[:10]
    )
    # Translators: {name} is an option's name; {choices} its choices, each in code style.
    return _("`{name}` must be one of: {choices}.").format(name=name, choices=names)


def _value_problem(param: Parameter, value: Any) -> str | None:
    name, kind = shown_name(param), param.type
    if kind is AppCommandOptionType.string:
        if not isinstance(value, str):
            return _kind_problem(param)
        low = int(param.min_value) if param.min_value is not None else None
        high = int(param.max_value) if param.max_value is not None else STRING_MAX
        problem = _length_problem(name, value, low, high)
        if problem:
            return problem
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
    return _choice_problem(param, name, value)


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
    name, kind = shown_name(param), param.type
    if kind is AppCommandOptionType.string:
        # Translators: {name} is an option's name, shown in code style.
        return _("`{name}` must be text.").format(name=name)
    if kind is AppCommandOptionType.integer:
        # Translators: {name} is an option's name, shown in code style.
        return _("`{name}` must be a whole number.").format(name=name)
    if kind is AppCommandOptionType.number:
        # Translators: {name} is an option's name, shown in code style.
        return _("`{name}` must be a number.").format(name=name)
    if kind is AppCommandOptionType.boolean:
        # Translators: {name} is an option's name, shown in code style.
        return _("`{name}` must be true or false.").format(name=name)
    # Translators: {name} is an option's name (a member, channel, role...), in code style.
    return _("`{name}` is not something I can look up.").format(name=name)


def _unknown_option(name: object, params: Mapping[str, Parameter]) -> str:
    # Shown inside a code span, so only the characters an option name may have are kept.
    sent = re.sub(r"[^\w-]", "", str(name))[:32] or "?"
    if not params:
        # Translators: {name} is what a modified client sent as an option's name.
        return _("I don't know the option `{name}` (this command has no options).").format(
            name=sent
        )
    known = ", ".join(f"`{shown_name(param)}`" for param in params.values())
    # Translators: {name} is what was sent as an option's name; {options} the command's options.
    return _("I don't know the option `{name}` (options here: {options}).").format(
        name=sent, options=known
    )


def option_problem(command: Command[Any, ..., Any], data: Mapping[str, Any]) -> str | None:
    """Why the options of this slash command invocation break its declaration, or None."""
    params = {param.display_name: param for param in command.parameters}
    types: dict[str, Any] = {}
    given: dict[str, Any] = {}
    for option in leaf_options(data):
        name = option.get("name")
        if not isinstance(name, str) or name not in params:
            return _unknown_option(name, params)
        if name in given:
            # Translators: {name} is an option's name, shown in code style.
            return _("`{name}` was given twice.").format(name=shown_name(params[name]))
        given[name], types[name] = option.get("value"), option.get("type")
    for name, param in params.items():
        if name not in given:
            if param.required:
                # Translators: {name} is an option's name, shown in code style.
                return _("`{name}` is required.").format(name=shown_name(param))
            continue
        if types[name] != param.type.value:
            # discord.py converts a value by the type the payload gives it (float(), int()...)
            return _kind_problem(param)
        problem = _value_problem(param, given[name])
        if problem:
            return problem
    return None
