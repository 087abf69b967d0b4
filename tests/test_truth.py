"""Say only what the source says: every card, post and trivia question, read against the records.

The generic check is tests/truth.py; the tests named after a finding of issue 10 pin each one.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import discord
import pytest

from bot.client import HeroesBot
from bot.seed import DATA_DIR, SeedError, load_seed
from bot.store import (
    STAGE_KEYS,
    DailyPick,
    Delivery,
    NewUpdate,
    RoundAnswer,
    SeedData,
    Store,
    load_migrations,
    migrate,
)
from bot.ui.layout import build_layout
from cogs.quote import quote_card
from cogs.quote_daily import daily_quote_card
from cogs.sequel import compose_card_post, update_card
from cogs.trivia import Question, generate_questions, load_material, question_embed, result_embed
from tests.commands import invoke
from tests.tracker_fakes import GuildInteraction
from tests.truth import card_problems, layout_problems, load_records, record_problems

ARTICLE = (DATA_DIR / "article" / "we-can-be-heroes-sequel.txt").read_text("utf-8")


def _embeds(interaction: object) -> list[discord.Embed]:
    """Every embed the command sent, every page of a paginated reply included."""
    found: list[discord.Embed] = []
    for sent in interaction.sent:  # type: ignore[attr-defined]
        found += sent.embeds
        pages = getattr(sent.view, "pages", None)
        if pages:
            found += [page for page in pages if page not in found]
    return found


def _text(embeds: list[discord.Embed]) -> str:
    parts = []
    for e in embeds:
        parts += [e.title or "", e.description or "", e.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in e.fields]
    return "\n".join(parts)


async def _information_cards(bot: HeroesBot) -> dict[str, list[discord.Embed]]:
    """/cast and every person, /film, /universe, /quote (random, by key, searched), /about.
    As classic embeds, whose fields the tests read by name: /film's V2 card, the same card laid
    out, is read by the generic check too (_v2_problems)."""
    store = bot.store
    await store.settings.set_classic_cards(4242, True)  # FakeInteraction's server
    cards = {
        "/cast": _embeds(await invoke(bot, "cast", private=True)),
        "/film": _embeds(await invoke(bot, "film", private=True)),
        "/universe": _embeds(await invoke(bot, "universe", private=True)),
        "/about": _embeds(await invoke(bot, "about", private=True)),
        "/quote": _embeds(await invoke(bot, "quote", private=True)),
        "/quote search: lava": _embeds(await invoke(bot, "quote", search="lava", private=True)),
    }
    for person in await store.trivia.people():
        cards[f"/cast {person.key}"] = _embeds(
            await invoke(bot, "cast", name=f"person:{person.key}", private=True)
        )
    for quote in await store.all_quotes():
        cards[f"/quote {quote.key}"] = _embeds(
            await invoke(bot, "quote", search=f"quote:{quote.key}", private=True)
        )
    return cards


async def _questions(store: Store, seed: int = 7) -> list[Question]:
    return generate_questions(await load_material(store), random.Random(seed))


# ---------------------------------------------------------------------- the generic check


async def test_no_information_card_states_what_its_records_do_not_say(
    bot: HeroesBot, seed: SeedData
) -> None:
    records = await load_records(bot.store, seed)
    cards = await _information_cards(bot)
    assert all(cards.values())
    problems = [
        f"{name}: {p}"
        for name, embeds in cards.items()
        for e in embeds
        for p in card_problems(e, records)
    ]
    film = await invoke(bot, "film", GuildInteraction(None), private=True)  # a DM: V2
    problems += [f"/film (V2): {p}" for p in _v2_problems(film, records)]
    assert problems == []


async def test_sequel_status_news_and_posts_at_every_stage_state_only_records(
    bot: HeroesBot, seed: SeedData
) -> None:
    tracker = bot.store.tracker
    records = await load_records(bot.store, seed)
    status = await invoke(bot, "sequel status", GuildInteraction(None))  # a DM: V2 cards
    problems = [f"status as seeded: {p}" for p in _v2_problems(status, records)]
    for day, stage in enumerate(STAGE_KEYS, 1):
        await tracker.add_update(
            NewUpdate(
                f"Headline {day}", f"Text of update {day}.", f"2025-03-{day:02d}",
                "Example News", "https://news.example.com/heroes", stage=stage,
            )
        )  # fmt: skip
        records = await load_records(bot.store, seed)
        status = await invoke(bot, "sequel status", GuildInteraction(None))
        problems += [f"status at {stage}: {p}" for p in _v2_problems(status, records)]
    news = await invoke(bot, "sequel news", GuildInteraction(None))
    problems += [f"news: {p}" for p in _v2_problems(news, records)]
    for page in await bot.get_cog("Sequel").news_layouts():  # type: ignore[union-attr]
        problems += [f"news page: {p}" for p in layout_problems(build_layout(page), records)]
    delivery = Delivery(1, 1, 4242, 77, None, "sending", None, 1, None, None)
    for update in await tracker.timeline():
        problems += [f"post #{update.id}: {p}" for p in card_problems(update_card(update), records)]
        post = compose_card_post(update, delivery).layout
        problems += [f"V2 post #{update.id}: {p}" for p in layout_problems(post, records)]  # type: ignore[arg-type]
    assert problems == []


def _v2_problems(interaction: object, records: object) -> list[str]:
    """The truth check of every Components V2 card the command sent (there must be one)."""
    views = [
        sent.view
        for sent in interaction.sent  # type: ignore[attr-defined]
        if isinstance(sent.view, discord.ui.LayoutView)
    ]
    assert views, "no V2 card sent"
    return [p for view in views for p in layout_problems(view, records)]  # type: ignore[arg-type]


async def test_quote_of_the_day_posts_state_only_records(bot: HeroesBot, seed: SeedData) -> None:
    records = await load_records(bot.store, seed)
    quotes = await bot.store.all_quotes()
    problems = []
    for position, quote in enumerate(quotes, 1):
        pick = DailyPick(1, quote.id, f"2025-01-{position:02d}", 1, position, len(quotes))
        problems += card_problems(daily_quote_card(quote, pick), records)
    assert problems == []


async def test_trivia_questions_and_reveals_state_only_records(
    bot: HeroesBot, seed: SeedData
) -> None:
    records = await load_records(bot.store, seed)
    questions = await _questions(bot.store)
    assert questions
    problems = []
    for q in questions:
        answers = [
            RoundAnswer(1, "fan", q.answer, True),
            RoundAnswer(2, "other", (q.answer + 1) % 4, False),
        ]
        # The prompt, options and answer are checked by the question's own rules (below).
        for embed in (
            question_embed(q, closes_at=1_700_000_000, answered=0),
            result_embed(q, answers),
            result_embed(q, []),
        ):
            problems += [
                f"{q.key}: {p}"
                for p in card_problems(embed, records, skip={"description", "Answer"})
            ]
    assert problems == []


async def test_every_stored_record_is_said_by_its_own_excerpt(store: Store) -> None:
    people = [await store.person(p.key) for p in await store.trivia.people()]
    problems = record_problems(
        await store.works(), await store.facts(), [p for p in people if p], await store.all_quotes()
    )
    assert problems == []


def _contradiction_problems(q: Question, article: str) -> list[str]:
    """Why `q` is not a fair question: its answer is not what the source says, or a wrong option
    is one the source does not contradict."""
    wrong = [o for i, o in enumerate(q.options) if i != q.answer]
    if q.kind == "figure":
        if q.correct not in q.excerpt:
            return [f"{q.key}: the answer {q.correct!r} is not in its excerpt"]
        scale = q.correct.split(" ", 1)[1:]
        return [
            f"{q.key}: {o!r} is not the printed figure made up in the same unit"
            for o in wrong
            if o.split(" ", 1)[1:] != scale or o in article
        ]
    if q.kind == "cast-list":
        own, *others = q.excerpt.split(" … ")
        if q.correct not in own or not others:
            return [f"{q.key}: the answer is not in the list the question asks about"]
        return [
            f"{q.key}: {o!r} is not printed in another list"
            for o in wrong
            if o in own or not any(o in other for other in others)
        ]
    if q.kind == "quote":
        beginning = q.prompt.split("“", 1)[1].removesuffix(" …”")
        if f"{beginning} {q.correct.removeprefix('… ')}" not in q.excerpt:
            return [f"{q.key}: the answer is not how the quote goes on"]
        return [
            f"{q.key}: {o!r} is how the quote goes on"
            for o in wrong
            if f"{beginning} {o.removeprefix('… ')}" in article
        ]
    return [f"{q.key}: kind {q.kind!r} has no reviewed rule for why its wrong options are wrong"]


async def test_every_question_has_one_supported_answer_and_wrong_ones_the_source_contradicts(
    store: Store,
) -> None:
    for rng_seed in range(5):
        questions = await _questions(store, rng_seed)
        assert {q.kind for q in questions} == {"figure", "cast-list", "quote"}
        problems = [p for q in questions for p in _contradiction_problems(q, ARTICLE)]
    assert problems == []


# ---------------------------------------------------------------------- issue 10 §2, one by one


async def test_nobody_is_called_top_billed_or_given_a_billing(bot: HeroesBot) -> None:
    cards = await _information_cards(bot)
    text = _text([e for embeds in cards.values() for e in embeds])
    text += "\n".join(q.prompt for q in await _questions(bot.store))
    assert not re.search(r"top.billed|billing|billed", text, re.IGNORECASE)
    film = {f.name: f.value for f in cards["/film"][0].fields}
    assert "Pedro Pascal, Christian Slater, Boyd Holdbrook" in film["We Can Be Heroes stars"]
    cast = cards["/cast"][0].description or ""
    assert "**We Can Be Heroes stars**" in cast and "**It also features**" in cast


async def test_the_film_is_not_called_rodriguezs_film_or_a_superhero_film(bot: HeroesBot) -> None:
    cards = await _information_cards(bot)
    for name in ("/film", "/about"):
        text = _text(cards[name])
        assert "superhero film" not in text and "Rodriguez's" not in text, name
        assert "Netflix film" not in text, name


async def test_no_filmmaker_claim_rests_on_the_follow_up_excerpt(bot: HeroesBot) -> None:
    cards = await _information_cards(bot)
    text = _text([e for embeds in cards.values() for e in embeds])
    assert "Filmmaker:" not in text and "Filmmaker behind" not in text
    assert "filmmaker" not in {f.name.casefold() for e in cards["/film"] for f in e.fields}


async def test_the_households_figure_is_said_as_thrs_report(bot: HeroesBot) -> None:
    cards = await _information_cards(bot)
    lines = _text([e for embeds in cards.values() for e in embeds]).splitlines()
    figures = [line for line in lines if "44 million" in line]
    assert figures
    assert all("A report from THR suggests" in line for line in figures), figures
    figure = next(q for q in await _questions(bot.store) if q.kind == "figure")
    assert "A report from THR suggests **___** households" in figure.prompt


async def test_the_universe_is_his_aspiration_not_an_official_universe(bot: HeroesBot) -> None:
    card = (await _information_cards(bot))["/universe"][0]
    assert "An official universe" not in _text([card])
    assert "revealed aspirations to create an official Rodriguez Cinematic Universe" in (
        card.description or ""
    )


async def test_desperado_and_machete_are_never_titles(bot: HeroesBot, seed: SeedData) -> None:
    card = (await _information_cards(bot))["/universe"][0]
    named = [f.name for f in card.fields if f.name.startswith("Named:")]
    assert named and not any("Desperado" in n or "Machete" in n for n in named)
    assert {w.title for w in await bot.store.works()}.isdisjoint({"Desperado", "Machete"})
    options = {o for q in await _questions(bot.store) if q.kind != "quote" for o in q.options}
    assert options.isdisjoint({"Desperado", "Machete"})


def test_a_title_named_only_inside_a_quote_is_refused_by_the_seed(tmp_path: Path) -> None:
    (tmp_path / "article").mkdir()
    (tmp_path / "article" / "a.txt").write_text(ARTICLE)
    quote = "You could have a Desperado character with a Machete"
    (tmp_path / "seed.toml").write_text(
        '[[sources]]\nkey = "article"\nfile = "article/a.txt"\ntitle = "t"\n'
        f'[[works]]\nkey = "desperado"\ntitle = "Desperado"\nkind = "title"\nexcerpt = "{quote}"\n'
        '[[people]]\nkey = "rr"\nname = "Rodriguez"\nexcerpt = "Rodriguez pointed out"\n'
        f'[[quotes]]\nkey = "q"\nperson = "rr"\ntext = "{quote}"\nexcerpt = "{quote}"\n'
    )
    with pytest.raises(SeedError, match="named only inside a quote"):
        load_seed(tmp_path / "seed.toml")


def test_a_seed_value_its_excerpt_does_not_say_is_refused(tmp_path: Path) -> None:
    (tmp_path / "article").mkdir()
    (tmp_path / "article" / "a.txt").write_text(ARTICLE)
    (tmp_path / "seed.toml").write_text(
        '[[sources]]\nkey = "article"\nfile = "article/a.txt"\ntitle = "t"\n'
        '[[works]]\nkey = "f"\ntitle = "We Can Be Heroes"\nkind = "film"\n'
        'summary = "Robert Rodriguez\'s superhero film"\n'
        'excerpt = "We Can Be Heroes is now streaming on Netflix."\n'
    )
    with pytest.raises(SeedError, match="is not said by its excerpt"):
        load_seed(tmp_path / "seed.toml")


async def test_a_producing_question_with_unmentioned_wrong_titles_is_not_asked(
    store: Store,
) -> None:
    for q in await _questions(store):
        assert "producing" not in q.prompt and "not** in the cast" not in q.prompt, q.prompt
        assert q.kind in {"figure", "cast-list", "quote"}


async def test_the_corrected_holbrook_spelling_never_appears_unmarked(bot: HeroesBot) -> None:
    cards = await _information_cards(bot)
    lines = _text([e for embeds in cards.values() for e in embeds]).splitlines()
    lines += [o for q in await _questions(bot.store) for o in (q.prompt, *q.options)]
    corrected = [line for line in lines if "Holbrook" in line]
    assert corrected == ["Boyd Holbrook (a spelling the sources do not print)"]
    card = cards["/cast boyd-holbrook"][0]
    assert card.title == "Boyd Holdbrook"  # the name as the source prints it


async def test_rodriguezs_card_shows_each_excerpt_once(bot: HeroesBot) -> None:
    card = (await _information_cards(bot))["/cast robert-rodriguez"][0]
    blocks = [line for f in card.fields for line in f.value.splitlines() if line.startswith(">")]
    assert len(blocks) == len(set(blocks)) == 3
    fields = {f.name for f in card.fields}
    assert "Writer, Director, Producer — the unnamed sequel" in fields


async def test_a_quote_is_shown_once_not_again_as_its_excerpt(store: Store) -> None:
    quotes = await store.all_quotes()
    for quote in quotes:
        pick = DailyPick(1, quote.id, "2025-01-01", 1, 1, len(quotes))
        for embed in (quote_card(quote), daily_quote_card(quote, pick)):
            text = _text([embed])
            assert text.count(quote.text[:60]) == 1, (quote.key, text)
            assert "Excerpt" not in {f.name for f in embed.fields}


async def test_an_old_database_loses_the_unsourced_seed_records(tmp_path: Path) -> None:
    import aiosqlite

    migrations = load_migrations()
    async with aiosqlite.connect(tmp_path / "old.db") as db:
        await migrate(db, migrations[:6])
        await db.execute("INSERT INTO sources (key, title, body) VALUES ('article', 't', 'b')")
        for key, title in (("desperado", "Desperado"), ("machete", "Machete"), ("kept", "Kept")):
            await db.execute(
                "INSERT INTO works (key, title, kind, excerpt, source_id) "
                "VALUES (?, ?, 'title', 'x', 1)",
                (key, title),
            )
        for key, edited in (("filmmaker", 0), ("sharkboy-creator", 0), ("christmas-week", 1)):
            await db.execute(
                "INSERT INTO facts (key, kind, label, value, excerpt, source_id, edited) "
                "VALUES (?, 'k', 'l', 'v', 'x', 1, ?)",
                (key, edited),
            )
        await db.commit()
        await migrate(db, migrations)
        async with db.execute("SELECT key FROM works ORDER BY key") as cursor:
            assert [r[0] for r in await cursor.fetchall()] == ["kept"]
        async with db.execute("SELECT key FROM facts") as cursor:
            assert [r[0] for r in await cursor.fetchall()] == ["christmas-week"]  # edited: kept


async def test_the_truth_check_reports_claims_written_by_code(
    bot: HeroesBot, seed: SeedData
) -> None:
    """The check itself: the old wordings are reported, the source's own words are not."""
    records = await load_records(bot.store, seed)
    claims = discord.Embed(
        title="We Can Be Heroes", description="Robert Rodriguez's superhero film"
    )
    claims.add_field(name="Top-billed stars", value="Pedro Pascal ⭐ top-billed")
    claims.add_field(
        name="Filmmaker", value="**Robert Rodriguez**\n> Rodriguez will direct Spy Kids 5."
    )
    claims.add_field(name="Households", value="44 million")
    found = card_problems(claims, records)
    said = "\n".join(found).casefold()
    for claim in (
        "'s superhero film'",
        "'top billed stars'",
        "'top billed'",
        "'filmmaker'",
        "not verbatim in any source: 'rodriguez will direct spy kids 5.'",
        "'households'",
        "'million'",  # a bare figure, without THR's report that makes it
    ):
        assert claim in said, (claim, found)
    assert len(found) == 7, found
    sourced = discord.Embed(title="We Can Be Heroes", description="> Sung Kang, Haley Reinhart")
    sourced.add_field(name="Where to watch", value="**Netflix**\n> now streaming on Netflix")
    assert card_problems(sourced, records) == []


async def test_an_existing_database_shows_holdbrook_as_printed_after_the_new_seed(
    tmp_path: Path, seed: SeedData
) -> None:
    """The seed before this change stored the usual spelling as the name and the printed one as
    an alias; the next start turns both round, so the card never lists the printed spelling as
    a mere alias of an unsourced name."""
    from msgspec.structs import replace

    from bot.store import open_store

    old = tuple(
        replace(p, name="Boyd Holbrook", aliases=("Boyd Holdbrook",))
        if p.key == "boyd-holbrook"
        else p
        for p in seed.people
    )
    async with open_store(tmp_path / "heroes.db") as store:
        await store.apply_seed(replace(seed, people=old))
        await store.apply_seed(seed)
        boyd = await store.person("boyd-holbrook")
        assert boyd is not None
        assert (boyd.name, boyd.aliases) == ("Boyd Holdbrook", ("Boyd Holbrook",))
        assert [m.name for m in await store.find_people("holbrook")][:1] == ["Boyd Holdbrook"]


async def test_the_v2_card_check_finds_a_statement_on_no_record(
    bot: HeroesBot, seed: SeedData
) -> None:
    # The check of V2 cards reads their text displays: it fires on words no record says.
    records = await load_records(bot.store, seed)
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.TextDisplay("## The sequel\n**Release date:** Christmas 2031"))
    assert any("Christmas 2031" in p for p in layout_problems(view, records))
