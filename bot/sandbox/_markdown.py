"""Discord Markdown shown as a terminal would: styles instead of `**`, `\\_` unescaped.

A message is parsed into lines of styled spans; `wrap` folds them to the screen width and
`to_text` writes them with ANSI styles (a terminal) or as plain text (piped output, which tests and
scripts read). Only what Discord itself renders is interpreted; anything else stays literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import msgspec

BOLD, ITALIC, UNDERLINE, STRIKE, CODE, LINK, DIM, QUOTE = (
    "bold",
    "italic",
    "underline",
    "strike",
    "code",
    "link",
    "dim",
    "quote",
)
_SGR = {
    BOLD: "1",
    DIM: "2",
    ITALIC: "3",
    UNDERLINE: "4",
    STRIKE: "9",
    CODE: "36",
    LINK: "4;34",
    QUOTE: "2",
}
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Inline markers, longest first: `***x***` opens bold then italic, as Discord reads it.
_MARKERS = (("**", BOLD), ("__", UNDERLINE), ("~~", STRIKE), ("||", None), ("*", ITALIC))
_URL = re.compile(r"<(https?://[^\s>]+)>")
_LINK = re.compile(r"\[([^\[\]]+)\]\(<?(https?://[^\s()<>]+)>?\)")
_HEADING = re.compile(r"^(#{1,3}) (.*)$")
_LIST = re.compile(r"^(\s*)[-*•] (.*)$")


class Span(msgspec.Struct, frozen=True):
    text: str
    styles: frozenset[str] = frozenset()


Line = list[Span]


def _closing(text: str, start: int, marker: str) -> int:
    """Where `marker` closes an emphasis opened just before `start`, or -1."""
    j = start
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "`":  # a code span inside the emphasis is skipped whole
            end = text.find("`", j + 1)
            j = end + 1 if end > 0 else j + 1
            continue
        if text.startswith(marker, j) and j > start:
            # '***x***' closing '**': the run's last characters close it, the first close '*'.
            while text.startswith(marker, j + 1) and text[j + len(marker)] == marker[0]:
                j += 1
            if marker == "*" and text[j - 1].isspace():
                j += 1
                continue
            return j
        j += 1
    return -1


def inline(text: str, styles: frozenset[str] = frozenset()) -> Line:
    """One line's emphasis, code, links and escapes as spans."""
    out: Line = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(Span("".join(buffer), styles))
            buffer.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCTUATION:
            buffer.append(text[i + 1])
            i += 2
            continue
        if char == "`":
            ticks = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * ticks, i + ticks)
            if end > i + ticks - 1:
                flush()
                out.append(Span(text[i + ticks : end], styles | {CODE}))
                i = end + ticks
                continue
        if char == "[" and (link := _LINK.match(text, i)):
            flush()
            out += inline(link.group(1), styles | {LINK})
            out.append(Span(f" <{link.group(2)}>", styles))
            i = link.end()
            continue
        if char == "<" and (url := _URL.match(text, i)):
            buffer.append(url.group(1))
            i = url.end()
            continue
        opened = _open_emphasis(text, i, styles)
        if opened is not None:
            spans, i = opened
            flush()
            out += spans
            continue
        if char == "_" and (underscore := _underscore_italic(text, i)) > 0:
            flush()
            out += inline(text[i + 1 : underscore], styles | {ITALIC})
            i = underscore + 1
            continue
        buffer.append(char)
        i += 1
    flush()
    return out


def _open_emphasis(text: str, i: int, styles: frozenset[str]) -> tuple[Line, int] | None:
    for marker, style in _MARKERS:
        if not text.startswith(marker, i):
            continue
        start = i + len(marker)
        if start >= len(text) or (marker == "*" and text[start].isspace()):
            return None
        end = _closing(text, start, marker)
        if end < 0:
            continue
        inner = styles | {style} if style else styles
        return inline(text[start:end], inner), end + len(marker)
    return None


def _underscore_italic(text: str, i: int) -> int:
    """`_x_` is italic only between word boundaries, so snake_case stays as typed."""
    if i > 0 and text[i - 1].isalnum():
        return -1
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "_" and j > i + 1 and not (j + 1 < len(text) and text[j + 1].isalnum()):
            return j
        j += 1
    return -1


class Block(msgspec.Struct, frozen=True):
    """One source line: its spans, and what goes before it on its first and later lines."""

    spans: Line
    first: Line
    rest: Line
    wrap: bool = True


def parse(markdown: str, transform: Callable[[str], str] = str) -> list[Block]:
    """Line structure (code blocks, quotes, headings, lists), each line's inline spans;
    `transform` rewrites each span's text (mentions and timestamps as Discord shows them)."""
    return [
        Block([Span(transform(s.text), s.styles) for s in b.spans], b.first, b.rest, b.wrap)
        for b in _structure(markdown)
    ]


def _structure(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    lines = markdown.split("\n")
    quote_rest = False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.lstrip().startswith("```"):
            body = line.lstrip()[3:]
            if "```" in body:  # ```one line```
                blocks.append(Block([Span(body.split("```")[0], frozenset({CODE}))], [], []))
                continue
            while index < len(lines) and not lines[index].lstrip().startswith("```"):
                code = lines[index]
                blocks.append(Block([Span(code, frozenset({CODE}))], [Span("  ")], [], False))
                index += 1
            index += 1
            continue
        bar: Line = []
        if quote_rest or line.startswith(">>> "):
            if line.startswith(">>> "):
                line, quote_rest = line[4:], True
            bar = [Span("▎ ", frozenset({QUOTE}))]
        elif line.startswith("> ") or line == ">":
            line, bar = line[2:], [Span("▎ ", frozenset({QUOTE}))]
        styles: frozenset[str] = frozenset()
        first, rest = list(bar), list(bar)
        if heading := _HEADING.match(line):
            line, styles = heading.group(2), frozenset({BOLD})
        elif line.startswith("-# "):
            line, styles = line[3:], frozenset({DIM})
        elif item := _LIST.match(line):
            indent = item.group(1)
            line = item.group(2)
            first = [*bar, Span(f"{indent}• ")]
            rest = [*bar, Span(f"{indent}  ")]
        blocks.append(Block(inline(line, styles), first, rest))
    return blocks


def _words(spans: Iterable[Span]) -> list[list[Span]]:
    """Spans cut at spaces: each word a list of spans, each run of spaces its own word."""
    words: list[list[Span]] = []
    for span in spans:
        # A code span is never folded inside: its spaces are part of it (aligned numbers).
        pieces = [span.text] if CODE in span.styles else re.split(r"( +)", span.text)
        for piece in pieces:
            if not piece:
                continue
            is_space = piece.startswith(" ") and not piece.strip() and CODE not in span.styles
            if words and not is_space and not _is_space(words[-1]):
                words[-1].append(Span(piece, span.styles))
            else:
                words.append([Span(piece, span.styles)])
    return words


def _is_space(word: list[Span]) -> bool:
    return len(word) == 1 and CODE not in word[0].styles and not word[0].text.strip()


def _width(spans: Iterable[Span]) -> int:
    return sum(len(s.text) for s in spans)


def wrap(
    blocks: list[Block],
    width: int,
    prefix: Sequence[Span] = (),
    rest_prefix: Sequence[Span] | None = None,
) -> list[Line]:
    """Fold blocks to `width` columns; a word longer than a line (a link) is kept whole."""
    rest_prefix = prefix if rest_prefix is None else rest_prefix
    out: list[Line] = []
    for block in blocks:
        lead = [*prefix, *block.first]
        follow = [*rest_prefix, *block.rest]
        line: Line = list(lead)
        has_word = folded = False
        for word in _words(block.spans):
            is_space = _is_space(word)
            if is_space and folded and not has_word:
                continue  # no leading spaces on a folded line
            if block.wrap and has_word and not is_space and _width(line) + _width(word) > width:
                while line and _is_space([line[-1]]):
                    line.pop()
                out.append(line)
                line, has_word, folded = list(follow), False, True
            line += word
            has_word = has_word or not is_space
        while has_word and _is_space([line[-1]]):
            line.pop()
        out.append(line)
    return out


def _sgr(style: str) -> str:
    """The ANSI code of a style; 'color:N' is an embed's colour as a 24-bit foreground."""
    if style.startswith("color:"):
        rgb = int(style[6:])
        return f"38;2;{rgb >> 16 & 255};{rgb >> 8 & 255};{rgb & 255}"
    return _SGR.get(style, "")


def to_text(line: Line, *, styled: bool) -> str:
    """A line as text: ANSI styles on a terminal, plain text otherwise."""
    parts = []
    merged: list[Span] = []
    for span in line:  # one escape sequence per run of the same style
        if merged and merged[-1].styles == span.styles:
            merged[-1] = Span(merged[-1].text + span.text, span.styles)
        else:
            merged.append(span)
    for span in merged:
        text = span.text
        codes = ";".join(_sgr(s) for s in sorted(span.styles) if _sgr(s))
        parts.append(f"\x1b[{codes}m{text}\x1b[0m" if styled and codes and text else text)
    return "".join(parts)
