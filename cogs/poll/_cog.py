"""/poll: native Discord polls about the cast. /poll cast posts one (Manage Server), /poll results
shows a server's polls and their votes (everyone), /poll end ends one early (Manage Server).

The group has no default permissions so every member sees /poll results; posting and ending are
checked for Manage Server by the bot, and the tree answers a member without it.
"""

from __future__ import annotations

import logging
from collections.abc import Set
from datetime import timedelta

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import HeroesBot
from bot.i18n import N_, _, format_list
from bot.policy import in_guild, server_only
from bot.replies import choice
from bot.store import NewPoll, StoredPoll
from bot.ui.embeds import shorten
from bot.ui.posting import in_guilds_of

from ._discord import DiscordPolls
from ._finisher import PollFinisher
from ._render import LIST_LIMIT, poll_link, polls_list, results_card, stamp
from ._service import (
    DEFAULT_QUESTION,
    HOURS_DEFAULT,
    HOURS_MAX,
    HOURS_MIN,
    KEY_PREFIX,
    QUESTION_MAX,
    PollDraft,
    draft_poll,
)

log = logging.getLogger(__name__)

NAME_MAX = 100  # an answer option as typed, or a suggestion's value
ANSWER_DESCRIBE = "A name from the cast (pick from the suggestions)"
# Discord's names of the permissions a poll needs, as its settings show them (translated there).
PERMISSION_NAMES = {
    "view_channel": N_("View Channel"),
    "send_messages": N_("Send Messages"),
    "send_messages_in_threads": N_("Send Messages In Threads"),
    "send_polls": N_("Send Polls"),
}
POLL_PERMISSIONS = ("view_channel", "send_messages", "send_polls")
# In a thread Discord asks Send Messages in Threads instead of Send Messages.
THREAD_POLL_PERMISSIONS = ("view_channel", "send_messages_in_threads", "send_polls")
_THREADS = (
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
)
POST_REFUSED = N_(
    "Discord refused the poll: I need View Channel, Send Messages and Send Polls in this channel."
)


def missing_poll_permissions(interaction: Interaction) -> list[str]:
    """What the bot lacks to post a poll in this channel, from Discord's app_permissions."""
    granted = interaction.app_permissions
    in_thread = getattr(interaction.channel, "type", None) in _THREADS
    needed = THREAD_POLL_PERMISSIONS if in_thread else POLL_PERMISSIONS
    return [_(PERMISSION_NAMES[name]) for name in needed if not getattr(granted, name)]


class Polls(commands.Cog):
    poll = server_only(app_commands.Group(name="poll", description="Polls about the cast"))

    def __init__(self, bot: HeroesBot) -> None:
        self.bot = bot
        self.discord = DiscordPolls(bot)
        self.finisher = PollFinisher(
            bot.store,
            self.discord,
            clock=bot.clock,
            wait_ready=bot.wait_until_ready,
            serves=in_guilds_of(bot),
        )

    async def cog_load(self) -> None:
        self.finisher.start()

    async def cog_unload(self) -> None:
        await self.finisher.stop()

    @poll.command(name="cast")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        question=f"Default: “{DEFAULT_QUESTION}” (up to {QUESTION_MAX} characters)",
        hours=f"How long it stays open, {HOURS_MIN}-{HOURS_MAX} hours (default {HOURS_DEFAULT})",
        multiselect="Members may pick more than one name (default: one)",
        **{f"answer_{n}": ANSWER_DESCRIBE for n in range(1, 11)},
    )
    async def cast_poll(  # Discord options: each of the ten answers is its own option
        self,
        interaction: Interaction,
        answer_1: app_commands.Range[str, 1, NAME_MAX],
        answer_2: app_commands.Range[str, 1, NAME_MAX],
        answer_3: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_4: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_5: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_6: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_7: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_8: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_9: app_commands.Range[str, 1, NAME_MAX] | None = None,
        answer_10: app_commands.Range[str, 1, NAME_MAX] | None = None,
        question: app_commands.Range[str, 1, QUESTION_MAX] | None = None,
        hours: app_commands.Range[int, HOURS_MIN, HOURS_MAX] = HOURS_DEFAULT,
        multiselect: bool = False,
    ) -> None:
        """Post a native poll about the cast: up to 10 names from the stored cast."""
        extra = (answer_3, answer_4, answer_5, answer_6, answer_7, answer_8, answer_9, answer_10)
        cast = await self.bot.store.cast()
        cast_keys = {m.person_key for m in cast}
        typed = [
            await self._picked(answer, cast_keys)
            for answer in (answer_1, answer_2, *(a for a in extra if a is not None))
        ]
        draft, problems = draft_poll(question, typed, cast, hours=hours, multiselect=multiselect)
        missing = missing_poll_permissions(interaction)
        if missing:
            # Translators: {permissions} lists Discord permission names.
            needed = _("I need {permissions} in this channel to post a poll.")
            problems.append(needed.format(permissions=format_list(missing)))
        if problems or draft is None:
            # Translators: followed by the reasons, one per line.
            text = "\n".join([_("No poll posted:"), *(f"• {p}" for p in problems)])
            await interaction.response.send_message(shorten(text, 2000), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            stored = await self._post_and_store(interaction, draft)
        except discord.Forbidden:  # a permission taken away since Discord sent app_permissions
            await interaction.followup.send(_(POST_REFUSED), ephemeral=True)
            return
        # Translators: {number} is the poll's number, {link} its message's link, {ends} and
        # {relative} Discord timestamps each member's app shows in their own language.
        posted = _(
            "Poll #{number} posted: {link}. It ends {ends} ({relative}); then /poll results "
            "shows the final votes."
        )
        await interaction.followup.send(
            posted.format(
                number=stored.id,
                link=poll_link(stored),
                ends=stamp(stored.expires_at),
                relative=stamp(stored.expires_at, "R"),
            ),
            ephemeral=True,
        )

    async def _post_and_store(self, interaction: Interaction, draft: PollDraft) -> StoredPoll:
        """Post the poll, then store it; a poll that can't be stored is taken down again, so
        nothing is left half-done."""
        guild_id = in_guild(interaction).guild_id
        channel_id = interaction.channel_id or 0
        message = await self.discord.post(channel_id, draft)
        created = message.created_at
        expires = message.poll.expires_at if message.poll else None
        try:
            stored = await self.bot.store.polls.record(
                NewPoll(
                    guild_id=guild_id,
                    channel_id=channel_id,
                    message_id=message.id,
                    question=draft.question,
                    answers=draft.answers,
                    multiselect=draft.multiselect,
                    created_by=interaction.user.id,
                    created_at=created,
                    expires_at=expires or created + timedelta(hours=draft.hours),
                )
            )
        except Exception:
            try:
                await self.discord.delete(channel_id, message.id)
            except discord.HTTPException as exc:  # said in the log; the store's error goes on
                log.error("poll message %s not stored nor deleted: %s", message.id, exc)
            raise
        self.finisher.wake.set()
        return stored

    async def _picked(self, typed: str, cast_keys: Set[str]) -> str:
        """A typed name as /cast name: reads it (`pedro`, `Pascal`, `Holbrook`): the one cast
        member it finds best, as that person's suggestion value; several or none: as typed,
        which draft_poll then refuses with the reason."""
        if typed.startswith(KEY_PREFIX):
            return typed
        matches = [
            m
            for m in await self.bot.store.find_people(typed[:NAME_MAX], limit=5)
            if m.person_key in cast_keys
        ]
        best = [m for m in matches if m.score == matches[0].score] if matches else []
        return KEY_PREFIX + best[0].person_key if len(best) == 1 else typed

    @cast_poll.autocomplete("answer_1")
    @cast_poll.autocomplete("answer_2")
    @cast_poll.autocomplete("answer_3")
    @cast_poll.autocomplete("answer_4")
    @cast_poll.autocomplete("answer_5")
    @cast_poll.autocomplete("answer_6")
    @cast_poll.autocomplete("answer_7")
    @cast_poll.autocomplete("answer_8")
    @cast_poll.autocomplete("answer_9")
    @cast_poll.autocomplete("answer_10")
    async def cast_name_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Names from the stored cast only, matched forgivingly."""
        cast_keys = {m.person_key for m in await self.bot.store.cast()}
        matches = await self.bot.store.find_people(current[:NAME_MAX], limit=25)
        return [
            choice(m.name, KEY_PREFIX + m.person_key) for m in matches if m.person_key in cast_keys
        ]

    @poll.command(name="results")
    @app_commands.describe(poll="Which poll (default: the list of this server's polls)")
    async def results(self, interaction: Interaction, poll: int | None = None) -> None:
        """This server's polls, or one poll's votes as Discord counted them."""
        guild_id = in_guild(interaction).guild_id
        now = self.bot.clock.now()
        if poll is None:
            listed = await self.bot.store.polls.of_guild(guild_id, limit=LIST_LIMIT)
            await interaction.response.send_message(
                embed=polls_list(listed, now=now), ephemeral=True
            )
            return
        stored = await self.bot.store.polls.get(guild_id, poll)
        if stored is None:
            # Translators: {number} is the poll number the member asked for.
            text = _("This server has no poll #{number}. /poll results lists them.")
            await interaction.response.send_message(text.format(number=poll), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        live = None if stored.finished else await self._live_count(stored)
        await interaction.followup.send(embed=results_card(stored, live, now=now), ephemeral=True)

    async def _live_count(self, stored: StoredPoll) -> dict[int, int] | None:
        """An open poll's count so far (or an ended one's, stored on the way), from Discord."""
        try:
            count = await self.discord.read(stored.channel_id, stored.message_id)
        except discord.HTTPException as exc:
            log.info("poll %s: its count could not be read (%s)", stored.id, exc)
            return None
        if count is not None and count.final:
            await self.finisher.store_final(stored, count)
        return None if count is None else count.votes

    @poll.command(name="end")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(poll="Which poll to end now")
    async def end(self, interaction: Interaction, poll: int) -> None:
        """End one of this server's polls now; Discord counts it for good."""
        guild_id = in_guild(interaction).guild_id
        stored = await self.bot.store.polls.get(guild_id, poll)
        if stored is None or stored.finished:
            if stored is None:
                text = _("This server has no poll #{number}.")
            else:
                # Translators: keep "/poll results poll:{number}" as it is (a command to type).
                text = _(
                    "Poll #{number} has already ended: /poll results poll:{number} shows its votes."
                )
            await interaction.response.send_message(text.format(number=poll), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            count = await self.discord.end(stored.channel_id, stored.message_id)
        except discord.NotFound:
            count = None
        except discord.HTTPException as exc:
            if exc.code != 520001:  # Discord: the poll has already expired
                raise
            count = await self.discord.read(stored.channel_id, stored.message_id)
        await self.finisher.store_final(stored, count)
        ended = await self.bot.store.polls.get(guild_id, poll) or stored
        await interaction.followup.send(
            embed=results_card(ended, now=self.bot.clock.now()), ephemeral=True
        )

    @results.autocomplete("poll")
    @end.autocomplete("poll")
    async def poll_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        typed = current.strip().lstrip("#").casefold()
        polls = await self.bot.store.polls.of_guild(interaction.guild_id)
        return [
            app_commands.Choice(name=shorten(f"#{p.id} {p.question}", 100), value=p.id)
            for p in polls
            if not typed or typed in f"#{p.id} {p.question}".casefold().lstrip("#")
        ]
