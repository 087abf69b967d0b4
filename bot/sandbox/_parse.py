"""Parsing what a person types at the sandbox prompt into a command invocation.

Names are those Discord's client shows in the person's locale (a command's `name_localizations`,
else its name): an Invocation keeps them as typed, and the emulator maps them back to the default
names the bot receives, as Discord does.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from bot.sandbox._names import shown_example
from discord_emulator import shown_name

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


class ParseError(ValueError):
    """What the person typed is not a command the bot has; the message says why."""


class Invocation(msgspec.Struct):
    command: str  # the top-level name
    path: list[str]  # subcommand group / subcommand names after it
    options: dict[str, str] = msgspec.field(default_factory=dict)  # raw text per option, in order
    definitions: list[dict[str, Any]] = msgspec.field(default_factory=list)  # the leaf's options
    wants_suggestions: bool = False
    locale: str = "en-US"  # the client language the names are shown (and typed) in

    def shown(self, definition: dict[str, Any]) -> str:
        """An option's name as the person's client shows it (and as `options` keys it)."""
        return shown_name(definition, self.locale)

    def definition(self, shown: str) -> dict[str, Any] | None:
        return next((o for o in self.definitions if self.shown(o) == shown), None)

    @property
    def full_name(self) -> str:
        return " ".join([self.command, *self.path])

    @property
    def focused(self) -> str | None:
        """The option being typed last, for suggestions."""
        return next(reversed(self.options), None) if self.options else None


def _find(commands: list[dict[str, Any]], name: str, locale: str) -> dict[str, Any] | None:
    return next(
        (c for c in commands if shown_name(c, locale) == name and c.get("type", 1) == 1), None
    )


def parse(line: str, commands: list[dict[str, Any]], locale: str = "en-US") -> Invocation:
    """Parse '/sequel news', '/cast name: pedro' or '/quote search: lava ?' against the synced
    commands, by the names a client in `locale` shows."""
    text = line.strip()
    if not text.startswith("/"):
        example = shown_example(commands, "/cast name: pedro", locale)
        raise ParseError(f"commands start with /, e.g. {example} (type /help for the list)")
    wants = text.endswith("?")
    if wants:
        text = text[:-1].rstrip()
    words = text[1:].split(None, 1)
    if not words:
        example = shown_example(commands, "/sequel", locale)
        raise ParseError(f"type a command after the /, e.g. {example}")
    command = _find(commands, words[0].lower(), locale)
    if command is None:
        shown = [shown_name(c, locale) for c in commands if c.get("type", 1) == 1]
        names = ", ".join(f"/{name}" for name in shown)
        raise ParseError(f"no command /{words[0]}; the bot has: {names}")
    node, path, rest = _descend(command, words[1] if len(words) > 1 else "", locale)
    definitions = list(node.get("options", []))
    shown = shown_name(command, locale)
    invocation = Invocation(
        shown, path, definitions=definitions, wants_suggestions=wants, locale=locale
    )
    names = [invocation.shown(o) for o in definitions]
    if not rest.strip():
        return invocation
    # Option keys are only the option names this command really has, so a value may contain
    # 'something:' freely.
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):", re.IGNORECASE)
    matches = list(pattern.finditer(rest)) if names else []
    if not matches or rest[: matches[0].start()].strip():
        _refuse_options(invocation, rest, names)
    _fill(invocation, rest, matches)
    if wants and _plain_text(invocation):
        # Nothing to suggest for this option, so the ? ends its value: `question: Who?`.
        invocation.options[invocation.focused or ""] += "?"
        invocation.wants_suggestions = False
    return invocation


def _descend(
    command: dict[str, Any], rest: str, locale: str
) -> tuple[dict[str, Any], list[str], str]:
    """The subcommand (group) words at the start of `rest`: (the leaf, their shown names, the
    text after them)."""
    node, path = command, []
    while any(o.get("type") in (SUBCOMMAND, GROUP) for o in node.get("options", [])):
        head, _sep, tail = rest.strip().partition(" ")
        subs = [o for o in node["options"] if o["type"] in (SUBCOMMAND, GROUP)]
        child = next((o for o in subs if shown_name(o, locale) == head.lower()), None)
        if child is None:
            names = ", ".join(shown_name(o, locale) for o in node["options"])
            raise ParseError(
                f"/{' '.join([shown_name(command, locale), *path])} needs one of: {names}"
            )
        path.append(shown_name(child, locale))
        node, rest = child, tail
    return node, path, rest


def _refuse_options(invocation: Invocation, rest: str, names: list[str]) -> None:
    """Options not written as `name: value`: say which name is unknown, or how to write them."""
    if not names:
        raise ParseError(f"/{invocation.full_name} takes no options")
    unknown = re.match(r"\s*([\w-]+):", rest)
    if unknown:
        known = ", ".join(f"`{n}`" for n in names)
        raise ParseError(
            f"unknown option `{unknown.group(1)}` for /{invocation.full_name}; its options: {known}"
        )
    hint = " ".join(f"{n}: …" for n in names)
    raise ParseError(f"options are written as name: value — /{invocation.full_name} {hint}")


def _fill(invocation: Invocation, rest: str, matches: list[re.Match[str]]) -> None:
    """Each option's text, up to the next option's name. An option is given once, so its name
    again is part of a value: a choice Tab completed as `cards: cards: Discord's newer …`."""
    keys = [m for i, m in enumerate(matches) if m.group(1).lower() not in _names_in(matches[:i])]
    for i, match in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(rest)
        invocation.options[match.group(1).lower()] = rest[match.end() : end].strip()


def _names_in(matches: list[re.Match[str]]) -> set[str]:
    return {m.group(1).lower() for m in matches}


def _plain_text(invocation: Invocation) -> bool:
    """Whether the option being typed last is text with no suggestions (no autocomplete, no
    choices), where a final ? can only be part of what is typed."""
    definition = invocation.definition(invocation.focused or "")
    return (
        definition is not None
        and definition.get("type") == STRING
        and not definition.get("autocomplete")
        and not definition.get("choices")
        and bool(invocation.options[invocation.focused or ""])
    )


def _choice(name: str, raw: str, choices: list[dict[str, Any]], locale: str) -> Any:
    """The value of the choice typed: its value, its name as shown in `locale` (Tab completes
    it), or that name's first word (`classic` for “classic: embeds”), in any case."""
    typed = raw.strip().casefold()
    for choice in choices:
        shown = shown_name(choice, locale).casefold()
        if typed in {str(choice["value"]).casefold(), shown, shown.split(":")[0].strip()}:
            return choice["value"]
    listed = ", ".join(f"{c['value']} ({shown_name(c, locale)})" for c in choices)
    raise ParseError(f"{name} must be one of: {listed} (got {raw!r})")


def convert(invocation: Invocation, resolve: dict[int, Any]) -> dict[str, Any]:
    """Typed option values for the emulator, keyed by the names shown; `resolve` maps
    CHANNEL/ROLE/USER types to a function turning '#general' or '@role' into an id."""
    out: dict[str, Any] = {}
    for name, raw in invocation.options.items():
        definition = invocation.definition(name)
        if definition is None:
            raise ParseError(f"/{invocation.full_name} has no option {name}")
        out[name] = _value(name, raw, definition, resolve, invocation.locale)
    missing = [invocation.shown(o) for o in invocation.definitions if o.get("required")]
    missing = [n for n in missing if n not in out]
    if missing and not invocation.wants_suggestions:
        raise ParseError(f"/{invocation.full_name} needs: " + ", ".join(f"{n}: …" for n in missing))
    return out


def _value(
    name: str, raw: str, definition: dict[str, Any], resolve: dict[int, Any], locale: str
) -> Any:
    kind = definition["type"]
    if definition.get("choices"):
        return _choice(name, raw, definition["choices"], locale)
    if kind == STRING:
        return raw
    if kind in (INTEGER, NUMBER):
        try:
            return int(raw) if kind == INTEGER else float(raw)
        except ValueError:
            raise ParseError(f"{name} must be a number (got {raw!r})") from None
    if kind == BOOLEAN:
        if raw.lower() not in _TRUE | _FALSE:
            raise ParseError(f"{name} must be true or false (got {raw!r})")
        return raw.lower() in _TRUE
    if kind in resolve:
        return resolve[kind](raw)
    raise ParseError(f"the sandbox can't fill option {name} of type {kind}")
