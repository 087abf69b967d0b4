"""Validation of a sequel update, shared by the /sequel-admin post modal and the news CLI.

Every problem is reported at once, each in a sentence that says how to fix it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from bot.store import SEQUEL_STAGES, STAGE_KEYS, NewUpdate
from bot.text import fold
from bot.ui.links import display_url

MAX_HEADLINE = 256  # an embed title
MAX_TEXT = 4000  # a modal text input's maximum; the embed description allows 4096
MAX_URL = 512
MAX_OUTLET = 100
MAX_KEY = 64
EARLIEST_DATE = date(2020, 1, 1)  # We Can Be Heroes itself came out in December 2020

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALLOWED_CONTROLS = {"\n", "\t"}
_LINK_SYNTAX = re.compile(r"://|\]\(|[<>\[\]]|(?i:\bwww\.)")


@dataclass(slots=True)
class Checked:
    """The validated update, or every problem found."""

    update: NewUpdate | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.update is not None


def stage_choices() -> str:
    return ", ".join(label.lower() for _, label in SEQUEL_STAGES)


def parse_stage(raw: str | None) -> tuple[str | None, str | None]:
    """(stage key, None) or (None, problem). Empty means 'no stage change'.

    Forgiving about case, spaces, hyphens and underscores; a number 1-7 picks by position.
    """
    text = (raw or "").strip()
    if not text:
        return None, None
    folded = fold(text)
    for number, (key, label) in enumerate(SEQUEL_STAGES, 1):
        if folded in {fold(key), fold(label), str(number)}:
            return key, None
    options = {fold(label): label.lower() for _, label in SEQUEL_STAGES}
    import difflib  # here: only a stage not known needs it, not the start

    close = difflib.get_close_matches(folded, list(options), n=1, cutoff=0.6)
    hint = f" Did you mean “{options[close[0]]}”?" if close else ""
    shown = printable(text if len(text) <= 40 else text[:39] + "…")
    return None, (
        f"Stage: “{shown}” is not a stage I know.{hint} Use one of: {stage_choices()}; "
        "or leave it empty when the update does not change the stage."
    )


def _control_characters(text: str) -> bool:
    return any(
        unicodedata.category(c) in {"Cc", "Cf"} and c not in _ALLOWED_CONTROLS
        for c in text
        # Zero-width joiners are legitimate inside emoji sequences.
        if c not in {"\u200d", "\ufe0f"}
    )


def printable(text: str) -> str:
    """`text` with every invisible or control character written as an escape (\\x1b, \\u202e):
    a value echoed in a message can neither drive a terminal nor hide or reorder text."""
    return "".join(
        c
        if c == " " or unicodedata.category(c)[0] not in {"C", "Z"}
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_url(raw: str) -> tuple[str | None, list[str]]:
    url = raw.strip()
    problems: list[str] = []
    if len(url) > MAX_URL:
        return None, [f"Source link: {len(url)} characters; at most {MAX_URL}."]
    if "://" not in url:
        # Words typed where the link goes ("not a link"): say what a link looks like, rather
        # than which of its characters are wrong.
        return None, ["Source link: must be a web address starting with https:// (or http://)."]
    if any(c.isspace() or unicodedata.category(c) in {"Cc", "Cf"} for c in url):
        # Cf covers zero-width and bidi characters, which can make one host look like another.
        return None, [
            "Source link: a link cannot contain spaces, control, zero-width or "
            "text-direction characters."
        ]
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return None, ["Source link: this is not a valid link."]
    if parts.scheme.lower() not in {"http", "https"}:
        scheme = parts.scheme or "no scheme"
        problems.append(
            f"Source link: must start with https:// or http:// (this one has {scheme}:)."
        )
    elif not hostname or "." not in hostname.strip(".") or hostname.startswith("."):
        problems.append("Source link: it needs a real website, like https://www.netflix.com/…")
    elif parts.username is not None or parts.password is not None:
        problems.append("Source link: links with a user name or password (user@host) are refused.")
    else:
        # Stored, and so shown, with the host in punycode: a look-alike host (Cyrillic "а" in
        # "vаriety.com") then reads as the xn-- name it really is.
        shown = display_url(url)
        if shown is None:
            problems.append("Source link: its website name can't be encoded; check the link.")
        else:
            url = shown
    return (None, problems) if problems else (url, [])


def outlet_from_url(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _check_headline(headline: str | None) -> tuple[str, list[str]]:
    clean = _one_line(headline or "")
    if not clean:
        return clean, ["Headline: required."]
    if len(clean) > MAX_HEADLINE:
        return clean, [f"Headline: {len(clean)} characters; at most {MAX_HEADLINE}."]
    if _control_characters(clean):
        return clean, ["Headline: contains invisible control characters; retype it."]
    return clean, []


def _check_text(text: str | None) -> tuple[str, list[str]]:
    clean = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not clean:
        return clean, ["Text: required."]
    if len(clean) > MAX_TEXT:
        return clean, [f"Text: {len(clean)} characters; at most {MAX_TEXT}."]
    if _control_characters(clean):
        return clean, ["Text: contains invisible control characters; retype it."]
    return clean, []


def _check_outlet(outlet: str | None, clean_url: str | None) -> tuple[str | None, list[str]]:
    """The source's name as given, else the link's website; or why it is refused."""
    clean = _one_line(outlet or "") or None
    if clean is None:
        return (outlet_from_url(clean_url) if clean_url else None), []
    if len(clean) > MAX_OUTLET:
        return clean, [f"Source name: {len(clean)} characters; at most {MAX_OUTLET}."]
    if _control_characters(clean):
        return clean, ["Source name: contains invisible control characters; retype it."]
    if _LINK_SYNTAX.search(clean):
        # The name is shown beside the link as plain text; it must not look like a link.
        return clean, [
            "Source name: a name like Variety, not a link or Markdown; put the link in Source link."
        ]
    return clean, []


def _check_date(published: str | None, today: date) -> tuple[date, list[str]]:
    """The publication day (`today` when not given), or why it is refused."""
    if published is None or not published.strip():
        return today, []
    raw_date = published.strip()
    try:
        if not _DATE.match(raw_date):
            raise ValueError
        day = date.fromisoformat(raw_date)
    except ValueError:
        return today, [f"Date: “{printable(raw_date[:20])}” is not a date; use YYYY-MM-DD."]
    if day > today + timedelta(days=1):
        return day, [f"Date: {day.isoformat()} is in the future; news has happened."]
    if day < EARLIEST_DATE:
        return day, [f"Date: {day.isoformat()} is before {EARLIEST_DATE.isoformat()}."]
    return day, []


def _check_key(key: str | None) -> list[str]:
    if key is not None and (not key or len(key) > MAX_KEY or not _KEY.match(key)):
        return [
            f"Key: “{printable(key[:MAX_KEY])}” must be 1-{MAX_KEY} lowercase letters, digits and "
            "hyphens, starting with a letter or digit."
        ]
    return []


def check_update(
    *,
    headline: str | None,
    text: str | None,
    source_url: str | None = None,
    outlet: str | None = None,
    stage: str | None = None,
    published: str | None = None,
    key: str | None = None,
    today: date,
) -> Checked:
    """Validate raw input into a NewUpdate. `published` defaults to `today`. Every field is
    checked, so every problem is reported at once, in the form's order."""
    clean_headline, problems = _check_headline(headline)
    clean_text, text_problems = _check_text(text)
    problems += text_problems
    clean_url: str | None = None
    if source_url and source_url.strip():
        clean_url, url_problems = check_url(source_url)
        problems += url_problems
    clean_outlet, outlet_problems = _check_outlet(outlet, clean_url)
    problems += outlet_problems
    stage_key, stage_problem = parse_stage(stage)
    if stage_problem:
        problems.append(stage_problem)
    day, date_problems = _check_date(published, today)
    problems += date_problems
    problems += _check_key(key)
    if problems:
        return Checked(None, problems)
    return Checked(
        NewUpdate(
            headline=clean_headline,
            text=clean_text,
            published_at=day.isoformat(),
            source_outlet=clean_outlet,
            source_url=clean_url,
            stage=stage_key,
            key=key,
        )
    )


__all__ = ["STAGE_KEYS", "Checked", "check_update", "parse_stage", "printable", "stage_choices"]
