"""Text helpers shared by the store and the renderers: folding names and making FTS queries safe."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"\w+", re.UNICODE)

# Words a user may type that say nothing about which quote they want.
MAX_SEARCH_TERMS = 16
MAX_TERM_LENGTH = 64


def fold(text: str) -> str:
    """Case-fold, strip accents and punctuation: 'Pédro  PASCAL!' -> 'pedro pascal'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM.sub(" ", ascii_only).split())


def search_terms(text: str) -> list[str]:
    """The words of free text, bounded in number and length, in their order, without repeats."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text[:4000]):
        word = match.group().casefold()[:MAX_TERM_LENGTH]
        seen.setdefault(word, None)
        if len(seen) >= MAX_SEARCH_TERMS:
            break
    return list(seen)


def fts_query(terms: list[str], *, match_all: bool, last_prefix_only: bool = False) -> str:
    """An FTS5 MATCH expression in which every term is a quoted string with a prefix star.

    Quoting each term means nothing the user typed (`*`, `NEAR(`, `"`, `AND`, brackets) is ever
    parsed as FTS syntax: a double quote inside a term is doubled, as FTS5 requires. With
    `last_prefix_only` (text being typed) the words before the last are whole words.
    """
    last = len(terms) - 1
    quoted = [
        '"' + term.replace('"', '""') + ('"' if last_prefix_only and i < last else '"*')
        for i, term in enumerate(terms)
    ]
    return (" AND " if match_all else " OR ").join(quoted)
