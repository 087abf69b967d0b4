"""An in-memory trigram index of every person name, for the misspelling fallbacks.

Comparing a misspelt query with every name by similarity costs one difflib ratio per name: 2 s
at 10,000 names. The index narrows that to the names sharing the most trigrams with the query,
so a keystroke stays within a few milliseconds however large the cast grows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# How many best-sharing names are compared by similarity; far more than any answer shows.
CANDIDATES = 256
# The longest query that is matched at all: a name option is at most 100 characters, and no
# name is longer. Similarity costs grow with the query's length times each name's (about 0.4 s
# for a 6,000-character query, 7 s for 100,000, with the seed's names alone), and autocomplete
# values are never length-checked by Discord, so longer input is cut before any matching.
MAX_QUERY = 100


def capped(query: str) -> str:
    """`query` cut to MAX_QUERY characters, before it is folded or matched."""
    return query[:MAX_QUERY]


NameRow = tuple[str, str, str, str]  # person key, person name, matched spelling, folded spelling


def trigrams(folded: str) -> set[str]:
    """The 3-letter pieces of each word, padded so that short words have some: 'al' -> ' al'."""
    grams: set[str] = set()
    for word in folded.split():
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


@dataclass
class NameIndex:
    """Names and a trigram -> row positions map; `signature` says which rows it was built from."""

    signature: tuple[int, int]
    rows: Sequence[NameRow]
    _postings: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, signature: tuple[int, int], rows: Iterable[NameRow]) -> NameIndex:
        index = cls(signature, list(rows))
        for position, row in enumerate(index.rows):
            for gram in trigrams(row[3]):
                index._postings.setdefault(gram, []).append(position)
        return index

    def candidates(self, folded: str, limit: int = CANDIDATES) -> list[NameRow]:
        """The names sharing the most trigrams with `folded`, best first (ties: stored order).

        While the store holds no more names than `limit`, that is simply every name.
        """
        if len(self.rows) <= limit:
            return list(self.rows)
        shared: Counter[int] = Counter()
        for gram in trigrams(folded):
            shared.update(self._postings.get(gram, ()))
        return [self.rows[position] for position, _ in shared.most_common(limit)]
