"""A paginator for Components V2 cards that keeps working across restarts.

Its buttons are DynamicItems: each custom_id carries the book (which list of pages), the member
who asked, the page it leads to, and a slot letter (first, previous, counter, next, last: two
buttons may lead to the same page, and Discord refuses a message whose custom ids repeat). A
press reads the book's pages afresh from its feature (a cog with `page_books`), so a message
posted before a restart pages on after it, over the current pages, and needs no view kept in
memory or any timeout.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.i18n import N_

from .layout import CardLayout, build_layout
from .views import admitted, refuse_not_owner

PAGE_TEMPLATE = (
    r"heroes:page:(?P<book>[a-z-]{1,20}):(?P<owner>[0-9]{1,20})"
    r":(?P<page>[0-9]{1,4}):(?P<slot>[fpcnl])"
)
PageSource = Callable[[], Awaitable[Sequence[CardLayout]]]
# slot -> (label, style); the counter's label is the page number, set when built.
SLOTS = {
    "f": ("≪", discord.ButtonStyle.secondary),
    "p": ("‹", discord.ButtonStyle.primary),
    "c": ("", discord.ButtonStyle.secondary),
    "n": ("›", discord.ButtonStyle.primary),
    "l": ("≫", discord.ButtonStyle.secondary),
}


class PageBook:
    """A list of pages a feature serves by name, and the command that starts one."""

    def __init__(self, name: str, command_hint: str, pages: PageSource) -> None:
        self.name = name
        self.command_hint = command_hint
        self.pages = pages


def find_book(client: discord.Client, name: str) -> PageBook | None:
    """The book called `name` among the loaded cogs' `page_books`."""
    for cog in getattr(client, "cogs", {}).values():
        book = getattr(cog, "page_books", {}).get(name)
        if isinstance(book, PageBook):
            return book
    return None


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_TEMPLATE):
    """One of the five page buttons; pressing it shows its page to the member who asked."""

    def __init__(
        self, book: str, owner_id: int, page: int, slot: str, *, label: str, disabled: bool
    ) -> None:
        style = SLOTS[slot][1]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=f"heroes:page:{book}:{owner_id}:{page}:{slot}",
            )
        )
        self.book, self.owner_id, self.page, self.slot = book, owner_id, page, slot

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> PageButton:
        slot = match["slot"]
        return cls(
            match["book"],
            int(match["owner"]),
            int(match["page"]),
            slot,
            label=SLOTS[slot][0] or "·",
            disabled=False,
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not await admitted(interaction):
            return False
        book = find_book(interaction.client, self.book)
        if interaction.user.id == self.owner_id and book is not None:
            return True
        hint = book.command_hint if book is not None else N_("the command")
        await refuse_not_owner(interaction, hint)
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        book = find_book(interaction.client, self.book)
        if book is None:  # the feature was unloaded between the check and now
            await interaction.response.defer()
            return
        pages = await book.pages()
        view = page_view(pages, self.page, owner_id=self.owner_id, book=self.book)
        await interaction.response.edit_message(view=view)


def page_buttons(book: str, owner_id: int, index: int, count: int) -> list[PageButton]:
    """First, previous, counter, next, last, for page `index` (0-based) of `count`."""
    last = count - 1
    targets = {"f": 0, "p": max(0, index - 1), "c": index, "n": min(last, index + 1), "l": last}
    buttons = []
    for slot, target in targets.items():
        at_edge = (index == 0) if slot in "fp" else (index == last) if slot in "nl" else True
        label = f"{index + 1}/{count}" if slot == "c" else SLOTS[slot][0]
        buttons.append(PageButton(book, owner_id, target, slot, label=label, disabled=at_edge))
    return buttons


def page_view(
    pages: Sequence[CardLayout], index: int, *, owner_id: int, book: str
) -> discord.ui.LayoutView:
    """Page `index` (clamped to the pages there are now) with its buttons; none for one page."""
    if not pages:
        raise ValueError("a paginator needs at least one page")
    index = max(0, min(index, len(pages) - 1))
    if len(pages) == 1:
        return build_layout(pages[0])
    return build_layout(pages[index], rows=[page_buttons(book, owner_id, index, len(pages))])
