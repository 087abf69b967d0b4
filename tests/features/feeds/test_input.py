"""/feeds add and `heroes-bot feeds add` apply one set of rules to a feed (cogs/feeds/_input.py):
what one refuses, the other refuses, and both store the same address."""

from __future__ import annotations

import pytest

from bot.cli_feeds import Refused, check_keywords, check_url
from bot.errors import UserFacingError
from cogs.feeds import checked_feed_url, parse_keywords

REFUSED = [
    "",
    "ftp://news.example/rss",
    "https://user:secret@news.example/rss",
    "https:///rss",
    "https://news.example/a b",
    "https://news.example:99999/rss",
    "https://news.example/" + "x" * 2000,
]


@pytest.mark.parametrize("url", REFUSED)
def test_an_address_refused_in_discord_is_refused_in_the_terminal(url: str) -> None:
    with pytest.raises(UserFacingError):
        checked_feed_url(url)
    with pytest.raises(Refused):
        check_url(url)


def test_both_store_the_same_address_and_keywords() -> None:
    url = "https://Bücher.example/rss.xml"
    assert checked_feed_url(url) == check_url(url) == "https://xn--bcher-kva.example/rss.xml"
    typed = "sequel,  Heroes  2 , SEQUEL"
    assert parse_keywords(typed) == check_keywords(typed) == ("sequel", "Heroes 2")
