"""Reading data/seed.toml into SeedData, checking every excerpt against its source text."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT
from bot.store import (
    STAGE_KEYS,
    SeedCredit,
    SeedData,
    SeedFact,
    SeedPerson,
    SeedQuote,
    SeedSource,
    SeedUpdate,
    SeedWork,
)

DATA_DIR = PROJECT_ROOT / "data"
SEED_PATH = DATA_DIR / "seed.toml"


class SeedError(Exception):
    """The seed file is malformed or claims something its source does not say."""


def _take(record: Mapping[str, Any], where: str, allowed: set[str], required: set[str]) -> None:
    unknown = set(record) - allowed
    if unknown:
        raise SeedError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = required - set(record)
    if missing:
        raise SeedError(f"{where}: missing field(s) {sorted(missing)}")


class _Checker:
    """Fails loudly when an excerpt is not verbatim in the source it names."""

    def __init__(self, bodies: dict[str, str]) -> None:
        self._bodies = bodies

    def __call__(self, where: str, source: str, *texts: str | None) -> None:
        body = self._bodies.get(source)
        if body is None:
            raise SeedError(f"{where}: unknown source {source!r}")
        for text in texts:
            if text is not None and text not in body:
                raise SeedError(f"{where}: not found verbatim in source {source!r}: {text[:80]!r}")


def load_seed(path: Path = SEED_PATH) -> SeedData:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SeedError(f"{path}: {exc}") from exc

    sources: list[SeedSource] = []
    for i, rec in enumerate(raw.get("sources", [])):
        where = f"sources[{i}]"
        _take(
            rec,
            where,
            {"key", "file", "title", "outlet", "outlet_excerpt", "url", "published"},
            {"key", "file", "title"},
        )
        body = (path.parent / rec["file"]).read_text("utf-8")
        if rec.get("outlet") and rec.get("outlet_excerpt", "") not in body:
            raise SeedError(f"{where}: the outlet must rest on an excerpt found in the source")
        sources.append(
            SeedSource(
                rec["key"],
                rec["title"],
                body,
                rec.get("outlet"),
                rec.get("url"),
                rec.get("published"),
            )
        )
    if not sources:
        raise SeedError(f"{path}: no [[sources]]")
    check = _Checker({s.key: s.body for s in sources})

    works = []
    for i, rec in enumerate(raw.get("works", [])):
        where = f"works[{i}]"
        _take(
            rec,
            where,
            {"key", "title", "kind", "studio", "status", "summary", "excerpt", "source"},
            {"key", "kind", "excerpt"},
        )
        check(where, rec.get("source", "article"), rec["excerpt"])
        works.append(SeedWork(**rec))

    people: list[SeedPerson] = []
    credits: list[SeedCredit] = []
    for i, rec in enumerate(raw.get("people", [])):
        where = f"people[{i}]"
        _take(
            rec,
            where,
            {"key", "name", "aliases", "about", "excerpt", "source"},
            {"key", "name", "excerpt"},
        )
        check(where, rec.get("source", "article"), rec["excerpt"])
        people.append(SeedPerson(**{**rec, "aliases": tuple(rec.get("aliases", ()))}))

    billing = 0
    for i, group in enumerate(raw.get("cast", [])):
        where = f"cast[{i}]"
        _take(
            group,
            where,
            {"work", "top_billed", "about", "excerpt", "names", "source"},
            {"work", "excerpt", "names"},
        )
        source = group.get("source", "article")
        check(where, source, group["excerpt"])
        for j, member in enumerate(group["names"]):
            member_where = f"{where}.names[{j}]"
            _take(member, member_where, {"key", "name", "aliases", "printed"}, {"key", "name"})
            printed = member.get("printed", member["name"])
            if printed not in group["excerpt"]:
                raise SeedError(f"{member_where}: {printed!r} is not printed in the excerpt")
            billing += 1
            people.append(
                SeedPerson(
                    member["key"],
                    member["name"],
                    group["excerpt"],
                    group.get("about"),
                    tuple(member.get("aliases", ())),
                    source,
                )
            )
            credits.append(
                SeedCredit(
                    group["work"],
                    member["key"],
                    "cast",
                    group["excerpt"],
                    billing,
                    bool(group.get("top_billed", False)),
                    source,
                )
            )

    for i, rec in enumerate(raw.get("credits", [])):
        where = f"credits[{i}]"
        _take(
            rec,
            where,
            {"work", "person", "roles", "excerpt", "source"},
            {"work", "person", "roles", "excerpt"},
        )
        check(where, rec.get("source", "article"), rec["excerpt"])
        for role in rec["roles"]:
            credits.append(
                SeedCredit(
                    rec["work"],
                    rec["person"],
                    role,
                    rec["excerpt"],
                    source=rec.get("source", "article"),
                )
            )

    quotes = []
    for i, rec in enumerate(raw.get("quotes", [])):
        where = f"quotes[{i}]"
        _take(
            rec,
            where,
            {"key", "person", "text", "context", "excerpt", "source"},
            {"key", "person", "text", "excerpt"},
        )
        check(where, rec.get("source", "article"), rec["excerpt"], rec["text"])
        if rec["text"] not in rec["excerpt"]:
            raise SeedError(f"{where}: the quote text must lie within its excerpt")
        quotes.append(SeedQuote(**rec))

    facts = []
    for i, rec in enumerate(raw.get("facts", [])):
        where = f"facts[{i}]"
        _take(
            rec,
            where,
            {"key", "work", "kind", "label", "value", "excerpt", "source"},
            {"key", "kind", "label", "excerpt"},
        )
        check(where, rec.get("source", "article"), rec["excerpt"])
        facts.append(SeedFact(**rec))

    updates = []
    for i, rec in enumerate(raw.get("updates", [])):
        where = f"updates[{i}]"
        _take(
            rec,
            where,
            {"key", "headline", "text", "excerpt", "stage", "published", "source"},
            {"key", "headline", "text", "excerpt"},
        )
        # The text may be several verbatim passages (a list), shown as paragraphs.
        parts = rec["text"] if isinstance(rec["text"], list) else [rec["text"]]
        check(where, rec.get("source", "article"), rec["excerpt"], rec["headline"], *parts)
        stage = rec.get("stage")
        if stage is not None and stage not in STAGE_KEYS:
            raise SeedError(f"{where}: unknown stage {stage!r}; one of {', '.join(STAGE_KEYS)}")
        updates.append(SeedUpdate(**{**rec, "text": "\n\n".join(parts)}))

    keys = [p.key for p in people]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise SeedError(f"{path}: duplicate people keys {sorted(duplicates)}")

    return SeedData(
        tuple(sources),
        tuple(works),
        tuple(people),
        tuple(credits),
        tuple(quotes),
        tuple(facts),
        updates=tuple(updates),
    )
