"""The sequel tracker in a member's (and a server's) language: cards, refusals, buttons and the
post form are translated where they are shown; news posts follow the receiving server's
language; what the store holds (headlines, texts, outlets) is shown as stored.

Translations are faked (each message prefixed with its locale), so these tests do not depend on
what the catalogs hold today.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.i18n import DEFAULT, current_locale, use_locale
from bot.store import NewUpdate, SequelUpdate
from cogs.sequel import (
    Broadcaster,
    NotifyButton,
    PostUpdateModal,
    RetryView,
    check_update,
    compose_post,
    news_pages,
    toggle_notify,
    update_card,
)
from tests.fakes import FakeUser
from tests.tracker_fakes import (
    FakeClock,
    FakeGuild,
    FakeMember,
    FakePoster,
    FakeRole,
    GuildInteraction,
)

GUILD = 4242
OWNER = 99
PORTUGUESE = "pt-BR"


@pytest.fixture(autouse=True)
def every_locale_marked(marked: None) -> None:
    """Every locale but English 'translated' by marking it, for the length of one test."""


def an_update(**changes: Any) -> SequelUpdate:
    fields: dict[str, Any] = {
        "id": 3,
        "key": None,
        "headline": "Filming begins",
        "text": "Cameras roll in Austin.",
        "published_at": "2025-06-01",
        "source_outlet": "Variety",
        "source_url": "https://variety.com/story",
        "stage": "filming",
        "origin": "post",
        "added_by": OWNER,
        "created_at": "2025-06-01T12:00:00+00:00",
    }
    fields.update(changes)
    return SequelUpdate(**fields)


def fields_of(embed: discord.Embed) -> dict[str, str]:
    return {field.name or "": field.value or "" for field in embed.fields}


def test_an_update_card_in_english_is_as_before() -> None:
    card = update_card(an_update())
    fields = fields_of(card)
    assert fields["Date"] == "2025-06-01"
    assert fields["Stage"].startswith("→ **Filming**\n▰▰▰▰▱▱▱ stage 4 of 7")
    assert card.footer.text == "We Can Be Heroes sequel tracker · update #3 · /sequel news"


def test_an_update_card_in_portuguese_translates_its_frame_not_the_news() -> None:
    with use_locale(PORTUGUESE):
        card = update_card(an_update())
    fields = fields_of(card)
    # The headline and the text are the news as written: never translated.
    assert card.title == "Filming begins"
    assert (card.description or "").endswith("\nCameras roll in Austin.")
    assert set(fields) == {"[pt-BR] Stage", "[pt-BR] Date", "[pt-BR] Source"}
    assert fields["[pt-BR] Stage"].startswith("→ **[pt-BR] Filming**")
    assert "[pt-BR] stage 4 of 7" in fields["[pt-BR] Stage"]
    # A calendar day the Portuguese way (Babel), not the ISO form English cards keep.
    assert fields["[pt-BR] Date"] == "1 de jun. de 2025"
    assert card.footer.text == "[pt-BR] We Can Be Heroes sequel tracker · update #3 · /sequel news"


def test_news_pages_count_updates_in_the_readers_language() -> None:
    updates = [an_update(id=n, headline=f"News {n}") for n in range(5, 0, -1)]
    with use_locale("fr"):
        pages = news_pages(updates)
        empty = news_pages([])
    assert pages[0].title == "[fr] We Can Be Heroes sequel — news"
    assert pages[0].footer.text == "[fr] Page 1/2 · 5 updates, newest first"
    assert empty[0].description == "[fr] No news yet."


def test_a_refused_update_is_explained_in_the_owners_language() -> None:
    with use_locale(PORTUGUESE):
        checked = check_update(headline="", text="y" * 6000, stage="bogus", today=_today())
    assert checked.update is None
    assert checked.problems[0] == "[pt-BR] Headline: required."
    assert checked.problems[1] == "[pt-BR] {field}: {length} characters; at most {limit}.".format(
        field="[pt-BR] Text", length=6000, limit=4000
    )
    assert checked.problems[2].startswith("[pt-BR] Stage: “bogus” is not a stage I know.")


def test_a_stage_typed_in_the_owners_language_is_understood() -> None:
    with use_locale(PORTUGUESE):
        # The translated label ("[pt-BR] Filming" here) and the English one both name the stage.
        translated = check_update(headline="h", text="t", stage="[pt-BR] filming", today=_today())
        english = check_update(headline="h", text="t", stage="Filming", today=_today())
    assert translated.update is not None and translated.update.stage == "filming"
    assert english.update is not None and english.update.stage == "filming"


def test_the_post_form_and_its_retry_button_speak_the_owners_language() -> None:
    async def submit(interaction: discord.Interaction, values: dict[str, str]) -> None:
        return None

    with use_locale("fr"):
        modal = PostUpdateModal(submit)
        retry = RetryView(OWNER, submit, {})
    assert modal.title == "[fr] Post a sequel update"
    labels = [item for item in modal.children if isinstance(item, discord.ui.Label)]
    assert labels[0].text == "[fr] Headline"
    assert all(len(label.text) <= 45 and len(label.description or "") <= 100 for label in labels)
    assert retry.retry.label == "[fr] Edit and try again"


async def test_a_notify_press_answers_in_the_members_language(bot: HeroesBot) -> None:
    role = FakeRole(7000, "sequel-fans", position=3)
    me = FakeMember(
        5,
        "heroes-bot",
        permissions=discord.Permissions(manage_roles=True),
        top_role=FakeRole(6000, "heroes-bot", position=10),
    )
    guild = FakeGuild(GUILD, me, [role])
    # The member who chose the role has left: the reason is kept as a kind, not as the text of
    # the first member's answer, so the next member reads it in their own language.
    await bot.store.tracker.follow(GUILD, 77, role.id, by=1234, mention_role=True)
    guard = bot.get_cog("Sequel").notify_guard
    guild.fetch_member = _not_found  # type: ignore[method-assign]
    english = await toggle_notify(
        GuildInteraction(guild, FakeMember(1001)), bot.store, GUILD, on=True, guard=guard
    )
    assert english.startswith("I won't give you <@&7000> right now: <@1234>, who chose it, is no")
    with use_locale(PORTUGUESE):
        portuguese = await toggle_notify(
            GuildInteraction(guild, FakeMember(1002)), bot.store, GUILD, on=True, guard=guard
        )
    assert portuguese.startswith("[pt-BR] I won't give you <@&7000> right now: <@1234>")


async def test_the_notify_button_sets_the_members_language_first(bot: HeroesBot) -> None:
    interaction = GuildInteraction(None, FakeUser(1001))
    interaction.locale = discord.Locale.french
    interaction.client = bot
    assert await NotifyButton("on", GUILD).interaction_check(interaction)  # type: ignore[arg-type]
    assert current_locale() == "fr"
    with use_locale("fr"):
        button = NotifyButton("on", GUILD)
    assert button.item.label == "[fr] Notify me"


async def test_a_news_post_speaks_the_servers_language(bot: HeroesBot) -> None:
    await bot.store.settings.set_language(GUILD, "es-ES")
    await bot.store.settings.set_classic_cards(GUILD, True)
    await bot.store.tracker.follow(GUILD, 77, 7000, mention_role=True)
    await bot.store.tracker.add_update(NewUpdate("Filming begins", "Cameras roll.", "2025-06-01"))
    poster = FakePoster()
    cog = bot.get_cog("Sequel")
    # Delivered from the worker's task, where no member's language is in force.
    await Broadcaster(bot.store.tracker, poster, cog.compose_news, clock=FakeClock()).run_pass()
    post = poster.posted[0].message
    assert post.embed.title == "Filming begins"
    assert post.embed.footer.text.startswith("[es-ES] We Can Be Heroes sequel tracker")
    labels = [button.item.label for button in post.view.children]  # type: ignore[union-attr]
    assert labels == ["[es-ES] Notify me", "[es-ES] Stop notifying me"]
    assert current_locale() == DEFAULT


async def test_the_post_progress_keeps_the_owners_language(bot: HeroesBot) -> None:
    bot.owner_ids = {OWNER}
    await bot.store.tracker.follow(1, 101, None)
    cog = bot.get_cog("Sequel")
    cog.worker.broadcaster = Broadcaster(
        bot.store.tracker, FakePoster(), compose_post, clock=FakeClock()
    )
    interaction = GuildInteraction(None, FakeUser(OWNER))
    values = {"headline": "Filming begins", "text": "Cameras roll.", "stage": ""}
    with use_locale(PORTUGUESE):
        await cog.submit_update(interaction, values)
    assert interaction.sent[0].content.startswith("[pt-BR] Delivering update #2")
    # The worker reports from its own task, in English by default: the edit is still Portuguese.
    await cog.worker.run_once()
    final = interaction.sent[-1]
    assert final.kind == "edit_original_response"
    assert final.content.startswith("[pt-BR] Delivered update #2")
    assert "[pt-BR] 1/1 done · [pt-BR] 1 sent" in final.content


def _today() -> Any:
    from datetime import date

    return date(2025, 7, 1)


async def _not_found(member_id: int) -> Any:
    raise discord.NotFound(_Response(), {"code": 10007, "message": "Unknown Member"})


class _Response:
    status = 404
    reason = "Not Found"


def test_a_news_post_says_who_reported_its_headline() -> None:
    """The headline is the outlet's, never the bot's own claim: the post names the reporter."""
    card = update_card(an_update(source_outlet="Variety"))
    assert (card.description or "").startswith("*Reported by Variety:*\n")
    with use_locale(PORTUGUESE):
        translated = update_card(an_update(source_outlet="Variety"))
    assert (translated.description or "").startswith("*[pt-BR] Reported by Variety:*\n")
    assert update_card(an_update(source_outlet=None)).description == "Cameras roll in Austin."
