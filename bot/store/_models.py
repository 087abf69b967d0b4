"""Plain dataclasses the store returns; cogs and renderers never see SQL rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import N_, _

OUTLET_UNKNOWN = N_("outlet unknown")
DATE_UNKNOWN = N_("date unknown")


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    outlet: str | None
    url: str | None
    published: str | None

    def citation(self) -> str:
        """'Title — Outlet, date' with unknowns said plainly, in the current language (the title,
        outlet and date themselves as stored)."""
        outlet = self.outlet or _(OUTLET_UNKNOWN)
        date = self.published or _(DATE_UNKNOWN)
        # Translators: a source's citation under a card: {title} and {outlet} as stored.
        return _("{title} — {outlet}, {date}").format(title=self.title, outlet=outlet, date=date)


@dataclass(frozen=True, slots=True)
class Work:
    key: str
    title: str | None
    kind: str
    studio: str | None
    status: str | None
    summary: str | None
    excerpt: str
    source: Source

    @property
    def display_title(self) -> str:
        return self.title or "Untitled (not yet announced)"


@dataclass(frozen=True, slots=True)
class Credit:
    work_key: str
    work_title: str | None
    role: str
    billing: int | None
    top_billed: bool
    excerpt: str
    source: Source


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    key: str
    name: str
    about: str | None
    excerpt: str
    source: Source
    aliases: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()


@dataclass(frozen=True, slots=True)
class CastMember:
    person_key: str
    name: str
    billing: int | None
    top_billed: bool
    excerpt: str
    source: Source


@dataclass(frozen=True, slots=True)
class NameMatch:
    person_key: str
    name: str
    matched: str  # the spelling that matched, which may be an alias
    score: float  # higher is better; 1.0 is an exact match


@dataclass(frozen=True, slots=True)
class Quote:
    id: int
    key: str
    speaker: str
    text: str
    context: str | None
    excerpt: str
    source: Source


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    work_key: str | None
    kind: str
    label: str
    value: str | None  # None: the source says it is not known yet
    excerpt: str
    source: Source

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class WorkCard:
    """A work with the people credited on it and the facts about it."""

    work: Work
    credits: tuple[tuple[str, Credit], ...] = field(default=())  # (person name, credit)
    facts: tuple[Fact, ...] = field(default=())

    def facts_of(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]

    def people_with_role(self, role: str) -> list[str]:
        return [name for name, credit in self.credits if credit.role == role]
