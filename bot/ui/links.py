"""Stored links as members see them: the outlet in plain text beside the real address.

A masked link (`[text](url)`) lets whoever wrote `text` choose what a member believes they are
clicking, so the bot never builds one from stored data: the outlet is shown as escaped plain text
and the address itself, with its host in punycode, is what Discord turns into a link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from bot.i18n import _

# Every character that can start Markdown structure: emphasis, code, quotes, headings, lists, links
# and pills. discord.py's escape_markdown leaves a lone `](` or `<…>` alone, so the bot escapes
# them itself; Discord renders any backslash-escaped punctuation as the character alone.
_MARKDOWN = re.compile(r"([\\*_~|`>#\-\[\]()<])")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://")


def ascii_host(host: str) -> str | None:
    """The host as Discord's client will resolve it, in punycode; None if it can't be encoded."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def display_url(url: str) -> str | None:
    """`url` with its host in punycode, ready to be shown; None when it is not a safe web link."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    ascii_name = ascii_host(host)
    if ascii_name is None:
        return None
    netloc = ascii_name if port is None else f"{ascii_name}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def plain(text: str) -> str:
    """Stored text shown inline as plain text: no Markdown, no link syntax, no scheme to link."""
    escaped = _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
    # Discord auto-links `scheme://` in plain text; a zero-width space after the colon keeps an
    # outlet from becoming a second, unexplained link.
    return _SCHEME.sub(lambda m: m.group(1) + ":\u200b//", escaped)


def literal(text: str) -> str:
    """Stored text shown as written, lines kept: every Markdown character escaped, so a source's
    words can hold no masked link, heading, quote or bold line (a fake "Published by"), and
    `<@id>` shows as typed, not as a mention."""
    return _MARKDOWN.sub(r"\\\1", text)


def source_text(outlet: str | None, url: str | None) -> str:
    """'Outlet — <https://host/…>', 'Outlet', '<https://host/…>' or 'source not in the records'."""
    shown_url = display_url(url) if url else None
    parts = []
    if outlet and outlet.strip():
        parts.append(plain(outlet))
    if shown_url:
        parts.append(f"<{shown_url}>")  # angle brackets: a link, without a preview card
    if not parts:
        # Translators: in place of a source's outlet and address, when neither is recorded.
        return _("source not recorded")
    return " — ".join(parts)
