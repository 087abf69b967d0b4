"""The "Check against the source" card: within Discord's limits at its largest, every excerpt
verbatim with its source, and no verdict in its own words."""

from __future__ import annotations

import re

from bot.store import ExcerptMatch, Passage, Source, SourceCheck
from cogs.factcheck import check_card
from cogs.factcheck._render import INTRO, NO_TEXT, NOTHING, TITLE, nothing_text
from tests.discord_limits import refused_by_discord

ARTICLE = Source(
    "article", "We Can Be Heroes Sequel in Development at Netflix", "ComicBook.com", None, None
)
VERDICTS = re.compile(r"\b(true|false|confirmed|debunked|correct|wrong|fake|misleading)\b", re.I)


def _update(text: str) -> Passage:
    source = Source(
        "update:7",
        "**Filming** <@&1> [x](https://evil.example)",
        "Outlet",
        "https://news.example/a",
        "2025-06-01",
    )
    return Passage(text, source, "update")


def test_the_largest_card_is_within_discords_limits() -> None:
    long_text = "sequel " * 571  # 4,000 characters: the longest update body
    matches = tuple(
        ExcerptMatch(_update(long_text), tuple(f"word{i}" for i in range(64)), -1.0)
        for _ in range(5)
    )
    card = check_card(SourceCheck(tuple(f"word{i}" for i in range(64)), matches))
    assert refused_by_discord(card) == []
    assert len(card.fields) == 5
    assert all(field.value.startswith("> sequel") for field in card.fields)


def test_each_excerpt_is_shown_verbatim_with_its_source() -> None:
    passage = Passage(
        "A sequel to We Can Be Heroes is already in the works at Netflix.", ARTICLE, "work"
    )
    card = check_card(
        SourceCheck(("sequel", "already"), (ExcerptMatch(passage, ("sequel", "already"), -2.0),))
    )
    (field,) = card.fields
    assert field.name == "1. Film record · shares: sequel, already"
    assert field.value == (
        "> A sequel to We Can Be Heroes is already in the works at Netflix.\n"
        "Source: We Can Be Heroes Sequel in Development at Netflix — ComicBook.com, date unknown"
    )


def test_a_news_updates_stored_headline_is_shown_as_plain_text() -> None:
    card = check_card(
        SourceCheck(("filming",), (ExcerptMatch(_update("Filming began."), ("filming",), -1.0),))
    )
    where = card.fields[0].value.split("\n")[-1]
    assert "\\*\\*Filming\\*\\*" in where and "\\<@&1\\>" in where
    assert "<https://news.example/a>" in where  # the address as itself, never a masked link
    assert "](" not in where


def test_the_cards_own_words_give_no_verdict() -> None:
    for text in (
        TITLE,
        INTRO,
        NOTHING,
        NO_TEXT,
        nothing_text(SourceCheck((), ())),
        nothing_text(SourceCheck(("cat",), ())),
    ):
        assert not VERDICTS.search(text), text
