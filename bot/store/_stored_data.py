"""What the bot stores about members and servers, declared once per table.

Feature names, `what` and `forgotten` are English, marked for translation (`N_`): /about
and /trivia forget-me translate them where they are shown.

These declarations drive deleting (`Lifecycle.forget_member`, `Lifecycle.forget_guild`) and the
privacy text of /about, so what the bot says it keeps and what it deletes cannot drift apart.
A test reads the migrated schema and fails if a table, or a column holding a Discord id, is not
covered here: a new table must be declared before it can ship.
"""

from __future__ import annotations

import enum
import re

import msgspec

from bot.i18n import N_

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


class Forget(enum.Enum):
    """How a row naming a member is forgotten when they ask."""

    DELETE_ROW = "delete"  # the row is about the member (a score): it goes
    CLEAR_ID = "clear"  # the row is the server's (a setting): only the member's id is removed


class MemberId(msgspec.Struct, frozen=True):
    """A column holding a member's user id."""

    column: str
    forget: Forget
    forgotten: str  # what /trivia forget-me reports as gone, e.g. "your trivia score"


class ByParent(msgspec.Struct, frozen=True):
    """Rows that belong to a server through a parent row (`column` references `table`.`key`)."""

    column: str
    table: str
    key: str = "id"


class StoredData(msgspec.Struct, frozen=True):
    """One table that holds something about a member or a server."""

    feature: str  # the feature that keeps it, as /about groups it
    table: str
    what: str  # plain language, shown in /about
    server: str | ByParent | None  # where the server id is; None: not kept per server
    members: tuple[MemberId, ...] = ()
    # Other Discord ids (channel, role, message): they belong to the server and go with its rows.
    server_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Table and column names are put into SQL text: only plain identifiers are accepted.
        server = self.server
        parent = (server.column, server.table, server.key) if isinstance(server, ByParent) else ()
        names = (self.table, *parent, *(m.column for m in self.members), *self.server_ids)
        if isinstance(server, str):
            names += (server,)
        for name in names:
            if not _IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a plain SQL identifier: {name!r}")

    @property
    def id_columns(self) -> frozenset[str]:
        """Every column of this table the declaration accounts for as holding a Discord id."""
        columns = {m.column for m in self.members} | set(self.server_ids)
        if isinstance(self.server, str):
            columns.add(self.server)
        elif isinstance(self.server, ByParent):
            columns.add(self.server.column)
        return frozenset(columns)


TRIVIA = N_("Trivia")
SEQUEL_NEWS = N_("Sequel news")
QUOTE_OF_THE_DAY = N_("Quote of the day")
SERVER_SETTINGS = N_("Server settings")
POLLS = N_("Polls")
WATCH_PARTIES = N_("Watch parties")
NEWS_FEEDS = N_("News feeds")

STORED_DATA: tuple[StoredData, ...] = (
    StoredData(
        TRIVIA,
        "trivia_scores",
        N_(
            "per server: your user id, the display name you had when you last answered, your "
            "points, and how many questions you answered and got right"
        ),
        server="guild_id",
        members=(
            MemberId("user_id", Forget.DELETE_ROW, N_("your trivia score and the name it showed")),
        ),
    ),
    StoredData(
        TRIVIA,
        "trivia_answers",
        N_("your user id and answer to a question while it is open (deleted when it closes)"),
        server=ByParent("round_id", "trivia_rounds"),
        members=(MemberId("user_id", Forget.DELETE_ROW, N_("your answer to an open question")),),
    ),
    StoredData(
        TRIVIA,
        "trivia_rounds",
        N_("each question asked: the server, the channel, which question and when"),
        server="guild_id",
        server_ids=("channel_id",),
    ),
    StoredData(
        SEQUEL_NEWS,
        "sequel_follows",
        N_(
            "per server: the channel and role news goes to, the user id of the member who set it "
            "up, and whether they could mention that role"
        ),
        server="guild_id",
        members=(
            MemberId(
                "followed_by",
                Forget.CLEAR_ID,
                N_("your user id on the sequel-news setting you made (the setting stays)"),
            ),
        ),
        server_ids=("channel_id", "role_id"),
    ),
    StoredData(
        SEQUEL_NEWS,
        "sequel_deliveries",
        N_("each news post to a server: its channel, role and message ids and whether it was sent"),
        server="guild_id",
        server_ids=("channel_id", "role_id", "message_id"),
    ),
    StoredData(
        SEQUEL_NEWS,
        "sequel_updates",
        N_("the user id of the bot owner who added a news update from Discord"),
        server=None,
        members=(
            MemberId(
                "added_by",
                Forget.CLEAR_ID,
                N_("your user id on news updates you added (the updates stay)"),
            ),
        ),
    ),
    StoredData(
        QUOTE_OF_THE_DAY,
        "quote_daily",
        N_("per server: the channel, time and timezone, and the user id of the member who set it"),
        server="guild_id",
        members=(
            MemberId(
                "configured_by",
                Forget.CLEAR_ID,
                N_("your user id on the quote-of-the-day setting you made (the setting stays)"),
            ),
        ),
        server_ids=("channel_id",),
    ),
    StoredData(
        QUOTE_OF_THE_DAY,
        "quote_daily_history",
        N_("which quote each server was shown on which day, and the message id of the post"),
        server="guild_id",
        server_ids=("message_id",),
    ),
    StoredData(
        SERVER_SETTINGS,
        "guild_settings",
        N_(
            "per server: whether replies are public or private by default, the cards' style, "
            "and the language of its posts"
        ),
        server="guild_id",
    ),
    StoredData(
        WATCH_PARTIES,
        "watch_parties",
        N_(
            "per server: each event the bot scheduled (its Discord id, title, channel or location, "
            "times) and the user id of the member who asked for it"
        ),
        server="guild_id",
        members=(
            MemberId(
                "created_by",
                Forget.CLEAR_ID,
                N_("your user id on watch parties you scheduled (the events stay)"),
            ),
        ),
        server_ids=("event_id", "channel_id"),
    ),
    StoredData(
        WATCH_PARTIES,
        "watch_party_premieres",
        N_(
            "per server: whether a premiere event is wanted, whether it was made and why not, and "
            "the user id of the member who turned it on"
        ),
        server="guild_id",
        members=(
            MemberId(
                "set_by",
                Forget.CLEAR_ID,
                N_("your user id on the premiere setting you made (the setting stays)"),
            ),
        ),
        server_ids=("event_id",),
    ),
    StoredData(
        POLLS,
        "polls",
        N_(
            "each poll posted with /poll cast: the channel and message ids, the question, when it "
            "ends, and the user id of the member who posted it"
        ),
        server="guild_id",
        members=(
            MemberId(
                "created_by",
                Forget.CLEAR_ID,
                N_("your user id on polls you posted (the polls and their votes stay)"),
            ),
        ),
        server_ids=("channel_id", "message_id"),
    ),
    StoredData(
        POLLS,
        "poll_answers",
        N_(
            "each poll's answers (names from the cast) and, once it has ended, Discord's count of "
            "votes for each (no member's vote is stored)"
        ),
        server=ByParent("message_id", "polls", key="message_id"),
        server_ids=("message_id",),
    ),
    # The feed watcher (issue 17) is the bot owners' tool: nothing in it is kept per server.
    StoredData(
        NEWS_FEEDS,
        "feeds",
        N_("each news feed the bot owners watch, and the user id of the owner who added it"),
        server=None,
        members=(
            MemberId(
                "added_by",
                Forget.CLEAR_ID,
                N_("your user id on feeds you added"),
            ),
        ),
    ),
    StoredData(
        NEWS_FEEDS,
        "feed_items",
        N_(
            "each item a watched feed served, whether it was published, and the user id of the "
            "bot owner who published or rejected it"
        ),
        server=None,
        members=(
            MemberId(
                "reviewed_by",
                Forget.CLEAR_ID,
                N_("your user id on feed reviews"),
            ),
        ),
    ),
    StoredData(
        NEWS_FEEDS,
        "feed_review_messages",
        N_("the channel and message ids of each review message sent to the bot owners"),
        server=None,
        server_ids=("channel_id", "message_id"),
    ),
)

# Tables that hold nothing about members or servers: the film's data from the seed and the
# bot's own metadata (the command-sync fingerprint, the shared pace of sends, change counters).
# The FTS index's shadow tables (quotes_fts_data, ...) belong to quotes_fts.
FILM_TABLES: frozenset[str] = frozenset(
    {"sources", "works", "people", "person_names", "credits", "quotes", "quotes_fts", "facts"}
)
BOT_TABLES: frozenset[str] = frozenset({"meta", "send_pacing", "change_counters"})


def features() -> dict[str, tuple[StoredData, ...]]:
    """The declarations grouped by feature, in declaration order."""
    grouped: dict[str, list[StoredData]] = {}
    for datum in STORED_DATA:
        grouped.setdefault(datum.feature, []).append(datum)
    return {feature: tuple(data) for feature, data in grouped.items()}


def declared(table: str) -> StoredData | None:
    return next((d for d in STORED_DATA if d.table == table), None)
