"""The records of the sequel tracker and quote of the day (see migration 0003)."""

from __future__ import annotations

import msgspec

from bot.i18n import N_

# The sequel's production stages, in order: (key stored in the database, label shown). The
# labels stay English here (the CLI, the store); a card shows them translated, with `_(label)`.
SEQUEL_STAGES: tuple[tuple[str, str], ...] = (
    ("announced", N_("Announced")),
    ("in-development", N_("In development")),
    ("pre-production", N_("Pre-production")),
    ("filming", N_("Filming")),
    ("post-production", N_("Post-production")),
    ("release-date-set", N_("Release date set")),
    ("released", N_("Released")),
)
STAGE_KEYS: tuple[str, ...] = tuple(key for key, _ in SEQUEL_STAGES)
STAGE_LABELS: dict[str, str] = dict(SEQUEL_STAGES)

# Delivery states. A delivery is finished when it is neither pending nor sending.
PENDING, SENDING, SENT, FAILED, UNCERTAIN, SKIPPED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "uncertain",
    "skipped",
)


def stage_label(key: str | None) -> str:
    if key is None:
        return "Unknown"
    return STAGE_LABELS.get(key, key)


class NewUpdate(msgspec.Struct, frozen=True):
    """A validated update, ready to be stored (see cogs/sequel/_validate.py)."""

    headline: str
    text: str
    published_at: str | None = None  # 'YYYY-MM-DD'; None: date unknown
    source_outlet: str | None = None
    source_url: str | None = None
    stage: str | None = None  # a key of SEQUEL_STAGES
    key: str | None = None  # stable key (imports, seed); None for one-off posts


class SequelUpdate(msgspec.Struct, frozen=True):
    id: int
    key: str | None
    headline: str
    text: str
    published_at: str | None
    source_outlet: str | None
    source_url: str | None
    stage: str | None
    origin: str
    added_by: int | None
    created_at: str

    @property
    def date_text(self) -> str:
        return self.published_at or "date unknown"


class Follow(msgspec.Struct, frozen=True):
    guild_id: int
    channel_id: int
    role_id: int | None
    followed_by: int | None
    followed_at: str
    active: bool
    failure_count: int
    last_error: str | None
    last_error_at: str | None
    last_delivered_at: str | None
    unfollowed_reason: str | None
    unfollowed_at: str | None
    # Whether the member who ran /sequel-admin follow had Mention Everyone in the news channel,
    # and whether posts ping the role (they did, or the role is mentionable): migration 0006.
    configurer_mentions: bool = False
    mention_role: bool = False


class Delivery(msgspec.Struct, frozen=True):
    id: int
    update_id: int
    guild_id: int
    channel_id: int
    role_id: int | None
    state: str
    message_id: int | None
    attempts: int
    error: str | None
    claimed_at: str | None
    # The follow's current mention decision for this delivery's role (False: post without it).
    mention_role: bool = False


class DeliveryCounts(msgspec.Struct, frozen=True):
    update_id: int
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed + self.uncertain + self.skipped

    @property
    def finished(self) -> int:
        return self.total - self.pending - self.sending

    @property
    def done(self) -> bool:
        return self.pending == 0 and self.sending == 0

    def summary(self) -> str:
        parts = [f"{self.finished}/{self.total} done", f"{self.sent} sent"]
        for label, value in (
            ("failed", self.failed),
            ("uncertain", self.uncertain),
            ("skipped", self.skipped),
            ("in flight", self.sending),
        ):
            if value:
                parts.append(f"{value} {label}")
        return " · ".join(parts)


class DailyConfig(msgspec.Struct, frozen=True):
    guild_id: int
    channel_id: int
    post_time: str  # 'HH:MM'
    timezone: str  # IANA name
    starts_on: str  # 'YYYY-MM-DD', local
    last_posted_day: str | None
    configured_by: int | None
    configured_at: str
    failure_count: int
    last_error: str | None


class DailyPick(msgspec.Struct, frozen=True):
    """The quote chosen for a server's day, recorded before it is posted."""

    guild_id: int
    quote_id: int
    day: str
    cycle: int
    position: int  # 1-based position in the cycle
    cycle_size: int
