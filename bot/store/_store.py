"""The Store: one Database and one repository per feature, built once and handed to the bot."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from ._daily import DailyQuotes
from ._database import Database
from ._excerpts import ExcerptSearch
from ._feeds import FeedsStore
from ._film import FilmData
from ._guild_settings import GuildSettingsStore
from ._lifecycle import Lifecycle
from ._meta import Meta
from ._polls import PollStore
from ._seed import Seeding
from ._seed_types import SeedData, SeedReport
from ._send_pacing import SendPacing
from ._tracker import Tracker
from ._trivia import TriviaStore
from ._watchparty import WatchParties

P = ParamSpec("P")
R = TypeVar("R")


def _film(method: Callable[Concatenate[FilmData, P], R]) -> Callable[Concatenate[Store, P], R]:
    """`store.<method>(...)` runs `store.film.<method>(...)`."""

    @wraps(method)
    def call(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        bound: Callable[P, R] = getattr(self.film, method.__name__)
        return bound(*args, **kwargs)

    return call


class Store:
    """Every repository over one shared Database (connection, transactions, read cache).

    Each feature reads and writes through its own repository (`store.tracker`, `store.daily`,
    `store.trivia`, ...). The film data is what most commands read, so its queries are also
    reachable on the store itself (`store.cast()`, `store.person()`), as before the split.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.film = FilmData(self.database)
        # Every stored excerpt, matched against a message ("Check against the source").
        self.excerpts = ExcerptSearch(self.database, self.film)
        self.tracker = Tracker(self.database)  # sequel news: updates, follows, deliveries
        self.daily = DailyQuotes(self.database)  # quote of the day
        self.trivia = TriviaStore(self.database)
        self.settings = GuildSettingsStore(self.database)  # per-server settings
        # Forgetting a member or a server, across every feature (see _stored_data.py).
        self.lifecycle = Lifecycle(self.database)
        self.polls = PollStore(self.database)  # /poll: native polls and their final votes
        self.meta = Meta(self.database)  # the command-sync fingerprint and other bot metadata
        self.seeding = Seeding(self.database)
        # The pace of broadcast sends, shared by every process on the database.
        self.pacing = SendPacing(self.database)
        self.watch_parties = WatchParties(self.database)  # /watchparty events and premieres
        # Watched news feeds, their items and the review queue (publishes to the tracker).
        self.feeds = FeedsStore(self.database, self.tracker)

    @property
    def engine(self) -> str:
        """'sqlite' or 'postgres'."""
        return self.database.engine

    def bypass_read_cache(self) -> None:
        """Send every read to the database from now on (benchmarks of the queries' own cost)."""
        self.database.bypass_read_cache()

    async def apply_seed(self, seed: SeedData) -> SeedReport:
        return await self.seeding.apply(seed)

    async def get_meta(self, key: str) -> str | None:
        return await self.meta.get(key)

    async def set_meta(self, key: str, value: str) -> None:
        await self.meta.set(key, value)

    async def counts(self) -> dict[str, int]:
        return await self.meta.counts()

    cast = _film(FilmData.cast)
    person = _film(FilmData.person)
    find_people = _film(FilmData.find_people)
    closest_people = _film(FilmData.closest_people)
    quote = _film(FilmData.quote)
    quote_by_id = _film(FilmData.quote_by_id)
    random_quote = _film(FilmData.random_quote)
    all_quotes = _film(FilmData.all_quotes)
    search_quotes = _film(FilmData.search_quotes)
    work = _film(FilmData.work)
    works = _film(FilmData.works)
    work_card = _film(FilmData.work_card)
    facts = _film(FilmData.facts)
