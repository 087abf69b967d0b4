"""The excerpts a message is checked against ("Check against the source"), on both engines:
which stored excerpts share a message's subject, and which do not."""

from __future__ import annotations

from bot.store import NewUpdate, SourceCheck, Store

CLAIM = "I heard the sequel is filming already"


def texts(check: SourceCheck) -> list[str]:
    return [match.passage.text for match in check.matches]


async def test_a_claim_finds_the_excerpts_sharing_its_meaningful_words(store: Store) -> None:
    check = await store.excerpts.check(CLAIM, limit=5)
    assert check.terms == ("sequel", "filming", "already")
    assert set(texts(check)) == {
        "A sequel to We Can Be Heroes is already in the works at Netflix.",
        "Rodriguez is already on board to write, direct, and produce the unnamed sequel.",
    }
    assert all(m.shared == ("sequel", "already") for m in check.matches)
    assert {m.passage.source.key for m in check.matches} == {"article"}


async def test_quotes_are_found_through_the_quote_search(store: Store) -> None:
    check = await store.excerpts.check("half-shark kids with the powers of lava", limit=3)
    assert check.matches[0].passage.kind == "quote"
    assert "have the powers of lava?" in check.matches[0].passage.text


async def test_a_news_update_is_checked_a_sentence_at_a_time(store: Store) -> None:
    update = NewUpdate(
        headline="Cameras roll on the sequel",
        text="Filming began in Austin this week. The cast returns in full.",
        source_outlet="Example News",
        source_url="https://news.example/sequel-filming",
    )
    await store.tracker.add_update(update, announce=False)
    check = await store.excerpts.check("Is the sequel filming in Austin?", limit=5)
    best = check.matches[0].passage
    assert (best.kind, best.text) == ("update", "Filming began in Austin this week.")
    assert (best.source.title, best.source.outlet) == ("Cameras roll on the sequel", "Example News")
    assert best.source.url == "https://news.example/sequel-filming"


async def test_a_sentence_stored_twice_is_one_excerpt_with_the_records_source(
    store: Store,
) -> None:
    # The seeded article update repeats the sequel work's excerpt word for word.
    check = await store.excerpts.check("sequel already works Netflix", limit=5)
    works = [m for m in check.matches if "already in the works" in m.passage.text]
    assert len(works) == 1
    assert works[0].passage.kind == "work"


async def test_one_shared_common_word_is_not_enough_in_a_longer_message(store: Store) -> None:
    check = await store.excerpts.check("the sequel's villain is a talking cat", limit=5)
    assert check.terms == ("sequel", "villain", "talking", "cat")
    assert check.matches == ()


async def test_a_short_message_about_one_subject_matches_on_that_word(store: Store) -> None:
    check = await store.excerpts.check("Sharkboy is cool", limit=5)
    assert check.matches
    assert all(m.shared == ("sharkboy",) for m in check.matches)


async def test_the_films_title_and_stop_words_are_not_looked_up(store: Store) -> None:
    check = await store.excerpts.check("We can be heroes, just for one day!", limit=5)
    assert check.terms == ("day",)
    assert check.matches == ()


async def test_words_match_whole_never_as_a_prefix(store: Store) -> None:
    # "film" is in no excerpt as a word of its own: "filmmaker" must not count.
    check = await store.excerpts.check("film film", limit=5)
    assert check.matches == ()


async def test_search_syntax_and_invisible_characters_are_plain_words(store: Store) -> None:
    hostile = (
        '"sequel" * NEAR(already, 2) AND',
        "se\u200bquel al\u2060ready",
        "sequel' & already:*",
    )
    for text in (f"{claim} filming" for claim in hostile):
        check = await store.excerpts.check(text, limit=5)
        assert "sequel" in check.terms and "already" in check.terms, text
        assert len(check.matches) == 2, text


async def test_the_number_of_excerpts_is_bounded(store: Store) -> None:
    check = await store.excerpts.check("Sharkboy", limit=2)
    assert len(check.matches) == 2


async def test_a_quotes_context_is_an_excerpt_of_its_own(store: Store) -> None:
    # "my-son-did" prints its quote alone; the sentence around it in the article is its context.
    check = await store.excerpts.check("Sharkboy", limit=25)
    kinds = {m.passage.text: m.passage.kind for m in check.matches}
    assert kinds["Rodriguez added of Sharkboy and Lava Girl."] == "context"


async def test_an_abbreviation_does_not_cut_a_news_sentence_into_fragments(store: Store) -> None:
    update = NewUpdate(
        headline="A date for the sequel",
        text="The sequel opens Sept. 4th 2028 in theaters at 8 p.m. on Friday. More soon.",
        source_outlet="Example News",
    )
    await store.tracker.add_update(update, announce=False)
    check = await store.excerpts.check("sequel opens theaters Friday", limit=5)
    assert check.matches[0].passage.text == (
        "The sequel opens Sept. 4th 2028 in theaters at 8 p.m. on Friday."
    )
