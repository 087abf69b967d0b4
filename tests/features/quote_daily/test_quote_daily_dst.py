"""Quote of the day across daylight-saving changes, on an injected clock.

Two years of days in five zones, each with a post time the clock changes skip or repeat. What is
expected is worked out here, independently of cogs/quote_daily/_service.py, straight from the
rule: a day's quote comes at the first instant whose local date is that day and whose local time
is the set time or later. So a time skipped by a spring-forward posts at the first minute after
the gap, and a time that happens twice posts at the first of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from msgspec.structs import replace

from bot.store import DailyConfig, DailyPick, DailyQuotes, Quote, Store
from bot.ui.posting import OutgoingPost
from cogs.quote_daily import DailyQuoteScheduler, compose_quote, next_post_at
from tests.engines import both_engines
from tests.fakes import Strict
from tests.tracker_fakes import FakeClock, FakePoster

# The quote of the day's repository is proven on both store engines (tests/engines.py).
pytestmark = both_engines

FIRST, LAST = date(2025, 1, 1), date(2026, 12, 31)
# Per zone, post times that its changes skip (spring) or repeat (autumn).
SCHEDULES = {
    "Europe/Paris": ("02:30", "09:00"),  # 02:00-02:59 skipped in March, repeated in October
    "America/New_York": ("02:30", "01:30"),  # 02:xx skipped in March, 01:xx twice in November
    "Australia/Lord_Howe": ("02:15", "01:45"),  # 30-minute shift: 02:00-02:29 skipped in
    # October, 01:30-01:59 twice in April
    "America/Santiago": ("00:30", "23:30"),  # southern hemisphere, changes at midnight: 00:xx
    # skipped in September, 23:xx twice on the Saturday in April
    "Pacific/Chatham": ("03:00", "00:00"),  # +12:45/+13:45: 02:45-03:44 skipped and repeated
}


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    zone: ZoneInfo
    post_time: str

    @property
    def channel_id(self) -> int:
        return self.guild_id + 1


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def expected_post(day: date, post_time: str, zone: ZoneInfo) -> datetime:
    """The first UTC minute whose local wall time is on `day` at or after `post_time`."""
    wall = datetime.combine(day, time.fromisoformat(post_time))
    # A start surely before it: the earlier of the two readings of the wall time, less a minute.
    start = min(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    instant = start - timedelta(minutes=1)
    if local(instant, zone) >= wall:
        raise ValueError(f"the scan for {wall} in {zone.key} does not start early enough")
    while local(instant, zone) < wall:
        instant += timedelta(minutes=1)
    return instant


def occurrences(day: date, post_time: str, zone: ZoneInfo) -> int:
    """How many instants show this wall time on this day: 0 (skipped), 1, or 2 (repeated)."""
    wall = datetime.combine(day, time.fromisoformat(post_time))
    instants = {wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}
    return sum(local(i, zone) == wall for i in instants)


class ClockedPoster(FakePoster):
    """Records when each channel's posts were made."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.at: dict[int, list[datetime]] = {}

    async def post(self, channel_id: int, message: OutgoingPost, *, nonce: str) -> int:
        self.at.setdefault(channel_id, []).append(self.clock())
        return await super().post(channel_id, message, nonce=nonce)


class MemoryDailyQuotes(Strict, real=DailyQuotes):
    """The schedules' table in memory, for two years of days in seconds; it keeps the one
    rule the scheduler relies on, as the real table does: a day is picked at most once."""

    def __init__(self) -> None:
        self.configs: dict[int, DailyConfig] = {}
        self.days: dict[int, list[str]] = {}

    async def configure(
        self, guild_id: int, channel_id: int, post_time: str, timezone: str, *, starts_on: str
    ) -> DailyConfig:
        config = DailyConfig(
            guild_id, channel_id, post_time, timezone, starts_on, None, None, "", 0, None
        )
        self.configs[guild_id] = config
        return config

    async def all_configs(self) -> list[DailyConfig]:
        return [self.configs[g] for g in sorted(self.configs)]

    async def get(self, guild_id: int) -> DailyConfig | None:
        return self.configs.get(guild_id)

    async def pick_for_day(
        self, guild_id: int, day: str, *, now: datetime | None = None
    ) -> DailyPick | None:
        config = self.configs[guild_id]
        if config.last_posted_day == day:
            return None
        self.configs[guild_id] = replace(config, last_posted_day=day)
        self.days.setdefault(guild_id, []).append(day)
        return DailyPick(guild_id, 1, day, 1, 1, 1)

    async def disable(self, guild_id: int) -> bool:
        return self.configs.pop(guild_id, None) is not None

    async def record_posted(self, guild_id: int, day: str, message_id: int) -> None:
        return None

    async def history(self, guild_id: int) -> list[tuple[str, int, int]]:
        return [(day, 1, 1) for day in self.days.get(guild_id, [])]


class MemoryStore(Strict, real=Store):
    def __init__(self, quote: Quote) -> None:
        self.daily = MemoryDailyQuotes()
        self._quote = quote

    async def quote_by_id(self, quote_id: int) -> Quote | None:
        return self._quote


def schedules(first_id: int = 1000) -> list[Schedule]:
    return [
        Schedule(first_id + 10 * i + j, ZoneInfo(zone), post_time)
        for i, (zone, times) in enumerate(SCHEDULES.items())
        for j, post_time in enumerate(times)
    ]


async def sweep(
    store: Store | MemoryStore, plan: dict[Schedule, list[date]], quarter_hours: set[date]
) -> list[str]:
    """Runs the scheduler on a clock that stops a second before and exactly at every expected
    post, and every 15 minutes through `quarter_hours` days; returns what went wrong."""
    for s, days in plan.items():
        await store.daily.configure(
            s.guild_id, s.channel_id, s.post_time, s.zone.key, starts_on=days[0].isoformat()
        )
    expected = {
        s: [expected_post(d, s.post_time, s.zone) for d in days] for s, days in plan.items()
    }
    second = timedelta(seconds=1)
    probes: set[datetime] = set()
    awaited: dict[datetime, list[Schedule]] = {}
    for s, instants in expected.items():
        for at in instants:
            probes.update({at - second, at})
            awaited.setdefault(at - second, []).append(s)
        for d in quarter_hours.intersection(plan[s]):
            start = expected_post(d, "00:00", s.zone)
            probes.update(start + timedelta(minutes=15 * k) for k in range(4 * 25))
    clock = FakeClock(min(probes) - timedelta(days=1))
    poster = ClockedPoster(clock)
    scheduler = DailyQuoteScheduler(
        store,  # type: ignore[arg-type]
        poster,
        compose_quote,
        clock=clock,
    )
    wrong: list[str] = []
    finished: dict[datetime, list[Schedule]] = {}
    for s, instants in expected.items():
        finished.setdefault(instants[-1], []).append(s)
    for probe in sorted(probes):
        clock.at = probe
        await scheduler.run_due()
        for s in finished.get(probe, []):  # the plan's last day is posted: no more
            await store.daily.disable(s.guild_id)
        for s in awaited.get(probe, []):
            # A second before its post, the scheduler knows it is a second away.
            config = await store.daily.get(s.guild_id)
            upcoming = next_post_at(config, probe) if config else None
            if upcoming != probe + second:
                wrong.append(f"{s}: next post {upcoming}, expected {probe + second}")
    for s, days in plan.items():
        made = poster.at.get(s.channel_id, [])
        if made != expected[s]:
            late = [(m, e) for m, e in zip(made, expected[s], strict=False) if m != e][:3]
            wrong.append(f"{s}: {len(made)} posts for {len(days)} days; first wrong: {late}")
        history = [day for day, _, _ in await store.daily.history(s.guild_id)]
        if history != [d.isoformat() for d in days]:
            wrong.append(f"{s}: quotes picked for {len(history)} days of {len(days)}")
    return wrong


async def test_quote_of_the_day_posts_once_a_day_at_its_time_across_dst_changes(
    store: Store,
) -> None:
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    unusual = {
        s: {d for d in days if occurrences(d, s.post_time, s.zone) != 1} for s in schedules()
    }
    # The test covers what it claims: in every zone, one of its times is skipped and one is
    # repeated, on a few days a year.
    for zone in SCHEDULES:
        kinds = {
            occurrences(d, s.post_time, s.zone)
            for s in unusual
            if s.zone.key == zone
            for d in unusual[s]
        }
        assert kinds == {0, 2}, zone
    quote = (await store.all_quotes())[0]

    # Two years of every day, with the scheduler's own loop over an in-memory table.
    everyday = {s: days for s in schedules()}
    change_days = set().union(*unusual.values())
    assert await sweep(MemoryStore(quote), everyday, change_days) == []

    # The change days again on the real database: each from the day before to the day after.
    windows = {
        Schedule(s.guild_id * 100 + n, s.zone, s.post_time): [
            d - timedelta(days=1),
            d,
            d + timedelta(days=1),
        ]
        for s, skipped_or_repeated in unusual.items()
        for n, d in enumerate(sorted(skipped_or_repeated))
    }
    assert await sweep(store, windows, change_days) == []
