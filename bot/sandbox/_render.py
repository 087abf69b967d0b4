"""Showing Discord messages as readable terminal text."""

from __future__ import annotations

import textwrap
from typing import Any

from bot.emulator import Message

WIDTH = 78


def _wrap(text: str, prefix: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, WIDTH - len(prefix)) or [""]
        lines += [prefix + line for line in wrapped]
    return lines


def render_embed(embed: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if embed.get("author", {}).get("name"):
        out += _wrap(embed["author"]["name"], "┃ ")
    if embed.get("title"):
        out += _wrap(embed["title"].upper(), "┃ ")
    if embed.get("description"):
        out += _wrap(embed["description"], "┃ ")
    for field in embed.get("fields", []):
        out.append("┃")
        out += _wrap(f"{field['name']}:", "┃ ")
        out += _wrap(field["value"], "┃   ")
    if embed.get("footer", {}).get("text"):
        out.append("┃")
        out += _wrap(embed["footer"]["text"], "┃ ⋯ ")
    return out


def buttons_of(message: Message) -> list[dict[str, Any]]:
    """The message's buttons and selects in reading order (numbered 1.. by the sandbox)."""
    return [c for row in message.components for c in row.get("components", [])]


def render_message(message: Message, *, edited: bool = False) -> str:
    who = message.author.username
    notes = []
    if message.ephemeral:
        notes.append("only you can see this")
    if edited:
        notes.append("edited")
    header = f"── {who} " + (f"({', '.join(notes)}) " if notes else "")
    lines = [header + "─" * max(3, WIDTH - len(header))]
    if message.content:
        lines += _wrap(message.content, "")
    for embed in message.embeds:
        lines += render_embed(embed)
    buttons = buttons_of(message)
    if buttons:
        labels = []
        for number, component in enumerate(buttons, 1):
            label = component.get("label") or component.get("emoji", {}).get("name") or "…"
            if component.get("type") != 2:
                label = component.get("placeholder") or "menu"
            state = " (off)" if component.get("disabled") else ""
            labels.append(f"[{number}] {label}{state}")
        lines += _wrap("  ".join(labels), "")
        if any(not c.get("disabled") for c in buttons):
            lines.append("(type a number to press a button)")
    return "\n".join(lines)
