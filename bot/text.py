"""Text helpers shared by the store and the renderers: folding names and making full-text
queries (SQLite FTS5, PostgreSQL tsquery) safe."""

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


# What PostgreSQL's unaccent (in heroes_fold, which folds the quotes' search documents) maps
# and Unicode decomposition alone does not: letters without a combining accent, and the
# apostrophe-like letters it turns into "'".
_UNACCENT_EXTRA = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ħ": "h"}
    | dict.fromkeys("ʹʻʼʽˈ", "'")
)


def search_fold(term: str) -> str:
    """A search term folded as heroes_fold (lower(unaccent)) folds the text it is looked for in:
    'Łódź' -> 'lodz'. Punctuation is kept: the tsquery parser splits words on it, as it does
    the document."""
    decomposed = unicodedata.normalize("NFKD", term.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNACCENT_EXTRA)


def tsquery(terms: list[str], *, match_all: bool, last_prefix_only: bool = False) -> str:
    """A PostgreSQL `to_tsquery('simple', ...)` text in which every term is a quoted lexeme with
    a prefix mark (`'lava':*`), the counterpart of `fts_query`.

    Quoting each term means nothing the user typed (`&`, `|`, `!`, `<->`, `:*`, brackets) is
    ever parsed as tsquery syntax: inside the quotes `'` is doubled and `\\` escaped. The text
    is passed as a parameter, never spliced into SQL. A term with nothing left once folded is
    left out (`''` is a syntax error); no terms at all give an empty text, which matches nothing.
    """
    last = len(terms) - 1
    quoted = []
    for i, term in enumerate(terms):
        lexeme = search_fold(term).replace("\\", "\\\\").replace("'", "''")
        if lexeme:
            quoted.append(f"'{lexeme}'" + ("" if last_prefix_only and i < last else ":*"))
    return (" & " if match_all else " | ").join(quoted)
