"""Which feed items are sequel news, what stage they hint at, and how an item is identified.

Pure functions: no Discord, no store, no network. Texts here (skip reasons, flags) are English
and stored as they are: owners read them in `feeds items`; the Discord side translates flags.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.store import NewFeedItem

if TYPE_CHECKING:
    from ._parse import RawItem

FILM_TITLE = "We Can Be Heroes"
# Words that make an item about the film news of a sequel. The film's title alone is not
# enough: "we can be heroes" is a David Bowie lyric quoted in many unrelated headlines.
SEQUEL_WORDS: tuple[str, ...] = (
    "sequel",
    "sequels",
    "Heroes 2",
    "part 2",
    "part two",
    "follow-up",
    "greenlit",
    "green light",
    "renewed",
    "returns",
    "return",
    "release date",
    "filming",
    "production",
    "trailer",
)
# What an empty keyword list means: the film's title AND at least one sequel word.
DEFAULT_KEYWORDS: tuple[str, ...] = (FILM_TITLE, *SEQUEL_WORDS)

# Stage hints, latest stage first: the first stage with a phrase in the text is suggested
# (so "wrapped filming" suggests post-production before "filming" could suggest filming).
STAGE_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("released", ("now streaming", "out now", "is now on Netflix", "premieres today")),
    (
        "release-date-set",
        ("release date set", "sets release date", "release date revealed", "premiere date"),
    ),
    ("post-production", ("post-production", "wrapped filming", "wraps filming", "filming wrapped")),
    (
        "filming",
        (
            "begins filming",
            "began filming",
            "starts filming",
            "started filming",
            "now filming",
            "principal photography",
            "cameras rolling",
            "on set",
        ),
    ),
    ("pre-production", ("pre-production", "casting call", "casting begins", "cast announced")),
    ("in-development", ("in development", "in the works", "writing the script", "script")),
    ("announced", ("announced", "announces", "confirmed", "confirms", "greenlit", "green light")),
)

# Hosts whose links stand for another site's story: a feed or link through them is not
# flagged for pointing elsewhere.
KNOWN_REDIRECTORS = frozenset(
    {
        "news.google.com",
        "feedproxy.google.com",
        "feeds.feedburner.com",
        "feeds.feedblitz.com",
        "www.bing.com",
        "bing.com",
    }
)
# Second-level suffixes under which the registrable name has three labels (bbc.co.uk).
TWO_LABEL_SUFFIXES = frozenset(
    {"co.uk", "org.uk", "ac.uk", "com.au", "net.au", "com.br", "co.jp", "co.nz", "co.in", "com.mx"}
)
# Query parameters that only track a click: dropped so one story has one link.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid"})
# An item published this long before it was fetched is flagged as old: a new feed's first
# poll brings its whole back catalogue.
OLD_ITEM_DAYS = 30


class FeedLike(Protocol):
    """What new_item needs of a feed (bot.store.Feed has it)."""

    url: str
    title: str | None
    keywords: tuple[str, ...]


# ---------------------------------------------------------------- keywords


@functools.lru_cache(maxsize=1024)  # the same keywords, for every item of every poll
def _pattern(phrase: str) -> re.Pattern[str]:
    """The phrase as whole words, any run of spaces between them, case-insensitive."""
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _fold(text: str) -> str:
    # NFKC: full-width letters and ligatures match their plain form; curly apostrophes and
    # non-breaking hyphens as ASCII, as keywords are typed.
    folded = unicodedata.normalize("NFKC", text)
    return folded.replace("\u2019", "'").replace("\u2011", "-").replace("\u2010", "-")


def matching(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases found in `text` on word boundaries, in the order given."""
    folded = _fold(text)
    return [phrase for phrase in phrases if _pattern(_fold(phrase)).search(folded)]


def is_candidate(title: str, summary: str, keywords: tuple[str, ...]) -> tuple[bool, str | None]:
    """(True, None) when the item is sequel news for these keywords, else (False, why).
    Custom keywords: any one of them. No keywords: the film's title and a sequel word."""
    text = f"{title}\n{summary}"
    if keywords:
        if matching(text, keywords):
            return True, None
        return False, "no keyword matched ({})".format(", ".join(keywords))
    if not matching(text, (FILM_TITLE,)):
        return False, f"does not name the film “{FILM_TITLE}”"
    if not matching(text, SEQUEL_WORDS):
        return False, "names the film but no sequel word (sequel, release date, filming, ...)"
    return True, None


def suggest_stage(text: str) -> str | None:
    """A SEQUEL_STAGES key the text hints at, or None. Only ever a suggestion for review."""
    for stage, phrases in STAGE_HINTS:
        if matching(text, phrases):
            return stage
    return None


# ---------------------------------------------------------------- links and identity


def canonical_link(url: str | None) -> str | None:
    """One spelling per address: lowercase scheme and host, no default port, no fragment, no
    utm_*/click-tracking parameters, no trailing slash. Not http(s): kept as served (stripped)."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(title: str, link: str | None) -> str:
    """The sha256 of the folded headline and canonical link: the same story, however it is
    spaced, capitalized or tagged, hashes the same."""
    folded_title = " ".join(_fold(title).casefold().split())
    key = f"{folded_title}\n{canonical_link(link) or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _site(host: str) -> str:
    """The registrable part of a host, near enough: the last two labels (three under a
    second-level suffix such as co.uk)."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if ".".join(labels[-2:]) in TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def link_flags(link: str | None, feed_url: str) -> tuple[str, ...]:
    """Warnings for review: 'link-not-http' (javascript:, ftp:, ...), 'link-host-differs'
    (the link leaves the feed's site, unless through a known redirector or aggregator)."""
    if not link:
        return ()
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ("link-not-http",)
    link_host = parts.hostname.lower()
    feed_host = (urlsplit(feed_url).hostname or "").lower()
    if link_host in KNOWN_REDIRECTORS or feed_host in KNOWN_REDIRECTORS:
        return ()
    if _site(link_host) != _site(feed_host):
        return ("link-host-differs",)
    return ()


def _is_old(published: str | None, fetched_at: datetime) -> bool:
    if published is None:
        return False
    try:
        day = date.fromisoformat(published)
    except ValueError:
        return False
    return day < fetched_at.date() - timedelta(days=OLD_ITEM_DAYS)


# The longest GUID or link stored as is, in UTF-8 bytes: both are unique-indexed, and PostgreSQL
# refuses a btree index entry over about 2,700 bytes, which would fail the feed's whole batch on
# every poll. A longer GUID is stored as its hash (still the same story when served again); a
# longer link cannot be cited anyway (a source link is at most 512 characters), so the item is
# skipped with that reason.
MAX_KEY_BYTES = 1000
LONG_LINK = "link over 1000 bytes: too long to cite"


def _too_long(value: str | None) -> bool:
    return value is not None and len(value.encode("utf-8")) > MAX_KEY_BYTES


def stored_guid(guid: str | None) -> str | None:
    """The GUID as stored: a huge one as its sha256 (see MAX_KEY_BYTES)."""
    if guid is None or not _too_long(guid):
        return guid
    return "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()


def _skip_reason(raw: RawItem, link: str | None, keywords: tuple[str, ...]) -> str | None:
    if not raw.title.strip():
        return "no headline"
    if _too_long(link):
        return LONG_LINK
    if link is None:
        return "no link: nothing to cite"
    return is_candidate(raw.title, raw.summary, keywords)[1]


def scoped_guid(guid: str | None, feed_url: str) -> str | None:
    """A GUID that identifies a story across feeds: a URL or URN (it has a ':') as served; a
    bare one ("1", "post-42"), unique only within its feed, prefixed with the feed's address, so
    two unrelated feeds numbering their items alike are never taken for the same story."""
    if guid is None or ":" in guid:
        return guid
    return f"{feed_url}#{guid}"


def new_item(raw: RawItem, feed: FeedLike, fetched_at: datetime) -> NewFeedItem:
    """A parsed item, decided: a candidate for review, or skipped with its reason."""
    link = canonical_link(raw.link)
    reason = _skip_reason(raw, link, feed.keywords)
    flags = link_flags(link, feed.url)
    if _is_old(raw.published, fetched_at):
        flags = (*flags, "old-item")
    return NewFeedItem(
        guid=stored_guid(scoped_guid(raw.guid, feed.url)),
        link=None if _too_long(link) else link,
        title=raw.title,
        summary=raw.summary,
        outlet=raw.outlet or feed.title or (urlsplit(link).hostname if link else None),
        published=raw.published,
        content_hash=content_hash(raw.title, link),
        status="skipped" if reason else "candidate",
        skip_reason=reason,
        suggested_stage=None if reason else suggest_stage(f"{raw.title}\n{raw.summary}"),
        flags=flags,
    )


# Invisible format characters (soft hyphen, zero-width space, direction marks, BOM) are not
# words: the publish check refuses them in a post ("retype it"), so a feed's text is published
# without them, and an owner's passage is compared without them. The zero-width joiner and the
# emoji variation selector stay: they are part of emoji.
_KEPT_FORMAT = frozenset({"\u200d", "\ufe0f"})


def visible(text: str) -> str:
    """`text` without invisible format characters (see _KEPT_FORMAT)."""
    return "".join(c for c in text if c in _KEPT_FORMAT or unicodedata.category(c) != "Cf")


def one_line(text: str) -> str:
    """`text`'s visible words with single spaces: what review and auto-publish publish."""
    return " ".join(visible(text).split())
