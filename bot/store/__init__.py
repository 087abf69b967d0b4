"""The bot's data layer: one SQLite database, numbered migrations, and every query.

Cogs import from here and never write SQL themselves.
"""

from ._connection import open_store
from ._daily import DailyQuotes
from ._errors import StoreError
from ._guild_settings import GuildSettings, GuildSettingsStore
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
    SeedUpdate,
    SeedWork,
)
from ._store import FILM_KEY, SEQUEL_KEY, Store
from ._tracker import Tracker
from ._tracker_models import (
    SEQUEL_STAGES,
    STAGE_KEYS,
    STAGE_LABELS,
    DailyConfig,
    DailyPick,
    Delivery,
    DeliveryCounts,
    Follow,
    NewUpdate,
    SequelUpdate,
    stage_label,
)
from ._trivia import (
    AnswerOutcome,
    AnswerStatus,
    CreditRecord,
    ForgetReport,
    PersonName,
    RoundAnswer,
    ScoreEntry,
    TriviaStore,
)

__all__ = [
    "FILM_KEY",
    "SEQUEL_KEY",
    "SEQUEL_STAGES",
    "STAGE_KEYS",
    "STAGE_LABELS",
    "AnswerOutcome",
    "AnswerStatus",
    "CastMember",
    "Credit",
    "CreditRecord",
    "DailyConfig",
    "DailyPick",
    "DailyQuotes",
    "Delivery",
    "DeliveryCounts",
    "Fact",
    "Follow",
    "ForgetReport",
    "GuildSettings",
    "GuildSettingsStore",
    "NameMatch",
    "NewUpdate",
    "Person",
    "PersonName",
    "Quote",
    "RoundAnswer",
    "ScoreEntry",
    "SeedCredit",
    "SeedData",
    "SeedFact",
    "SeedPerson",
    "SeedQuote",
    "SeedReport",
    "SeedSource",
    "SeedUpdate",
    "SeedWork",
    "SequelUpdate",
    "Source",
    "Store",
    "StoreError",
    "Tracker",
    "TriviaStore",
    "Work",
    "WorkCard",
    "current_version",
    "load_migrations",
    "migrate",
    "open_store",
    "stage_label",
]
