"""The sequel's release date, read from the stored sources only: never guessed.

Where it can be: the sequel's "release-date" fact once a source gives it a value, else the
timeline update that moved the stage to "release date set" (or later), if its text names exactly
one date. The date comes with the verbatim words it was read from and their source, which the
premiere event's description shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import msgspec

from bot.i18n import _, format_date, format_list
from bot.store import STAGE_KEYS, SequelUpdate, WorkCard

PREMIERE_STAGES = ("release-date-set", "released")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_FIRST = re.compile(rf"\b({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b", re.I)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?,? (\d{{4}})\b", re.I)
# A sentence ends at . ! or ? before a capital or a quote ("Sept. 4th" goes on).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
# Words that say a date is the release's: a date in a sentence without one is another event's.
_RELEASE_WORDS = re.compile(
    r"\b(releas\w*|premi[eè]r\w*|theat(?:er|re)s?|cinemas?|opens|opening|debut\w*|arriv\w*"
    r"|streaming|out on|out in|comes out|hits)\b",
    re.I,
)


class ReleaseDate(msgspec.Struct, frozen=True):
    day: date | None  # None: the sources give none (`why` says so)
    excerpt: str = ""  # the verbatim words the date was read from
    source: str = ""  # their source: outlet, title or link
    # Why there is none: a whole sentence for the server's managers (/watchparty premiere), in
    # the locale in force when it was read (the server's: see _premiere.py).
    why: str = ""


def dates_in(text: str) -> set[date]:
    """Every full calendar date written in `text` (ISO, 'June 4, 2027', '4 June 2027')."""
    found: set[date] = set()
    candidates = [(int(y), int(m), int(d)) for y, m, d in _ISO.findall(text)]
    candidates += [(int(y), _MONTHS[m.lower()], int(d)) for m, d, y in _MONTH_FIRST.findall(text)]
    candidates += [(int(y), _MONTHS[m.lower()], int(d)) for d, m, y in _DAY_FIRST.findall(text)]
    for year, month, day in candidates:
        try:
            found.add(date(year, month, day))
        except ValueError:
            continue
    return found


def release_sentences(update: SequelUpdate) -> list[str]:
    """The headline and the sentences of the update's text that speak of a release, verbatim:
    only their dates can be the release day ("Filming wrapped on March 3, 2027. Netflix has set
    a release date." holds a date that is not the release's)."""
    pieces = [update.headline, *_SENTENCE_END.split(update.text.strip())]
    return [piece for piece in pieces if piece and _RELEASE_WORDS.search(piece)]


def _from_update(update: SequelUpdate) -> ReleaseDate:
    said = release_sentences(update)
    days = {day for sentence in said for day in dates_in(sentence)}
    source = " · ".join(part for part in (update.source_outlet, update.source_url) if part)
    source = source or _("the sequel timeline (no outlet given)")
    if len(days) == 1:
        day = next(iter(days))
        words = next(sentence for sentence in said if day in dates_in(sentence))
        return ReleaseDate(day, words, source)
    if days:
        # Translators: {headline} is a news update's headline as its source wrote it (never
        # translated); {dates} is the list of dates it names.
        why = _(
            "No premiere event: the update “{headline}” names more than one date ({dates})."
        ).format(
            headline=update.headline, dates=format_list([format_date(d) for d in sorted(days)])
        )
        return ReleaseDate(None, why=why)
    # Translators: {headline} is a news update's headline as its source wrote it.
    why = _("No premiere event: the update “{headline}” gives no release date.")
    return ReleaseDate(None, why=why.format(headline=update.headline))


def release_date(card: WorkCard | None, history: Sequence[SequelUpdate]) -> ReleaseDate:
    """The release date the sources give, or why there is none. `history`: the stage-setting
    updates, newest first (Tracker.stage_history)."""
    if card is not None:
        for fact in card.facts_of("release-date"):
            days = dates_in(fact.value or "")
            if len(days) == 1:
                return ReleaseDate(next(iter(days)), fact.excerpt, fact.source.citation())
    floor = STAGE_KEYS.index(PREMIERE_STAGES[0])
    reaching = [u for u in history if u.stage in STAGE_KEYS and STAGE_KEYS.index(u.stage) >= floor]
    for update in reaching:  # newest first: a later update's date replaces an earlier one
        found = _from_update(update)
        if found.day is not None:
            return found
    if reaching:
        return _from_update(reaching[0])
    return ReleaseDate(None, why=_("No premiere event: no source gives a release date."))
