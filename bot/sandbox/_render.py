"""Showing Discord messages as readable terminal text."""

from __future__ import annotations

import re
import time
from typing import Any

from bot.i18n import DEFAULT
from bot.sandbox._layout_text import interactive_components, is_v2, layout_lines
from bot.sandbox._markdown import BOLD, DIM, Block, Line, Span, parse, to_text, wrap
from bot.sandbox._poll_text import POLL_RESULT, poll_lines, poll_result_lines
from bot.sandbox._timestamps import absolute, relative
from discord_emulator import Message

WIDTH = 78


_MENTION = re.compile(r"<(?:#|@&|@!?)\d+>")
_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


def readable(
    text: str, names: dict[str, str], now: float | None = None, locale: str = DEFAULT
) -> str:
    """Mentions and timestamps as Discord would show them (timestamps in the client's
    `locale`)."""
    now = time.time() if now is None else now

    def timestamp(match: re.Match[str]) -> str:
        when = int(match.group(1))
        if match.group(2) == "R":
            return relative(when - now, locale)
        return absolute(when, match.group(2), locale)

    text = _MENTION.sub(lambda m: names.get(m.group(), m.group()), text)
    return _TIMESTAMP.sub(timestamp, text)


def buttons_of(message: Message) -> list[dict[str, Any]]:
    """The message's buttons and selects in reading order (numbered 1.. by the sandbox)."""
    if is_v2(message):  # rows inside containers
        return list(interactive_components(message.components))
    return [c for row in message.components for c in row.get("components", [])]


def render_message(
    message: Message,
    *,
    edited: bool = False,
    names: dict[str, str] | None = None,
    channel: str | None = None,
    styled: bool = False,
    width: int = WIDTH,
    locale: str = DEFAULT,
) -> str:
    """A message as text; `channel` names the channel when it is not the one typed in.

    `styled` writes Markdown as ANSI styles (a terminal); otherwise as plain text; `locale` is
    the client's language (its timestamps).
    """
    lines = _Writer(names or {}, width, locale).message(message, edited=edited, channel=channel)
    return "\n".join(to_text(line, styled=styled) for line in lines)


def _plain(text: str) -> list[Block]:
    """Text Discord shows as typed (embed author and footer): no Markdown."""
    return [Block([Span(line)], [], []) for line in text.split("\n")]


def _restyle(blocks: list[Block], *styles: str) -> list[Block]:
    extra = frozenset(styles)
    return [
        Block([Span(s.text, s.styles | extra) for s in b.spans], b.first, b.rest, b.wrap)
        for b in blocks
    ]


class _Writer:
    def __init__(self, names: dict[str, str], width: int, locale: str = DEFAULT) -> None:
        self.names = names
        self.locale = locale
        self.width = max(30, width)
        self.now = time.time()

    def _readable(self, text: str) -> str:
        # The zero-width space the bot puts in 'https:\u200b//' only stops Discord's auto-link.
        return readable(text, self.names, self.now, self.locale).replace("\u200b", "")

    def markdown(self, text: str, upper: bool = False) -> list[Block]:
        if upper:
            return parse(text, lambda t: self._readable(t).upper())
        return parse(text, self._readable)

    def message(self, message: Message, *, edited: bool, channel: str | None) -> list[Line]:
        who = message.author.username
        notes = []
        if message.ephemeral:
            notes.append("only you can see this")
        if edited:
            notes.append("edited")
        where = f"in #{channel} " if channel else ""
        header = f"── {who} {where}" + (f"({', '.join(notes)}) " if notes else "")
        lines: list[Line] = [
            [
                Span("── ", frozenset({DIM})),
                Span(who, frozenset({BOLD})),
                Span(
                    header[len(who) + 3 :] + "─" * max(3, self.width - len(header)),
                    frozenset({DIM}),
                ),
            ]
        ]
        if message.content:
            lines += wrap(self.markdown(message.content), self.width)
        for attached in message.attachments:
            lines.append([Span(f"📎 {attached.get('filename', 'a file')}", frozenset({DIM}))])
        if is_v2(message):  # Components V2: containers of text displays, no content or embeds
            lines += layout_lines(message.components, self.markdown, self.width)
        for embed in message.embeds:
            is_notice = embed.get("type") == POLL_RESULT
            lines += poll_result_lines(embed, self.width) if is_notice else self.embed(embed)
        lines += poll_lines(message, self.width, self.now)
        return lines + self.buttons(message)

    def embed(self, embed: dict[str, Any]) -> list[Line]:
        color = embed.get("color")
        bar_style = frozenset({f"color:{color}"} if isinstance(color, int) else set())
        bar = [Span("┃ ", bar_style)]
        inner = self.width - 2
        out: list[Line] = []
        if embed.get("author", {}).get("name"):
            out += wrap(_plain(self._readable(embed["author"]["name"])), inner, bar)
        if embed.get("title"):
            out += wrap(_restyle(self.markdown(embed["title"], upper=True), BOLD), inner, bar)
        if embed.get("description"):
            out += wrap(self.markdown(embed["description"]), inner, bar)
        for field in embed.get("fields", []):
            out.append([Span("┃", bar_style)])
            out += wrap(_restyle(self.markdown(f"{field['name']}:"), BOLD), inner, bar)
            out += wrap(self.markdown(field["value"]), inner, [*bar, Span("  ")])
        if embed.get("footer", {}).get("text"):
            out.append([Span("┃", bar_style)])
            footer = _restyle(_plain(self._readable(embed["footer"]["text"])), DIM)
            out += wrap(footer, inner, [*bar, Span("⋯ ", frozenset({DIM}))], [*bar, Span("  ")])
        return out

    def buttons(self, message: Message) -> list[Line]:
        buttons = buttons_of(message)
        if not buttons:
            return []
        lines: list[Line] = [[]]
        for number, component in enumerate(buttons, 1):
            label = component.get("label") or component.get("emoji", {}).get("name") or "…"
            if component.get("type") != 2:
                label = component.get("placeholder") or "menu"
            off = bool(component.get("disabled"))
            style = frozenset({DIM}) if off else frozenset({BOLD})
            button = Span(f"[{number}] {label}{' (off)' if off else ''}", style)
            # A button is never split over two lines.
            if (
                lines[-1]
                and sum(len(s.text) for s in lines[-1]) + 2 + len(button.text) > self.width
            ):
                lines.append([])
            lines[-1] += [Span("  "), button] if lines[-1] else [button]
        if any(not c.get("disabled") for c in buttons):
            lines.append([Span("(type a number to press a button)", frozenset({DIM}))])
        return lines
