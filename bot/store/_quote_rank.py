"""FTS5's bm25(quotes_fts, 4.0, 1.0), computed in Python over a bounded set of candidates.

FTS5's own bm25() first counts, for each phrase of the query, every quote that contains it (its
inverse document frequency), whatever LIMIT says: at 1,000,000 quotes a common word costs 50 ms
before one row is ranked. Here the candidates are read first (the oldest matches, a bounded
number), and each is scored with the same formula FTS5 uses (fts5_aux.c, fts5Bm25Function):

    score = sum over phrases of idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))

with f the phrase's weighted count in the row (a hit in the text counts 4, in the context 1),
D the row's length in tokens and avgdl the table's mean, read from FTS5's own totals. The
phrases' document counts are exact up to DF_EXACT matches and estimated beyond (see
`estimated_count`); with one phrase idf is a constant factor and is not needed at all.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import msgspec

K1 = 1.2
B = 0.75
# bm25(quotes_fts, 4.0, 1.0): a hit in a quote's text weighs four times one in its context.
TEXT_WEIGHT = 4.0
CONTEXT_WEIGHT = 1.0
# FTS5 keeps idf positive: a phrase in more than half the rows counts this little.
MIN_IDF = 1e-6
# A phrase's matches are counted exactly up to this many; beyond, they are estimated.
DF_EXACT = 1000

# unicode61's token characters are letters and numbers; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")
_ASCII_SEPARATORS = {code: " " for code in range(128) if not chr(code).isalnum()}


class Phrase(msgspec.Struct, frozen=True):
    """One quoted term of the MATCH expression: its tokens, the last one a prefix or not."""

    tokens: tuple[str, ...]
    prefix: bool


class TableStats(msgspec.Struct, frozen=True):
    rows: int
    tokens: int  # every column's tokens, summed over the table (FTS5's nToken)


def tokenize(text: str) -> list[str]:
    """Tokens as unicode61 with remove_diacritics 2 makes them: lower case, accents removed."""
    lowered = text.lower()
    if lowered.isascii():  # most quotes: str.translate and split run in C, twice the regex's pace
        return lowered.translate(_ASCII_SEPARATORS).split()
    decomposed = unicodedata.normalize("NFD", lowered)
    return _TOKEN.findall("".join(c for c in decomposed if not unicodedata.combining(c)))


def phrase(term: str, *, prefix: bool) -> Phrase:
    return Phrase(tuple(tokenize(term)), prefix)


def _hits(tokens: Sequence[str], joined: str, p: Phrase) -> int:
    """How many times the phrase occurs in the tokens (the last token as a prefix if starred);
    `joined` is the tokens, each preceded and followed by a space of its own (so that a
    repeated word, " son  son ", counts twice)."""
    n = len(p.tokens)
    if n == 1:  # the common case, counted in C: " lava" starts a token, " lava " is one
        return joined.count(" " + p.tokens[0] + ("" if p.prefix else " "))
    if n == 0:
        return 0
    *head, last = p.tokens
    count = 0
    for i in range(len(tokens) - n + 1):
        word = tokens[i + n - 1]
        if (word.startswith(last) if p.prefix else word == last) and all(
            tokens[i + j] == head[j] for j in range(n - 1)
        ):
            count += 1
    return count


def idf(rows: int, matches: float) -> float:
    value = math.log((rows - matches + 0.5) / (matches + 0.5))
    return value if value > 0 else MIN_IDF


def _column(text: str) -> tuple[list[str], str]:
    """A column's tokens, and them joined for counting (see `_hits`)."""
    tokens = tokenize(text)
    return tokens, " " + "  ".join(tokens) + " "


def bm25(
    text: str, context: str, phrases: Sequence[Phrase], idfs: Sequence[float], avgdl: float
) -> float:
    """FTS5's bm25 of one row: lower is better, as FTS5 returns it (the score negated)."""
    return _score(_column(text), _column(context), phrases, idfs, avgdl)


def ranked(
    rows: Iterable[tuple[int, str, str | None]],
    phrases: Sequence[Phrase],
    idfs: Sequence[float],
    avgdl: float,
) -> list[tuple[float, int]]:
    """(bm25, rowid) of each (rowid, text, context) row, best first, then oldest first. A
    context is tokenized once per call: quotes from one passage of an article share it."""
    contexts: dict[str, tuple[list[str], str]] = {}
    scores = []
    for rowid, text, context in rows:
        context = context or ""
        if context not in contexts:
            contexts[context] = _column(context)
        scores.append((_score(_column(text), contexts[context], phrases, idfs, avgdl), rowid))
    return sorted(scores)


def _score(
    text: tuple[list[str], str],
    context: tuple[list[str], str],
    phrases: Sequence[Phrase],
    idfs: Sequence[float],
    avgdl: float,
) -> float:
    (text_tokens, text_joined), (context_tokens, context_joined) = text, context
    length = len(text_tokens) + len(context_tokens)
    norm = K1 * (1 - B + B * length / avgdl)
    score = 0.0
    for p, weight in zip(phrases, idfs, strict=True):
        freq = TEXT_WEIGHT * _hits(text_tokens, text_joined, p) + CONTEXT_WEIGHT * _hits(
            context_tokens, context_joined, p
        )
        score += weight * (freq * (K1 + 1.0)) / (freq + norm)
    return -score


def estimated_count(counted: int, last_id: int, first_id: int, end_id: int) -> float:
    """A phrase's matching rows, from the first `counted` of them (rowid order, the last at
    `last_id`): exact below DF_EXACT, else scaled to the table's id range, as if the rest of
    the ids matched as densely as the first ones did."""
    if counted < DF_EXACT:
        return float(counted)
    return counted * (end_id - first_id + 1) / max(1, last_id - first_id + 1)


def _varint(blob: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer (which FTS5 uses) at `at`: (value, next offset)."""
    value = 0
    for i in range(8):
        byte = blob[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | blob[at + 8], at + 9


def table_stats(averages: bytes | None, columns: int = 2) -> TableStats | None:
    """FTS5's totals record (row id 1 of quotes_fts_data): the row count, then each column's
    token count. None when there is none (an empty index)."""
    if not averages:
        return None
    rows, at = _varint(averages, 0)
    tokens = 0
    for _ in range(columns):
        count, at = _varint(averages, at)
        tokens += count
    return TableStats(rows, tokens) if rows else None
