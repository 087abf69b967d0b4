"""Commands and menus named in the sandbox's own hints as the member's client shows them.

The hints are written with the English names ('/poll cast', '/cast name: pedro',
'Check against the source'); a client in another locale shows the synced payload's
`name_localizations`, so a hint names what the member can actually type there.
"""

from __future__ import annotations

from typing import Any

from discord_emulator import shown_name

SUBCOMMAND_TYPES = (1, 2)  # a subcommand, a subcommand group
MESSAGE_MENU = 3  # a message command: a right-click menu


def _by_english_name(nodes: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((node for node in nodes if node.get("name") == name), None)


def _shown_word(node: dict[str, Any] | None, word: str, locale: str) -> tuple[dict | None, str]:
    """One word of an English example, as shown, and the node the next word belongs to.
    'name:' is an option of `node`, a bare word one of its subcommands; anything else (a
    value, '...') stays as written."""
    options = (node or {}).get("options", [])
    if word.endswith(":"):
        option = _by_english_name(options, word[:-1])
        return node, (f"{shown_name(option, locale)}:" if option else word)
    subcommands = [o for o in options if o.get("type") in SUBCOMMAND_TYPES]
    sub = _by_english_name(subcommands, word)
    return (sub, shown_name(sub, locale)) if sub else (node, word)


def shown_example(commands: list[dict[str, Any]], example: str, locale: str) -> str:
    """'/cast name: pedro' -> '/elenco nombre: pedro' where the client shows those names;
    a command the bot did not sync stays as written."""
    head, *words = example.removeprefix("/").split(" ")
    slash = [c for c in commands if c.get("type", 1) == 1]
    node = _by_english_name(slash, head)
    shown = [f"/{shown_name(node, locale) if node else head}"]
    is_value = False  # the word after 'name:' is what is typed in it, never a name
    for word in words:
        text = word
        if not is_value:
            node, text = _shown_word(node, word, locale)
        is_value = word.endswith(":")
        shown.append(text)
    return " ".join(shown)


def shown_menu(commands: list[dict[str, Any]], menu: str, locale: str) -> str:
    """A right-click menu by its English name, as the client shows it."""
    menus = [c for c in commands if c.get("type") == MESSAGE_MENU]
    node = _by_english_name(menus, menu)
    return shown_name(node, locale) if node else menu
