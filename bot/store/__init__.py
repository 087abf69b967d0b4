"""The bot's data layer: one SQLite database, numbered migrations, and every query.

Cogs import from here and never write SQL themselves.
"""

from ._connection import open_store
from ._daily import DailyQuotes
from ._errors import StoreError
from ._guild_settings import GuildSettings, GuildSettingsStore
from ._lifecycle import ForgetReport, Forgotten, Lifecycle
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
from ._stored_data import (
    BOT_TABLES,
    FILM_TABLES,
    STORED_DATA,
    ByParent,
    Forget,
    MemberId,
    StoredData,
    features,
)
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
    PersonName,
    RoundAnswer,
    ScoreEntry,
    TriviaStore,
)

__all__ = [
    "BOT_TABLES",
    "FILM_KEY",
    "FILM_TABLES",
    "SEQUEL_KEY",
    "SEQUEL_STAGES",
    "STAGE_KEYS",
    "STAGE_LABELS",
    "STORED_DATA",
    "AnswerOutcome",
    "AnswerStatus",
    "ByParent",
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
    "Forget",
    "ForgetReport",
    "Forgotten",
    "GuildSettings",
    "GuildSettingsStore",
    "Lifecycle",
    "MemberId",
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
    "StoredData",
    "Tracker",
    "TriviaStore",
    "Work",
    "WorkCard",
    "current_version",
    "features",
    "load_migrations",
    "migrate",
    "open_store",
    "stage_label",
]
