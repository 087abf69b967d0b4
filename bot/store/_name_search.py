"""Matching person names by similarity, for misspellings and 'did you mean' replies.

The store finds names containing the query with SQL; these are the fallbacks when none does.
Similarity is rapidfuzz's `fuzz.ratio` (the Indel distance normalised to 0-100, the measure
difflib's `ratio` approximates), computed in C++ over every name: about a millisecond per
keystroke at 10,000 cast members, where difflib needed a hand-built trigram index to narrow the
names first (`bench/scale.py`, and the figures in issue 11's report).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from ._models import NameMatch

# The longest query that is matched at all: a name option is at most 100 characters, and no
# name is longer. Similarity costs grow with the query's length times each name's, and
# autocomplete values are never length-checked by Discord, so longer input is cut before any
# matching.
MAX_QUERY = 100
# A misspelling must be this similar (0-100) to a name, or to one of its words, to be offered.
SIMILAR = 75
# 'Did you mean' offers anything at least this similar.
CLOSEST = 40
# Matches by similarity rank below every match by containment (scores 0.7 to 1.0).
SIMILAR_WEIGHT = 0.8
# How many best-scoring spellings (and words) are looked at per match asked for: a person has a
# few spellings of a few words each, and at 10,000 names thousands pass the CLOSEST threshold.
CANDIDATES_PER_MATCH = 16


def capped(query: str) -> str:
    """`query` cut to MAX_QUERY characters, before it is folded or matched."""
    return query[:MAX_QUERY]


def like_escaped(text: str) -> str:
    """`text` matched literally by `LIKE ... ESCAPE '\\'`: its `\\`, `%` and `_` escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


NameRow = tuple[str, str, str, str]  # person key, person name, matched spelling, folded spelling


class NameIndex(msgspec.Struct, frozen=True):
    """Every spelling of every name, folded, with each word of it; `signature` says which
    version of the names (change_counters) it was built from."""

    signature: int
    rows: tuple[NameRow, ...]
    folded: tuple[str, ...]  # rows[i][3]
    words: tuple[str, ...]  # every word of every folded spelling
    word_rows: tuple[int, ...]  # the row position each word belongs to

    @classmethod
    def build(cls, signature: int, rows: Iterable[NameRow]) -> NameIndex:
        kept = tuple(rows)
        words: list[str] = []
        word_rows: list[int] = []
        for position, row in enumerate(kept):
            for word in row[3].split():
                words.append(word)
                word_rows.append(position)
        return cls(signature, kept, tuple(r[3] for r in kept), tuple(words), tuple(word_rows))

    def similar(self, folded: str, limit: int) -> list[NameMatch]:
        """Spellings like a misspelt `folded` query ('holdbrok', 'pedor'), best first.

        A one-word query is also compared with each word of a name, so 'holdbrok' finds
        'boyd holbrook'; a longer one only with whole names, so 'pedro almodovar' does not find
        Pedro Pascal.
        """
        scores = self._scores(folded, SIMILAR, limit, words=" " not in folded)
        matches = [
            NameMatch(key, name, matched, round(score / 100 * SIMILAR_WEIGHT, 3))
            for (key, name, matched, _), score in ((self.rows[i], s) for i, s in scores.items())
        ]
        matches.sort(key=lambda m: (-m.score, m.name))
        return matches[:limit]

    def closest(self, folded: str, limit: int) -> list[NameMatch]:
        """The nearest people to `folded`, however far (one match per person), best first."""
        best: dict[str, NameMatch] = {}
        for position, score in self._scores(folded, CLOSEST, limit, words=True).items():
            key, name, matched, _ = self.rows[position]
            rounded = round(score / 100, 3)
            if key not in best or best[key].score < rounded:
                best[key] = NameMatch(key, name, matched, rounded)
        return sorted(best.values(), key=lambda m: (-m.score, m.name))[:limit]

    def _scores(self, folded: str, cutoff: float, limit: int, *, words: bool) -> dict[int, float]:
        """Row position -> the best similarity of the query with the spelling (or a word of it),
        for the spellings scoring best."""
        # Imported at the first misspelling, not at start: rapidfuzz loads about 2.6 MB of
        # modules that most processes (names found by SQL alone) never need.
        from rapidfuzz import fuzz, process

        best: dict[int, float] = {}
        top = max(1, limit) * CANDIDATES_PER_MATCH
        found = process.extract(
            folded, self.folded, scorer=fuzz.ratio, score_cutoff=cutoff, limit=top
        )
        for _, score, position in found:
            best[position] = score
        if words:
            found = process.extract(
                folded, self.words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=top
            )
            for _, score, word in found:
                position = self.word_rows[word]
                best[position] = max(best.get(position, 0.0), score)
        return best
