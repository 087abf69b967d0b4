"""A watch party's description: the film's card in the source's own words with the source, and
the premiere's date with the words it was read from, always within Discord's 1000 characters."""

from __future__ import annotations

from datetime import date

from bot.store import CastMember, Source, Work, WorkCard
from cogs.watchparty import ReleaseDate, party_description, premiere_description

SOURCE = Source("a", "Heroes sequel", "Variety", "https://v.example/a", "2021-01-02")


def _card(excerpt: str) -> WorkCard:
    return WorkCard(Work("film", "We Can Be Heroes", "film", None, None, None, excerpt, SOURCE))


def test_the_films_words_and_its_source_are_in_the_description() -> None:
    stars = CastMember("p", "Pedro Pascal", 1, True, "It stars Pedro Pascal.", SOURCE)
    text = party_description(_card("We Can Be Heroes is on Netflix."), [stars])
    assert text.startswith("Watching: We Can Be Heroes\n> We Can Be Heroes is on Netflix.")
    assert "> It stars Pedro Pascal." in text
    assert text.count("Source: Heroes sequel — Variety, 2021-01-02 https://v.example/a") == 1


def test_long_excerpts_are_shortened_with_a_mark_within_1000_characters() -> None:
    long = "word " * 600
    stars = CastMember("p", "Pedro Pascal", 1, True, "stars " * 400, SOURCE)
    text = party_description(_card(long), [stars])
    assert len(text) <= 1000 and "…" in text and "Source: Heroes sequel" in text
    premiere = premiere_description(
        "Premiere: the sequel", ReleaseDate(date(2028, 6, 4), long, "Variety")
    )
    assert len(premiere) <= 1000 and "Release date: 2028-06-04" in premiere
    assert premiere.endswith("Source: Variety")
