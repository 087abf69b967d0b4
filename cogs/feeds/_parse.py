"""A fetched body turned into feed items: decoded, checked for XML attacks, parsed, plain text.

Hardening, in order:
1. The bytes are decoded here (BOM, then the HTTP charset, then the XML declaration, then
   UTF-8, else Windows-1252), with the labels ISO-8859-1 and US-ASCII read as Windows-1252 as
   browsers do: feeds labelled Latin-1 are very often Windows-1252 (curly quotes, dashes, €).
2. defusedxml parses the text first and refuses any entity declaration (`<!ENTITY>`: internal
   ones are how an entity-expansion bomb, "billion laughs", is built; external ones, SYSTEM or
   PUBLIC, are how a file read or request (XXE) is made) and any external reference. feedparser
   alone would rely on expat's own limits: expat 2.4+ caps entity amplification and feedparser
   turns off external entities, but its fallback "loose" parser is not an XML parser at all.
   A plain DOCTYPE without entities (RSS 0.91's) is harmless and allowed.
3. A body that is not well-formed XML is refused here too, with where it broke.
4. feedparser reads RSS and Atom (every dialect and date format); HTML in titles and summaries
   is reduced to its text, words kept exactly: that text is the verbatim excerpt.
"""

from __future__ import annotations

import codecs
import re
import time
from typing import TYPE_CHECKING

import msgspec

# feedparser, defusedxml, xml.etree and html.parser are imported where a feed is parsed (in the
# watcher's worker thread), not when the extension loads: about 40 ms at every start-up.
if TYPE_CHECKING:
    import feedparser

XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
XML_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Labels that mean Windows-1252 in practice (the WHATWG encoding standard maps them so).
WINDOWS_1252_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819"}
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class FeedParseError(Exception):
    """A body that is not a feed we will read; `reason` is short English for `feeds list`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RawItem(msgspec.Struct, frozen=True):
    guid: str | None
    link: str | None
    title: str
    summary: str
    outlet: str | None
    published: str | None  # 'YYYY-MM-DD'


class ParsedFeed(msgspec.Struct, frozen=True):
    title: str | None
    items: list[RawItem]


# ---------------------------------------------------------------- decoding


def _codec(label: str) -> str | None:
    """Python's codec name for an encoding label, Latin-1/ASCII read as Windows-1252."""
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared_labels(body: bytes, content_type: str | None) -> list[str]:
    """The encodings a body claims, most authoritative first: BOM, HTTP charset, declaration."""
    labels = [name for bom, name in BOMS if body.startswith(bom)][:1]
    if content_type and (charset := CHARSET.search(content_type)):
        labels.append(charset.group(1))
    if declared := XML_DECLARATION.match(body):
        labels.append(declared.group(1).decode("ascii"))
    return labels


def decode_body(body: bytes, content_type: str | None) -> str:
    """The body as text, per what it declares, else UTF-8, else Windows-1252."""
    labels = _declared_labels(body, content_type)
    unknown = [label for label in labels if _codec(label) is None]
    if labels and len(unknown) == len(labels):
        raise FeedParseError(f"unknown character encoding: {unknown[0][:40]}")
    for codec in [c for c in map(_codec, labels) if c] + ["utf-8", "cp1252"]:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        return text.removeprefix("\ufeff")
    raise FeedParseError("cannot decode the feed's text")  # cp1252 failed on an unmapped byte


# ---------------------------------------------------------------- hardening


def refuse_dangerous_xml(text: str) -> None:
    """FeedParseError unless `text` is well-formed XML with no entity declaration and no
    external reference (see the module's docstring)."""
    # Without the declaration: the text is already decoded, its declared encoding is history.
    from xml.etree.ElementTree import ParseError

    from defusedxml import (
        DefusedXmlException,
        DTDForbidden,
        EntitiesForbidden,
        ExternalReferenceForbidden,
    )
    from defusedxml.ElementTree import fromstring as defused_fromstring

    plain = XML_DECLARATION_TEXT.sub("", text, count=1)
    try:
        defused_fromstring(plain, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden:
        raise FeedParseError(
            "refused: the XML declares entities (entity expansion or XXE)"
        ) from None
    except ExternalReferenceForbidden:
        raise FeedParseError("refused: the XML references an external resource (XXE)") from None
    except (DTDForbidden, DefusedXmlException) as error:
        raise FeedParseError(f"refused: {type(error).__name__}") from None
    except ParseError as error:
        line, column = error.position  # expat counts columns from 0, editors from 1
        raise FeedParseError(f"malformed XML at line {line}, column {column + 1}") from None


# ---------------------------------------------------------------- feedparser


def _day(entry: feedparser.FeedParserDict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return time.strftime("%Y-%m-%d", parsed)


def _text(value: object) -> str:
    from ._html_text import html_to_text  # html.parser: loaded with feedparser, not at start

    return html_to_text(value) if isinstance(value, str) else ""


def _item(entry: feedparser.FeedParserDict, feed_title: str | None) -> RawItem:
    source = entry.get("source") or {}
    outlet = _text(source.get("title")) or feed_title
    return RawItem(
        guid=(entry.get("id") or "").strip() or None,
        link=(entry.get("link") or "").strip() or None,
        title=_text(entry.get("title")),
        summary=_text(entry.get("summary")),
        outlet=outlet or None,
        published=_day(entry),
    )


def parse_feed(body: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    """The feed's title and items, or FeedParseError saying why not."""
    text = decode_body(body, content_type)
    try:
        refuse_dangerous_xml(text)
    except FeedParseError:
        # The usual mistake: the site's address given instead of its feed's.
        if content_type and content_type.lower().startswith(("text/html", "application/xhtml")):
            raise FeedParseError("not a feed: the address serves a web page (text/html)") from None
        raise
    import feedparser

    clean = XML_DECLARATION_TEXT.sub("", text, count=1).encode("utf-8")
    parsed = feedparser.parse(
        clean,
        # Relative links resolve against the feed's own address.
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
    )
    if not parsed.get("version"):
        raise FeedParseError("not an RSS or Atom feed")
    feed_title = _text(parsed.feed.get("title")) or None
    return ParsedFeed(
        title=feed_title, items=[_item(entry, feed_title) for entry in parsed.entries]
    )
