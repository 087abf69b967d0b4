"""Quote of the day: due times across midnight and timezones, restarts, rotation, failures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.store import Store
from cogs.quote_daily import (
    PAUSE_AFTER,
    DailyQuoteScheduler,
    compose_quote,
    first_day,
    next_post_at,
    parse_time,
    parse_timezone,
)
from tests.discord_limits import refused_by_discord
from tests.engines import both_engines
from tests.features.sequel.test_sequel_cog import FULL, GUILD, run, world
from tests.tracker_fakes import FakeClock, FakePoster, FakeTextChannel, GuildInteraction

# The quote of the day's repository is proven on both store engines (tests/engines.py).
pytestmark = both_engines

CHANNEL = 321


def scheduler(store: Store, poster: FakePoster, clock: FakeClock) -> DailyQuoteScheduler:
    return DailyQuoteScheduler(store, poster, compose_quote, clock=clock)


async def configure(store: Store, clock: FakeClock, time: str, zone: str) -> None:
    await store.daily.configure(
        GUILD,
        CHANNEL,
        time,
        zone,
        starts_on=first_day(clock(), time, zone).isoformat(),
        now=clock(),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9:05", "09:05"), ("09:05", "09:05"), ("21h30", "21:30"), (" 00:00 ", "00:00")],
)
def test_times(raw: str, expected: str) -> None:
    assert parse_time(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["24:00", "9", "12:60", "noon", "", "1:2:3", "<@&1>", "9" * 50])
def test_bad_times(raw: str) -> None:
    value, problem = parse_time(raw)
    assert value is None and problem and "HH:MM" in problem


def test_timezones() -> None:
    assert parse_timezone(None) == ("UTC", None)
    assert parse_timezone("europe/paris") == ("Europe/Paris", None)
    value, problem = parse_timezone("Europe/Pariss")
    assert value is None and "Europe/Paris" in (problem or "")
    for hostile in ("../../etc/passwd", "Mars/Olympus", "x" * 64, "@everyone"):
        value, problem = parse_timezone(hostile)
        assert value is None and problem and "IANA" in problem


async def test_across_midnight_and_restarts_one_post_a_day(store: Store) -> None:
    # 09:00 in New York (UTC-5 in January); configured at 12:00 UTC = 07:00 there.
    clock = FakeClock(datetime(2025, 1, 10, 12, 0, tzinfo=UTC))
    await configure(store, clock, "09:00", "America/New_York")
    poster = FakePoster()
    first = scheduler(store, poster, clock)
    assert await first.run_due() == []
    clock.advance(hours=1, minutes=59)  # 08:59 local
    assert await first.run_due() == []
    clock.advance(minutes=1)  # 09:00 local
    assert len(await first.run_due()) == 1
    assert await first.run_due() == []
    restarted = scheduler(store, poster, clock)  # a restart the same day posts nothing more
    clock.advance(hours=3)
    assert await restarted.run_due() == []

    clock.at = datetime(2025, 1, 11, 4, 59, tzinfo=UTC)  # 23:59 on the 10th in New York
    assert await restarted.run_due() == []
    clock.advance(minutes=2)  # just past local midnight: a new day, but not yet 09:00
    assert await restarted.run_due() == []
    clock.at = datetime(2025, 1, 11, 14, 0, tzinfo=UTC)
    (pick,) = await restarted.run_due()
    assert pick.day == "2025-01-11"

    # Down the whole morning of the 12th; started at 15:00 local: the missed post, once.
    clock.at = datetime(2025, 1, 12, 20, 0, tzinfo=UTC)
    late = scheduler(store, poster, clock)
    assert [p.day for p in await late.run_due()] == ["2025-01-12"]
    assert await scheduler(store, poster, clock).run_due() == []
    assert [p.channel_id for p in poster.posted] == [CHANNEL] * 3
    days = [day for day, _, _ in await store.daily.history(GUILD)]
    assert days == ["2025-01-10", "2025-01-11", "2025-01-12"]
    config = await store.daily.get(GUILD)
    assert config is not None and config.last_posted_day == "2025-01-12"
    for posted in poster.posted:
        assert refused_by_discord(posted.message.embed) == []


async def test_set_after_todays_time_starts_tomorrow(store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 10, 12, 0, tzinfo=UTC))
    await configure(store, clock, "08:00", "UTC")
    config = await store.daily.get(GUILD)
    assert config and config.starts_on == "2025-01-11"
    assert next_post_at(config, clock()) == datetime(2025, 1, 11, 8, 0, tzinfo=UTC)
    assert await scheduler(store, FakePoster(), clock).run_due() == []


async def test_rotation_never_repeats_until_all_quotes_were_shown(store: Store) -> None:
    quotes = len(await store.all_quotes())
    assert quotes >= 2
    clock = FakeClock(datetime(2025, 1, 10, 0, 30, tzinfo=UTC))
    await configure(store, clock, "00:00", "UTC")
    clock.advance(days=1)
    poster = FakePoster()
    for _ in range(quotes * 2 + 1):
        await scheduler(store, poster, clock).run_due()
        clock.advance(days=1)
    history = await store.daily.history(GUILD)
    assert len(history) == quotes * 2 + 1
    first, second = history[:quotes], history[quotes : quotes * 2]
    assert len({q for _, q, _ in first}) == quotes and {c for *_, c in first} == {1}
    assert len({q for _, q, _ in second}) == quotes and {c for *_, c in second} == {2}
    assert first[-1][1] != second[0][1]  # a new round never opens with the last quote
    footer = poster.posted[0].message.embed.footer.text or ""
    assert f"quote 1 of {quotes}" in footer


async def test_failing_channel_pauses_after_repeated_failures(store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 10, 0, 30, tzinfo=UTC))
    await configure(store, clock, "00:00", "UTC")
    poster = FakePoster(forbidden={CHANNEL})
    for _ in range(PAUSE_AFTER + 2):
        clock.advance(days=1)
        await scheduler(store, poster, clock).run_due()
    config = await store.daily.get(GUILD)
    assert (
        config
        and config.failure_count == PAUSE_AFTER
        and "Missing Permissions" in (config.last_error or "")
    )
    assert poster.attempts == PAUSE_AFTER  # paused: no more attempts


async def test_the_loop_runs_on_an_injected_clock_without_sleeping(store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 10, 7, 0, tzinfo=UTC))
    await configure(store, clock, "08:00", "UTC")
    poster = FakePoster()
    slept: list[float] = []

    class Stop(Exception):
        pass

    class StoppingClock(FakeClock):
        async def sleep(self, seconds: float) -> None:
            slept.append(seconds)
            self.advance(seconds=seconds)
            if self() > datetime(2025, 1, 12, 9, 0, tzinfo=UTC):
                raise Stop

    clock = StoppingClock(clock())
    looping = DailyQuoteScheduler(store, poster, compose_quote, clock=clock)
    with pytest.raises(Stop):
        await looping.loop()
    assert len(poster.posted) == 3  # the 10th, 11th and 12th at 08:00
    assert max(slept) <= 60  # checks at least every minute


async def test_quote_daily_commands(bot: HeroesBot) -> None:
    guild, _ = world()
    cog = bot.get_cog("QuoteDaily")
    interaction = GuildInteraction(guild)
    await run(
        bot,
        "quote-daily set",
        interaction,
        channel=FakeTextChannel(CHANNEL, FULL),
        time="25:00",
        timezone="Mars/Base",
    )
    sent = interaction.sent[0]
    assert sent.ephemeral and "HH:MM" in sent.content and "IANA" in sent.content
    missing = GuildInteraction(guild)
    await run(
        bot,
        "quote-daily set",
        missing,
        channel=FakeTextChannel(CHANNEL, discord.Permissions(view_channel=True)),
        time="09:00",
    )
    # The permissions are listed the member's language's way ("A and B" in English).
    assert "Send Messages" in missing.sent[0].content
    assert "Embed Links" in missing.sent[0].content
    assert await bot.store.daily.get(GUILD) is None

    ok = GuildInteraction(guild)
    await run(
        bot,
        "quote-daily set",
        ok,
        channel=FakeTextChannel(CHANNEL, FULL),
        time="9:30",
        timezone="europe/paris",
    )
    assert "09:30 (Europe/Paris)" in ok.sent[0].content and "<t:" in ok.sent[0].content
    config = await bot.store.daily.get(GUILD)
    assert config and (config.channel_id, config.timezone) == (CHANNEL, "Europe/Paris")
    assert cog is not None

    show = GuildInteraction(guild)
    await run(bot, "quote-daily show", show)
    fields = {f.name: f.value for f in show.sent[0].embeds[0].fields}
    assert fields["Time"] == "09:30 (Europe/Paris)" and "<t:" in fields["Next"]

    off = GuildInteraction(guild)
    await run(bot, "quote-daily off", off)
    assert "off" in off.sent[0].content and await bot.store.daily.get(GUILD) is None
    shown = GuildInteraction(guild)
    await run(bot, "quote-daily show", shown)
    assert "Off" in (shown.sent[0].embeds[0].description or "")


# A trigger refusing a server's picks, as a disk fault would, on each engine. (A schema
# statement takes no parameters: the server's id is written in.)
BREAK_PICKS = {
    "sqlite": [
        "CREATE TRIGGER broken BEFORE INSERT ON quote_daily_history "
        "WHEN NEW.guild_id = {guild_id} BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    ],
    "postgres": [
        "CREATE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
        "IF NEW.guild_id = {guild_id} THEN RAISE EXCEPTION 'disk trouble'; END IF; "
        "RETURN NEW; END $body$",
        "CREATE TRIGGER broken BEFORE INSERT ON quote_daily_history FOR EACH ROW "
        "EXECUTE FUNCTION broken()",
    ],
}


async def break_picks_of(store: Store, guild_id: int) -> None:
    async with store.database.transaction() as tx:
        for statement in BREAK_PICKS[store.database.engine]:
            await tx.execute(statement.format(guild_id=int(guild_id)))


async def test_one_servers_failing_quote_never_stops_another_servers_post(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # Server 1000 posts at 09:00 and its pick fails (a database fault, injected); server 2000,
    # due at 10:00, gets its quote anyway, and the failure is logged.
    clock = FakeClock(datetime(2025, 1, 10, 8, 0, tzinfo=UTC))
    for guild_id, time in ((1000, "09:00"), (2000, "10:00")):
        await store.daily.configure(guild_id, guild_id + 1, time, "UTC", starts_on="2025-01-10")
    await break_picks_of(store, 1000)
    poster = FakePoster()
    daily = scheduler(store, poster, clock)
    for _ in range(3 * 60):  # 08:00 to 11:00, a check a minute
        clock.advance(minutes=1)
        await daily.run_due()
    assert [p.channel_id for p in poster.posted] == [2001]
    assert "quote of the day failed in server 1000" in caplog.text
    assert "disk trouble" in caplog.text


async def test_quote_daily_off_and_on_after_todays_post_gives_no_second_post(
    bot: HeroesBot,
) -> None:
    # The steps: set for a minute ahead, the post, off, set again a minute later. That
    # raised UNIQUE constraint failed: quote_daily_history.guild_id, quote_daily_history.day
    # every minute. Now: no second post today, the reply says tomorrow, and tomorrow posts.
    guild, _ = world()
    clock = FakeClock(datetime(2025, 1, 10, 8, 59, tzinfo=UTC))
    poster = FakePoster()
    cog: Any = bot.get_cog("QuoteDaily")
    assert cog is not None
    cog.scheduler = scheduler(bot.store, poster, clock)
    channel = FakeTextChannel(CHANNEL, FULL)

    await run(bot, "quote-daily set", GuildInteraction(guild), channel=channel, time="09:00")
    clock.advance(minutes=1)
    assert len(await cog.scheduler.run_due()) == 1
    await run(bot, "quote-daily off", GuildInteraction(guild))
    again = GuildInteraction(guild)
    await run(bot, "quote-daily set", again, channel=channel, time="09:01")
    tomorrow = int(datetime(2025, 1, 11, 9, 1, tzinfo=UTC).timestamp())
    assert f"<t:{tomorrow}:F>" in again.sent[0].content
    for _ in range(24 * 60):  # every minute until 09:00 tomorrow
        clock.advance(minutes=1)
        await cog.scheduler.run_due()
    assert len(poster.posted) == 1
    clock.advance(minutes=1)
    assert [p.day for p in await cog.scheduler.run_due()] == ["2025-01-11"]
    assert [day for day, _, _ in await bot.store.daily.history(GUILD)] == [
        "2025-01-10",
        "2025-01-11",
    ]
