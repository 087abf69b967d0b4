"""The one base View every interactive reply uses, the owned view and the paginator on it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import discord
import msgspec

from bot.errors import DATABASE_AWAY, database_away
from bot.i18n import N_, _, set_locale, shown_command
from bot.log_context import ERROR, REFUSED, enter_interaction, note_outcome
from bot.log_context import RESTARTING as RESTARTING_OUTCOME
from bot.tree import RESTARTING, HeroesTree
from bot.ui.embeds import shorten

log = logging.getLogger(__name__)


class SentReply(msgspec.Struct, frozen=True):
    """What editing a reply later needs (a view switching its buttons off at its timeout): the
    interaction's webhook (`interaction.followup`: its application id and token) and the
    message's id. Not the interaction, nor an InteractionMessage (which holds it): a view keeps
    this for minutes, and the interaction's payload, member and message would stay with it
    (about 0.9 MB for 200 paginators)."""

    webhook: discord.Webhook
    message_id: int

    async def edit(self, **fields: Any) -> None:
        await self.webhook.edit_message(self.message_id, **fields)


async def sent_reply(
    interaction: discord.Interaction, callback: discord.InteractionCallbackResponse[Any]
) -> SentReply:
    """The reply `callback` (what `interaction.response.send_message` returned) created: its id
    comes with Discord's answer, so no request is made for it."""
    message_id = callback.message_id
    if message_id is None:  # not expected after send_message; asked for rather than guessed
        message_id = (await interaction.original_response()).id
    return SentReply(interaction.followup, message_id)


BUTTON_FAILED = N_("That button failed on our side; it has been logged. Try the command again.")


def speak_to(interaction: discord.Interaction) -> str:
    """Answer `interaction` in its member's language from here on (the rest of the task that
    handles it): what a View, Modal or DynamicItem of a cog's own calls first, unless it calls
    `admitted` (which does it). Returns the locale now in force."""
    return set_locale(interaction.locale)


async def admitted(interaction: discord.Interaction) -> bool:
    """A press or a form submitted while the bot is stopping (bot/shutdown.py) gets the restart
    wording, as a command does; until then the task answering it counts as in flight, so a
    clean stop lets it finish. Every view, form and persistent button calls this first, so
    its log lines and metrics know the interaction from here on (bot/log_context.py), and
    every answer is in its member's language (`speak_to`)."""
    speak_to(interaction)
    enter_interaction(interaction)
    tree = interaction.client.tree  # type: ignore[attr-defined]
    if not isinstance(tree, HeroesTree):
        return True
    if tree.refusing:
        note_outcome(RESTARTING_OUTCOME)
        await interaction.response.send_message(_(RESTARTING), ephemeral=True)
        return False
    tree.track_current_task()
    return True


class LoggedView(discord.ui.View):
    """The base of every view: anyone may press; disabled on timeout; errors logged and answered.

    `message` is the message carrying the view, set by whoever sends it, so it can be edited.

    `timeout` stays discord.py's own, which runs on the event loop's real time, not on the
    bot's Clock: it is also how discord.py drops an expired view from its store, and a second
    timer on the bot's clock would mean two expiries to keep in step. Nothing the bot states
    depends on it (a trivia question closes itself on the bot's clock, its view's timeout is a
    safety net a minute later), so tests never wait for it: they call `on_timeout()`.
    """

    def __init__(self, *, timeout: float | None = 180) -> None:
        super().__init__(timeout=timeout)
        self.message: SentReply | discord.InteractionMessage | discord.Message | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Subclasses that refuse some presses call this first."""
        return await admitted(interaction)

    def disable_all(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable_all()
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:  # message deleted or interaction expired
                log.debug("could not disable timed-out view: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        speak_to(interaction)  # the same task as the check; set again if the check never ran
        note_outcome(ERROR)
        if database_away(error):
            log.warning(
                "database out of reach during a press on %s: %s", type(self).__name__, error
            )
            text = _(DATABASE_AWAY)
        else:
            log.error(
                "view %s item %r failed for user %s",
                type(self).__name__,
                getattr(item, "custom_id", item),
                interaction.user.id,
                exc_info=error,
            )
            text = _(BUTTON_FAILED)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


class LoggedModal(discord.ui.Modal):
    """The base of every form: refused once the bot is stopping, awaited by a clean stop."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await admitted(interaction)

    def add_labelled(self, fields: Iterable[tuple[str, str, discord.ui.TextInput[Any]]]) -> None:
        """Adds each (label, description, input) as a Label, within Discord's limits (label 45,
        description 100 characters: a translation may be longer than the English)."""
        for text, description, component in fields:
            self.add_item(
                discord.ui.Label(
                    text=shorten(text, 45),
                    description=shorten(description, 100),
                    component=component,
                )
            )


class OwnedView(LoggedView):
    """A view only the member who asked may press.

    Others get an ephemeral hint to run the command themselves instead of silently failing.
    """

    def __init__(self, owner_id: int, *, command_hint: str, timeout: float | None = 180) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.command_hint = command_hint

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not await super().interaction_check(interaction):
            return False
        if interaction.user.id == self.owner_id:
            return True
        await refuse_not_owner(interaction, self.command_hint)
        return False


async def refuse_not_owner(interaction: discord.Interaction, command_hint: str) -> None:
    """The one answer to a member pressing buttons someone else asked for (any paginator)."""
    note_outcome(REFUSED)
    # Translators: {command} is the slash command that makes these buttons ("/cast").
    text = _("These buttons belong to whoever asked. Start your own with {command}.")
    # A command ("/cast") as the member's app names it; otherwise a phrase ("the command").
    shown = shown_command(command_hint) if command_hint.startswith("/") else _(command_hint)
    await interaction.response.send_message(text.format(command=shown), ephemeral=True)


class Paginator(OwnedView):
    """First / previous / page / next / last over a fixed list of embeds."""

    def __init__(
        self,
        pages: Sequence[discord.Embed],
        owner_id: int,
        *,
        command_hint: str,
        timeout: float | None = 180,
    ) -> None:
        super().__init__(owner_id, command_hint=command_hint, timeout=timeout)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.pages = list(pages)
        self.index = 0
        self._sync_buttons()

    @property
    def current(self) -> discord.Embed:
        return self.pages[self.index]

    def _sync_buttons(self) -> None:
        last = len(self.pages) - 1
        self.first.disabled = self.previous.disabled = self.index == 0
        self.next.disabled = self.last.disabled = self.index == last
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.current, view=self)

    @discord.ui.button(label="≪", style=discord.ButtonStyle.secondary)
    async def first(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, 0)

    @discord.ui.button(label="‹", style=discord.ButtonStyle.primary)
    async def previous(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Any]
    ) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="›", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index + 1)

    @discord.ui.button(label="≫", style=discord.ButtonStyle.secondary)
    async def last(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, len(self.pages) - 1)

    async def send(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        """Answer `interaction` with the first page (buttons only when there is more than one)."""
        if len(self.pages) == 1:
            self.stop()
            await interaction.response.send_message(embed=self.current, ephemeral=ephemeral)
            return
        callback = await interaction.response.send_message(
            embed=self.current, view=self, ephemeral=ephemeral
        )
        self.message = await sent_reply(interaction, callback)
