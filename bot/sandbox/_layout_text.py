"""A Components V2 message as text: each Container behind a bar in its accent colour (as an
embed is drawn), its text displays as Markdown, a separator as a rule, a Section's link button
beside its text as "↗ label: address". Buttons in action rows are numbered with the message's
other buttons (_render.buttons_of), so they can be pressed by number."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from bot.sandbox._markdown import DIM, Block, Line, Span, wrap

IS_COMPONENTS_V2 = 1 << 15
ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, SEPARATOR, CONTAINER = 1, 2, 9, 10, 14, 17
LINK_STYLE = 5
INTERACTIVE = {2, 3, 5, 6, 7, 8}

Markdown = Callable[[str], list[Block]]


def is_v2(message: Any) -> bool:
    return bool(getattr(message, "flags", 0) & IS_COMPONENTS_V2)


def interactive_components(components: list[Any]) -> Iterator[dict[str, Any]]:
    """Buttons and menus of action rows, at any depth, in reading order (not link accessories:
    they open an address, shown beside their text)."""
    for comp in components:
        if not isinstance(comp, dict):
            continue
        if comp.get("type") == ACTION_ROW:
            yield from (c for c in comp.get("components", []) if c.get("type") in INTERACTIVE)
        elif comp.get("type") == CONTAINER:
            yield from interactive_components(comp.get("components", []))


def layout_text(components: list[Any]) -> str:
    """What a V2 message says, its buttons left out: an edit that changes this (a page turned)
    is shown whole, one that changes only the buttons (they expired) in one line."""
    texts: list[str] = []
    for comp in components:
        if not isinstance(comp, dict):
            continue
        if comp.get("type") == TEXT_DISPLAY:
            texts.append(str(comp.get("content", "")))
        elif comp.get("type") in (CONTAINER, SECTION):
            texts.append(layout_text(comp.get("components", [])))
            texts.append(str((comp.get("accessory") or {}).get("url", "")))
    return "\n".join(t for t in texts if t)


def layout_lines(components: list[Any], markdown: Markdown, width: int) -> list[Line]:
    """The message's V2 components as text lines (action rows left to the numbered buttons)."""
    out: list[Line] = []
    for comp in components:
        if not isinstance(comp, dict):
            continue
        if comp.get("type") == CONTAINER:
            color = comp.get("accent_color")
            style = frozenset({f"color:{color}"} if isinstance(color, int) else set())
            out += _blocks(comp.get("components", []), markdown, width - 2, [Span("┃ ", style)])
        else:
            out += _blocks([comp], markdown, width, [])
    return out


def _blocks(components: list[Any], markdown: Markdown, width: int, bar: list[Span]) -> list[Line]:
    out: list[Line] = []
    for comp in components:
        kind = comp.get("type") if isinstance(comp, dict) else None
        if kind == TEXT_DISPLAY:
            out += wrap(markdown(comp.get("content", "")), width, bar)
        elif kind == SEPARATOR:
            out.append([*bar, Span("─" * min(width, 40), frozenset({DIM}))])
        elif kind == SECTION:
            out += _blocks(comp.get("components", []), markdown, width, bar)
            accessory = comp.get("accessory") or {}
            if accessory.get("type") == BUTTON and accessory.get("style") == LINK_STYLE:
                link = f"↗ {accessory.get('label') or 'link'}: {accessory.get('url', '')}"
                out += wrap([Block([Span(link, frozenset({DIM}))], [], [])], width, bar)
    return out
