"""Reading a card the bot sent, whichever style it is in: a Components V2 message (text displays
in a Container) or a classic embed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from discord_emulator import Message

IS_COMPONENTS_V2 = 1 << 15
TEXT_DISPLAY = 10


def walk(components: list[Any]) -> Iterator[dict[str, Any]]:
    """Every component, nested ones included (rows, containers, sections' accessories)."""
    for comp in components:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from walk(comp.get("components") or [])
        if isinstance(comp.get("accessory"), dict):
            yield comp["accessory"]


def is_v2(message: Message) -> bool:
    return bool(message.flags & IS_COMPONENTS_V2)


def card_text(message: Message) -> str:
    """What the card says: its text displays (V2) or its embeds, as text."""
    if is_v2(message):
        return "\n".join(
            c["content"] for c in walk(message.components) if c["type"] == TEXT_DISPLAY
        )
    return str(message.embeds)


def custom_ids(message: Message) -> list[str]:
    """The custom ids of the message's buttons and menus, in order."""
    return [c["custom_id"] for c in walk(message.components) if "custom_id" in c]


def is_card(message: Message) -> bool:
    """A message carrying a card (V2 or an embed)."""
    return is_v2(message) or bool(message.embeds)
