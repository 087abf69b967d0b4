"""The immutable records (msgspec Structs) the store returns; cogs never see SQL rows."""

from __future__ import annotations

import msgspec

from bot.i18n import N_, _

OUTLET_UNKNOWN = N_("outlet unknown")
DATE_UNKNOWN = N_("date unknown")


class Source(msgspec.Struct, frozen=True):
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


class Work(msgspec.Struct, frozen=True):
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


class Credit(msgspec.Struct, frozen=True):
    work_key: str
    work_title: str | None
    role: str
    billing: int | None
    top_billed: bool
    excerpt: str
    source: Source


class Person(msgspec.Struct, frozen=True):
    id: int
    key: str
    name: str
    about: str | None
    excerpt: str
    source: Source
    aliases: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()


class CastMember(msgspec.Struct, frozen=True):
    person_key: str
    name: str
    billing: int | None
    top_billed: bool
    excerpt: str
    source: Source


class NameMatch(msgspec.Struct, frozen=True):
    person_key: str
    name: str
    matched: str  # the spelling that matched, which may be an alias
    score: float  # higher is better; 1.0 is an exact match


class Quote(msgspec.Struct, frozen=True):
    id: int
    key: str
    speaker: str
    text: str
    context: str | None
    excerpt: str
    source: Source


class Fact(msgspec.Struct, frozen=True):
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


class WorkCard(msgspec.Struct, frozen=True):
    """A work with the people credited on it and the facts about it."""

    work: Work
    credits: tuple[tuple[str, Credit], ...] = ()  # (person name, credit)
    facts: tuple[Fact, ...] = ()

    def facts_of(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]

    def people_with_role(self, role: str) -> list[str]:
        return [name for name, credit in self.credits if credit.role == role]
