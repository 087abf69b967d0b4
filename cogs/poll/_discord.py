"""The polls' side on Discord: post a native poll, read its count, end it early.

Every count shown comes from Discord (the poll message's results), never from the bot's own
tally: the bot asks for no poll intents and reads the message when a count is wanted.
"""

from __future__ import annotations

import datetime

import discord
import msgspec

from ._service import PollDraft


class PollCount(msgspec.Struct, frozen=True):
    """Discord's count of a poll: votes per answer id, and whether it is final."""

    final: bool
    votes: dict[int, int]
    ends_at: datetime.datetime | None


def count_of(message: discord.Message) -> PollCount | None:
    """The count Discord sent with the message (None: the message has no poll)."""
    poll = message.poll
    if poll is None:
        return None
    votes = {answer.id: answer.vote_count for answer in poll.answers}
    return PollCount(poll.is_finalised(), votes, poll.expires_at)


class DiscordPolls:
    """Posts, reads and ends polls through discord.py."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def post(self, channel_id: int, draft: PollDraft) -> discord.Message:
        poll = discord.Poll(
            question=draft.question,
            duration=datetime.timedelta(hours=draft.hours),
            multiple=draft.multiselect,
        )
        for _, label in draft.answers:
            poll.add_answer(text=label)
        channel = self._client.get_partial_messageable(channel_id)
        return await channel.send(poll=poll, allowed_mentions=discord.AllowedMentions.none())

    async def read(self, channel_id: int, message_id: int) -> PollCount | None:
        """The poll's current count; raises discord.NotFound when the message is gone."""
        channel = self._client.get_partial_messageable(channel_id)
        return count_of(await channel.fetch_message(message_id))

    async def end(self, channel_id: int, message_id: int) -> PollCount | None:
        """End the poll now (Discord then counts it for good) and return the count."""
        message = self._client.get_partial_messageable(channel_id).get_partial_message(message_id)
        return count_of(await message.end_poll())

    async def delete(self, channel_id: int, message_id: int) -> None:
        message = self._client.get_partial_messageable(channel_id).get_partial_message(message_id)
        await message.delete()
