"""The review of a feed's candidate: its persistent buttons and stage menu, and the desk that
sends review messages, publishes or rejects an item and updates every copy once decided.

The buttons and the menu are DynamicItems: their custom_id carries the item id (and the stage
picked so far), so a review message sent before a restart keeps working. Nothing is published
unless an owner presses Publish (or submits Edit); `store.feeds.publish_item` decides the item
and queues the deliveries in one transaction, so a second press, another owner or another
process gets None and publishes nothing more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import DEFAULT, N_, _, use_locale
from bot.policy import NOT_OWNER
from bot.server_locale import server_locale
from bot.store import SEQUEL_STAGES, AlreadyInTimeline
from bot.ui.embeds import shorten
from bot.ui.views import admitted
from cogs.sequel import Checked, already_posted, check_update

from ._match import one_line, visible
from ._modal import EditItemModal
from ._render import review_embed, stage_label, status_text

if TYPE_CHECKING:
    from bot.client import HeroesBot
    from bot.store import Feed, FeedItem

log = logging.getLogger(__name__)

NO_STAGE = "-"  # in a custom_id: publish without a stage change
ACTION_TEMPLATE = (
    r"heroes:feed:(?P<action>publish|reject|edit):(?P<item_id>[0-9]{1,20})"
    r"(?::(?P<stage>-|[a-z][a-z-]{0,39}))?"
)
STAGE_TEMPLATE = r"heroes:feed:stage:(?P<item_id>[0-9]{1,20})"
STAGE_KEYS = {key for key, _label in SEQUEL_STAGES}


def stage_or_none(raw: str | None) -> str | None:
    """A stage key read back from a custom_id or the menu; anything else: no stage change."""
    return raw if raw in STAGE_KEYS else None


def review_desk(client: discord.Client) -> ReviewDesk:
    """The desk of the loaded feeds cog (one per bot)."""
    desk = getattr(client.get_cog("Feeds"), "desk", None)
    # Not isinstance: a reloaded extension's desk is of the reloaded module's class.
    if desk is None:
        raise LookupError("the Feeds cog is not loaded")
    return desk  # type: ignore[no-any-return]


async def _owner_admitted(interaction: discord.Interaction) -> bool:
    """Admitted (bot/ui/views.py), and pressed by an owner: a review channel may be read by
    others, and a button's press is not checked by the command tree."""
    if not await admitted(interaction):
        return False
    if await interaction.client.is_owner(interaction.user):  # type: ignore[attr-defined]
        return True
    await interaction.response.send_message(_(NOT_OWNER), ephemeral=True)
    return False


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_TEMPLATE):
    """Publish (with the stage picked so far), Edit (a form) or Reject one candidate."""

    def __init__(self, action: str, item_id: int, stage: str | None = None) -> None:
        super().__init__(_button(action, item_id, stage))
        self.action = action
        self.item_id = item_id
        self.stage = stage

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> ReviewButton:
        return cls(match["action"], int(match["item_id"]), stage_or_none(match["stage"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _owner_admitted(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        desk = review_desk(interaction.client)
        if self.action == "publish":
            await desk.publish(interaction, self.item_id, stage=self.stage)
        elif self.action == "reject":
            await desk.reject(interaction, self.item_id)
        else:
            await desk.open_editor(interaction, self.item_id, stage=self.stage)


def _button(action: str, item_id: int, stage: str | None) -> discord.ui.Button[Any]:
    suffix = f":{stage or NO_STAGE}" if action != "reject" else ""
    labels = {
        # Translators: button labels under a feed item being reviewed (at most 80 characters).
        "publish": (_("Publish"), discord.ButtonStyle.success),
        # Translators: a button that opens a form to change the item before publishing it.
        "edit": (_("Edit…"), discord.ButtonStyle.primary),
        # Translators: a button that drops the feed item: nothing is posted.
        "reject": (_("Reject"), discord.ButtonStyle.danger),
    }
    label, style = labels[action]
    return discord.ui.Button(
        label=label, style=style, custom_id=f"heroes:feed:{action}:{item_id}{suffix}", row=1
    )


class StageSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=STAGE_TEMPLATE):
    """The stage to publish with: picking one redraws the message, with the stage carried in
    the Publish and Edit buttons' custom_ids (nothing kept in memory)."""

    def __init__(self, item_id: int, stage: str | None = None, suggested: str | None = None):
        super().__init__(_stage_menu(item_id, stage, suggested))
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> StageSelect:
        return cls(int(match["item_id"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _owner_admitted(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or [NO_STAGE]
        desk = review_desk(interaction.client)
        await desk.pick_stage(interaction, self.item_id, stage_or_none(str(values[0])))


def _stage_menu(item_id: int, stage: str | None, suggested: str | None) -> discord.ui.Select[Any]:
    # Translators: the first choice of the stage menu under a feed item being reviewed.
    options = [discord.SelectOption(label=_("No stage change"), value=NO_STAGE)]
    for key, _label in SEQUEL_STAGES:
        # Translators: under a stage in the menu: the feed's keywords suggest this stage.
        hint = _("Suggested by the feed's words") if key == suggested else None
        label = stage_label(key) or key
        options.append(discord.SelectOption(label=label, value=key, description=hint))
    for option in options:
        option.default = option.value == (stage or NO_STAGE)
    return discord.ui.Select(
        custom_id=f"heroes:feed:stage:{item_id}",
        # Translators: the stage menu's placeholder (at most 150 characters).
        placeholder=_("Publish with a stage change? (optional)"),
        options=options,
        row=0,
    )


def review_view(item: FeedItem, stage: str | None = None) -> discord.ui.View | None:
    """The menu and buttons of a candidate; None once it is decided (no buttons left)."""
    if item.status != "candidate":
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(StageSelect(item.id, stage, item.suggested_stage))
    for action in ("publish", "edit", "reject"):
        view.add_item(ReviewButton(action, item.id, stage))
    return view


def _word_edge(left: str, right: str) -> bool:
    """Whether a cut between `left` and `right` falls between words, not inside one."""
    return not (left.isalnum() and right.isalnum())


def is_passage(wanted: str, served: str) -> bool:
    """Whether `wanted` (spaces aside) is a run of whole words of `served`: "confirmed" is not
    a passage of "unconfirmed", nor "sequel is on" of "sequel is ongoing". Characters are
    compared exactly, invisible format characters aside (never stored: see `visible`): a
    look-alike letter is not the served text."""
    wanted, served = one_line(wanted), one_line(served)
    if not wanted:
        return False
    start = served.find(wanted)
    while start != -1:
        end = start + len(wanted)
        before_ok = start == 0 or _word_edge(served[start - 1], wanted[0])
        after_ok = end == len(served) or _word_edge(wanted[-1], served[end])
        if before_ok and after_ok:
            return True
        start = served.find(wanted, start + 1)
    return False


def passage_problem(excerpt: str, served: str) -> str | None:
    """Why `excerpt` is not a passage of what the feed served (spaces aside); None if it is."""
    if not one_line(excerpt):
        return _("Excerpt: required.")
    if not is_passage(excerpt, served):
        return _(
            "Excerpt: it must be a passage of what the feed served, word for word (you may "
            "shorten it, not reword it)."
        )
    return None


def headline_problem(headline: str, item: FeedItem) -> str | None:
    """Why an edited headline is not the feed's words: the post credits the outlet with it."""
    if not one_line(headline):
        return _("Headline: required.")
    if is_passage(headline, item.title) or is_passage(headline, _served(item)):
        return None
    return _(
        "Headline: the post says the outlet reported it, so it must be the feed's own words: "
        "a passage of its headline or summary (you may shorten it, not reword it)."
    )


def edit_problems(values: dict[str, str], item: FeedItem) -> list[str]:
    """What stops the Edit form's headline and excerpt from being published as the feed's."""
    problems = [
        headline_problem(values.get("headline", ""), item),
        passage_problem(values.get("excerpt", ""), _served(item)),
    ]
    return [problem for problem in problems if problem]


def _problems_text(problems: list[str]) -> str:
    # Translators: followed by the list of what stops a feed item from being published.
    heading = _("Nothing was published. Please fix:")
    return shorten(heading + "\n" + "\n".join(f"• {p}" for p in problems), 2000)


class ReviewDesk:
    """Review messages and the owners' answers: the service's ReviewNotifier (`notify`), and
    what the buttons, the stage menu and the Edit form do."""

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.store = bot.store
        self.clock = bot.clock

    # ------------------------------------------------------------------ sending

    async def notify(self, item: FeedItem, feed: Feed | None) -> None:
        """Send the review message of a new candidate: to the review channel if one is set,
        else (or if the channel takes no message) to each owner's DMs. Each copy is recorded,
        to be updated once decided. A candidate no owner could be shown is logged as an error
        with the way out: it stays waiting (/feeds items), never dropped silently."""
        channel_id = self.bot.config.feeds_review_channel_id
        if channel_id is not None and await self._send_to_channel(channel_id, item, feed):
            return
        sent = 0
        for owner_id in sorted(self._owner_ids()):
            sent += await self._send_to_owner(owner_id, item, feed)
        if not sent:
            log.error(
                "feed item #%s (%s) reached no owner: no review channel took it and no owner's "
                "DMs are open; it waits for review: open your DMs or fix FEEDS_REVIEW_CHANNEL_ID, "
                "then run /feeds review",
                item.id,
                item.link or item.guid,
            )

    def _owner_ids(self) -> set[int]:
        if self.bot.owner_ids:
            return set(self.bot.owner_ids)
        return {self.bot.owner_id} if self.bot.owner_id else set()

    async def _send_to_channel(self, channel_id: int, item: FeedItem, feed: Feed | None) -> bool:
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            send = getattr(channel, "send", None)  # a category or a forum takes no message
            if not callable(send):
                raise TypeError(f"channel {channel_id} takes no messages")
            # Read by the server's members: in the server's language (/settings language:).
            with use_locale(await self._copy_locale(channel_id)):
                message = await send(embed=review_embed(item, feed), view=review_view(item))
        except (discord.HTTPException, TypeError) as exc:
            log.warning(
                "could not send feed item #%s to review channel %s (%s); sending it to the "
                "owners' DMs instead",
                item.id,
                channel_id,
                exc,
            )
            return False
        await self.store.feeds.add_review_message(item.id, message.channel.id, message.id)
        return True

    async def _copy_locale(self, channel_id: int) -> str:
        """The language of a review message: the server's in the review channel; English in
        an owner's DMs (an owner's language is known only while they answer an interaction)."""
        if channel_id != self.bot.config.feeds_review_channel_id:
            return DEFAULT
        channel = self.bot.get_channel(channel_id)
        guild = getattr(channel, "guild", None)
        return await server_locale(self.bot, guild.id if guild is not None else None)

    async def _send_to_owner(self, owner_id: int, item: FeedItem, feed: Feed | None) -> bool:
        try:
            user = self.bot.get_user(owner_id) or await self.bot.fetch_user(owner_id)
            with use_locale(DEFAULT):  # see `_copy_locale`
                message = await user.send(embed=review_embed(item, feed), view=review_view(item))
        except discord.HTTPException as exc:  # DMs closed, or no such user
            log.warning("could not DM feed item #%s to owner %s: %s", item.id, owner_id, exc)
            return False
        await self.store.feeds.add_review_message(item.id, message.channel.id, message.id)
        return True

    async def _feed_of(self, item: FeedItem) -> Feed | None:
        return await self.store.feeds.feed(item.feed_id) if item.feed_id is not None else None

    # ------------------------------------------------------------------ answers

    async def pick_stage(
        self, interaction: discord.Interaction, item_id: int, stage: str | None
    ) -> None:
        """The stage menu: redraw the message with the stage carried by Publish and Edit."""
        item = await self.store.feeds.item(item_id)
        if item is None:
            await interaction.response.send_message(_(GONE), ephemeral=True)
            return
        embed = review_embed(item, await self._feed_of(item), stage=stage)
        await interaction.response.edit_message(embed=embed, view=review_view(item, stage))

    async def open_editor(
        self, interaction: discord.Interaction, item_id: int, *, stage: str | None
    ) -> None:
        item = await self.store.feeds.item(item_id)
        if item is None or item.status != "candidate":
            await self._answer_decided(interaction, item)
            return

        async def submit(submitted: discord.Interaction, values: dict[str, str]) -> None:
            await self.publish_edited(submitted, item_id, values)

        modal = EditItemModal(
            submit, headline=item.title, excerpt=_served(item), stage=stage_label(stage) or ""
        )
        await interaction.response.send_modal(modal)

    async def publish_edited(
        self, interaction: discord.Interaction, item_id: int, values: dict[str, str]
    ) -> None:
        """The Edit form: the excerpt must be a passage of what the feed served."""
        if not await self.bot.is_owner(interaction.user):  # a form skips the buttons' check
            await interaction.response.send_message(_(NOT_OWNER), ephemeral=True)
            return
        item = await self.store.feeds.item(item_id)
        if item is not None and item.status == "candidate":
            problems = edit_problems(values, item)
            if problems:
                await interaction.response.send_message(_problems_text(problems), ephemeral=True)
                return
        # Stored as the feed served it: the owner's line breaks and odd spaces (a newline
        # making a quote or heading line) do not reach the post.
        await self.publish(
            interaction,
            item_id,
            stage=values.get("stage", ""),
            headline=one_line(values.get("headline", "")),
            text=one_line(values.get("excerpt", "")),
        )

    async def publish(
        self,
        interaction: discord.Interaction,
        item_id: int,
        *,
        stage: str | None,
        headline: str | None = None,
        text: str | None = None,
    ) -> None:
        """Publish the candidate as a sequel update (its deliveries queued in the same
        transaction), wake the delivery worker, and mark every copy of the review message."""
        item = await self.store.feeds.item(item_id)
        if item is None or item.status != "candidate":
            await self._answer_decided(interaction, item)
            return
        checked = self.check(item, stage=stage, headline=headline, text=text)
        if checked.update is None:
            await interaction.response.send_message(
                _problems_text(checked.problems), ephemeral=True
            )
            return
        try:
            result = await self.store.feeds.publish_item(
                item_id, checked.update, by=interaction.user.id, now=self.clock.now()
            )
        except AlreadyInTimeline as repeated:  # posted by hand or imported already
            await interaction.response.send_message(already_posted(repeated.update), ephemeral=True)
            return
        decided = await self.store.feeds.item(item_id)
        if result is None:  # decided meanwhile: another press, owner or process
            await self._answer_decided(interaction, decided)
            return
        update, queued = result
        log.info(
            "feed item #%s published as update #%s by %s; %d deliveries queued",
            item_id,
            update.id,
            interaction.user.id,
            queued,
        )
        self.wake_delivery()
        text_done = _(
            "Published as update #{number}: it goes to every server following the news."
        ).format(number=update.id)
        await self._answer_decided(interaction, decided, text_done)

    def check(
        self, item: FeedItem, *, stage: str | None, headline: str | None, text: str | None
    ) -> Checked:
        """The update the item becomes: its headline, its verbatim summary (or the owner's
        passage of it), its outlet and link, its date, and the stage chosen (or none)."""
        if not item.link:
            return Checked(
                None, [_("This item has no link: nothing is published without its source.")]
            )
        return check_update(
            headline=visible(headline or item.title),
            text=visible(text or _served(item)),
            source_url=item.link,
            outlet=item.outlet,
            stage=stage,
            published=item.published,
            today=self.clock.now().date(),
        )

    async def reject(self, interaction: discord.Interaction, item_id: int) -> None:
        rejected = await self.store.feeds.reject_item(
            item_id, by=interaction.user.id, now=self.clock.now()
        )
        item = await self.store.feeds.item(item_id)
        if rejected:
            log.info("feed item #%s rejected by %s", item_id, interaction.user.id)
            await self._answer_decided(interaction, item, _("Rejected: nothing was posted."))
        else:
            await self._answer_decided(interaction, item)

    def wake_delivery(self) -> None:
        """Start delivering now, not at the worker's next 30 s pass (as /sequel-admin post
        does); other processes are woken by the database's change notices."""
        worker = getattr(self.bot.get_cog("Sequel"), "worker", None)
        wake = getattr(worker, "wake", None)
        if callable(wake):
            wake()

    async def _answer_decided(
        self, interaction: discord.Interaction, item: FeedItem | None, text: str | None = None
    ) -> None:
        """Show the pressed message as it now stands (no buttons once decided), tell the
        owner what happened, and update the other copies of the review message."""
        if item is None:
            await interaction.response.send_message(_(GONE), ephemeral=True)
            return
        if text is None:
            text = _("Already decided: this item is {state}.").format(
                state=status_text(item.status)
            )
        feed = await self._feed_of(item)
        pressed = getattr(interaction, "message", None)
        if pressed is not None:
            await interaction.response.edit_message(
                embed=review_embed(item, feed), view=review_view(item)
            )
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
        if item.status != "candidate":
            await self.update_copies(item, feed, skip=pressed.id if pressed else None)

    async def update_copies(self, item: FeedItem, feed: Feed | None, *, skip: int | None) -> None:
        """Every other copy of the review message shows the decision, buttons off."""
        for channel_id, message_id in await self.store.feeds.review_messages(item.id):
            if message_id == skip:
                continue
            with use_locale(await self._copy_locale(channel_id)):
                embed = review_embed(item, feed)
            try:
                await self.edit_copy(channel_id, message_id, embed)
            except discord.HTTPException as exc:  # deleted, or the DM closed
                log.debug("could not update review message %s: %s", message_id, exc)

    async def edit_copy(self, channel_id: int, message_id: int, embed: discord.Embed) -> None:
        """One review message shown decided: the new card, no buttons."""
        channel = self.bot.get_partial_messageable(channel_id)
        await channel.get_partial_message(message_id).edit(embed=embed, view=None)


# Translators: a feed item's review buttons pressed after the item left the store.
GONE = N_("This feed item is no longer stored.")


def _served(item: FeedItem) -> str:
    """What the feed served as the item's text: its summary, or its headline without one."""
    return item.summary.strip() or item.title
