"""The film data repository: cast, people, quotes, works and facts, with their sources.

SQLite-specific: `search_quotes` ranks with FTS5 (`quotes_fts MATCH`, `bm25`), see migration 4.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.text import fold, fts_query, search_terms

from ._cache import cached
from ._database import Database, Repository
from ._models import CastMember, Credit, Fact, NameMatch, Person, Quote, Source, Work, WorkCard
from ._name_search import NameIndex, capped

FILM_KEY = "we-can-be-heroes"
SEQUEL_KEY = "sequel"

_SOURCE_COLUMNS = "s.key, s.title, s.outlet, s.url, s.published"


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

    # ------------------------------------------------------------------ people and cast

    @cached
    async def cast(self, work_key: str = FILM_KEY, *, limit: int = -1) -> list[CastMember]:
        """The cast of a work in billing order (top-billed first, as the source prints it)."""
        rows = await self._db.all(
            f"""
            SELECT p.key, p.name, c.billing, c.top_billed, c.excerpt, {_SOURCE_COLUMNS}
            FROM credits c
            JOIN works w ON w.id = c.work_id
            JOIN people p ON p.id = c.person_id
            JOIN sources s ON s.id = c.source_id
            WHERE w.key = ? AND c.role = 'cast'
            ORDER BY c.top_billed DESC, c.billing IS NULL, c.billing, p.name
            LIMIT ?
            """,
            (work_key, limit),
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
            "SELECT name FROM person_names WHERE person_id = ? AND is_alias = 1 ORDER BY name",
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
        rows = await self._db.all(
            """
            SELECT p.key, p.name, n.name,
                   CASE WHEN n.folded = :q THEN 0
                        WHEN n.folded LIKE :q || '%' ESCAPE '\\' THEN 1
                        WHEN n.folded LIKE '% ' || :q || '%' ESCAPE '\\' THEN 2
                        ELSE 3 END AS rank
            FROM person_names n
            JOIN people p ON p.id = n.person_id
            LEFT JOIN credits c ON c.person_id = p.id AND c.role = 'cast'
            WHERE instr(n.folded, :q) > 0
            ORDER BY rank, c.top_billed DESC, c.billing IS NULL, c.billing, p.name
            LIMIT :scan
            """,
            {"q": folded, "scan": limit * 4},
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
        """The names in memory, reloaded only when person_names changed (in any process)."""
        row = await self._db.one("SELECT count(*), coalesce(max(rowid), 0) FROM person_names")
        signature = (int(row[0]), int(row[1])) if row else (0, 0)
        if self._names is None or self._names.signature != signature:
            rows = await self._db.all(
                "SELECT p.key, p.name, n.name, n.folded FROM person_names n "
                "JOIN people p ON p.id = n.person_id ORDER BY n.rowid"
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
        row = await self._db.one(
            self._QUOTE_SELECT
            + """
            WHERE q.id >= (SELECT min(id) + abs(random()) % (max(id) - min(id) + 1) FROM quotes)
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

        Every word must match if any quote has them all; otherwise any word may. With
        `candidates` (suggestions as the member types), only that many matches (the oldest quotes
        first) are ranked, and the words before the last are whole words: each keystroke stays
        fast however many quotes match a first letter.
        """
        terms = search_terms(text)
        if not terms:
            return []
        limit = max(1, min(limit, 25))
        if candidates is None:
            ranked = """
                JOIN quotes_fts f ON f.rowid = q.id
                WHERE quotes_fts MATCH ?
                ORDER BY bm25(quotes_fts, 4.0, 1.0), q.id
                LIMIT ?
                """
            params: tuple[Any, ...] = (limit,)
        else:
            ranked = """
                JOIN (SELECT rowid AS id, bm25(quotes_fts, 4.0, 1.0) AS score FROM quotes_fts
                      WHERE quotes_fts MATCH ? LIMIT ?) f ON f.id = q.id
                ORDER BY f.score, q.id
                LIMIT ?
                """
            params = (max(candidates, limit), limit)
        for match_all in (True, False) if len(terms) > 1 else (True,):
            rows = await self._db.all(
                self._QUOTE_SELECT + ranked,
                (
                    fts_query(terms, match_all=match_all, last_prefix_only=candidates is not None),
                    *params,
                ),
            )
            if rows:
                return [self._quote(r) for r in rows]
        return []

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
        rows = await self._db.all(
            f"""
            SELECT f.key, w.key, f.kind, f.label, f.value, f.excerpt, {_SOURCE_COLUMNS}
            FROM facts f
            LEFT JOIN works w ON w.id = f.work_id
            JOIN sources s ON s.id = f.source_id
            WHERE (:work IS NULL OR w.key = :work) AND (:kind IS NULL OR f.kind = :kind)
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
