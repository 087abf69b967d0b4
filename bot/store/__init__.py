"""The bot's data layer: one SQLite database, numbered migrations, and every query.

A `Database` (the connection, its transactions and read cache) is shared by one repository per
feature, each keeping its SQL in one module: `_film.py` (cast, people, works, facts, quotes),
`_tracker.py` (sequel news), `_daily.py` (quote of the day), `_trivia.py`, `_guild_settings.py`,
`_lifecycle.py` (forgetting), `_meta.py`, `_seed.py`. `Store` holds them all (`store.tracker`,
`store.daily`, ...). SQLite-specific SQL: `BEGIN IMMEDIATE` in `_database.py`, FTS5 in
`_film.py` and migration 4. Features import from here and never write SQL themselves.
"""

from ._connection import backup_database, open_store
from ._daily import DailyQuotes
from ._database import Database, Transaction
from ._errors import StoreError
from ._film import FILM_KEY, SEQUEL_KEY, FilmData
from ._guild_settings import GuildSettings, GuildSettingsStore
from ._lifecycle import ForgetReport, Forgotten, Lifecycle
from ._meta import Meta
from ._migrations import current_version, load_migrations, migrate
from ._models import CastMember, Credit, Fact, NameMatch, Person, Quote, Source, Work, WorkCard
from ._name_search import MAX_QUERY as MAX_NAME_QUERY
from ._seed import Seeding
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
from ._store import Store
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
from ._times import iso, parse_iso, utcnow
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
    "MAX_NAME_QUERY",
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
    "Database",
    "Delivery",
    "DeliveryCounts",
    "Fact",
    "FilmData",
    "Follow",
    "Forget",
    "ForgetReport",
    "Forgotten",
    "GuildSettings",
    "GuildSettingsStore",
    "Lifecycle",
    "MemberId",
    "Meta",
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
    "Seeding",
    "SequelUpdate",
    "Source",
    "Store",
    "StoreError",
    "StoredData",
    "Tracker",
    "Transaction",
    "TriviaStore",
    "Work",
    "WorkCard",
    "backup_database",
    "current_version",
    "features",
    "iso",
    "load_migrations",
    "migrate",
    "open_store",
    "parse_iso",
    "stage_label",
    "utcnow",
]
