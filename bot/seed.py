"""Reading data/seed.toml into SeedData, checking every excerpt against its source text."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import msgspec

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

# The top-level data/ folder, shipped as the package `heroes_data` (pyproject.toml): read as a
# package resource, it is found in a source checkout and in an installed bot alike.
DATA_DIR: Traversable = files("heroes_data")
SEED_PATH: Traversable = DATA_DIR / "seed.toml"
DEFAULT_SOURCE = "article"

# The only fact labels that need not be the source's own words: names of a field, reviewed one
# by one, none of them a claim ("Stage: In development" claims only what the value says).
# "Why a sequel" is the article's own link: "After the movie became a runaway hit …, Ted Sarandos
# and company have given Robert Rodriguez the resources necessary to write and direct a follow-up."
LABELS = frozenset(
    {"Stage", "Title", "Production start", "Release date", "Why a sequel", "Where to watch"}
)


def _data_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """(relative name, file) for every data file under `folder`, in a stable order: the seed
    and every source text it may name (never Python's own files)."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = prefix + entry.name
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _data_files(entry, name + "/")
        elif not entry.name.endswith((".py", ".pyc")):
            yield name, entry


def seed_digest(path: Path | None = None) -> str:
    """A hash of the seed's text: the seed file and every file beside it that a source may name
    (load_seed's folder; any other file there only costs a needless apply when it changes).
    Reading bytes is all it does, so a start whose seed is unchanged
    (Seeding.is_applied) neither parses nor checks it."""
    folder = DATA_DIR if path is None else path.parent
    digest = hashlib.sha256()
    for name, entry in _data_files(folder):
        body = entry.read_bytes()
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()


class SeedError(Exception):
    """The seed file is malformed or claims something its source does not say."""


def _take(record: Mapping[str, Any], where: str, allowed: set[str], required: set[str]) -> None:
    unknown = set(record) - allowed
    if unknown:
        raise SeedError(f"{where}: unknown field(s) {sorted(unknown)}")
    missing = required - set(record)
    if missing:
        raise SeedError(f"{where}: missing field(s) {sorted(missing)}")


def said_in(value: str, excerpt: str) -> bool:
    """True when `value` is words of `excerpt` (letter case and spacing aside)."""
    return " ".join(value.split()).casefold() in " ".join(excerpt.split()).casefold()


def _check_said(where: str, record: Any, fields: tuple[str, ...]) -> None:
    """Every value a card shows as fact is said by the record's own excerpt."""
    for name in fields:
        value = getattr(record, name)
        if value is not None and not said_in(value, record.excerpt):
            raise SeedError(
                f"{where}: {name} {value!r} is not said by its excerpt; use the source's words"
            )


def _check_claims(data: SeedData) -> None:
    quotes = [q.text for q in data.quotes]
    for i, work in enumerate(data.works):
        _check_said(f"works[{i}]", work, ("title", "studio", "status", "summary"))
        if any(work.excerpt in text for text in quotes):
            # Only named inside someone's words ("a Desperado character"): not a title the
            # source lists.
            raise SeedError(f"works[{i}]: {work.title!r} is named only inside a quote")
    for person in data.people:
        _check_said(f"people {person.key!r}", person, ("name", "about"))
    for i, fact in enumerate(data.facts):
        _check_said(f"facts[{i}]", fact, ("value",))
        if fact.label not in LABELS and not said_in(fact.label, fact.excerpt):
            raise SeedError(
                f"facts[{i}]: label {fact.label!r} is neither the excerpt's words nor one of "
                f"the reviewed labels {sorted(LABELS)}"
            )


def _fields_of(cls: type) -> tuple[set[str], set[str]]:
    """(every field, the fields without a default) of a seed record (a msgspec Struct)."""
    fields = msgspec.structs.fields(cls)
    return {f.name for f in fields}, {f.name for f in fields if f.required}


class _Reader:
    """Walks the raw seed sections, failing loudly on unknown or missing fields and on any
    text that is not verbatim in the source it names."""

    def __init__(self, raw: Mapping[str, Any], bodies: dict[str, str]) -> None:
        self._raw = raw
        self._bodies = bodies

    def check(self, where: str, source: str, *texts: str | None) -> None:
        body = self._bodies.get(source)
        if body is None:
            raise SeedError(f"{where}: unknown source {source!r}")
        for text in texts:
            if text is not None and text not in body:
                raise SeedError(f"{where}: not found verbatim in source {source!r}: {text[:80]!r}")

    def records(
        self,
        section: str,
        allowed: set[str],
        required: set[str],
        verbatim: tuple[str, ...] = ("excerpt",),
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(where, record) for each record of `section`, its `verbatim` fields checked."""
        for i, record in enumerate(self._raw.get(section, [])):
            where = f"{section}[{i}]"
            _take(record, where, allowed, required)
            source = record.get("source", DEFAULT_SOURCE)
            self.check(where, source, *(record.get(name) for name in verbatim))
            yield where, record

    def plain(self, section: str, cls: type, verbatim: tuple[str, ...] = ("excerpt",)) -> list:
        """Records whose fields are exactly the record type's."""
        allowed, required = _fields_of(cls)
        return [cls(**record) for _, record in self.records(section, allowed, required, verbatim)]


def _sources(raw: Mapping[str, Any], folder: Traversable) -> list[SeedSource]:
    sources = []
    for i, rec in enumerate(raw.get("sources", [])):
        where = f"sources[{i}]"
        _take(
            rec,
            where,
            {"key", "file", "title", "outlet", "outlet_excerpt", "url", "published"},
            {"key", "file", "title"},
        )
        body = (folder / rec["file"]).read_text("utf-8")
        if rec.get("outlet") and rec.get("outlet_excerpt", "") not in body:
            raise SeedError(f"{where}: the outlet must rest on an excerpt found in the source")
        sources.append(
            SeedSource(
                rec["key"], rec["title"], body, rec.get("outlet"), rec.get("url"),
                rec.get("published"),
            )
        )  # fmt: skip
    return sources


def _cast(reader: _Reader) -> tuple[list[SeedPerson], list[SeedCredit]]:
    """The cast groups: each name becomes a person and a billed credit, in printed order."""
    people: list[SeedPerson] = []
    credits: list[SeedCredit] = []
    allowed = {"work", "top_billed", "about", "excerpt", "names", "source"}
    for where, group in reader.records("cast", allowed, {"work", "excerpt", "names"}):
        source = group.get("source", DEFAULT_SOURCE)
        for j, member in enumerate(group["names"]):
            member_where = f"{where}.names[{j}]"
            _take(member, member_where, {"key", "name", "aliases", "printed"}, {"key", "name"})
            printed = member.get("printed", member["name"])
            if printed not in group["excerpt"]:
                raise SeedError(f"{member_where}: {printed!r} is not printed in the excerpt")
            aliases = tuple(member.get("aliases", ()))
            people.append(
                SeedPerson(
                    member["key"], member["name"], group["excerpt"], group.get("about"),
                    aliases, source,
                )
            )  # fmt: skip
            credits.append(
                SeedCredit(
                    group["work"], member["key"], "cast", group["excerpt"], len(credits) + 1,
                    bool(group.get("top_billed", False)), source,
                )
            )  # fmt: skip
    return people, credits


def _read_toml(seed: Traversable) -> dict[str, Any]:
    import tomllib  # here: a start whose seed is unchanged never parses it

    try:
        return tomllib.loads(seed.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SeedError(f"{seed}: {exc}") from exc


def load_seed(path: Path | None = None) -> SeedData:
    """The seed at `path` (its sources named relative to its folder), by default the one
    shipped with the bot; every excerpt is checked against its source text."""
    seed, folder = (SEED_PATH, DATA_DIR) if path is None else (path, path.parent)
    raw = _read_toml(seed)
    sources = _sources(raw, folder)
    if not sources:
        raise SeedError(f"{seed}: no [[sources]]")
    reader = _Reader(raw, {s.key: s.body for s in sources})

    works = reader.plain("works", SeedWork)
    facts = reader.plain("facts", SeedFact)
    quotes = reader.plain("quotes", SeedQuote, verbatim=("excerpt", "text", "context"))
    for i, quote in enumerate(quotes):
        if quote.text not in quote.excerpt:
            raise SeedError(f"quotes[{i}]: the quote text must lie within its excerpt")

    allowed, required = _fields_of(SeedPerson)
    people = [
        SeedPerson(**{**rec, "aliases": tuple(rec.get("aliases", ()))})
        for _, rec in reader.records("people", allowed, required)
    ]
    cast_people, credits = _cast(reader)
    people += cast_people

    allowed = {"work", "person", "roles", "excerpt", "source"}
    for _, rec in reader.records("credits", allowed, allowed - {"source"}):
        source = rec.get("source", DEFAULT_SOURCE)
        credits += [
            SeedCredit(rec["work"], rec["person"], role, rec["excerpt"], source=source)
            for role in rec["roles"]
        ]

    updates = []
    allowed, required = _fields_of(SeedUpdate)
    for where, rec in reader.records("updates", allowed, required, ("excerpt", "headline")):
        # The text may be several verbatim passages (a list), shown as paragraphs.
        parts = rec["text"] if isinstance(rec["text"], list) else [rec["text"]]
        reader.check(where, rec.get("source", DEFAULT_SOURCE), *parts)
        stage = rec.get("stage")
        if stage is not None and stage not in STAGE_KEYS:
            raise SeedError(f"{where}: unknown stage {stage!r}; one of {', '.join(STAGE_KEYS)}")
        updates.append(SeedUpdate(**{**rec, "text": "\n\n".join(parts)}))

    keys = [p.key for p in people]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise SeedError(f"{seed}: duplicate people keys {sorted(duplicates)}")

    data = SeedData(
        tuple(sources), tuple(works), tuple(people), tuple(credits), tuple(quotes), tuple(facts),
        updates=tuple(updates),
    )  # fmt: skip
    _check_claims(data)
    return data
