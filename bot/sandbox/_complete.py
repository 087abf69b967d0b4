"""What Tab offers at the sandbox prompt: commands, subcommands, option names and values, and
the sandbox's own words (`where` and its places, `right-click` and the bot's menus).

Values come from where Discord gets them: the bot's own autocomplete, the option's choices,
true/false, or the server's channels, roles and members. Pure logic over the synced commands, so
it is tested without a terminal; bot.sandbox._terminal wraps it for prompt_toolkit.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from bot.i18n import DEFAULT, LOCALES
from bot.sandbox._parse import (
    BOOLEAN,
    CHANNEL,
    GROUP,
    ROLE,
    SUBCOMMAND,
    USER,
    Invocation,
    ParseError,
    parse,
)
from bot.sandbox._places import DESCRIPTIONS
from discord_emulator import EmulatorUsageError, shown_description, shown_name

Suggest = Callable[[Invocation], Awaitable[list[dict[str, Any]]]]
SANDBOX_COMMANDS = {"/help": "the commands, as the bot synced them"}
# The sandbox's own words (not Discord commands), completed once a letter is typed.
SANDBOX_WORDS = {
    "where": "change where you type: " + ", ".join(DESCRIPTIONS),
    "say": "post a message as you, to right-click",
    "right-click": "open a menu of the Apps list on the last message you said",
    "vote": "vote in the last poll here (vote alone takes yours back)",
    "locale": "switch your Discord client's language: " + ", ".join(LOCALES),
    "exit": "leave the sandbox",
}


class Candidate(msgspec.Struct, frozen=True):
    text: str  # what replaces the last `replace` characters before the cursor
    replace: int
    display: str
    meta: str = ""


def _top_level(commands: list[dict[str, Any]], locale: str) -> list[tuple[str, str]]:
    named = [
        (f"/{shown_name(c, locale)}", _description(c, locale))
        for c in commands
        if c.get("type", 1) == 1
    ]
    extra = [(n, d) for n, d in SANDBOX_COMMANDS.items() if n not in dict(named)]
    return sorted(named + extra)


def _description(node: dict[str, Any], locale: str) -> str:
    return shown_description(node, locale) if node.get("description") else ""


def _starts(name: str, typed: str) -> bool:
    return name.lower().startswith(typed.lower())


async def complete(
    before: str,
    commands: list[dict[str, Any]],
    suggest: Suggest,
    pools: dict[int, list[str]],
    locale: str = DEFAULT,
) -> list[Candidate]:
    """Candidates for the text before the cursor, by the names a Discord client in `locale`
    shows. `pools` names the channels, roles and members (by option type) a value may be."""
    text = before.lstrip()
    if not text or re.fullmatch(r"/\S*", text):
        return [
            Candidate(f"{name} ", len(text), name, description)
            for name, description in _top_level(commands, locale)
            if _starts(name, text or "/")
        ]
    if not text.startswith("/"):
        return _sandbox_words(text, commands, locale)
    head, _sep, rest = text[1:].partition(" ")
    node = next(
        (c for c in commands if shown_name(c, locale) == head.lower() and c.get("type", 1) == 1),
        None,
    )
    if node is None:
        return []
    while any(o.get("type") in (SUBCOMMAND, GROUP) for o in node.get("options", [])):
        name, space, tail = rest.lstrip().partition(" ")
        subs = [o for o in node["options"] if o.get("type") in (SUBCOMMAND, GROUP)]
        if not space:
            return [
                Candidate(f"{shown} ", len(name), shown, _description(o, locale))
                for o in subs
                if _starts(shown := shown_name(o, locale), name)
            ]
        child = next((o for o in subs if shown_name(o, locale) == name.lower()), None)
        if child is None:
            return []
        node, rest = child, tail
    definitions = list(node.get("options", []))
    context = _Context(before, commands, suggest, pools, locale)
    return await _options(context, rest, definitions)


class _Context(msgspec.Struct, frozen=True):
    """What completing one line needs besides the option being typed."""

    before: str
    commands: list[dict[str, Any]]
    suggest: Suggest
    pools: dict[int, list[str]]
    locale: str


def _sandbox_words(text: str, commands: list[dict[str, Any]], locale: str) -> list[Candidate]:
    """`where` and its places, `right-click` and the bot's menus, `locale` and the languages,
    and the other words."""
    word, space, rest = text.partition(" ")
    if not space:
        return [
            Candidate(f"{w} ", len(text), w, d)
            for w, d in SANDBOX_WORDS.items()
            if _starts(w, text)
        ]
    if word.lower() == "where":
        places = DESCRIPTIONS.items()
        return [Candidate(n, len(rest), n, d) for n, d in places if _starts(n, rest.strip())]
    if word.lower() == "right-click":
        menus = sorted(shown_name(c, locale) for c in commands if c.get("type") == 3)
        return [Candidate(m, len(rest), m) for m in menus if _starts(m, rest.strip())]
    if word.lower() == "locale":
        return [Candidate(code, len(rest), code) for code in LOCALES if _starts(code, rest.strip())]
    return []


async def _options(
    context: _Context, rest: str, definitions: list[dict[str, Any]]
) -> list[Candidate]:
    if not definitions:
        return []
    by_name = {shown_name(o, context.locale): o for o in definitions}
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, by_name)) + r"):", re.IGNORECASE)
    matches = list(pattern.finditer(rest))
    word = rest.rsplit(" ", 1)[-1]
    out: list[Candidate] = []
    if matches:
        last = matches[-1]
        focused = by_name[last.group(1).lower()]
        raw = rest[last.end() :]
        out += await _values(context, focused, raw)
        value_before_word = raw[: len(raw) - len(word)].strip()
        may_start_option = bool(value_before_word) and ":" not in word
    else:
        may_start_option = not rest[: len(rest) - len(word)].strip() and ":" not in word
    if may_start_option:
        used = {m.group(1).lower() for m in matches}
        out += [
            Candidate(
                f"{name}: ",
                len(word),
                f"{name}:",
                ("required · " if o.get("required") else "") + _description(o, context.locale),
            )
            for name, o in by_name.items()
            if name not in used and _starts(name, word)
        ]
    return out


async def _values(context: _Context, definition: dict[str, Any], raw: str) -> list[Candidate]:
    """Values for the option being typed; each replaces everything typed after its colon."""
    typed = raw.strip()
    if definition.get("autocomplete"):
        try:
            invocation = parse(context.before.rstrip() + "?", context.commands, context.locale)
            choices = await context.suggest(invocation)
        except (ParseError, EmulatorUsageError, TimeoutError):
            return []  # a value the bot can't complete yet (e.g. another option is invalid)
        names = [str(c["name"]) for c in choices]
    elif definition.get("choices"):
        names = [shown_name(c, context.locale) for c in definition["choices"]]
        names = [n for n in names if typed.lower() in n.lower()]
    elif definition.get("type") == BOOLEAN:
        names = [n for n in ("True", "False") if _starts(n, typed)]
    elif definition.get("type") in (CHANNEL, ROLE, USER):
        pool = context.pools.get(definition["type"], [])
        names = [n for n in pool if _starts(n.lstrip("#@"), typed.lstrip("#@"))]
    else:
        return []
    return [Candidate(f" {name}", len(raw), name) for name in names]
