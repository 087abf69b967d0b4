"""Discord's message limits and helpers that keep every embed inside them."""

from __future__ import annotations

import discord

from bot.i18n import _

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
CHOICE_NAME = 100
CHOICE_VALUE = 100
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """Fit `text` within `limit` characters, cutting at a word boundary and marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit // 2:  # don't throw away most of the text to find a space
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


class EmbedBuilder:
    """Builds an embed that never exceeds Discord's limits, whatever text it is fed.

    It keeps its own running count of characters and fields: `len(embed)` and `embed.fields`
    walk every field each time, which made building a card quadratic in its fields.
    """

    def __init__(self, title: str, *, description: str = "", colour: int = 0xE8A33D) -> None:
        self.embed = discord.Embed(
            title=shorten(title, TITLE),
            description=shorten(description, DESCRIPTION) if description else None,
            colour=colour,
        )
        self._size = len(self.embed)
        self._fields = 0
        self._reserved_footer = 0

    def remaining(self) -> int:
        return EMBED_TOTAL - self._size - self._reserved_footer

    def field(self, name: str, value: str, *, inline: bool = False) -> bool:
        """Add a field if it fits (shortened to the limits); return False when it does not."""
        if self._fields >= FIELDS:
            return False
        name = shorten(name, FIELD_NAME)
        # Translators: an embed field's value when there is nothing to show.
        value = shorten(value or _("unknown"), FIELD_VALUE)
        if len(name) + len(value) > self.remaining():
            return False
        self.embed.add_field(name=name, value=value, inline=inline)
        self._size += len(name) + len(value)
        self._fields += 1
        return True

    def footer(self, text: str) -> None:
        room = max(0, min(FOOTER, EMBED_TOTAL - self._size))
        self.embed.set_footer(text=shorten(text, room) if room else None)

    def reserve_footer(self, characters: int) -> None:
        self._reserved_footer = characters

    def build(self) -> discord.Embed:
        return self.embed
