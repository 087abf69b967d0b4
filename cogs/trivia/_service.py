"""One trivia question running in one channel: its answers, its closing (buttons in _views)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord

from bot.clock import Clock, wait_for_event
from bot.i18n import DEFAULT, _, use_locale
from bot.store import AnswerStatus, RoundAnswer, Store
from bot.ui.embeds import shorten

from ._questions import LETTERS, Question
from ._render import question_embed, result_embed
from ._views import QuestionView

log = logging.getLogger(__name__)


class TriviaGame:
    """A question open in a channel until `seconds` pass or every expected player answered.

    `expected` are the members who answered the previous question here: once they have all
    answered, nobody else is being waited for and the question closes early.
    """

    def __init__(
        self,
        *,
        store: Store,
        question: Question,
        round_id: int,
        guild_id: int,
        channel_id: int,
        seconds: float,
        clock: Clock,
        expected: frozenset[int] = frozenset(),
        on_closed: Callable[[TriviaGame], None] = lambda game: None,
        refresh_delay: float = 2.0,
        locale: str = DEFAULT,
    ) -> None:
        self.store = store
        self.question = question
        self.round_id = round_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.seconds = seconds
        self.clock = clock
        self.expected = expected
        self.on_closed = on_closed
        self.refresh_delay = refresh_delay
        # The question's message is the whole channel's, and is edited later by tasks answering
        # nobody (the count, the reveal): it speaks one language, the server's, throughout.
        # What a member alone reads (their answer's receipt) speaks that member's.
        self.locale = locale
        # For Discord's live countdown, which members' own clocks run.
        self.closes_at = int(clock.now().timestamp() + seconds + 0.999)
        self.answers: dict[int, str] = {}  # user id -> display name, as recorded
        self.forgotten: set[int] = set()  # asked to be forgotten during this question
        self.result: list[RoundAnswer] | None = None
        self.closed = False
        # The question closes itself on `clock` (_run); the view's own timeout, which discord.py
        # runs on the event loop's real time, is only a safety net well after that.
        self.view = QuestionView(self, timeout=seconds + 60)
        self._lock = asyncio.Lock()
        self._everyone_in = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._refresh: asyncio.Task[None] | None = None

    @property
    def message(self) -> discord.InteractionMessage | discord.Message | None:
        return self.view.message

    def embed(self) -> discord.Embed:
        with use_locale(self.locale):
            return question_embed(
                self.question, closes_at=self.closes_at, answered=len(self.answers)
            )

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"trivia-{self.channel_id}"
        )

    async def _run(self) -> None:
        await wait_for_event(self.clock, self._everyone_in, self.seconds)
        try:
            await self.close()
        except Exception:
            log.exception("closing trivia question %s failed", self.round_id)

    # ------------------------------------------------------------------ answering

    async def answer(self, interaction: discord.Interaction, choice: int) -> None:
        user = interaction.user
        async with self._lock:
            if self.closed:
                status = AnswerStatus.CLOSED
            elif user.id in self.answers:
                status = AnswerStatus.DUPLICATE
            elif user.id in self.forgotten:
                await interaction.response.send_message(
                    _(
                        "You asked to be forgotten during this question; you can play again "
                        "from the next one."
                    ),
                    ephemeral=True,
                )
                return
            else:
                outcome = await self.store.trivia.record_answer(
                    self.round_id, user.id, user.display_name, choice, now=self.clock.now()
                )
                status = outcome.status
                if outcome.recorded:
                    self.answers[user.id] = user.display_name
            everyone_in = bool(self.expected) and self.expected <= self.answers.keys()
        if status is AnswerStatus.RECORDED:
            text = self._receipt(choice, everyone_in=everyone_in)
        elif status is AnswerStatus.DUPLICATE:
            text = _("You already answered this question — one answer each. Wait for the reveal.")
        else:
            text = _("This question has closed. Start another with /trivia play.")
        await interaction.response.send_message(text, ephemeral=True)
        if everyone_in:
            self._everyone_in.set()
        elif status is AnswerStatus.RECORDED:
            self._schedule_refresh()

    def _receipt(self, choice: int, *, everyone_in: bool) -> str:
        """What a member who answered reads (in their own language): their answer, and when the
        answer is revealed."""
        option = shorten(self.question.options[choice], 200)
        # This answer may be the one that closes the question: then never announce a
        # countdown to a reveal that is happening now. While players of the last question
        # are awaited it may close early, so the countdown is only the latest it closes.
        if everyone_in:
            when = _(
                "Everyone who played the last question here has answered: the answer is "
                "revealed now."
            )
        elif self.expected:
            # Translators: {closes} is a live countdown ("in 25 seconds").
            when = _(
                "The answer is revealed when the question closes: once everyone who played "
                "the last question here has answered, {closes} at the latest."
            ).format(closes=f"<t:{self.closes_at}:R>")
        else:
            # Translators: {closes} is a live countdown ("in 25 seconds").
            when = _("The answer is revealed when the question closes ({closes}).").format(
                closes=f"<t:{self.closes_at}:R>"
            )
        # Translators: {letter} is the answer's letter (A to D), {option} its text as stored.
        locked = _("Locked in: **{letter}** · {option}").format(
            letter=LETTERS[choice], option=option
        )
        return f"{locked}\n{when}"

    def forget(self, user_id: int) -> None:
        """Drop a member who used /trivia forget-me from this question's answers."""
        self.answers.pop(user_id, None)
        self.forgotten.add(user_id)

    def _schedule_refresh(self) -> None:
        """Show the answer count, at most once per `refresh_delay` (edits are rate limited)."""
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.get_running_loop().create_task(self._refresh_count())

    async def _refresh_count(self) -> None:
        await self.clock.sleep(self.refresh_delay)
        if self.closed or self.message is None:
            return
        try:
            await self.message.edit(embed=self.embed(), view=self.view)
        except discord.HTTPException as exc:
            log.debug("could not refresh trivia question %s: %s", self.round_id, exc)

    # ------------------------------------------------------------------ closing

    async def close(self, *, note: str | None = None) -> None:
        """Reveal the answer, who got it and the source; idempotent. `note` is an English
        constant marked with N_ (translated in the reveal)."""
        async with self._lock:  # waits for answers being recorded
            if self.closed:
                return
            self.closed = True
        current = asyncio.current_task()
        for task in (self._refresh, self._task):
            if task is not None and task is not current and not task.done():
                task.cancel()
        try:
            answers = await self.store.trivia.close_round(self.round_id, now=self.clock.now())
            self.result = [a for a in answers if a.user_id not in self.forgotten]
            self.view.reveal()
            self.view.stop()
            if self.message is not None:
                with use_locale(self.locale):
                    embed = result_embed(self.question, self.result, note=note)
                try:
                    await self.message.edit(embed=embed, view=self.view)
                except discord.HTTPException as exc:  # deleted, or the token expired
                    log.warning("could not reveal trivia question %s: %s", self.round_id, exc)
        finally:
            self.on_closed(self)

    async def wait_closed(self) -> None:
        """Wait until the closing task has finished (for shutdown and tests)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    def players(self) -> frozenset[int]:
        return frozenset(a.user_id for a in self.result or ())

    def __repr__(self) -> str:
        return f"<TriviaGame round={self.round_id} channel={self.channel_id} q={self.question.key}>"
