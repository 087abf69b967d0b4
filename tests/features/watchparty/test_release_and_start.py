"""What a watch party reads from text: the release date only from the sources' own words (one
date, or none), and a start typed strictly, in the server's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.store import SequelUpdate
from cogs.watchparty import dates_in, parse_start, release_date

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def _update(text: str, stage: str = "release-date-set", headline: str = "News") -> SequelUpdate:
    return SequelUpdate(
        1,
        None,
        headline,
        text,
        "2027-01-01",
        "Variety",
        "https://v.example/x",
        stage,
        "admin",
        None,
        "2027-01-01T00:00:00+00:00",
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("out on 2028-06-04.", {date(2028, 6, 4)}),
        ("premieres June 4, 2028", {date(2028, 6, 4)}),
        ("premieres Sept. 4th 2028", {date(2028, 9, 4)}),
        ("premieres 4 June 2028", {date(2028, 6, 4)}),
        ("sometime in June 2028", set()),  # no day: not a date
        ("on February 30, 2028", set()),  # not a real day
        ("filming 2027-03-01, out 2028-06-04", {date(2027, 3, 1), date(2028, 6, 4)}),
    ],
)
def test_dates_in_reads_only_full_real_dates(text: str, days: set[date]) -> None:
    assert dates_in(text) == days


def test_release_date_comes_from_the_update_that_set_the_stage_with_its_words() -> None:
    found = release_date(None, [_update("Netflix: the sequel premieres June 4, 2028.")])
    assert found.day == date(2028, 6, 4)
    assert found.excerpt == "Netflix: the sequel premieres June 4, 2028."
    assert found.source == "Variety · https://v.example/x"


@pytest.mark.parametrize(
    ("history", "why"),
    [
        ([], "no source gives a release date"),
        ([_update("A date is set, not said.")], "gives no release date"),
        ([_update("It premieres either 2028-06-04 or 2028-07-04.")], "more than one date"),
        ([_update("Out 2028-06-04.", stage="filming")], "no source gives a release date"),
    ],
)
def test_no_single_date_in_the_sources_means_no_date(history: list[SequelUpdate], why: str) -> None:
    found = release_date(None, history)
    assert found.day is None and why in found.why


@pytest.mark.parametrize(
    ("typed", "zone", "expected"),
    [
        ("2027-07-01 20:00", "UTC", datetime(2027, 7, 1, 20, 0, tzinfo=UTC)),
        ("2027-07-01T20:00", "Europe/Paris", datetime(2027, 7, 1, 18, 0, tzinfo=UTC)),
        ("  2027-01-20   9:05 ", "America/New_York", datetime(2027, 1, 20, 14, 5, tzinfo=UTC)),
        ("<t:1814472000:F>", "Europe/Paris", datetime(2027, 7, 1, 20, 0, tzinfo=UTC)),
        ("<t:1814472000>", "UTC", datetime(2027, 7, 1, 20, 0, tzinfo=UTC)),
    ],
)
def test_a_start_is_read_in_the_servers_zone_or_from_a_discord_timestamp(
    typed: str, zone: str, expected: datetime
) -> None:
    assert parse_start(typed, zone, NOW).moment == expected


@pytest.mark.parametrize(
    ("typed", "zone", "said"),
    [
        ("tomorrow 8pm", "UTC", "is not a start time"),
        ("07/01/2027 20:00", "UTC", "is not a start time"),
        ("2027-07-01 8pm", "UTC", "is not a start time"),
        ("2027-13-01 20:00", "UTC", "is not a real date"),
        ("2027-07-01 24:00", "UTC", "is not a real date"),
        ("2027-03-28 02:30", "Europe/Paris", "the clocks skip it"),
        ("2027-01-10 12:00", "UTC", "is in the past"),  # now is not the future either
        ("<t:9999999999999:F>", "UTC", "is not a time Discord can show"),
        ("**2027**-07-01 <@&1> 20:00", "UTC", "is not a start time"),
    ],
)
def test_a_bad_start_is_refused_with_the_reason(typed: str, zone: str, said: str) -> None:
    start = parse_start(typed, zone, NOW)
    assert start.moment is None and start.problem is not None and said in start.problem
    assert "**2027**" not in start.problem  # what was typed is shown escaped


def test_a_date_the_update_gives_for_something_else_is_not_the_release_date() -> None:
    text = "Filming wrapped on March 3, 2028. Netflix has set a release date, not said yet."
    found = release_date(None, [_update(text)])
    assert found.day is None and "gives no release date" in found.why


def test_the_release_date_is_shown_with_the_sentence_that_gives_it() -> None:
    text = "Filming wrapped on 2028-03-03. The sequel premieres Sept. 4th 2028 on Netflix."
    found = release_date(None, [_update(text)])
    assert found.day == date(2028, 9, 4)
    assert found.excerpt == "The sequel premieres Sept. 4th 2028 on Netflix."
