"""The bot's data layer: one SQLite database, numbered migrations, and every query.

Cogs import from here and never write SQL themselves.
"""

from ._connection import open_store
from ._errors import StoreError
from ._migrations import current_version, load_migrations, migrate
from ._models import CastMember, Credit, Fact, NameMatch, Person, Quote, Source, Work, WorkCard
from ._seed_types import (
    SeedCredit,
    SeedData,
    SeedFact,
    SeedPerson,
    SeedQuote,
    SeedReport,
    SeedSource,
    SeedWork,
)
from ._store import FILM_KEY, SEQUEL_KEY, Store

__all__ = [
    "FILM_KEY",
    "SEQUEL_KEY",
    "CastMember",
    "Credit",
    "Fact",
    "NameMatch",
    "Person",
    "Quote",
    "SeedCredit",
    "SeedData",
    "SeedFact",
    "SeedPerson",
    "SeedQuote",
    "SeedReport",
    "SeedSource",
    "SeedWork",
    "Source",
    "Store",
    "StoreError",
    "Work",
    "WorkCard",
    "current_version",
    "load_migrations",
    "migrate",
    "open_store",
]
