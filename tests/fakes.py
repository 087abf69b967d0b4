"""Strict fakes for discord.py interactions.

A fake may only define attributes its real counterpart has (checked when the class is made), and
reading any attribute the fake does not implement fails loudly instead of returning a Mock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import discord

_RECORDING = {"calls", "sent", "real"}


class Strict:
    real: type = object

    def __init_subclass__(cls, real: type, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.real = real
        invented = [
            name
            for name in vars(cls)
            if not name.startswith("_") and name not in _RECORDING and not hasattr(real, name)
        ]
        if invented:
            raise TypeError(f"{cls.__name__} invents attributes {real.__name__} lacks: {invented}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        where = "lacks" if not hasattr(self.real, name) else "is not faked:"
        raise AttributeError(f"{self.real.__name__} {where} {name!r}")


@dataclass
class Sent:
    """One thing the code under test sent back to Discord."""

    kind: str  # send_message, edit_message, defer, followup, edit_original
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    ephemeral: bool = False
    allowed_mentions: discord.AllowedMentions | None = None


class FakeUser(Strict, real=discord.Member):
    def __init__(self, user_id: int = 1001, name: str = "fan") -> None:
        self.id = user_id
        self.name = name
        self.display_name = name
        self.mention = f"<@{user_id}>"
        self.bot = False


class FakeResponse(Strict, real=discord.InteractionResponse):
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction
        self._done = False

    def is_done(self) -> bool:
        return self._done

    def _ack(self) -> None:
        if self._done:
            raise discord.InteractionResponded(self._interaction)  # type: ignore[arg-type]
        self._done = True

    async def send_message(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        embeds: list[discord.Embed] | None = None,
        view: discord.ui.View | None = None,
        ephemeral: bool = False,
        allowed_mentions: discord.AllowedMentions | None = None,
    ) -> FakeCallback:
        self._ack()
        all_embeds = ([embed] if embed else []) + list(embeds or [])
        self._interaction.sent.append(
            Sent("send_message", content, all_embeds, view, ephemeral, allowed_mentions)
        )
        return FakeCallback(self._interaction)

    async def edit_message(
        self,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        self._ack()
        self._interaction.sent.append(Sent("edit_message", content, [embed] if embed else [], view))

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self._ack()
        self._interaction.sent.append(Sent("defer", ephemeral=ephemeral))


FAKE_MESSAGE_ID = 555  # the one message a fake interaction's reply creates


class FakeCallback(Strict, real=discord.InteractionCallbackResponse):
    """What send_message returns: Discord's answer, with the message it created."""

    def __init__(self, interaction: FakeInteraction) -> None:
        self.message_id = FAKE_MESSAGE_ID
        self.resource = FakeMessage(interaction)


class FakeWebhook(Strict, real=discord.Webhook):
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction

    async def send(
        self,
        content: str | None = None,
        *,
        embed: discord.Embed | None = None,
        ephemeral: bool = False,
        view: discord.ui.View | None = None,
    ) -> None:
        if not self._interaction.response.is_done():
            raise AssertionError("a followup before the interaction was acknowledged")
        self._interaction.sent.append(
            Sent("followup", content, [embed] if embed else [], view, ephemeral)
        )

    async def edit_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        if message_id != FAKE_MESSAGE_ID:
            raise AssertionError(f"edit of a message the interaction did not send: {message_id}")
        self._interaction.sent.append(
            Sent("edit_original", content, [embed] if embed else [], view=view)
        )


class FakeMessage(Strict, real=discord.InteractionMessage):
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction
        self.id = FAKE_MESSAGE_ID
        self.jump_url = f"https://discord.com/channels/{interaction.guild_id}/0/{self.id}"

    async def edit(
        self,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        self._interaction.sent.append(
            Sent("edit_original", content, [embed] if embed else [], view=view)
        )


class NoBot:
    """The client of an interaction whose bot is not under test: a plain command tree (no
    stopping, nothing tracked) and no metrics."""

    tree = None
    metrics = None


_interaction_ids = itertools.count(1_300_000_000_000_000_000)


class FakeInteraction(Strict, real=discord.Interaction):
    def __init__(
        self,
        user: FakeUser | None = None,
        guild_id: int | None = 4242,
        channel_id: int | None = 777,
        client: Any = None,
        locale: discord.Locale = discord.Locale.american_english,
    ) -> None:
        self.id = next(_interaction_ids)  # distinct, as Discord's snowflakes are
        self.locale = locale  # the member's client language (bot/i18n: replies follow it)
        self.type = discord.InteractionType.application_command
        self.data: dict[str, Any] = {}
        self.client = client or NoBot()
        self.user = user or FakeUser()
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.command = None
        self.sent: list[Sent] = []
        self.response = FakeResponse(self)
        self.followup = FakeWebhook(self)

    def is_guild_integration(self) -> bool:
        """A fake from a server comes from one that added the bot (its server install)."""
        return self.guild_id is not None

    async def original_response(self) -> FakeMessage:
        return FakeMessage(self)
