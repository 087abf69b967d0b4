"""/cast name: and /quote search: render each card once per state of the store, and show an
edit at once (the cards are reused only while the store's cached records are)."""

from __future__ import annotations

import discord

from bot.client import HeroesBot
from tests.commands import invoke
from tests.engines import both_engines
from tests.fakes import FakeInteraction

pytestmark = both_engines

EDIT_PERSON = "UPDATE people SET about = 'Edited by an owner.' WHERE key = 'pedro-pascal'"
EDIT_QUOTE = "UPDATE quotes SET context = 'Edited by an owner.' WHERE key = ?"


async def card(bot: HeroesBot, command: str, **options: str) -> discord.Embed:
    interaction = await invoke(bot, command, FakeInteraction(), private=True, **options)
    (sent,) = interaction.sent
    (embed,) = sent.embeds
    return embed


async def test_person_card_is_reused_and_shows_an_edit_at_once(bot: HeroesBot) -> None:
    first = await card(bot, "cast", name="person:pedro-pascal")
    assert await card(bot, "cast", name="person:pedro-pascal") is first
    async with bot.store.database.transaction() as tx:
        await tx.execute(EDIT_PERSON)
    assert (await card(bot, "cast", name="person:pedro-pascal")).description == (
        "Edited by an owner."
    )


async def test_quote_card_is_reused_and_shows_an_edit_at_once(bot: HeroesBot) -> None:
    (quote,) = await bot.store.search_quotes("lava", limit=1)
    key = f"quote:{quote.key}"
    first = await card(bot, "quote", search=key)
    assert await card(bot, "quote", search=key) is first
    async with bot.store.database.transaction() as tx:
        await tx.execute(EDIT_QUOTE, (quote.key,))
    fields = {f.name: f.value for f in (await card(bot, "quote", search=key)).fields}
    assert fields["Context"] == "> Edited by an owner."


async def test_cast_pages_are_shared_by_paginators_and_show_an_edit_at_once(
    bot: HeroesBot,
) -> None:
    async def pages() -> list[discord.Embed]:
        interaction = await invoke(bot, "cast", FakeInteraction(), private=True)
        (sent,) = interaction.sent
        return sent.view.pages

    first, second = await pages(), await pages()
    # One list of embeds for every paginator alive, not one each.
    assert all(a is b for a, b in zip(first, second, strict=True))
    async with bot.store.database.transaction() as tx:
        await tx.execute("UPDATE people SET name = 'Pedro Edited' WHERE key = 'pedro-pascal'")
    shown = " ".join(str(page.to_dict()) for page in await pages())
    assert "Pedro Edited" in shown
    assert "Pedro Edited" not in " ".join(str(page.to_dict()) for page in first)


async def test_news_pages_are_shared_by_paginators_and_show_a_new_update_at_once(
    bot: HeroesBot,
) -> None:
    from bot.store import NewUpdate

    await bot.store.settings.set_classic_cards(4242, True)  # the classic paginator's embeds

    async def pages() -> list[discord.Embed]:
        interaction = await invoke(bot, "sequel news", FakeInteraction(), private=True)
        (sent,) = interaction.sent
        return sent.view.pages if sent.view is not None else sent.embeds

    first, second = await pages(), await pages()
    assert all(a is b for a, b in zip(first, second, strict=True))
    await bot.store.tracker.add_update(NewUpdate("Cameras roll in Austin", "Filming began."))
    assert "Cameras roll in Austin" in " ".join(str(p.to_dict()) for p in await pages())
