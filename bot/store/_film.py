"""The film data repository: cast, people, quotes, works and facts, with their sources.

Where the engines differ, both spellings are here side by side:
- quote search: SQLite's FTS5 (`quotes_fts MATCH`, ranked by `bm25`) or PostgreSQL's tsvector
  table (`quotes_fts.document @@ tsquery`, ranked by `ts_rank`), from the same search terms;
- text order: PostgreSQL sorts names by the database's collation unless told `COLLATE "C"`
  (code point order, SQLite's BINARY), so both engines list names alike;
- a random quote: `abs(random()) % n` (SQLite's 64-bit integer) or `random() * n` (a float).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.text import fold, fts_query, search_terms, tsquery

from . import _quote_rank as quote_rank
from ._cache import cached
from ._database import Database, Repository
from ._models import CastMember, Credit, Fact, NameMatch, Person, Quote, Source, Work, WorkCard
from ._name_search import NameIndex, capped, like_escaped

FILM_KEY = "we-can-be-heroes"
SEQUEL_KEY = "sequel"

_SOURCE_COLUMNS = "s.key, s.title, s.outlet, s.url, s.published"
# `LIMIT -1` is "no limit" on SQLite only; this many rows is no limit on both engines.
_NO_LIMIT = 2**63 - 1
# PostgreSQL's stand-in for bm25(quotes_fts, 4.0, 1.0). The weights are those of the labels D, C,
# B, A: a quote's text (A) counts four times its context (B), as on SQLite. Normalisation 8
# divides by the number of distinct words, as bm25 favours short documents. bm25 also weighs
# rare words up, which PostgreSQL's ranks cannot: over 500 searches of the seed's words, this
# ranking (of the variants of ts_rank and ts_rank_cd tried) agreed most often with SQLite's, on
# the best quote 84% of the time; which quotes match is the same on both engines.
_TS_RANK = "ts_rank_cd('{0, 0, 0.25, 1}'::float4[], f.document, query, 8)"
# Matches ranked per search, at most: the oldest first (FTS5 yields matches in rowid order; the
# PostgreSQL query takes the lowest ids). Ranking every match made /quote search: cost 41 ms at
# 100,000 quotes (p50; most matched 'lava'); ranking this many keeps it flat, about 2 ms at any
# size (scoring each candidate in Python is most of it: 200 cost twice that). The seed holds 4
# quotes: below this many matches, every match is ranked.
SEARCH_CANDIDATES = 100
# The end of a PostgreSQL quote search: the quotes matching $1, of them only the first $2 (the
# oldest), best first (a higher ts_rank), then oldest first; $3 of them.
_PG_RANKED = f"""
    JOIN (SELECT id, document FROM quotes_fts
          WHERE document @@ to_tsquery('simple', ?1) ORDER BY id LIMIT ?2) f
      ON f.id = q.id
    CROSS JOIN to_tsquery('simple', ?1) AS query
    ORDER BY {_TS_RANK} DESC, q.id
    LIMIT ?3
"""


def _search_modes(words: int, typing: bool) -> list[tuple[bool, bool]]:
    """How a search tries its words, in turn until one finds quotes: (every word, whole words).

    A search for whole words first: a quote with "sequel" itself before those with only
    "sequels", and each word's own postings read lazily (a word beginning reads every word it
    begins at once: 50 ms for "sequel" at 1,000,000 quotes). Suggestions as a member types end
    with the start of a word, as today."""
    if typing:
        return [(True, False), (False, False)] if words > 1 else [(True, False)]
    return [(True, True), (True, False)] + ([(False, False)] if words > 1 else [])


def _source(row: Iterable[Any]) -> Source:
    key, title, outlet, url, published = row
    return Source(key, title, outlet, url, published)


class FilmData(Repository):
    """The film's sourced records: cast and people, quotes, works and facts (read-only here;
    the seed writes them, see _seed.py)."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        # Every person name, for matching by similarity; rebuilt when person_names changes.
        self._names: NameIndex | None = None

    def _in_code_point_order(self, column: str) -> str:
        """`column` for ORDER BY, sorted by code point on both engines (see the module doc)."""
        return self._db.dialect(sqlite=column, postgres=f'{column} COLLATE "C"')

    # ------------------------------------------------------------------ people and cast

    @cached
    async def cast(self, work_key: str = FILM_KEY, *, limit: int = -1) -> list[CastMember]:
        """The cast of a work in billing order (top-billed first, as the source prints it);
        a negative `limit` lists them all."""
        rows = await self._db.all(
            f"""
            SELECT p.key, p.name, c.billing, c.top_billed, c.excerpt, {_SOURCE_COLUMNS}
            FROM credits c
            JOIN works w ON w.id = c.work_id
            JOIN people p ON p.id = c.person_id
            JOIN sources s ON s.id = c.source_id
            WHERE w.key = ? AND c.role = 'cast'
            ORDER BY c.top_billed DESC, c.billing IS NULL, c.billing,
                     {self._in_code_point_order("p.name")}
            LIMIT ?
            """,
            (work_key, limit if limit >= 0 else _NO_LIMIT),
        )
        return [CastMember(r[0], r[1], r[2], bool(r[3]), r[4], _source(r[5:])) for r in rows]

    @cached
    async def person(self, key: str) -> Person | None:
        row = await self._db.one(
            f"""
            SELECT p.id, p.key, p.name, p.about, p.excerpt, {_SOURCE_COLUMNS}
            FROM people p JOIN sources s ON s.id = p.source_id
            WHERE p.key = ?
            """,
            (key,),
        )
        if row is None:
            return None
        person_id = row[0]
        alias_rows = await self._db.all(
            "SELECT name FROM person_names WHERE person_id = ? AND is_alias = 1 "
            f"ORDER BY {self._in_code_point_order('name')}",
            (person_id,),
        )
        credit_rows = await self._db.all(
            f"""
            SELECT w.key, w.title, c.role, c.billing, c.top_billed, c.excerpt, {_SOURCE_COLUMNS}
            FROM credits c
            JOIN works w ON w.id = c.work_id
            JOIN sources s ON s.id = c.source_id
            WHERE c.person_id = ?
            ORDER BY c.id
            """,
            (person_id,),
        )
        return Person(
            id=person_id,
            key=row[1],
            name=row[2],
            about=row[3],
            excerpt=row[4],
            source=_source(row[5:]),
            aliases=tuple(r[0] for r in alias_rows),
            credits=tuple(
                Credit(r[0], r[1], r[2], r[3], bool(r[4]), r[5], _source(r[6:]))
                for r in credit_rows
            ),
        )

    @cached
    async def find_people(self, query: str, limit: int = 25) -> list[NameMatch]:
        """People whose name or alias matches `query` forgivingly, best first.

        Case, accents and punctuation are ignored; a prefix of the name or of any word in it
        matches, then any substring; when those find nothing, small misspellings are matched by
        similarity ('Holdbrook', 'pedor').
        """
        limit = max(1, min(limit, 25))
        folded = fold(capped(query))
        if not folded:
            return [
                NameMatch(member.person_key, member.name, member.name, 0.5)
                for member in await self.cast(limit=limit)
            ]
        # Rank 0: exact; 1: the name starts with it; 2: a word starts with it; 3: substring.
        # PostgreSQL finds substrings with LIKE, which its trigram index serves (strpos would
        # scan every name); SQLite scans either way, and instr is the quicker scan.
        contains = self._db.dialect(
            sqlite="instr(n.folded, :q) > 0",
            postgres="n.folded LIKE '%' || :like || '%' ESCAPE '\\'",
        )
        rows = await self._db.all(
            f"""
            SELECT p.key, p.name, n.name,
                   CASE WHEN n.folded = :q THEN 0
                        WHEN n.folded LIKE :like || '%' ESCAPE '\\' THEN 1
                        WHEN n.folded LIKE '% ' || :like || '%' ESCAPE '\\' THEN 2
                        ELSE 3 END AS rank
            FROM person_names n
            JOIN people p ON p.id = n.person_id
            LEFT JOIN credits c ON c.person_id = p.id AND c.role = 'cast'
            WHERE {contains}
            ORDER BY rank, coalesce(c.top_billed, 0) DESC, c.billing IS NULL, c.billing,
                     {self._in_code_point_order("p.name")}, {self._in_code_point_order("n.folded")}
            LIMIT :scan
            """,
            {"q": folded, "like": like_escaped(folded), "scan": limit * 4},
        )
        matches: dict[str, NameMatch] = {}
        for key, name, matched, rank in rows:
            if key not in matches:
                matches[key] = NameMatch(key, name, matched, 1.0 - rank * 0.1)
        if not matches and len(folded) >= 3:
            for match in (await self._name_index()).similar(folded, limit):
                matches.setdefault(match.person_key, match)
        return list(matches.values())[:limit]

    @cached
    async def closest_people(self, query: str, limit: int = 3) -> list[NameMatch]:
        """The nearest names to an unknown query, however far, for 'did you mean' replies."""
        folded = fold(capped(query))
        if not folded:
            return []
        return (await self._name_index()).closest(folded, limit)

    async def _name_index(self) -> NameIndex:
        """The names in memory, reloaded only when a spelling or a person's name changed (in any
        process, or by an operator's SQL client): triggers count every change to them in
        `change_counters` (migration 9), so checking costs one lookup, not a read of every name."""
        row = await self._db.one("SELECT version FROM change_counters WHERE name = 'names'")
        signature = int(row[0]) if row else -1
        if self._names is None or self._names.signature != signature:
            order = f"n.person_id, {self._in_code_point_order('n.folded')}"
            rows = await self._db.all(
                "SELECT p.key, p.name, n.name, n.folded FROM person_names n "
                f"JOIN people p ON p.id = n.person_id ORDER BY {order}"
            )
            self._names = NameIndex.build(signature, (tuple(r) for r in rows))  # type: ignore[misc]
        return self._names

    # ------------------------------------------------------------------ quotes

    _QUOTE_SELECT = f"""
        SELECT q.id, q.key, p.name, q.text, q.context, q.excerpt, {_SOURCE_COLUMNS}
        FROM quotes q
        JOIN people p ON p.id = q.person_id
        JOIN sources s ON s.id = q.source_id
    """

    @staticmethod
    def _quote(row: Iterable[Any]) -> Quote:
        values = list(row)
        return Quote(*values[:6], source=_source(values[6:11]))

    @cached
    async def quote(self, key: str) -> Quote | None:
        row = await self._db.one(self._QUOTE_SELECT + " WHERE q.key = ?", (key,))
        return self._quote(row) if row else None

    @cached
    async def quote_by_id(self, quote_id: int) -> Quote | None:
        row = await self._db.one(self._QUOTE_SELECT + " WHERE q.id = ?", (quote_id,))
        return self._quote(row) if row else None

    async def random_quote(self) -> Quote | None:
        # Picking a random id in range avoids ORDER BY random(), which sorts the whole table.
        offset = self._db.dialect(
            sqlite="abs(random()) % (max(id) - min(id) + 1)",
            postgres="floor(random() * (max(id) - min(id) + 1))::bigint",
        )
        row = await self._db.one(
            self._QUOTE_SELECT
            + f"""
            WHERE q.id >= (SELECT min(id) + {offset} FROM quotes)
            ORDER BY q.id LIMIT 1
            """
        )
        return self._quote(row) if row else None

    async def all_quotes(self) -> list[Quote]:
        return [self._quote(r) for r in await self._db.all(self._QUOTE_SELECT + " ORDER BY q.id")]

    @cached
    async def search_quotes(
        self, text: str, limit: int = 5, *, candidates: int | None = None
    ) -> list[Quote]:
        """Quotes matching free text, best first; the text is never parsed as FTS syntax.

        Every word must match, as a whole word if any quote has them all so, else as the start
        of a word; failing that, any word may. Only the first `candidates` matches (the oldest
        quotes; SEARCH_CANDIDATES by default) are ranked, so a search costs the same however
        many quotes match: below that many, every match is ranked. With `candidates`
        (suggestions as the member types) the words before the last are whole words and the
        last is the start of one.
        """
        terms = search_terms(text)
        if not terms:
            return []
        limit = max(1, min(limit, 25))
        typing = candidates is not None
        bound = max(SEARCH_CANDIDATES if candidates is None else candidates, limit)
        last = len(terms) - 1
        for match_all, whole in _search_modes(len(terms), typing):
            prefixes = [not whole and (not typing or i == last) for i in range(len(terms))]
            if self._db.engine == "sqlite":
                query = fts_query(terms, match_all=match_all, last_prefix_only=typing or whole)
                # The last word too, when all are whole ('"son" AND "did"*' -> ...'"did"').
                query = query.removesuffix("*") if whole else query
                found = await self._ranked_in_python(query, terms, prefixes, bound, limit)
            else:
                query = tsquery(terms, match_all=match_all, last_prefix_only=typing or whole)
                query = query.removesuffix(":*") if whole else query
                rows = await self._db.all(self._QUOTE_SELECT + _PG_RANKED, (query, bound, limit))
                found = [self._quote(r) for r in rows]
            if found:
                return found
        return []

    async def _ranked_in_python(
        self, query: str, terms: list[str], prefixes: list[bool], bound: int, limit: int
    ) -> list[Quote]:
        """SQLite: the first `bound` quotes matching `query`, ranked as bm25(quotes_fts, 4.0,
        1.0) ranks them (see _quote_rank.py), then oldest first."""
        found = await self._db.all(
            "SELECT rowid, text, context FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT ?",
            (query, bound),
        )
        if not found:
            return []
        phrases = [quote_rank.phrase(t, prefix=p) for t, p in zip(terms, prefixes, strict=True)]
        # FTS5's totals, and the id range (two subqueries: SQLite reads min() or max() off the
        # index's ends only when each is alone).
        totals = await self._db.one(
            "SELECT (SELECT block FROM quotes_fts_data WHERE id = 1), "
            "(SELECT min(id) FROM quotes), (SELECT max(id) FROM quotes)"
        )
        block, first_id, end_id = totals if totals else (None, 1, 1)
        stats = quote_rank.table_stats(block)
        avgdl = stats.tokens / stats.rows if stats and stats.tokens else 1.0
        idfs = (
            [1.0]
            if len(phrases) == 1
            else await self._idfs(terms, phrases, stats, int(first_id or 1), int(end_id or 1))
        )
        best = quote_rank.ranked(found, phrases, idfs, avgdl)[:limit]
        ids = [rowid for _, rowid in best]
        marks = ", ".join("?" * len(ids))
        rows = await self._db.all(self._QUOTE_SELECT + f" WHERE q.id IN ({marks})", tuple(ids))
        by_id = {row[0]: self._quote(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def _idfs(
        self,
        terms: list[str],
        phrases: list[quote_rank.Phrase],
        stats: quote_rank.TableStats | None,
        first_id: int,
        end_id: int,
    ) -> list[float]:
        """Each phrase's idf, from its matches counted up to DF_EXACT (estimated beyond), all
        phrases in one statement."""
        rows = stats.rows if stats else end_id - first_id + 1
        counting = " UNION ALL ".join(
            f"SELECT {i}, count(*), max(id) FROM (SELECT rowid AS id FROM quotes_fts "
            "WHERE quotes_fts MATCH ? LIMIT ?)"
            for i in range(len(terms))
        )
        params: list[Any] = []
        for term, p in zip(terms, phrases, strict=True):
            # The term alone, quoted as in the search: a prefix ("lava"*) or a whole word.
            alone = fts_query([term], match_all=True)
            params += [alone if p.prefix else alone.removesuffix("*"), quote_rank.DF_EXACT]
        idfs = [0.0] * len(terms)
        for i, count, last_id in await self._db.all(counting, tuple(params)):
            matches = quote_rank.estimated_count(int(count), last_id or first_id, first_id, end_id)
            idfs[int(i)] = quote_rank.idf(rows, min(matches, rows))
        return idfs

    # ------------------------------------------------------------------ works and facts

    @cached
    async def work(self, key: str) -> Work | None:
        row = await self._db.one(
            f"""
            SELECT w.key, w.title, w.kind, w.studio, w.status, w.summary, w.excerpt,
                   {_SOURCE_COLUMNS}
            FROM works w JOIN sources s ON s.id = w.source_id WHERE w.key = ?
            """,
            (key,),
        )
        return Work(*row[:7], source=_source(row[7:])) if row else None

    @cached
    async def facts(self, *, work_key: str | None = None, kind: str | None = None) -> list[Fact]:
        # The CASTs give PostgreSQL the parameters' type, which `? IS NULL` alone cannot.
        rows = await self._db.all(
            f"""
            SELECT f.key, w.key, f.kind, f.label, f.value, f.excerpt, {_SOURCE_COLUMNS}
            FROM facts f
            LEFT JOIN works w ON w.id = f.work_id
            JOIN sources s ON s.id = f.source_id
            WHERE (CAST(:work AS TEXT) IS NULL OR w.key = :work)
              AND (CAST(:kind AS TEXT) IS NULL OR f.kind = :kind)
            ORDER BY f.id
            """,
            {"work": work_key, "kind": kind},
        )
        return [Fact(*r[:6], source=_source(r[6:])) for r in rows]

    @cached
    async def work_card(self, key: str) -> WorkCard | None:
        work = await self.work(key)
        if work is None:
            return None
        credit_rows = await self._db.all(
            f"""
            SELECT p.name, w.key, w.title, c.role, c.billing, c.top_billed, c.excerpt,
                   {_SOURCE_COLUMNS}
            FROM credits c
            JOIN works w ON w.id = c.work_id
            JOIN people p ON p.id = c.person_id
            JOIN sources s ON s.id = c.source_id
            WHERE w.key = ? AND c.role != 'cast'
            ORDER BY c.id
            """,
            (key,),
        )
        credits = tuple(
            (r[0], Credit(r[1], r[2], r[3], r[4], bool(r[5]), r[6], _source(r[7:])))
            for r in credit_rows
        )
        return WorkCard(work, credits, tuple(await self.facts(work_key=key)))

    @cached
    async def works(self) -> list[Work]:
        rows = await self._db.all(
            f"""
            SELECT w.key, w.title, w.kind, w.studio, w.status, w.summary, w.excerpt,
                   {_SOURCE_COLUMNS}
            FROM works w JOIN sources s ON s.id = w.source_id ORDER BY w.id
            """
        )
        return [Work(*r[:7], source=_source(r[7:])) for r in rows]
