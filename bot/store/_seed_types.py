"""The shape of seed data handed to `Store.apply_seed` (parsed by bot.seed from data/seed.toml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SeedSource:
    key: str
    title: str
    body: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class SeedWork:
    key: str
    kind: str
    excerpt: str
    title: str | None = None
    studio: str | None = None
    status: str | None = None
    summary: str | None = None
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedPerson:
    key: str
    name: str
    excerpt: str
    about: str | None = None
    aliases: tuple[str, ...] = ()
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedCredit:
    work: str
    person: str
    role: str
    excerpt: str
    billing: int | None = None
    top_billed: bool = False
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedQuote:
    key: str
    person: str
    text: str
    excerpt: str
    context: str | None = None
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedFact:
    key: str
    kind: str
    label: str
    excerpt: str
    work: str | None = None
    value: str | None = None
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedUpdate:
    """A sequel-tracker timeline entry taken from a source (its text is verbatim)."""

    key: str
    headline: str
    text: str
    excerpt: str
    stage: str | None = None
    published: str | None = None  # 'YYYY-MM-DD'; None: date unknown
    source: str = "article"


@dataclass(frozen=True, slots=True)
class SeedData:
    sources: tuple[SeedSource, ...]
    works: tuple[SeedWork, ...] = ()
    people: tuple[SeedPerson, ...] = ()
    credits: tuple[SeedCredit, ...] = ()
    quotes: tuple[SeedQuote, ...] = ()
    facts: tuple[SeedFact, ...] = ()
    updates: tuple[SeedUpdate, ...] = ()


@dataclass(slots=True)
class SeedReport:
    """What one seeding pass did; `kept` counts rows left alone because people edited them."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    details: list[str] = field(default_factory=list)
