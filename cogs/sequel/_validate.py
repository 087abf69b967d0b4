"""Validation of a sequel update, shared by the /sequel-admin post modal and the news CLI.

Every problem is reported at once, each in a sentence that says how to fix it: in the owner's
language in Discord, in English in the terminal (nothing there sets another locale). Numbers
in them stay plain digits ("6000 characters; at most 4000"), as the CLI has always printed them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from urllib.parse import urlsplit

import msgspec

from bot.i18n import _
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


class Checked(msgspec.Struct):
    """The validated update, or every problem found."""

    update: NewUpdate | None
    problems: list[str] = msgspec.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.update is not None


def stage_names() -> list[str]:
    """The stages' labels in the current language, lowercase, in order."""
    return [_(label).lower() for _key, label in SEQUEL_STAGES]


def stage_choices() -> str:
    return ", ".join(stage_names())


def parse_stage(raw: str | None) -> tuple[str | None, str | None]:
    """(stage key, None) or (None, problem). Empty means 'no stage change'.

    Forgiving about case, spaces, hyphens and underscores; a number 1-7 picks by position. A
    stage's English label is always understood, and its label in the current language too.
    """
    text = (raw or "").strip()
    if not text:
        return None, None
    folded = fold(text)
    for number, (key, label) in enumerate(SEQUEL_STAGES, 1):
        if folded in {fold(key), fold(label), fold(_(label)), str(number)}:
            return key, None
    options = {fold(name): name for name in stage_names()}
    import difflib  # here: only a stage not known needs it, not the start

    close = difflib.get_close_matches(folded, list(options), n=1, cutoff=0.6)
    shown = printable(text if len(text) <= 40 else text[:39] + "…")
    if close:
        problem = _(
            "Stage: “{typed}” is not a stage I know. Did you mean “{stage}”? Use one of: "
            "{stages}; or leave it empty when the update does not change the stage."
        )
    else:
        problem = _(
            "Stage: “{typed}” is not a stage I know. Use one of: {stages}; or leave it empty "
            "when the update does not change the stage."
        )
    stage = options[close[0]] if close else ""
    return None, problem.format(typed=shown, stage=stage, stages=stage_choices())


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
        return None, [_too_long(_("Source link"), len(url), MAX_URL)]
    if "://" not in url:
        # Words typed where the link goes ("not a link"): say what a link looks like, rather
        # than which of its characters are wrong.
        return None, [_("Source link: must be a web address starting with https:// (or http://).")]
    if any(c.isspace() or unicodedata.category(c) in {"Cc", "Cf"} for c in url):
        # Cf covers zero-width and bidi characters, which can make one host look like another.
        return None, [
            _(
                "Source link: a link cannot contain spaces, control, zero-width or "
                "text-direction characters."
            )
        ]
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return None, [_("Source link: this is not a valid link.")]
    if parts.scheme.lower() not in {"http", "https"}:
        problems.append(_scheme_problem(parts.scheme))
    elif not hostname or "." not in hostname.strip(".") or hostname.startswith("."):
        problems.append(_("Source link: it needs a real website, like https://www.netflix.com/…"))
    elif parts.username is not None or parts.password is not None:
        problems.append(
            _("Source link: links with a user name or password (user@host) are refused.")
        )
    else:
        # Stored, and so shown, with the host in punycode: a look-alike host (Cyrillic "а" in
        # "vаriety.com") then reads as the xn-- name it really is.
        shown = display_url(url)
        if shown is None:
            problems.append(_("Source link: its website name can't be encoded; check the link."))
        else:
            url = shown
    return (None, problems) if problems else (url, [])


def _scheme_problem(scheme: str) -> str:
    if not scheme:
        return _("Source link: must start with https:// or http:// (this one has no scheme:).")
    # Translators: {scheme} is what the link starts with, such as "ftp".
    return _("Source link: must start with https:// or http:// (this one has {scheme}:).").format(
        scheme=scheme
    )


def _too_long(field_name: str, length: int, limit: int) -> str:
    """'Headline: 300 characters; at most 256.' ({field} is the field's translated label)."""
    # Translators: {field} is a field of the form (Headline, Text, Source link, Source name).
    return _("{field}: {length} characters; at most {limit}.").format(
        field=field_name, length=length, limit=limit
    )


def outlet_from_url(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _check_headline(headline: str | None) -> tuple[str, list[str]]:
    clean = _one_line(headline or "")
    if not clean:
        return clean, [_("Headline: required.")]
    if len(clean) > MAX_HEADLINE:
        return clean, [_too_long(_("Headline"), len(clean), MAX_HEADLINE)]
    if _control_characters(clean):
        return clean, [_("Headline: contains invisible control characters; retype it.")]
    return clean, []


def _check_text(text: str | None) -> tuple[str, list[str]]:
    clean = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not clean:
        return clean, [_("Text: required.")]
    if len(clean) > MAX_TEXT:
        return clean, [_too_long(_("Text"), len(clean), MAX_TEXT)]
    if _control_characters(clean):
        return clean, [_("Text: contains invisible control characters; retype it.")]
    return clean, []


def _check_outlet(outlet: str | None, clean_url: str | None) -> tuple[str | None, list[str]]:
    """The source's name as given, else the link's website; or why it is refused."""
    clean = _one_line(outlet or "") or None
    if clean is None:
        return (outlet_from_url(clean_url) if clean_url else None), []
    if len(clean) > MAX_OUTLET:
        return clean, [_too_long(_("Source name"), len(clean), MAX_OUTLET)]
    if _control_characters(clean):
        return clean, [_("Source name: contains invisible control characters; retype it.")]
    if _LINK_SYNTAX.search(clean):
        # The name is shown beside the link as plain text; it must not look like a link.
        return clean, [
            _(
                "Source name: a name like Variety, not a link or Markdown; put the link in "
                "Source link."
            )
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
        # Translators: YYYY-MM-DD is the date format to type; keep it as is.
        text = _("Date: “{typed}” is not a date; use YYYY-MM-DD.")
        return today, [text.format(typed=printable(raw_date[:20]))]
    if day > today + timedelta(days=1):
        text = _("Date: {date} is in the future; news has happened.")
        return day, [text.format(date=day.isoformat())]
    if day < EARLIEST_DATE:
        text = _("Date: {date} is before {earliest}.")
        return day, [text.format(date=day.isoformat(), earliest=EARLIEST_DATE.isoformat())]
    return day, []


def _check_key(key: str | None) -> list[str]:
    if key is not None and (not key or len(key) > MAX_KEY or not _KEY.match(key)):
        text = _(
            "Key: “{typed}” must be 1-{limit} lowercase letters, digits and hyphens, starting "
            "with a letter or digit."
        )
        return [text.format(typed=printable(key[:MAX_KEY]), limit=MAX_KEY)]
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


__all__ = [
    "STAGE_KEYS",
    "Checked",
    "check_update",
    "parse_stage",
    "printable",
    "stage_choices",
    "stage_names",
]
