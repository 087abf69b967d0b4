"""Members' display names made safe to store and to show in the bot's own embeds.

A display name is chosen by the member, so it may carry text direction overrides (which reverse
the rest of a leaderboard line, e.g. to fake a score), control characters, or mention syntax
that Discord renders as a pill inside an embed: `<@123>` as another member, `<#1>` as a channel,
`<@&1>` as a role, `<t:...>` as a date, `</cmd:1>` as a command. None of that may reach the
leaderboard, so it is removed when a name is stored and again when it is shown (names stored
before this existed).
"""

from __future__ import annotations

import re
import unicodedata

# Explicit direction marks, embeddings, overrides and isolates (LRM, RLM, ALM, LRE..RLO, LRI..PDI).
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Everything Discord turns into a pill or a rich element: user, role and channel mentions, slash
# command mentions, timestamps, guild navigation (<id:browse>), custom emoji; and @everyone/@here.
_PILLS = re.compile(
    r"<(?:@[!&]?\d+|#\d+|/[^<>\s][^<>]*:\d+|t:-?\d+(?::[A-Za-z])?|id:[a-z_]+|a?:\w+:\d+)>"
)
_EVERYONE = re.compile(r"@(everyone|here)\b", re.IGNORECASE)


def _allowed(char: str) -> bool:
    if char in BIDI_CONTROLS:
        return False
    # Cc: C0/C1 controls (newlines, escape...); Zl/Zp: line and paragraph separators.
    return unicodedata.category(char) not in ("Cc", "Zl", "Zp")


def clean_display_name(name: str) -> str:
    """`name` without direction controls, control characters or pill-rendering syntax, its
    spaces collapsed; may be empty, so callers fall back to something of their own."""
    kept = "".join(char if _allowed(char) else " " for char in name)
    previous = None
    while previous != kept:  # removing one token must not assemble another: "<<@1>@2>"
        previous = kept
        kept = _EVERYONE.sub(r"\1", _PILLS.sub("", kept))
    return " ".join(kept.split())
