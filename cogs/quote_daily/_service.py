"""Quote of the day: parsing a schedule, deciding when a post is due, and the scheduler.

A server's post is due when, in its timezone, today's configured time has passed and today's
quote has not been posted yet (`last_posted_day`). The day's pick is recorded together with
`last_posted_day` before the post is sent, so a restart never posts a second quote on the same
day; a post missed while the bot was down is made once at start-up if its time passed today.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord

from bot.background import BackgroundLoop
from bot.clock import Clock
from bot.i18n import DEFAULT, _, format_list, use_locale
from bot.store import DailyConfig, DailyPick, Quote, Store
from bot.ui.posting import OutgoingPost, Poster, describe_failure

from ._timezones import find_timezone, suggest_timezones

log = logging.getLogger(__name__)

ComposeQuote = Callable[[Quote, DailyPick], OutgoingPost]
# The language of a server's posts (bot.server_locale.server_locale, bound to the bot).
LocaleOf = Callable[[int], Awaitable[str]]

_TIME = re.compile(r"^\s*(\d{1,2})[:h.](\d{2})\s*$")
PAUSE_AFTER = 3  # failed posts in a row before the schedule pauses
_MINUTES_PER_DAY = 24 * 60


def parse_time(raw: str) -> tuple[str | None, str | None]:
    """('HH:MM', None) or (None, problem). Accepts 9:05, 09:05, 21h30."""
    match = _TIME.match(raw or "")
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}", None
    shown = (raw or "").strip()[:20]
    # Translators: {typed} is what the member typed as the time of day.
    problem = _("Time: “{typed}” is not a time of day; use 24-hour HH:MM, like 09:00 or 18:30.")
    return None, problem.format(typed=shown)


def parse_timezone(raw: str | None) -> tuple[str | None, str | None]:
    """(IANA name, None) or (None, problem). Forgiving (`europe/paris`, `paris`, `new york`:
    see _timezones.py); default UTC."""
    text = (raw or "").strip()
    if not text:
        return "UTC", None
    name = find_timezone(text)
    if name is None:
        return None, _unknown_timezone(text[:40], suggest_timezones(text, 3))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # Translators: {zone} is an IANA timezone name, such as Europe/Paris.
        return None, _("Timezone: {zone} is not installed on this system.").format(zone=name)
    return name, None


def _unknown_timezone(typed: str, close: list[str]) -> str:
    """The refusal of a name that is no timezone, with the closest names when there are."""
    if close:
        # Translators: {typed} is what the member typed; {zones} are IANA timezone names, joined
        # as "`A`, `B` or `C`". Keep the example names (Europe/Paris...) as they are.
        text = _(
            "Timezone: “{typed}” is not an IANA timezone name. Did you mean {zones}? "
            "Use a name like Europe/Paris, America/New_York or UTC."
        )
        zones = format_list([f"`{zone}`" for zone in close], style="or")
        return text.format(typed=typed, zones=zones)
    # Translators: {typed} is what the member typed. Keep the example names as they are.
    text = _(
        "Timezone: “{typed}” is not an IANA timezone name. "
        "Use a name like Europe/Paris, America/New_York or UTC."
    )
    return text.format(typed=typed)


def _zone(config: DailyConfig) -> ZoneInfo:
    return ZoneInfo(config.timezone)


def post_at(day: date, post_time: str, zone: ZoneInfo) -> datetime:
    """When a local day's quote is due, in UTC: the first instant of that day at or after the
    set time. On a spring-forward day that skips the time, that is the first minute after the
    gap (02:30 skipped from 02:00 to 03:00 posts at 03:00); on a fall-back day that repeats it,
    the first of the two (fold=0).

    Python reads a skipped wall time with the offset before the gap, which would land as far
    past the gap as the time was into it (03:30 for 02:30), so skipped minutes are stepped
    over here instead, one at a time (gaps last an hour or less; the bound only ends the loop).
    """
    hour, minute = (int(part) for part in post_time.split(":"))
    wall = datetime.combine(day, time(hour, minute))
    for _minute in range(_MINUTES_PER_DAY):
        at = wall.replace(tzinfo=zone)
        if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
            return at.astimezone(UTC)
        wall += timedelta(minutes=1)
    raise ValueError(f"{zone.key} has no {post_time} on {day} or the day after")


def first_day(now: datetime, post_time: str, timezone: str) -> date:
    """The first local day to post on: today if its time is still ahead, else tomorrow."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    return today if now < post_at(today, post_time, zone) else today + timedelta(days=1)


def due_day(config: DailyConfig, now: datetime) -> str | None:
    """The local day whose quote is due now, or None."""
    zone = _zone(config)
    today = now.astimezone(zone).date()
    if today.isoformat() < config.starts_on or config.last_posted_day == today.isoformat():
        return None
    return today.isoformat() if now >= post_at(today, config.post_time, zone) else None


def next_post_at(config: DailyConfig, now: datetime) -> datetime:
    """When the next quote will be posted (UTC): now if one is due, else its scheduled time."""
    if due_day(config, now):
        return now
    zone = _zone(config)
    day = max(now.astimezone(zone).date(), date.fromisoformat(config.starts_on))
    while True:
        at = post_at(day, config.post_time, zone)
        if day.isoformat() != config.last_posted_day and at >= now:
            return at
        day += timedelta(days=1)


class DailyQuoteScheduler(BackgroundLoop):
    """Posts each server's quote of the day when it is due; checks at least every minute."""

    name = "quote-of-the-day"

    def __init__(
        self,
        store: Store,
        poster: Poster,
        compose: ComposeQuote,
        *,
        clock: Clock,
        max_sleep: float = 60.0,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
        serves: Callable[[int], bool] | None = None,
        locale_of: LocaleOf | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.store = store
        self.poster = poster
        self.compose = compose
        # A post is read by the whole server: it speaks the server's language (None: English).
        self.locale_of = locale_of
        # Which servers this process posts for (the bot is in them); None: every server. A
        # server it isn't in is left untouched: another shard's process posts for it, or this is
        # the sandbox on the real database, whose servers must not be spent or paused.
        self.serves = serves
        self.clock = clock
        self.max_sleep = max_sleep
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self.clock.now()

    async def run_due(self) -> list[DailyPick]:
        """Post every quote due now; returns what was picked (posted or not).

        Each server's post is its own: whatever goes wrong with one is logged and never stops
        the others' posts.
        """
        async with self._lock:
            now = self.clock.now()
            picks: list[DailyPick] = []
            for config in await self._configs():
                try:
                    pick = await self._run_one(config, now)
                except Exception:
                    log.exception("quote of the day failed in server %s", config.guild_id)
                    continue
                if pick is not None:
                    picks.append(pick)
            return picks

    async def _configs(self) -> list[DailyConfig]:
        """The schedules this process acts on: not paused, and in a server it serves."""
        return [
            config
            for config in await self.store.daily.all_configs()
            if config.failure_count < PAUSE_AFTER
            and (self.serves is None or self.serves(config.guild_id))
        ]

    async def _run_one(self, config: DailyConfig, now: datetime) -> DailyPick | None:
        try:
            day = due_day(config, now)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            log.error("server %s has a bad quote schedule: %s", config.guild_id, exc)
            return None
        if day is None:
            return None
        # Asked before the day's pick is recorded: if it fails, the post is tried again later
        # instead of the day being marked as posted without its quote.
        locale = await self.locale_of(config.guild_id) if self.locale_of else DEFAULT
        pick = await self.store.daily.pick_for_day(config.guild_id, day, now=now)
        if pick is not None:
            await self._post(config, pick, locale)
        return pick

    async def _post(self, config: DailyConfig, pick: DailyPick, locale: str) -> None:
        quote = await self.store.quote_by_id(pick.quote_id)
        where = f"quote of the day {pick.day} in channel {config.channel_id}"
        if quote is None:
            log.error("%s: quote %s vanished", where, pick.quote_id)
            return
        nonce = f"hq{pick.day.replace('-', '')}{config.guild_id % 10**12}"
        try:
            # Only the post speaks the server's language: a failure's reason is logged and
            # stored in English, as every log line is.
            with use_locale(locale):
                post = self.compose(quote, pick)
            message_id = await self.poster.post(config.channel_id, post, nonce=nonce)
        except discord.HTTPException as exc:
            reason, _retry = describe_failure(exc)
            await self._failed(config, where, reason)
        except Exception as exc:
            await self._failed(config, where, f"{type(exc).__name__}: {exc}")
        else:
            await self.store.daily.record_posted(config.guild_id, pick.day, message_id)

    async def _failed(self, config: DailyConfig, where: str, reason: str) -> None:
        count = await self.store.daily.record_failure(config.guild_id, reason)
        log.warning("could not post %s: %s (%d in a row)", where, reason, count)
        if count >= PAUSE_AFTER:
            log.warning("quote of the day paused in server %s: %s", config.guild_id, reason)

    async def seconds_until_next(self) -> float:
        now = self.clock.now()
        waits = []
        for config in await self._configs():
            try:
                waits.append((next_post_at(config, now) - now).total_seconds())
            except (ZoneInfoNotFoundError, ValueError):
                continue  # logged by run_due
        return max(1.0, min([self.max_sleep, *waits]))

    async def loop(self) -> None:
        while True:
            try:
                async with self.one_pass():
                    await self.run_due()  # at start-up this makes a post missed today, once
                delay = await self.seconds_until_next()
            except Exception:
                log.exception("quote of the day check failed")
                delay = self.max_sleep
            await self.clock.sleep(delay)
