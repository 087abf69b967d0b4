"""Storing a poll's final votes once it has ended, from Discord's own count.

Discord ends a poll at its expiry (or when a manager ends it early with /poll end) and then
marks its results final. This loop wakes at the next stored expiry, reads each ended poll's
message and stores the final count, once (the store refuses a second time, so several
processes, a retry or a restart never store it twice). A count Discord has not finalised yet is
read again on a later pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import discord

from bot.background import BackgroundLoop
from bot.clock import Clock, wait_for_event
from bot.store import Store, StoredPoll

from ._discord import DiscordPolls, PollCount

log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # seconds; a poll stored by another process is noticed within this
RETRY_AFTER = 30.0  # Discord has not finalised the count yet
# A poll whose channel the bot can no longer read (403) is asked about again on each pass, in
# case access comes back; after this long past its end its count is stored as unknown, so a
# lost channel doesn't cost Discord's invalid-request budget forever.
GIVE_UP_AFTER = timedelta(hours=24)


class PollFinisher(BackgroundLoop):
    """Stores the final count of every poll past its expiry."""

    name = "poll-results"

    def __init__(
        self,
        store: Store,
        polls: DiscordPolls,
        *,
        clock: Clock,
        wait_ready: Callable[[], Awaitable[None]] | None = None,
        serves: Callable[[int], bool] | None = None,
    ) -> None:
        super().__init__(wait_ready=wait_ready)
        self.store = store
        self.polls = polls
        self.clock = clock
        self.serves = serves
        self.wake = asyncio.Event()  # set when a new poll is stored: its expiry may be sooner
        self._lock = asyncio.Lock()

    async def store_final(self, poll: StoredPoll, count: PollCount | None) -> bool:
        """Store Discord's count if it is final; True when this call stored it."""
        if count is None:  # the message has no poll any more: nothing to count
            return await self.store.polls.finalize(
                poll.id, None, now=self.clock.now(), ended_at=poll.expires_at
            )
        if not count.final:
            return False
        ended = min(count.ends_at or poll.expires_at, poll.expires_at)
        return await self.store.polls.finalize(
            poll.id, count.votes, now=self.clock.now(), ended_at=ended
        )

    async def run_due(self) -> list[StoredPoll]:
        """Store the final count of every ended poll this process serves; returns those stored."""
        async with self._lock:
            stored: list[StoredPoll] = []
            for poll in await self.store.polls.due(self.clock.now()):
                if self.serves is not None and not self.serves(poll.guild_id):
                    continue
                try:
                    count = await self.polls.read(poll.channel_id, poll.message_id)
                except discord.NotFound:
                    count = None  # the poll's message was deleted: its votes are gone with it
                except discord.HTTPException as exc:
                    if not self._given_up(poll, exc):
                        continue
                    count = None
                if await self.store_final(poll, count):
                    stored.append(poll)
            return stored

    def _given_up(self, poll: StoredPoll, exc: discord.HTTPException) -> bool:
        """Whether a refused read ends the wait for this poll's count (stored as unknown)."""
        overdue = self.clock.now() - poll.expires_at
        if isinstance(exc, discord.Forbidden) and overdue > GIVE_UP_AFTER:
            log.warning(
                "poll %s: no access to its channel for %s after its end; its count is stored "
                "as unknown",
                poll.id,
                GIVE_UP_AFTER,
            )
            return True
        log.warning("poll %s: Discord refused the read (%s); asked again later", poll.id, exc)
        return False

    async def seconds_until_next(self) -> float:
        upcoming = await self.store.polls.next_expiry()
        if upcoming is None:
            return MAX_SLEEP
        wait = (upcoming - self.clock.now()).total_seconds()
        return RETRY_AFTER if wait <= 0 else min(MAX_SLEEP, max(1.0, wait))

    async def loop(self) -> None:
        while True:
            try:
                async with self.one_pass():
                    await self.run_due()
                delay = await self.seconds_until_next()
            except Exception:
                log.exception("storing poll results failed")
                delay = MAX_SLEEP
            self.wake.clear()
            await wait_for_event(self.clock, self.wake, delay)
