"""A feed's candidate reviewed in Discord: the review message, its persistent buttons and stage
menu, the Edit form; publishing queues exactly one delivery per following server, once."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from msgspec.structs import replace

from bot.client import HeroesBot
from bot.store import Feed, FeedItem, NewFeedItem
from cogs.feeds import EditItemModal, ReviewButton, StageSelect, passage_problem, review_view
from cogs.sequel import Broadcaster, DeliveryWorker, compose_post
from tests.fakes import FakeUser, Sent, Strict
from tests.features.feeds.test_render import SUMMARY, make_item
from tests.tracker_fakes import FakeClock, FakePoster, GuildInteraction

OWNER, OTHER_OWNER, STRANGER = 99, 98, 1001
DM_CHANNEL = 8800


class PressedMessage(Strict, real=discord.Message):
    def __init__(self, message_id: int, channel_id: int = DM_CHANNEL) -> None:
        self.id = message_id
        self.channel = SentChannel(channel_id)


class SentChannel(Strict, real=discord.DMChannel):
    def __init__(self, channel_id: int) -> None:
        self.id = channel_id


class Press(GuildInteraction, real=discord.Interaction):
    """A press on a review message in an owner's DMs (or a form submitted from it)."""

    def __init__(self, bot: HeroesBot, user_id: int, message_id: int | None = 700, **data: Any):
        super().__init__(None, FakeUser(user_id))
        self.client = bot
        self.type = discord.InteractionType.component
        self.message = PressedMessage(message_id) if message_id else None
        self.data = data


class Owner(FakeUser, real=discord.Member):
    """An owner whose DMs take the review messages."""

    def __init__(self, user_id: int) -> None:
        super().__init__(user_id, f"owner-{user_id}")
        self.calls: list[tuple[discord.Embed, discord.ui.View | None]] = []

    async def send(self, *, embed: discord.Embed, view: discord.ui.View | None) -> Any:
        self.calls.append((embed, view))
        return PressedMessage(700 + len(self.calls) + self.id * 10, DM_CHANNEL + self.id)


def candidate(**changes: Any) -> NewFeedItem:
    values: dict[str, Any] = {
        "guid": "guid-1",
        "link": "https://news.example.com/heroes-2",
        "title": "We Can Be Heroes 2 is happening",
        "summary": SUMMARY,
        "outlet": "Example News",
        "published": "2025-01-09",
        "content_hash": "a" * 64,
        "status": "candidate",
        "skip_reason": None,
        "suggested_stage": "announced",
        "flags": (),
    }
    values.update(changes)
    return NewFeedItem(**values)


async def stored_candidate(bot: HeroesBot, **changes: Any) -> tuple[FeedItem, Feed]:
    feed = await bot.store.feeds.add_feed("https://news.example.com/rss")
    (item,) = await bot.store.feeds.store_items(feed.id, [candidate(**changes)])
    return item, feed


@pytest.fixture
def owners(bot: HeroesBot, monkeypatch: pytest.MonkeyPatch) -> dict[int, Owner]:
    people = {OWNER: Owner(OWNER), OTHER_OWNER: Owner(OTHER_OWNER)}
    bot.owner_ids = set(people)
    monkeypatch.setattr(bot, "get_user", people.get)
    return people


@pytest.fixture
def edited(bot: HeroesBot, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, discord.Embed]]:
    """The other copies of review messages, as the desk edits them (message id, card)."""
    copies: list[tuple[int, discord.Embed]] = []

    async def edit_copy(channel_id: int, message_id: int, embed: discord.Embed) -> None:
        copies.append((message_id, embed))

    monkeypatch.setattr(bot.get_cog("Feeds").desk, "edit_copy", edit_copy)
    return copies


@pytest.fixture
def woken(bot: HeroesBot, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    monkeypatch.setattr(bot.get_cog("Sequel").worker, "wake", lambda: calls.append(True))
    return calls


def button(view: discord.ui.View | None, action: str) -> Any:
    """The view's persistent item (a DynamicItem) whose custom_id starts with the action."""
    assert view is not None
    return next(
        child
        for child in view.children
        if getattr(child, "custom_id", "").startswith(f"heroes:feed:{action}:")
    )


def stage_menu(view: discord.ui.View | None) -> Any:
    return button(view, "stage")


async def press(item: Any, interaction: Press) -> None:
    if await item.interaction_check(interaction):
        await item.callback(interaction)


async def deliver(bot: HeroesBot) -> FakePoster:
    poster = FakePoster()
    clock = FakeClock()
    await DeliveryWorker(
        Broadcaster(bot.store.tracker, poster, compose_post, clock=clock)
    ).run_once()
    return poster


# ------------------------------------------------------------------ the view


def test_custom_ids_carry_the_item_and_the_stage_and_match_their_templates() -> None:
    view = review_view(make_item(id=12), "filming")
    assert view is not None
    ids = sorted(getattr(child, "custom_id", "") for child in view.children)
    assert ids == [
        "heroes:feed:edit:12:filming",
        "heroes:feed:publish:12:filming",
        "heroes:feed:reject:12",
        "heroes:feed:stage:12",
    ]
    for custom_id in ids:
        assert len(custom_id) <= 100
        assert re.fullmatch(ReviewButton.__discord_ui_compiled_template__, custom_id) or (
            re.fullmatch(StageSelect.__discord_ui_compiled_template__, custom_id)
        )
    menu = stage_menu(view).item
    assert [o.value for o in menu.options if o.default] == ["filming"]
    suggested = [o for o in menu.options if o.description]
    assert [o.value for o in suggested] == ["announced"]


def test_no_stage_and_decided_items() -> None:
    view = review_view(make_item(id=3))
    assert view is not None
    assert "heroes:feed:publish:3:-" in [getattr(c, "custom_id", "") for c in view.children]
    assert review_view(make_item(status="published")) is None
    assert review_view(make_item(status="rejected")) is None


async def test_buttons_are_rebuilt_from_their_custom_id_after_a_restart() -> None:
    pattern = ReviewButton.__discord_ui_compiled_template__
    match = pattern.fullmatch("heroes:feed:publish:41:post-production")
    rebuilt = await ReviewButton.from_custom_id(None, None, match)  # type: ignore[arg-type]
    assert (rebuilt.action, rebuilt.item_id, rebuilt.stage) == ("publish", 41, "post-production")
    match = pattern.fullmatch("heroes:feed:edit:41:-")
    rebuilt = await ReviewButton.from_custom_id(None, None, match)  # type: ignore[arg-type]
    assert rebuilt.stage is None


def test_an_excerpt_must_be_a_passage_of_what_the_feed_served() -> None:
    assert passage_problem("Netflix has greenlit a sequel", SUMMARY) is None
    assert passage_problem("  Netflix  has\ngreenlit ", SUMMARY) is None  # spacing aside
    assert "word for word" in (passage_problem("Netflix has approved a sequel", SUMMARY) or "")
    assert passage_problem("   ", SUMMARY) == "Excerpt: required."


# ------------------------------------------------------------------ the review


async def test_each_owner_gets_the_review_message_and_each_copy_is_recorded(
    bot: HeroesBot, owners: dict[int, Owner]
) -> None:
    item, feed = await stored_candidate(bot)
    await bot.get_cog("Feeds").desk.notify(item, feed)
    for owner in owners.values():
        ((embed, view),) = owner.calls
        assert embed.title == item.title and view is not None
    assert len(await bot.store.feeds.review_messages(item.id)) == 2


class ReviewChannel(Strict, real=discord.TextChannel):
    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.calls: list[discord.Embed] = []

    async def send(self, *, embed: discord.Embed, view: discord.ui.View | None) -> Any:
        self.calls.append(embed)
        return PressedMessage(900 + len(self.calls), self.id)


async def test_with_a_review_channel_the_message_goes_there_only(
    bot: HeroesBot, owners: dict[int, Owner], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = ReviewChannel(5555)
    monkeypatch.setattr(bot, "config", replace(bot.config, feeds_review_channel_id=5555))
    monkeypatch.setattr(bot, "get_channel", {5555: channel}.get)
    item, feed = await stored_candidate(bot)
    await bot.get_cog("Feeds").desk.notify(item, feed)
    assert [embed.title for embed in channel.calls] == [item.title]
    assert all(owner.calls == [] for owner in owners.values())
    assert await bot.store.feeds.review_messages(item.id) == [(5555, 901)]


async def test_publish_queues_one_delivery_per_server_once_and_marks_every_copy(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    for guild in (1, 2):
        await bot.store.tracker.follow(guild, 100 + guild, None)
    item, feed = await stored_candidate(bot)
    desk = bot.get_cog("Feeds").desk
    await desk.notify(item, feed)
    before = await bot.store.tracker.count_updates()
    (_embed, view), *_rest = owners[OWNER].calls
    interaction = Press(bot, OWNER, message_id=701 + OWNER * 10)
    await press(button(view, "publish"), interaction)

    pressed, told = interaction.sent
    assert pressed.kind == "edit_message" and pressed.view is None
    assert pressed.embeds[0].description.startswith(f"**Published** by <@{OWNER}> as update #")
    assert told.kind == "followup" and told.ephemeral and "Published as update #" in told.content
    assert woken == [True]
    # The other owner's copy shows the decision, without buttons.
    assert [message_id for message_id, _card in edited] == [701 + OTHER_OWNER * 10]
    assert await bot.store.tracker.count_updates() == before + 1
    published = await bot.store.feeds.item(item.id)
    assert (published.status, published.reviewed_by) == ("published", OWNER)
    update = await bot.store.tracker.stored(published.update_id)
    assert (update.headline, update.text, update.source_outlet) == (
        item.title,
        SUMMARY,
        "Example News",
    )
    assert (update.source_url, update.published_at, update.stage) == (item.link, "2025-01-09", None)

    # A second press, by either owner, publishes nothing more.
    again = Press(bot, OTHER_OWNER, message_id=701 + OTHER_OWNER * 10)
    await press(button(view, "publish"), again)
    assert "Already decided: this item is published." in again.sent[-1].content
    assert await bot.store.tracker.count_updates() == before + 1
    poster = await deliver(bot)
    assert sorted(p.channel_id for p in poster.posted) == [101, 102]


async def test_reject_posts_nothing_and_a_later_publish_neither(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    await bot.store.tracker.follow(1, 101, None)
    item, _feed = await stored_candidate(bot)
    view = review_view(item)
    before = await bot.store.tracker.count_updates()
    interaction = Press(bot, OWNER)
    await press(button(view, "reject"), interaction)
    assert (
        interaction.sent[0].embeds[0].description
        == f"**Rejected** by <@{OWNER}>: nothing was posted."
    )
    assert interaction.sent[1].content == "Rejected: nothing was posted."
    late = Press(bot, OTHER_OWNER)
    await press(button(view, "publish"), late)
    assert "Already decided: this item is rejected." in late.sent[-1].content
    assert await bot.store.tracker.count_updates() == before and woken == []
    assert (await deliver(bot)).posted == []


async def test_only_owners_may_press(bot: HeroesBot, owners: dict[int, Owner]) -> None:
    item, _feed = await stored_candidate(bot)
    view = review_view(item)
    for action in ("publish", "reject", "edit"):
        stranger = Press(bot, STRANGER)
        await press(button(view, action), stranger)
        assert stranger.sent == [
            Sent(
                "send_message",
                "Only the people running this bot (OWNER_IDS) can do this.",
                ephemeral=True,
            )
        ]
    assert (await bot.store.feeds.item(item.id)).status == "candidate"


async def test_the_stage_menu_is_carried_by_publish(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    item, _feed = await stored_candidate(bot)
    picked = Press(bot, OWNER, values=["filming"])
    await press(stage_menu(review_view(item)), picked)
    redrawn = picked.sent[0]
    assert redrawn.kind == "edit_message"
    assert {f.name: f.value for f in redrawn.embeds[0].fields}["Publish with"] == "Filming"
    publish = button(redrawn.view, "publish")
    assert publish.stage == "filming"
    await press(publish, Press(bot, OWNER))
    published = await bot.store.feeds.item(item.id)
    assert (await bot.store.tracker.stored(published.update_id)).stage == "filming"


async def test_edit_publishes_a_passage_and_refuses_rewording(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    item, _feed = await stored_candidate(bot)
    opening = Press(bot, OWNER)
    await press(button(review_view(item, "announced"), "edit"), opening)
    modal = opening.sent[0].view
    assert type(modal).__qualname__ == EditItemModal.__qualname__
    assert modal.excerpt.default == SUMMARY and modal.stage.default == "Announced"
    desk = bot.get_cog("Feeds").desk
    reworded = Press(bot, OWNER)
    values = {"headline": "Heroes 2 greenlit", "excerpt": "Netflix approved it", "stage": ""}
    await desk.publish_edited(reworded, item.id, values)
    assert reworded.sent[0].content.startswith("Nothing was published. Please fix:")
    assert (await bot.store.feeds.item(item.id)).status == "candidate"

    passage = Press(bot, OWNER)
    values["headline"] = "We Can Be Heroes 2"
    values["excerpt"] = "Netflix has greenlit a sequel to We Can Be Heroes"
    values["stage"] = "announced"
    await desk.publish_edited(passage, item.id, values)
    update = await bot.store.tracker.stored((await bot.store.feeds.item(item.id)).update_id)
    assert (update.headline, update.text, update.stage) == (
        "We Can Be Heroes 2",
        "Netflix has greenlit a sequel to We Can Be Heroes",
        "announced",
    )


async def test_an_item_whose_link_is_not_a_web_link_is_not_published(
    bot: HeroesBot, owners: dict[int, Owner], woken: list[bool]
) -> None:
    item, _feed = await stored_candidate(
        bot, link="ftp://news.example.com/x", flags=("link-not-http",)
    )
    refused = Press(bot, OWNER)
    await press(button(review_view(item), "publish"), refused)
    assert refused.sent[0].content.startswith("Nothing was published")
    assert "https://" in refused.sent[0].content
    assert (await bot.store.feeds.item(item.id)).status == "candidate" and woken == []


def test_an_excerpt_cut_inside_a_word_is_not_a_passage() -> None:
    served = "The sequel is unconfirmed, a spokesperson said; filming is ongoing."
    assert passage_problem("The sequel is unconfirmed", served) is None
    assert passage_problem("filming is ongoing.", served) is None
    assert passage_problem("confirmed", served) is not None  # "un" cut off
    assert passage_problem("sequel is un", served) is not None
    assert passage_problem("filming is on", served) is not None


@pytest.mark.parametrize(
    "smuggled",
    [
        "Netflix has greenlit a sеquel",  # a Cyrillic е
        "Netflix has greenlit a sequel Robert Rodriguez returning.",  # two passages joined
        "Netflix has greenlit a sequel to We Can Be Heroes, with Robert Rodriguez returning. Yes",
    ],
)
def test_an_excerpt_with_smuggled_words_or_look_alikes_is_refused(smuggled: str) -> None:
    assert passage_problem(smuggled, SUMMARY) is not None


async def test_an_edited_excerpt_is_stored_as_the_feed_spaced_it(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    # Line breaks typed in the form would start a "> quote" or "# heading" line in the post.
    item, _feed = await stored_candidate(bot)
    values = {
        "headline": "We Can Be\nHeroes 2",
        "excerpt": "Netflix has\n\ngreenlit\u2028a   sequel",
        "stage": "",
    }
    await bot.get_cog("Feeds").desk.publish_edited(Press(bot, OWNER), item.id, values)
    update = await bot.store.tracker.stored((await bot.store.feeds.item(item.id)).update_id)
    assert (update.headline, update.text) == ("We Can Be Heroes 2", "Netflix has greenlit a sequel")


async def test_an_edited_headline_must_be_the_feeds_words_since_the_post_credits_the_outlet(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    item, _feed = await stored_candidate(bot)
    reworded = Press(bot, OWNER)
    values = {"headline": "Heroes 2 cancelled", "excerpt": "Netflix has greenlit", "stage": ""}
    await bot.get_cog("Feeds").desk.publish_edited(reworded, item.id, values)
    assert "Headline: the post says the outlet reported it" in reworded.sent[0].content
    assert (await bot.store.feeds.item(item.id)).status == "candidate" and woken == []
    from_summary = Press(bot, OWNER)
    values["headline"] = "Netflix has greenlit a sequel"  # the summary's words: allowed
    await bot.get_cog("Feeds").desk.publish_edited(from_summary, item.id, values)
    assert (await bot.store.feeds.item(item.id)).status == "published"


def _closed_dms() -> discord.Forbidden:
    response = type("Response", (), {"status": 403, "reason": "Forbidden"})()
    return discord.Forbidden(response, {"code": 50007, "message": "Cannot send messages"})


class ClosedDMs(Owner, real=discord.Member):
    async def send(self, *, embed: discord.Embed, view: discord.ui.View | None) -> Any:
        raise _closed_dms()


class RefusingChannel(ReviewChannel, real=discord.TextChannel):
    async def send(self, *, embed: discord.Embed, view: discord.ui.View | None) -> Any:
        raise _closed_dms()


async def test_a_review_channel_that_refuses_the_message_falls_back_to_the_owners_dms(
    bot: HeroesBot, owners: dict[int, Owner], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot, "config", replace(bot.config, feeds_review_channel_id=5555))
    monkeypatch.setattr(bot, "get_channel", {5555: RefusingChannel(5555)}.get)
    item, feed = await stored_candidate(bot)
    await bot.get_cog("Feeds").desk.notify(item, feed)
    assert all(len(owner.calls) == 1 for owner in owners.values())
    assert len(await bot.store.feeds.review_messages(item.id)) == 2


async def test_a_candidate_no_owner_could_be_shown_is_logged_as_an_error_and_stays_waiting(
    bot: HeroesBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    closed = {OWNER: ClosedDMs(OWNER)}
    bot.owner_ids = set(closed)
    monkeypatch.setattr(bot, "get_user", closed.get)
    item, feed = await stored_candidate(bot)
    await bot.get_cog("Feeds").desk.notify(item, feed)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(f"feed item #{item.id}" in e and "/feeds review" in e for e in errors)
    assert [waiting.id for waiting in await bot.store.feeds.pending_review()] == [item.id]


async def test_the_edit_forms_defaults_for_a_long_item_are_whole_words_that_pass_the_check(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    long_title = "Heroes sequel " * 40  # 560 characters: over a headline's 256
    long_summary = "Netflix has greenlit a sequel " * 200  # 6,000: over the form's 4,000
    item, _feed = await stored_candidate(bot, title=long_title, summary=long_summary)
    opening = Press(bot, OWNER)
    await press(button(review_view(item), "edit"), opening)
    modal = opening.sent[0].view
    assert len(modal.headline.default) <= 256 and len(modal.excerpt.default) <= 4000
    values = {"headline": modal.headline.default, "excerpt": modal.excerpt.default, "stage": ""}
    await bot.get_cog("Feeds").desk.publish_edited(Press(bot, OWNER), item.id, values)
    assert (await bot.store.feeds.item(item.id)).status == "published"


async def test_invisible_characters_never_reach_the_post_and_do_not_block_publishing(
    bot: HeroesBot, owners: dict[int, Owner], edited: list[Any], woken: list[bool]
) -> None:
    # A soft hyphen and a zero-width space, as real feeds serve them: the post's check refuses
    # invisible characters, so they are left out (the words are the feed's).
    item, _feed = await stored_candidate(
        bot, title="We Can Be He\u00adroes 2", summary="Netflix has\u200b greenlit a sequel."
    )
    await press(button(review_view(item), "publish"), Press(bot, OWNER))
    update = await bot.store.tracker.stored((await bot.store.feeds.item(item.id)).update_id)
    assert (update.headline, update.text) == (
        "We Can Be Heroes 2",
        "Netflix has greenlit a sequel.",
    )

    feed = await bot.store.feeds.feed(item.feed_id)
    story = candidate(guid="guid-2", link="https://news.example.com/2", content_hash="b" * 64)
    (other,) = await bot.store.feeds.store_items(feed.id, [story])
    values = {  # an owner's zero-width space is dropped, not stored
        "headline": "We Can Be Heroes 2",
        "excerpt": "Netflix has\u200b greenlit",
        "stage": "",
    }
    await bot.get_cog("Feeds").desk.publish_edited(Press(bot, OWNER), other.id, values)
    update = await bot.store.tracker.stored((await bot.store.feeds.item(other.id)).update_id)
    assert update.text == "Netflix has greenlit"
