"""Showing Discord messages as readable terminal text."""

from __future__ import annotations

import re
import textwrap
import time
from typing import Any

from bot.emulator import Message

WIDTH = 78


def _wrap(text: str, prefix: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, WIDTH - len(prefix)) or [""]
        lines += [prefix + line for line in wrapped]
    return lines


_MENTION = re.compile(r"<(?:#|@&|@!?)\d+>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


def _relative(seconds: float) -> str:
    ahead = seconds >= 0
    seconds = abs(seconds)
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size or size == 1:
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if ahead else f"{text} ago"
    return "now"


def readable(text: str, names: dict[str, str], now: float | None = None) -> str:
    """Mentions and timestamps as Discord would show them."""
    now = time.time() if now is None else now

    def timestamp(match: re.Match[str]) -> str:
        when = int(match.group(1))
        if match.group(2) == "R":
            return _relative(when - now)
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(when))

    text = _MENTION.sub(lambda m: names.get(m.group(), m.group()), text)
    return _TIMESTAMP.sub(timestamp, text)


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


def render_message(
    message: Message,
    *,
    edited: bool = False,
    names: dict[str, str] | None = None,
    channel: str | None = None,
) -> str:
    """A message as text; `channel` names the channel when it is not the one typed in."""
    text = "\n".join(_render(message, edited=edited, channel=channel))
    return readable(text, names or {})


def _render(message: Message, *, edited: bool, channel: str | None) -> list[str]:
    who = message.author.username
    notes = []
    if message.ephemeral:
        notes.append("only you can see this")
    if edited:
        notes.append("edited")
    where = f"in #{channel} " if channel else ""
    header = f"── {who} {where}" + (f"({', '.join(notes)}) " if notes else "")
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
    return lines
