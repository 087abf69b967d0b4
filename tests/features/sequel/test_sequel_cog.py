"""/sequel and /sequel-admin driven with strict fakes: following, the role buttons, posting."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import HeroesBot
from bot.store import NewUpdate
from bot.ui.layout import layout_text
from bot.ui.layout_pages import page_view
from cogs.sequel import (
    Broadcaster,
    DeliveryWorker,
    NotifyButton,
    PostUpdateModal,
    RetryView,
    compose_post,
    notify_view,
    toggle_notify,
)
from tests.commands import find_command, invoke
from tests.discord_limits import refused_by_discord, refused_v2
from tests.fakes import FakeUser
from tests.tracker_fakes import (
    FakeClock,
    FakeGuild,
    FakeMember,
    FakePoster,
    FakeRole,
    FakeTextChannel,
    GuildInteraction,
)

GUILD = 4242
OWNER = 99
FULL = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


def world(
    *, manage_roles: bool = True, bot_position: int = 10, role: FakeRole | None = None
) -> tuple[FakeGuild, FakeRole]:
    role = role or FakeRole(7000, "sequel-fans", position=3)
    me = FakeMember(
        5,
        "heroes-bot",
        permissions=discord.Permissions(manage_roles=manage_roles),
        top_role=FakeRole(6000, "heroes-bot", position=bot_position),
    )
    return FakeGuild(GUILD, me, [role]), role


def is_a(value: object, cls: type) -> bool:
    """isinstance across extension reloads (each bot reloads cogs.sequel's modules)."""
    return type(value).__qualname__ == cls.__qualname__


def is_a_class(value: type, cls: type) -> bool:
    return value.__qualname__ == cls.__qualname__


command = find_command


async def run(bot: HeroesBot, path: str, interaction: GuildInteraction, **options: Any) -> None:
    await invoke(bot, path, interaction, **options)


def test_command_tree_shape(bot: HeroesBot) -> None:
    sequel = bot.tree.get_command("sequel")
    admin = bot.tree.get_command("sequel-admin")
    daily = bot.tree.get_command("quote-daily")
    assert isinstance(sequel, discord.app_commands.Group)
    assert {c.name for c in sequel.commands} == {"status", "news"}
    assert {c.name for c in admin.commands} == {"follow", "unfollow", "following", "post"}
    assert {c.name for c in daily.commands} == {"set", "off", "show"}
    for group in (admin, daily):
        assert group.guild_only
        assert group.default_permissions == discord.Permissions(manage_guild=True)
    assert sequel.default_permissions is None and not sequel.guild_only
    # /quote keeps working as a plain command with its optional search.
    assert isinstance(bot.tree.get_command("quote"), discord.app_commands.Command)


async def test_follow_with_permissions_and_a_role(bot: HeroesBot) -> None:
    guild, role = world()
    interaction = GuildInteraction(guild)
    await run(bot, "sequel-admin follow", interaction, channel=FakeTextChannel(77, FULL), role=role)
    sent = interaction.sent[0]
    assert sent.ephemeral and "Following" in sent.content and "<#77>" in sent.content
    follow = await bot.store.tracker.get_follow(GUILD)
    assert follow and (follow.channel_id, follow.role_id, follow.active) == (77, 7000, True)
    assert refused_by_discord(sent.embeds[0]) == []

    following = GuildInteraction(guild)
    await run(bot, "sequel-admin following", following)
    assert "<#77>" in following.sent[0].embeds[0].description

    gone = GuildInteraction(guild)
    await run(bot, "sequel-admin unfollow", gone)
    assert "Unfollowed" in gone.sent[0].content
    assert await bot.store.tracker.get_follow(GUILD) is None
    again = GuildInteraction(guild)
    await run(bot, "sequel-admin unfollow", again)
    assert "wasn't following" in again.sent[0].content


@pytest.mark.parametrize(
    ("permissions", "missing"),
    [
        (discord.Permissions(view_channel=True), "Send Messages, Embed Links"),
        (discord.Permissions(view_channel=True, send_messages=True), "Embed Links"),
        (discord.Permissions.none(), "View Channel, Send Messages, Embed Links"),
    ],
)
async def test_follow_says_exactly_which_permission_is_missing(
    bot: HeroesBot, permissions: discord.Permissions, missing: str
) -> None:
    guild, _ = world()
    interaction = GuildInteraction(guild)
    await run(bot, "sequel-admin follow", interaction, channel=FakeTextChannel(77, permissions))
    sent = interaction.sent[0]
    assert sent.ephemeral and f"missing **{missing}**" in sent.content
    assert await bot.store.tracker.get_follow(GUILD) is None


@pytest.mark.parametrize(
    ("manage_roles", "bot_position", "role", "expected"),
    [
        (False, 10, FakeRole(7000, position=3), "Manage Roles"),
        (True, 2, FakeRole(7000, position=3), "at or above my highest role"),
        (True, 10, FakeRole(7000, position=3, managed=True), "managed by an integration"),
        (True, 10, FakeRole(GUILD, "@everyone", 0, default=True), "@everyone"),
    ],
)
async def test_follow_refuses_a_role_it_cannot_use(
    bot: HeroesBot, manage_roles: bool, bot_position: int, role: FakeRole, expected: str
) -> None:
    guild, role = world(manage_roles=manage_roles, bot_position=bot_position, role=role)
    interaction = GuildInteraction(guild)
    await run(bot, "sequel-admin follow", interaction, channel=FakeTextChannel(77, FULL), role=role)
    assert expected in interaction.sent[0].content
    assert await bot.store.tracker.get_follow(GUILD) is None


async def test_follow_refuses_a_ping_the_bot_cannot_make(bot: HeroesBot) -> None:
    # The member may mention the role (Mention Everyone), so posts should ping it, but the
    # role isn't mentionable and the bot lacks Mention Everyone: say so rather than fail later.
    guild, role = world(role=FakeRole(7000, position=3, mentionable=False))
    channel = FakeTextChannel(
        77, FULL, per_member={1001: FULL | discord.Permissions(mention_everyone=True)}
    )
    interaction = GuildInteraction(guild)
    await run(bot, "sequel-admin follow", interaction, channel=channel, role=role)
    assert "Allow anyone to @mention" in interaction.sent[0].content
    assert await bot.store.tracker.get_follow(GUILD) is None


async def test_notify_buttons_add_and_remove_the_role(bot: HeroesBot) -> None:
    guard = bot.get_cog("Sequel").notify_guard
    guild, role = world()
    await bot.store.tracker.follow(GUILD, 77, role.id, by=guild.owner_id, mention_role=True)
    store = bot.store
    member = FakeMember(1001)
    on = GuildInteraction(guild, member)
    assert "now have" in await toggle_notify(on, store, GUILD, on=True, guard=guard)
    assert member.calls == [("add", 7000)] and member.get_role(7000)
    assert "already have" in await toggle_notify(on, store, GUILD, on=True, guard=guard)
    assert member.calls == [("add", 7000)]  # nothing changed
    assert "removed" in await toggle_notify(on, store, GUILD, on=False, guard=guard)
    assert member.calls[-1] == ("remove", 7000) and member.get_role(7000) is None
    assert "not being mentioned" in await toggle_notify(on, store, GUILD, on=False, guard=guard)


async def test_notify_button_explains_what_is_wrong(bot: HeroesBot) -> None:
    guard = bot.get_cog("Sequel").notify_guard
    store = bot.store
    guild, role = world(manage_roles=False)
    member = FakeMember(1001)
    interaction = GuildInteraction(guild, member)
    assert "doesn't follow" in await toggle_notify(interaction, store, GUILD, on=True, guard=guard)
    await store.tracker.follow(GUILD, 77, None)
    assert "don't mention a role" in await toggle_notify(
        interaction, store, GUILD, on=True, guard=guard
    )
    await store.tracker.follow(GUILD, 77, role.id)
    assert "Manage Roles" in await toggle_notify(interaction, store, GUILD, on=True, guard=guard)
    guild, role = world(bot_position=2)
    interaction = GuildInteraction(guild, member)
    assert "Drag my role above" in await toggle_notify(
        interaction, store, GUILD, on=True, guard=guard
    )
    assert member.calls == []
    other = GuildInteraction(FakeGuild(1, guild.me), member)
    assert "only in the server" in await toggle_notify(other, store, GUILD, on=True, guard=guard)
    guild, role = world()
    await store.tracker.follow(GUILD, 77, role.id, by=guild.owner_id)
    refused = GuildInteraction(guild, FakeMember(1001, refuse=True))
    assert "Discord refused" in await toggle_notify(refused, store, GUILD, on=True, guard=guard)


async def test_notify_button_is_persistent(bot: HeroesBot) -> None:
    view = notify_view(GUILD)
    assert view.timeout is None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [f"heroes:notify:on:{GUILD}", f"heroes:notify:off:{GUILD}"]
    match = NotifyButton.__discord_ui_compiled_template__.fullmatch(ids[1])
    assert match is not None
    rebuilt = await NotifyButton.from_custom_id(None, None, match)  # type: ignore[arg-type]
    assert (rebuilt.action, rebuilt.guild_id) == ("off", GUILD)
    # Registered at start-up, so buttons on old posts keep working after a restart.
    registered = bot._connection._view_store._dynamic_items.values()
    assert any(is_a_class(item, NotifyButton) for item in registered)


async def test_status_card_with_progress_latest_update_and_notify(bot: HeroesBot) -> None:
    guild, role = world()
    await bot.store.settings.set_classic_cards(GUILD, True)  # the classic embed card
    plain = GuildInteraction(guild)
    await run(bot, "sequel status", plain)
    embed = plain.sent[0].embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Stage"] == "In development"
    assert (
        "📍 **In development** ← now" in fields["Progress"] and "⬜ Filming" in fields["Progress"]
    )
    assert "Latest update — date unknown" in fields
    assert "ComicBook.com" in fields["Latest update — date unknown"]
    assert plain.sent[0].view is None
    assert refused_by_discord(embed) == []

    await bot.store.tracker.follow(GUILD, 77, role.id)
    await bot.store.tracker.add_update(
        NewUpdate("Filming begins", "Cameras roll.", "2025-03-01", stage="filming")
    )
    with_role = GuildInteraction(guild)
    await run(bot, "sequel status", with_role)
    fields = {f.name: f.value for f in with_role.sent[0].embeds[0].fields}
    assert fields["Stage"] == "Filming" and "✅ In development" in fields["Progress"]
    assert "Latest update — 2025-03-01" in fields
    assert with_role.sent[0].view is not None


async def test_news_is_paginated_newest_first(bot: HeroesBot) -> None:
    for day in range(1, 11):
        await bot.store.tracker.add_update(NewUpdate(f"News {day}", "x", f"2025-02-{day:02d}"))
    interaction = GuildInteraction(None)  # a DM: Components V2 cards
    await run(bot, "sequel news", interaction)
    sent = interaction.sent[0]
    assert not sent.embeds and isinstance(sent.view, discord.ui.LayoutView)
    first = layout_text(sent.view)
    assert "**2025-02-10 · News 10**" in first
    assert "Page 1/3" in first and "11 updates" in first
    pages = await bot.get_cog("Sequel").news_layouts()
    views = [page_view(pages, i, owner_id=1, book="sequel-news") for i in range(len(pages))]
    assert "**date unknown · We Can Be Heroes Sequel" in layout_text(views[-1])
    assert all(refused_v2(view) == [] for view in views)


async def test_post_is_for_owners_only(bot: HeroesBot) -> None:
    bot.owner_ids = {OWNER}
    guild, _ = world()
    stranger = GuildInteraction(guild, FakeUser(1))
    await run(bot, "sequel-admin post", stranger)
    assert stranger.sent[0].ephemeral and "OWNER_IDS" in stranger.sent[0].content
    owner = GuildInteraction(guild, FakeUser(OWNER))
    await run(bot, "sequel-admin post", owner)
    assert owner.sent[0].kind == "modal" and is_a(owner.sent[0].view, PostUpdateModal)
    # A forged submission by a non-owner is refused too.
    cog = bot.get_cog("Sequel")
    forged = GuildInteraction(guild, FakeUser(1))
    await cog.submit_update(forged, {"headline": "x", "text": "y"})
    assert "OWNER_IDS" in forged.sent[0].content
    assert await bot.store.tracker.count_updates() == 1


def test_modal_fields_stay_within_discord_limits() -> None:
    async def submit(interaction: Any, values: dict[str, str]) -> None: ...

    modal = PostUpdateModal(submit, values={"headline": "h" * 999, "text": "t" * 9999})
    labels = modal.children
    assert len(labels) == 5  # Discord allows at most 5
    for label in labels:
        assert isinstance(label, discord.ui.Label)
        assert len(label.text) <= 45 and len(label.description or "") <= 100
        item = label.component
        assert isinstance(item, discord.ui.TextInput) and (item.max_length or 0) <= 4000
        assert len(item.placeholder or "") <= 100
        assert len(item.default or "") <= (item.max_length or 4000)


HOSTILE_POSTS = [
    ({"headline": "", "text": ""}, ["Headline: required", "Text: required"]),
    ({"headline": "x", "text": "y" * 6000}, ["6000 characters; at most 4000"]),
    ({"headline": "x", "text": "y", "source_url": "javascript:alert(1)"}, ["https://"]),
    ({"headline": "x", "text": "y", "source_url": "data:text/html,hi"}, ["https://"]),
    ({"headline": "x", "text": "y", "source_url": "https://netflix.com@evil.example"}, ["user"]),
    ({"headline": "x", "text": "y", "source_url": "https://localhost"}, ["real website"]),
    ({"headline": "x", "text": "y", "stage": "shooting"}, ["not a stage", "filming"]),
    ({"headline": "x", "text": "y", "stage": "filmin"}, ["Did you mean “filming”"]),
    ({"headline": "x\x00", "text": "y"}, ["control characters"]),
]


async def test_retry_button_is_switched_off_at_timeout(bot: HeroesBot) -> None:
    # RetryView.message was never set, so at timeout the 'Edit and try again' button stayed
    # pressable on Discord (a modal then opened for an expired form).
    bot.owner_ids = {OWNER}
    guild, _ = world()
    interaction = GuildInteraction(guild, FakeUser(OWNER))
    await bot.get_cog("Sequel").submit_update(interaction, {"headline": "", "text": ""})
    view = interaction.sent[0].view
    assert is_a(view, RetryView)
    await view.on_timeout()
    edit = interaction.sent[-1]
    assert edit.kind == "edit_original" and edit.view is view
    assert all(item.disabled for item in view.children)


async def test_retry_button_times_out_while_the_interaction_token_still_works(
    bot: HeroesBot,
) -> None:
    # Its timeout edit goes through the interaction's token, which Discord honours for 15
    # minutes after the interaction: a 900 s timeout always came too late (401), silently.
    bot.owner_ids = {OWNER}
    guild, _ = world()
    interaction = GuildInteraction(guild, FakeUser(OWNER))
    await bot.get_cog("Sequel").submit_update(interaction, {"headline": "", "text": ""})
    view = interaction.sent[0].view
    assert view is not None and view.timeout is not None and view.timeout < 15 * 60


@pytest.mark.parametrize(("values", "expected"), HOSTILE_POSTS)
async def test_hostile_modal_input_is_refused_with_every_reason(
    bot: HeroesBot, values: dict[str, str], expected: list[str]
) -> None:
    bot.owner_ids = {OWNER}
    guild, _ = world()
    interaction = GuildInteraction(guild, FakeUser(OWNER))
    await bot.get_cog("Sequel").submit_update(interaction, values)
    sent = interaction.sent[0]
    assert sent.ephemeral and sent.content.startswith("Nothing was posted")
    for text in expected:
        assert text in sent.content.replace("\\", ""), (text, sent.content)
    assert is_a(sent.view, RetryView)
    assert await bot.store.tracker.count_updates() == 1
    # The retry button reopens the modal with what was typed.
    again = GuildInteraction(guild, FakeUser(OWNER))
    await sent.view.retry.callback(again)
    modal = again.sent[0].view
    assert is_a(modal, PostUpdateModal)
    assert modal.headline.default == (values["headline"] or None)


async def test_markdown_and_mentions_in_a_post_ping_no_one(bot: HeroesBot) -> None:
    bot.owner_ids = {OWNER}
    guild, role = world()
    await bot.store.tracker.follow(GUILD, 77, role.id, mention_role=True)
    interaction = GuildInteraction(guild, FakeUser(OWNER))
    await bot.get_cog("Sequel").submit_update(
        interaction,
        {"headline": "@everyone **big** <@&1>", "text": "@here <@123> news", "stage": "Filming"},
    )
    assert await bot.store.tracker.count_updates() == 2
    poster = FakePoster()
    worker = DeliveryWorker(Broadcaster(bot.store.tracker, poster, compose_post, clock=FakeClock()))
    await worker.run_once()
    message = poster.posted[0].message
    assert message.content == f"<@&{role.id}>"  # the only text outside the embed
    assert message.allowed_mentions.to_dict() == {"parse": [], "roles": [role.id]}
    assert "@everyone" in (message.embed.title or "")  # shown, in an embed: pings no one


async def test_post_stores_queues_and_reports_progress(bot: HeroesBot) -> None:
    bot.owner_ids = {OWNER}
    clock = FakeClock()
    for guild_id in range(1, 6):
        await bot.store.tracker.follow(guild_id, 100 + guild_id, None)
    guild, _ = world()
    interaction = GuildInteraction(guild, FakeUser(OWNER))
    cog = bot.get_cog("Sequel")
    poster = FakePoster(missing={103})
    cog.worker.broadcaster = Broadcaster(bot.store.tracker, poster, compose_post, clock=clock)
    values = {
        "headline": "Filming begins",
        "text": "Cameras roll in Austin.",
        "source_url": "https://variety.com/story",
        "outlet": "",
        "stage": "filming",
    }
    await cog.submit_update(interaction, values)
    first = interaction.sent[0]
    assert first.ephemeral and "Delivering update #2" in first.content
    card = first.embeds[0]
    assert card.title == "Filming begins" and card.url is None  # no masked title link
    assert f"<{values['source_url']}>" in {f.name: f.value for f in card.fields}["Source"]
    assert (await bot.store.tracker.stage_history())[0].stage == "filming"
    await cog.worker.run_once()
    final = interaction.sent[-1]
    assert final.kind == "edit_original_response"
    assert "Delivered update #2" in final.content and "4 sent" in final.content
    assert "1 failed" in final.content
    # The same update again is refused as a duplicate.
    again = GuildInteraction(guild, FakeUser(OWNER))
    await cog.submit_update(again, values)
    assert "Already in the timeline as update #2" in again.sent[0].content


async def test_leaving_a_server_deletes_its_settings(bot: HeroesBot) -> None:
    await bot.store.tracker.follow(GUILD, 77, None)
    await bot.store.daily.configure(GUILD, 77, "09:00", "UTC", starts_on="2025-01-01")
    # What bot.dispatch("guild_remove", guild) runs: every cog's listener.
    for cog in bot.cogs.values():
        for name, listener in cog.get_listeners():
            if name == "on_guild_remove":
                await listener(discord.Object(GUILD))
    assert await bot.store.tracker.get_follow(GUILD) is None
    assert await bot.store.daily.get(GUILD) is None
