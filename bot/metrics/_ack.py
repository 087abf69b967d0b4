"""When an interaction is first answered (deferred, replied to, a modal, suggestions).

discord.py records no time for it, and every answer method (defer, send_message, edit_message,
send_modal, autocomplete, ...) ends the same way: once Discord accepted the request, it sets
the response object's `_response_type`. A response object whose `_response_type` is a property
sees that moment, whichever method answered. It replaces discord.py's own one on the
interaction (`_cs_response`, where `Interaction.response` keeps it) before anything answers;
tests/test_metrics.py fails if a discord.py upgrade changes either name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord


class TimedResponse(discord.InteractionResponse):  # type: ignore[type-arg]
    __slots__ = ("_answered_as", "_on_first_answer")

    def __init__(self, parent: discord.Interaction, on_first_answer: Callable[[], None]) -> None:
        self._answered_as: Any = None
        self._on_first_answer = on_first_answer
        super().__init__(parent)

    @property  # type: ignore[override]
    def _response_type(self) -> Any:
        return self._answered_as

    @_response_type.setter
    def _response_type(self, value: Any) -> None:
        first = value is not None and self._answered_as is None
        self._answered_as = value
        if first:
            self._on_first_answer()


def on_first_answer(interaction: discord.Interaction, callback: Callable[[], None]) -> None:
    """Call `callback` when `interaction` is first answered (not if it already was)."""
    if interaction.response.is_done():
        return
    interaction._cs_response = TimedResponse(interaction, callback)  # type: ignore[attr-defined]
