"""The sequel tracker's commands.

/sequel status | news             everyone, also in DMs
/sequel-admin follow | unfollow | following | post
                                  servers only; shown by default only to members with Manage
                                  Server. Discord applies default permissions to top-level
                                  commands only, never to a subcommand, so these live in their
                                  own group rather than under /sequel. `post` is for the people
                                  running the bot (OWNER_IDS) on top of that.
"""

from __future__ import annotations

import logging

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.cooldowns import PublicCooldown
from bot.errors import UserFacingError
from bot.i18n import _, current_locale, use_locale
from bot.policy import (
    NOT_OWNER,
    PRIVATE_DESCRIBE,
    ReplyPolicy,
    everywhere,
    guild_of,
    guild_only,
    in_guild,
    owner_only,
    server_installed,
)
from bot.replies import escape_input
from bot.server_locale import server_locale
from bot.store import (
    DISCORD_PACE,
    FILM_KEY,
    SEQUEL_KEY,
    Delivery,
    DeliveryCounts,
    SequelUpdate,
)
from bot.ui.card_style import classic_cards, classic_cards_for
from bot.ui.embeds import shorten
from bot.ui.layout import CardLayout
from bot.ui.layout_pages import PageBook, PageButton, page_view
from bot.ui.posting import DiscordPoster, OutgoingPost, guild_ids_of, missing_post_permissions
from bot.ui.render_memo import RenderMemo
from bot.ui.views import Paginator, sent_reply

from ._layouts import NEWS_BOOK, compose_card_post, news_layouts, status_layout, status_view
from ._modal import PostUpdateModal, RetryView
from ._render import (
    already_posted,
    compose_post,
    follow_card,
    news_pages,
    progress_text,
    sequel_card,
    update_card,
)
from ._service import Broadcaster, DeliveryWorker
from ._validate import check_update
from ._views import (
    NotifyButton,
    NotifyGuard,
    granter_problem,
    notify_view,
    role_permission_problem,
    role_problem,
)

log = logging.getLogger(__name__)

NEWS_LIMIT = 200  # updates shown by /sequel news (50 pages)


class Sequel(commands.Cog):
    # Everywhere, also user installs (bot/policy.py); a server's Notify button only where the
    # bot is installed in the server.
    sequel = everywhere(
        app_commands.Group(
            name="sequel", description="The We Can Be Heroes sequel: where it stands, and its news"
        )
    )
    # Servers only, declared once: synced as integration_types [0], contexts [0] and enforced
    # by the tree (bot/tree.py).
    admin = guild_only(
        app_commands.Group(
            name="sequel-admin",
            description="Follow the sequel news in this server; post updates (bot owners)",
            default_permissions=discord.Permissions(manage_guild=True),
        )
    )

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.broadcaster = Broadcaster(
            bot.store.tracker,
            DiscordPoster(bot),
            self.compose_news,
            clock=bot.clock,
            guilds=guild_ids_of(bot),
            # One pace for the sends of every process on the database (Discord's global limit).
            pacing=bot.store.pacing,
            pace=lambda: f"bot-{bot.user.id}" if bot.user else DISCORD_PACE,
        )
        self.worker = DeliveryWorker(self.broadcaster, wait_ready=bot.wait_until_ready)
        self.status_replies = ReplyPolicy(
            bot.store, PublicCooldown("/sequel status", clock=bot.clock)
        )
        self.news_replies = ReplyPolicy(bot.store, PublicCooldown("/sequel news", clock=bot.clock))
        self.notify_guard = NotifyGuard(clock=bot.clock)
        # The card is rendered once per state of the store, not once per /sequel status.
        self.status_card = RenderMemo(sequel_card)
        # Every /sequel news paginator alive shares one list of page embeds (see /cast's).
        self.news_page_sets = RenderMemo(news_pages)
        # Their Components V2 layouts, cached the same way (the default style, see /settings).
        self.status_layouts = RenderMemo(status_layout)
        # The card without buttons, one LayoutView for every reply: nothing in it is pressed, so
        # discord.py keeps nothing of it per message (an ephemeral send only gives it a timeout,
        # whose expiry does nothing to a view without buttons but stop storing it).
        self.status_views = RenderMemo(status_view)
        self.news_layout_sets = RenderMemo(news_layouts)
        # The V2 news paginator's pages, found by its buttons' custom ids (bot/ui/layout_pages.py).
        self.page_books = {NEWS_BOOK: PageBook(NEWS_BOOK, "/sequel news", self.news_layouts)}

    async def cog_load(self) -> None:
        # Buttons on posts made before a restart are matched by their custom_id template.
        self.bot.add_dynamic_items(NotifyButton, PageButton)
        # Finishes deliveries a restart interrupted, then picks up new updates every 30 s, or at
        # once when another process posts one (PostgreSQL's notices).
        self.worker.start()
        self.bot.store.database.add_change_listener(self.worker.wake)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(NotifyButton, PageButton)
        self.bot.store.database.remove_change_listener(self.worker.wake)
        await self.worker.stop()

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        # Posts ping the news role if its chooser had Mention Everyone or the role is
        # mentionable: follow a change of the role's "Allow anyone to @mention" setting.
        if before.mentionable != after.mentionable:
            await self.bot.store.tracker.role_mentionable_changed(
                after.guild.id, after.id, after.mentionable
            )

    # ------------------------------------------------------------------ /sequel

    @sequel.command(name="status")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def status(self, interaction: Interaction, private: bool | None = None) -> None:
        """The sequel's stage, who makes it, what is still unknown, and the latest news."""
        store = self.bot.store
        card = await store.work_card(SEQUEL_KEY)
        if card is None:
            raise UserFacingError(_("The store knows nothing about the sequel yet."))
        ephemeral = await self.status_replies.decide(interaction, private)
        embed = self.status_card(
            card,
            await store.facts(work_key=FILM_KEY),
            history=await store.tracker.stage_history(),
            latest=await store.tracker.latest_update(),
        )
        notify_guild = None
        if interaction.guild_id is not None and server_installed(interaction):
            follow = await store.tracker.get_follow(interaction.guild_id)
            if follow is not None and follow.active and follow.role_id is not None:
                notify_guild = interaction.guild_id
        if not await classic_cards_for(store, interaction):
            layout = self.status_layouts(embed, card)
            view = (
                self.status_views(layout, None)
                if notify_guild is None
                else status_view(layout, notify_guild)
            )
            await interaction.response.send_message(view=view, ephemeral=ephemeral)
        elif notify_guild is None:
            await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
        else:
            view = notify_view(notify_guild)
            await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)

    @sequel.command(name="news")
    @app_commands.describe(private=PRIVATE_DESCRIBE)
    async def news(self, interaction: Interaction, private: bool | None = None) -> None:
        """Every sequel update, newest first."""
        ephemeral = await self.news_replies.decide(interaction, private)
        pages = await self.news_embeds()
        if await classic_cards_for(self.bot.store, interaction):
            paginator = Paginator(pages, interaction.user.id, command_hint="/sequel news")
            await paginator.send(interaction, ephemeral=ephemeral)
            return
        # V2: the page buttons carry their state, so they keep working after a restart.
        view = page_view(
            self.news_layout_sets(pages), 0, owner_id=interaction.user.id, book=NEWS_BOOK
        )
        await interaction.response.send_message(view=view, ephemeral=ephemeral)

    async def news_embeds(self) -> list[discord.Embed]:
        """The news timeline's pages as the store has them now (cached per state of the store)."""
        tracker = self.bot.store.tracker
        return self.news_page_sets(
            await tracker.timeline(limit=NEWS_LIMIT), total=await tracker.count_updates()
        )

    async def news_layouts(self) -> list[CardLayout]:
        """The news timeline's V2 pages as the store has them now (for the page buttons)."""
        return self.news_layout_sets(await self.news_embeds())

    async def compose_news(self, update: SequelUpdate, delivery: Delivery) -> OutgoingPost:
        """A news post in the style and the language the receiving server chose (/settings
        cards: and language:): read by everyone there, so not one member's language."""
        classic = await classic_cards(self.bot.store, delivery.guild_id)
        with use_locale(await server_locale(self.bot, delivery.guild_id)):
            if classic:
                return compose_post(update, delivery)
            return compose_card_post(update, delivery)

    # ------------------------------------------------------------------ /sequel-admin

    @admin.command(name="follow")
    @app_commands.describe(
        channel="Where new sequel updates will be posted",
        role="Optional: a role each post mentions; members opt in with a Notify me button",
    )
    async def follow(
        self,
        interaction: Interaction,
        channel: discord.TextChannel,
        role: discord.Role | None = None,
    ) -> None:
        """Post each new sequel update in a channel of this server."""
        guild = guild_of(interaction)
        member = interaction.user
        # In a server Discord always sends the member (with roles); a bare user can't be checked.
        is_member = not isinstance(member, discord.User)
        # The bot pings the role only if the member choosing it could mention it themselves.
        configurer_mentions = is_member and bool(
            channel.permissions_for(member).mention_everyone  # type: ignore[arg-type]
        )
        mention_role = role is not None and (role.mentionable or configurer_mentions)
        problems = _follow_problems(guild, member, channel, role, mention_role=mention_role)
        if problems:
            # Translators: followed by a list of what stops /sequel-admin follow.
            heading = _("Not following yet:")
            await interaction.response.send_message(
                shorten(heading + "\n" + "\n".join(f"• {p}" for p in problems), 2000),
                ephemeral=True,
            )
            return
        follow = await self.bot.store.tracker.follow(
            guild.id,
            channel.id,
            role.id if role else None,
            by=interaction.user.id,
            configurer_mentions=configurer_mentions,
            mention_role=mention_role,
            now=self.bot.clock.now(),
        )
        text = _following_text(channel, role, mention_role=mention_role)
        await interaction.response.send_message(text, embed=follow_card(follow), ephemeral=True)

    @admin.command(name="unfollow")
    async def unfollow(self, interaction: Interaction) -> None:
        """Stop posting sequel updates in this server."""
        guild_id = in_guild(interaction).guild_id
        if await self.bot.store.tracker.unfollow(guild_id, now=self.bot.clock.now()):
            text = _("Unfollowed: no more sequel updates will be posted in this server.")
        else:
            text = _("This server wasn't following the sequel news.")
        await interaction.response.send_message(text, ephemeral=True)

    @admin.command(name="following")
    async def following(self, interaction: Interaction) -> None:
        """Where this server gets the sequel news, and any delivery trouble."""
        follow = await self.bot.store.tracker.get_follow(in_guild(interaction).guild_id)
        await interaction.response.send_message(embed=follow_card(follow), ephemeral=True)

    @admin.command(name="post")
    @owner_only()
    async def post(self, interaction: Interaction) -> None:
        """Add an update to the timeline and post it to every following server (bot owners)."""
        await interaction.response.send_modal(PostUpdateModal(self.submit_update))

    async def submit_update(self, interaction: Interaction, values: dict[str, str]) -> None:
        """The modal's submission: validate, store with its deliveries, report progress."""
        # A modal is answered outside the tree's checks: the owner check is repeated here.
        if not await self.bot.is_owner(interaction.user):
            await interaction.response.send_message(_(NOT_OWNER), ephemeral=True)
            return
        checked = check_update(
            headline=values.get("headline"),
            text=values.get("text"),
            source_url=values.get("source_url"),
            outlet=values.get("outlet"),
            stage=values.get("stage"),
            today=self.bot.clock.now().date(),
        )
        if checked.update is None:
            problems = "\n".join(f"• {escape_input(p, 300)}" for p in checked.problems)
            retry = RetryView(interaction.user.id, self.submit_update, values)
            # Translators: followed by the list of problems in the submitted form.
            heading = _("Nothing was posted. Please fix:")
            callback = await interaction.response.send_message(
                f"{heading}\n{problems}", view=retry, ephemeral=True
            )
            # The message the view edits at timeout to switch its button off.
            retry.message = await sent_reply(interaction, callback)
            return
        tracker = self.bot.store.tracker
        duplicate = await tracker.find_duplicate(checked.update)
        if duplicate is not None:
            await interaction.response.send_message(already_posted(duplicate), ephemeral=True)
            return
        update, queued = await tracker.add_update(
            checked.update, added_by=interaction.user.id, now=self.bot.clock.now()
        )
        log.info(
            "update #%s added by %s; %d deliveries queued", update.id, interaction.user.id, queued
        )
        counts = await tracker.delivery_counts(update.id)
        await interaction.response.send_message(
            progress_text(update, counts), embed=update_card(update), ephemeral=True
        )
        if queued:
            # Reported from the delivery worker's task: in the owner's language, taken now.
            locale = current_locale()

            async def report(progress: DeliveryCounts) -> None:
                with use_locale(locale):
                    text = shorten(progress_text(update, progress), 2000)
                await interaction.edit_original_response(content=text)

            self.worker.watch(update.id, report)
            self.worker.wake()


def _follow_problems(
    guild: discord.Guild,
    member: discord.Member | discord.User,
    channel: discord.TextChannel,
    role: discord.Role | None,
    *,
    mention_role: bool,
) -> list[str]:
    """Everything that stops /sequel-admin follow, each with its fix; empty when it can go."""
    me = guild.me
    problems = []
    problem = missing_post_permissions(channel, me)
    if problem:
        problems.append(problem)
    if role is None:
        return problems
    # The bot hands this role to anyone who presses Notify me: it must give nothing beyond
    # @everyone, and the member choosing it must be able to give it themselves.
    role_problems = [
        role_problem(me, role),
        role_permission_problem(guild, role),
        # In a server Discord always sends the member (with roles); a bare user can't be checked.
        granter_problem(guild, member, role)  # type: ignore[arg-type]
        if not isinstance(member, discord.User)
        else _(
            "I couldn't read your roles in this server, so I can't check that you "
            "could give this role yourself. Please try again."
        ),
    ]
    problems.extend(p for p in role_problems if p)
    if (
        not any(role_problems)
        and mention_role
        and not role.mentionable
        and not channel.permissions_for(me).mention_everyone
    ):
        problems.append(
            _(
                "I can't mention {role} in {channel}: turn on “Allow anyone to @mention this "
                "role” in the role's settings, or give my role “Mention @everyone, @here and All "
                "Roles” in that channel."
            ).format(role=role.mention, channel=channel.mention)
        )
    return problems


def _following_text(
    channel: discord.TextChannel, role: discord.Role | None, *, mention_role: bool
) -> str:
    """The confirmation of /sequel-admin follow: where, and whether the role is mentioned."""
    if role is None:
        return _("Following: each new sequel update will be posted in {channel}.").format(
            channel=channel.mention
        )
    if mention_role:
        text = _(
            "Following: each new sequel update will be posted in {channel}, mentioning {role}. "
            "Members get the role with the Notify me button under /sequel status and under "
            "each post."
        )
    else:
        text = _(
            "Following: each new sequel update will be posted in {channel}, without mentioning "
            "{role}: it isn't mentionable and you don't have Mention Everyone there, and the bot "
            "pings only what you could ping yourself. Members get the role with the Notify me "
            "button under /sequel status and under each post."
        )
    return text.format(channel=channel.mention, role=role.mention)
