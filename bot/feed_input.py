"""The rules for a feed an owner adds, shared by `/feeds add` (cogs/feeds) and `heroes-bot feeds
add` (bot/cli_feeds.py): one check, so a feed refused on one side is refused on the other. Each
side words the problem itself (the terminal in English, Discord in the owner's language). Here,
not in cogs/feeds: importing that package loads the cog and the watcher, which every
`heroes-bot` command would then pay for."""

from __future__ import annotations

from enum import Enum
from urllib.parse import urlsplit

from bot.ui.links import display_url

MAX_URL_CHARS = 2000
MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 60
# At least 5 minutes: news feeds rarely change faster, and their servers throttle eager pollers.
MIN_INTERVAL_MIN = 5
MAX_INTERVAL_MIN = 24 * 60
DEFAULT_INTERVAL_MIN = 15


class UrlProblem(Enum):
    EMPTY = "empty"
    TOO_LONG = "too long"
    SPACES = "spaces or control characters"
    INVALID = "not a valid URL"
    NOT_HTTP = "not http(s)"
    NO_HOST = "no host"
    CREDENTIALS = "a user name or password"
    BAD_HOST = "not a valid host name"


class FeedUrlRefused(ValueError):
    def __init__(self, problem: UrlProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def feed_url(text: str) -> str:
    """An http(s) feed address with a host, no credentials (feed addresses are shown to owners
    and in `feeds list`), written as it is stored: the host in punycode (display_url), so the
    same feed added either way is one feed. FeedUrlRefused says why not."""
    url = text.strip()
    if not url:
        raise FeedUrlRefused(UrlProblem.EMPTY)
    if len(url) > MAX_URL_CHARS:
        raise FeedUrlRefused(UrlProblem.TOO_LONG)
    if any(c.isspace() or not c.isprintable() for c in url):
        raise FeedUrlRefused(UrlProblem.SPACES)
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        raise FeedUrlRefused(UrlProblem.INVALID) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FeedUrlRefused(UrlProblem.NOT_HTTP)
    if not (parts.hostname or "").strip(".") or port == 0:
        raise FeedUrlRefused(UrlProblem.NO_HOST)
    if parts.username is not None or parts.password is not None:
        raise FeedUrlRefused(UrlProblem.CREDENTIALS)
    stored = display_url(url)
    if stored is None:
        raise FeedUrlRefused(UrlProblem.BAD_HOST)
    return stored


def feed_keywords(text: str | None) -> tuple[str, ...]:
    """'sequel, Heroes  2, SEQUEL' -> ('sequel', 'Heroes 2'): spaces collapsed, repeats (in any
    case) dropped; () for none given (the default keywords)."""
    keywords: dict[str, str] = {}
    for part in (text or "").split(","):
        word = " ".join(part.split())
        if word:
            keywords.setdefault(word.casefold(), word)
    return tuple(keywords.values())


def keywords_fit(keywords: tuple[str, ...]) -> bool:
    """Within the limits: at most MAX_KEYWORDS, each printable and at most MAX_KEYWORD_CHARS."""
    return len(keywords) <= MAX_KEYWORDS and all(
        len(word) <= MAX_KEYWORD_CHARS and word.isprintable() for word in keywords
    )
