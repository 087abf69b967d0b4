"""The bot's data layer: one database (SQLite or PostgreSQL), numbered migrations, every query.

A `Database` (reads, write transactions, read cache; `_sqlite.py` or `_postgres.py`) is shared by
one repository per feature, each keeping its SQL in one module: `_film.py` (cast, people, works,
facts, quotes), `_tracker.py` (sequel news), `_feeds.py` (watched news feeds), `_daily.py`
(quote of the day), `_trivia.py`, `_guild_settings.py`, `_lifecycle.py` (forgetting), `_meta.py`,
`_seed.py`. Where the engines' SQL differs, both spellings sit side by side in that module
(`Database.dialect`). `Store` holds them all (`store.tracker`, `store.daily`, ...). Features
import from here and never write SQL.
"""

from ._backup import replace_database, sqlite_row_counts, verify_sqlite_file, write_lock_free
from ._checkup import WriteProbe, open_store_unchanged, probe_write, sqlite_integrity
from ._connection import (
    BackupStopped,
    backup_database,
    is_postgres,
    open_store,
    redacted,
    sqlite_path,
)
from ._copy import (
    CopyFailed,
    CopyMismatch,
    CopyOutcome,
    CopyRefused,
    TableCheck,
    copy_database,
    row_counts,
    same_database,
    stored_version,
    table_checksums,
)
from ._daily import DailyQuotes
from ._database import Database, Transaction, Tx
from ._errors import ConstraintError, StoreError, StoreUnavailable
from ._excerpt_match import ExcerptMatch, Passage
from ._excerpts import ExcerptSearch, SourceCheck
from ._feeds import AlreadyInTimeline, Feed, FeedItem, FeedsStore, NewFeedItem
from ._film import FILM_KEY, SEQUEL_KEY, FilmData
from ._guild_settings import GuildSettings, GuildSettingsStore
from ._lifecycle import ForgetReport, Forgotten, Lifecycle
from ._meta import Meta
from ._migrations import current_version, load_migrations, migrate, migrate_postgres
from ._models import CastMember, Credit, Fact, NameMatch, Person, Quote, Source, Work, WorkCard
from ._name_search import MAX_QUERY as MAX_NAME_QUERY
from ._polls import NewPoll, PollAnswer, PollStore, StoredPoll
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
from ._send_pacing import DISCORD as DISCORD_PACE
from ._send_pacing import SendPacing
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
from ._watchparty import NewWatchParty, PremiereSetting, WatchParties, WatchParty

__all__ = [
    "BOT_TABLES",
    "DISCORD_PACE",
    "FILM_KEY",
    "FILM_TABLES",
    "MAX_NAME_QUERY",
    "SEQUEL_KEY",
    "SEQUEL_STAGES",
    "STAGE_KEYS",
    "STAGE_LABELS",
    "STORED_DATA",
    "AlreadyInTimeline",
    "AnswerOutcome",
    "AnswerStatus",
    "BackupStopped",
    "ByParent",
    "CastMember",
    "ConstraintError",
    "CopyFailed",
    "CopyMismatch",
    "CopyOutcome",
    "CopyRefused",
    "Credit",
    "CreditRecord",
    "DailyConfig",
    "DailyPick",
    "DailyQuotes",
    "Database",
    "Delivery",
    "DeliveryCounts",
    "ExcerptMatch",
    "ExcerptSearch",
    "Fact",
    "Feed",
    "FeedItem",
    "FeedsStore",
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
    "NewFeedItem",
    "NewPoll",
    "NewUpdate",
    "NewWatchParty",
    "Passage",
    "Person",
    "PersonName",
    "PollAnswer",
    "PollStore",
    "PremiereSetting",
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
    "SendPacing",
    "SequelUpdate",
    "Source",
    "SourceCheck",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoredData",
    "StoredPoll",
    "TableCheck",
    "Tracker",
    "Transaction",
    "TriviaStore",
    "Tx",
    "WatchParties",
    "WatchParty",
    "Work",
    "WorkCard",
    "WriteProbe",
    "backup_database",
    "copy_database",
    "current_version",
    "features",
    "is_postgres",
    "iso",
    "load_migrations",
    "migrate",
    "migrate_postgres",
    "open_store",
    "open_store_unchanged",
    "parse_iso",
    "probe_write",
    "redacted",
    "replace_database",
    "row_counts",
    "same_database",
    "sqlite_integrity",
    "sqlite_path",
    "sqlite_row_counts",
    "stage_label",
    "stored_version",
    "table_checksums",
    "utcnow",
    "verify_sqlite_file",
    "write_lock_free",
]
