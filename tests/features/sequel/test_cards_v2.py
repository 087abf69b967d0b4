"""The sequel tracker's Components V2 cards: within Discord's V2 limits at their largest, and
saying what the classic card says (every fact with its excerpt and source)."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import HeroesBot
from bot.store import FILM_KEY, SEQUEL_KEY, STAGE_KEYS, Delivery, NewUpdate, Store
from bot.ui.layout import TEXT_TOTAL, build_layout, card_from_embed, fit_texts, layout_text
from bot.ui.layout_pages import page_view
from cogs.sequel import compose_card_post, news_pages, sequel_card
from cogs.sequel._layouts import news_layouts, status_layout, status_view
from tests.commands import invoke
from tests.discord_limits import refused_v2
from tests.fakes import FakeInteraction

LONG_TEXT = ("The sequel's writers met again this week to talk about the script. " * 60)[:4000]
LONG_URL = "https://example.com/" + "a" * 480


def longest_update(number: int, stage: str | None = None) -> NewUpdate:
    """An update at every limit the news form allows (headline 256, text 4000, link 512)."""
    headline = f"Update {number} " + "H" * (256 - len(f"Update {number} "))
    return NewUpdate(
        headline, LONG_TEXT, f"2025-01-{number % 28 + 1:02d}", "Outlet " * 14, LONG_URL, stage
    )


async def status_embed(store: Store) -> tuple[discord.Embed, object]:
    card = await store.work_card(SEQUEL_KEY)
    if card is None:
        raise LookupError("the seed has no sequel")
    embed = sequel_card(
        card,
        await store.facts(work_key=FILM_KEY),
        history=await store.tracker.stage_history(),
        latest=await store.tracker.latest_update(),
    )
    return embed, card


def delivery(role_id: int | None, *, mention: bool) -> Delivery:
    return Delivery(1, 1, 4242, 77, role_id, "sending", None, 1, None, None, mention)


async def test_status_card_as_seeded_says_what_the_classic_card_says(store: Store) -> None:
    embed, card = await status_embed(store)
    view = status_view(status_layout(embed, card), None)  # type: ignore[arg-type]
    assert refused_v2(view) == []
    text = layout_text(view)
    # Nothing needed cutting: every field of the classic card, name and value, word for word.
    for field in embed.fields:
        assert field.name in text and field.value in text
    assert embed.footer.text in text  # the source line


async def test_status_card_at_its_largest_stays_within_the_v2_limits(store: Store) -> None:
    for number, stage in enumerate(STAGE_KEYS, 1):  # every stage reached, longest updates
        await store.tracker.add_update(longest_update(number, stage), announce=False)
    embed, card = await status_embed(store)
    view = status_view(status_layout(embed, card), 4242)  # type: ignore[arg-type]
    assert refused_v2(view) == []
    assert "From the article" in layout_text(view)  # the excerpt is kept, shortened or not


async def test_news_timeline_pages_at_their_largest_stay_within_the_v2_limits(
    store: Store,
) -> None:
    await store.tracker.add_updates([longest_update(n) for n in range(1, 10)], announce=False)
    updates = await store.tracker.timeline(limit=200)
    layouts = news_layouts(news_pages(updates))
    assert len(layouts) == 3
    for index in range(len(layouts)):
        view = page_view(layouts, index, owner_id=123456789012345678, book="sequel-news")
        assert refused_v2(view, ephemeral=True) == []


async def test_news_post_of_the_longest_update_with_a_role_stays_within_the_limits(
    store: Store,
) -> None:
    update, _ = await store.tracker.add_update(longest_update(1, "filming"), announce=False)
    post = compose_card_post(update, delivery(2**63 - 1, mention=True))
    assert post.embed is None and post.content is None and post.layout is not None
    assert refused_v2(post.layout) == []
    text = layout_text(post.layout)
    assert text.startswith(f"<@&{2**63 - 1}>")  # the mention, above the card
    assert LONG_TEXT[:300] in text  # the update's own words, cut only at the end
    assert post.allowed_mentions.roles == [discord.Object(2**63 - 1)]
    assert post.allowed_mentions.everyone is False and post.allowed_mentions.users is False


async def test_news_post_without_a_ping_has_no_mention_and_links_its_source(
    store: Store,
) -> None:
    update, _ = await store.tracker.add_update(longest_update(1), announce=False)
    post = compose_card_post(update, delivery(7000, mention=False))
    assert post.layout is not None
    assert "<@&" not in layout_text(post.layout)
    links = [
        item.url
        for item in post.layout.walk_children()
        if isinstance(item, discord.ui.Button) and item.url
    ]
    assert links == [LONG_URL]


def test_fitting_cuts_the_longest_blocks_and_marks_each_cut() -> None:
    texts = ["short source line", "a " * 3000, "b " * 1500]
    fitted = fit_texts(texts, TEXT_TOTAL)
    assert sum(map(len, fitted)) <= TEXT_TOTAL
    assert fitted[0] == "short source line"
    assert fitted[1].endswith("…") and fitted[2].endswith("…")


def test_a_card_from_an_embed_keeps_its_accent_colour_and_its_source_link() -> None:
    embed = discord.Embed(title="T", description="D", colour=0x3D8BE8)
    embed.add_field(name="Studio", value="Netflix", inline=True)
    embed.set_footer(text="Source: an article")
    view = build_layout(card_from_embed(embed, source_url="https://example.com/a"))
    (container,) = view.children
    assert isinstance(container, discord.ui.Container)
    assert container.accent_colour == 0x3D8BE8
    assert "**Studio:** Netflix" in layout_text(view)
    assert refused_v2(view) == []


def test_a_link_button_is_left_out_when_discord_would_refuse_its_address() -> None:
    embed = discord.Embed(title="T", description="D")
    embed.set_footer(text="Source: an article")
    for bad in ("javascript:alert(1)", "https://example.com/" + "a" * 600):
        view = build_layout(card_from_embed(embed, source_url=bad))
        assert not any(isinstance(i, discord.ui.Button) for i in view.walk_children())
        assert "Source: an article" in layout_text(view)


# --------------------------------------------------------------------------- through the cogs


async def sent_view(bot: HeroesBot, command: str, interaction: FakeInteraction) -> Any:
    (sent,) = (await invoke(bot, command, interaction, private=True)).sent
    assert not sent.embeds and sent.content is None
    assert isinstance(sent.view, discord.ui.LayoutView)
    assert refused_v2(sent.view, ephemeral=True) == []
    return sent.view


async def test_status_is_a_v2_card_by_default_reused_while_nothing_changes(
    bot: HeroesBot,
) -> None:
    first = await sent_view(bot, "sequel status", FakeInteraction(guild_id=None))
    assert await sent_view(bot, "sequel status", FakeInteraction(guild_id=None)) is first
    await bot.store.tracker.add_update(NewUpdate("Cameras roll", "Filming began.", "2025-06-01"))
    after = await sent_view(bot, "sequel status", FakeInteraction(guild_id=None))
    assert after is not first and "Filming began." in layout_text(after)


async def test_film_is_a_v2_card_saying_every_statement_of_the_classic_card(
    bot: HeroesBot,
) -> None:
    view = await sent_view(bot, "film", FakeInteraction())
    await bot.store.settings.set_classic_cards(4242, True)
    (classic,) = (await invoke(bot, "film", FakeInteraction(), private=True)).sent
    (embed,) = classic.embeds
    text = layout_text(view)
    for field in embed.fields:
        assert field.name in text and field.value in text
    assert embed.footer.text in text


async def test_settings_cards_choice_is_stored_and_said(bot: HeroesBot) -> None:
    choice = discord.app_commands.Choice(name="classic", value="classic")
    (sent,) = (await invoke(bot, "settings", FakeInteraction(), cards=choice)).sent
    assert sent.ephemeral and "classic embeds" in sent.content
    assert (await bot.store.settings.get(4242)).classic_cards
    (status,) = (await invoke(bot, "sequel status", FakeInteraction(), private=True)).sent
    assert status.embeds and not isinstance(status.view, discord.ui.LayoutView)
    # A DM has no server settings: the default, V2 cards.
    await sent_view(bot, "sequel status", FakeInteraction(guild_id=None))
    (shown,) = (await invoke(bot, "settings", FakeInteraction())).sent
    assert "classic embeds" in shown.content


def test_fitting_cuts_a_field_above_its_source_line_and_keeps_the_line_whole() -> None:
    source = "Source: Outlet — <https://example.com/" + "a" * 400 + ">"
    texts = [f"**Update {n}**\n" + "The writers met. " * 200 + f"\n{source}" for n in range(3)]
    fitted = fit_texts(texts, TEXT_TOTAL)
    assert sum(map(len, fitted)) <= TEXT_TOTAL
    for text in fitted:
        body, last = text.rsplit("\n", 1)
        assert last == source and body.endswith("…")


async def test_news_pages_at_their_largest_keep_every_source_address(store: Store) -> None:
    await store.tracker.add_updates([longest_update(n) for n in range(1, 10)], announce=False)
    pages = news_pages(await store.tracker.timeline(limit=200))
    for embed, layout in zip(pages, news_layouts(pages), strict=True):
        text = layout.plain_text()
        for field in embed.fields:  # the embed's source line, as the embed shows it
            assert field.value.rsplit("\n", 1)[1] in text
