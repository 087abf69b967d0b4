"""The shape of seed data handed to `Store.apply_seed` (parsed by bot.seed from data/seed.toml)."""

from __future__ import annotations

import msgspec


class SeedSource(msgspec.Struct, frozen=True):
    key: str
    title: str
    body: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


class SeedWork(msgspec.Struct, frozen=True):
    key: str
    kind: str
    excerpt: str
    title: str | None = None
    studio: str | None = None
    status: str | None = None
    summary: str | None = None
    source: str = "article"


class SeedPerson(msgspec.Struct, frozen=True):
    key: str
    name: str
    excerpt: str
    about: str | None = None
    aliases: tuple[str, ...] = ()
    source: str = "article"


class SeedCredit(msgspec.Struct, frozen=True):
    work: str
    person: str
    role: str
    excerpt: str
    billing: int | None = None
    top_billed: bool = False
    source: str = "article"


class SeedQuote(msgspec.Struct, frozen=True):
    key: str
    person: str
    text: str
    excerpt: str
    context: str | None = None
    source: str = "article"


class SeedFact(msgspec.Struct, frozen=True):
    key: str
    kind: str
    label: str
    excerpt: str
    work: str | None = None
    value: str | None = None
    source: str = "article"


class SeedUpdate(msgspec.Struct, frozen=True):
    """A sequel-tracker timeline entry taken from a source (its text is verbatim)."""

    key: str
    headline: str
    text: str
    excerpt: str
    stage: str | None = None
    published: str | None = None  # 'YYYY-MM-DD'; None: date unknown
    source: str = "article"


class SeedData(msgspec.Struct, frozen=True):
    sources: tuple[SeedSource, ...]
    works: tuple[SeedWork, ...] = ()
    people: tuple[SeedPerson, ...] = ()
    credits: tuple[SeedCredit, ...] = ()
    quotes: tuple[SeedQuote, ...] = ()
    facts: tuple[SeedFact, ...] = ()
    updates: tuple[SeedUpdate, ...] = ()


class SeedReport(msgspec.Struct):
    """What one seeding pass did; `kept` counts rows left alone because people edited them."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    details: list[str] = msgspec.field(default_factory=list)
