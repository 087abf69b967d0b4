"""Components V2 cards: the same card as an embed, laid out as a Container of text blocks.

A card is rendered once, as an embed (the feature's renderer, where every statement gets its
verbatim excerpt and the source line), and `card_from_embed` lays that embed out as a
`CardLayout`: a frozen list of blocks (text, separators, a line with a link button). So the two
styles a server can choose (/settings cards:) say exactly the same things, from the same code.
`CardLayout` is plain data, cached per state of the store with the embed (RenderMemo), and
`build_layout` turns it into a discord.py `LayoutView` for each reply, with its buttons.

Discord's limits for a V2 message (the emulator checks them too, discord_emulator/
_components_v2.py): at most 40 components counted through every level, and 4,000 characters
across all text displays. An embed has at most 25 fields, so a card (a block per field at most,
its Container, source Section, mention and a row of five buttons) stays under 40 components.
Embeds allow 6,000 characters, so a long card is fitted: the longest blocks are shortened
first, each cut marked with "…", and no block is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
import msgspec

from bot.i18n import N_, _

from .embeds import shorten

TEXT_TOTAL = 4000  # characters across every TextDisplay of a message
# Shown as `_(SOURCE_BUTTON)`.
# Translators: the link button beside a card's source line (a button label: at most 80 characters).
SOURCE_BUTTON = N_("Source")
URL_MAX = 512  # a link button's url


def link_url(url: str | None) -> str | None:
    """`url` if a link button can carry it (http or https, at most 512 characters)."""
    if url and url.startswith(("https://", "http://")) and len(url) <= URL_MAX:
        return url
    return None


class Text(msgspec.Struct, frozen=True):
    """A TextDisplay (markdown)."""

    text: str


class Rule(msgspec.Struct, frozen=True):
    """A Separator: a thin line between parts of the card."""


class Linked(msgspec.Struct, frozen=True):
    """A Section: a text with a link button beside it (the source's address)."""

    text: str
    label: str
    url: str


Block = Text | Rule | Linked


class CardLayout(msgspec.Struct, frozen=True):
    """A card as Components V2 blocks, inside one Container with the card's accent colour."""

    colour: int
    blocks: tuple[Block, ...]

    def plain_text(self) -> str:
        """Every text of the card, in order (for tests and search)."""
        return "\n".join(b.text for b in self.blocks if isinstance(b, Text | Linked))


def _field_runs(embed: discord.Embed) -> list[str]:
    """The embed's fields as text blocks: a run of inline fields becomes one block of
    '**name:** value' lines (they sat side by side), any other field a block of its own."""
    blocks: list[str] = []
    run: list[str] = []
    for field in embed.fields:
        if field.inline:
            # Translators: a label and its value on one line of a card ("Stage: Filming"); keep
            # the ** marks; French puts a space before the colon.
            run.append(_("**{label}:** {value}").format(label=field.name, value=field.value))
            continue
        if run:
            blocks.append("\n".join(run))
            run = []
        blocks.append(f"**{field.name}**\n{field.value}")
    if run:
        blocks.append("\n".join(run))
    return blocks


def _body_and_source(text: str) -> tuple[str, str]:
    """A block's text before its last line, and its last line (with its line break): a field's
    last line is where its excerpt comes from, kept whole when the excerpt above is cut."""
    if "\n" not in text:
        return text, ""
    body, last = text.rsplit("\n", 1)
    return body, "\n" + last


def fit_texts(texts: Sequence[str], budget: int) -> list[str]:
    """Shorten the longest texts until all of them fit in `budget` characters together.

    A block of several lines keeps its last line (the source line of a field) and is cut above
    it; only if those lines alone overflow is each block cut as a whole."""
    if sum(map(len, texts)) <= budget:
        return list(texts)
    parts = [_body_and_source(text) for text in texts]
    kept = sum(len(last) for _body, last in parts)
    if kept >= budget:
        return _fit_whole(texts, budget)
    bodies = _fit_whole([body for body, _last in parts], budget - kept)
    return [body + last for body, (_body, last) in zip(bodies, parts, strict=True)]


def _fit_whole(texts: Sequence[str], budget: int) -> list[str]:
    """Finds the largest cap c with sum(min(len, c)) <= budget and cuts every text longer than c
    to c (at a word, marked "…"): short texts are never touched."""
    if sum(map(len, texts)) <= budget:
        return list(texts)
    low, high = 1, max(map(len, texts))
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(len(t), cap) for t in texts) <= budget:
            low = cap
        else:
            high = cap - 1
    return [shorten(t, low) if len(t) > low else t for t in texts]


def card_from_embed(
    embed: discord.Embed,
    *,
    source_url: str | None = None,
    reserve: int = 0,
) -> CardLayout:
    """The card `embed` shows, as V2 blocks: a heading with the description, the fields, a
    separator, then the footer (the source line), beside a link button when `source_url` is
    given. `reserve`: characters kept free for text added outside the card (a role mention)."""
    head = f"## {embed.title}" if embed.title else ""
    if embed.description:
        head = f"{head}\n{embed.description}" if head else embed.description
    texts = [t for t in (head, *_field_runs(embed)) if t]
    footer = f"-# {embed.footer.text}" if embed.footer and embed.footer.text else ""
    texts = fit_texts(texts, TEXT_TOTAL - reserve - len(footer))
    blocks: list[Block] = [Text(t) for t in texts]
    if footer:
        blocks.append(Rule())
        url = link_url(source_url)
        if url:
            blocks.append(Linked(footer, _(SOURCE_BUTTON), url))
        else:
            blocks.append(Text(footer))
    colour = embed.colour.value if embed.colour is not None else 0
    return CardLayout(colour, tuple(blocks))


def _item(block: Block) -> discord.ui.Item[Any]:
    if isinstance(block, Text):
        return discord.ui.TextDisplay(block.text)
    if isinstance(block, Rule):
        return discord.ui.Separator()
    link = discord.ui.Button[Any](label=block.label, url=block.url)
    return discord.ui.Section(discord.ui.TextDisplay(block.text), accessory=link)


def build_layout(
    card: CardLayout,
    *,
    rows: Sequence[Sequence[discord.ui.Item[Any]]] = (),
    above: str | None = None,
    timeout: float | None = None,
) -> discord.ui.LayoutView:
    """The LayoutView of `card`: one Container (accent colour, blocks, then each of `rows` as an
    ActionRow of buttons inside it). `above`: a text shown over the card, outside it (the news
    role's mention: a V2 message has no `content`)."""
    view = discord.ui.LayoutView(timeout=timeout)
    if above:
        view.add_item(discord.ui.TextDisplay(above))
    container = discord.ui.Container[Any](accent_colour=card.colour or None)
    for block in card.blocks:
        container.add_item(_item(block))
    for row in rows:
        container.add_item(discord.ui.ActionRow(*row))
    view.add_item(container)
    return view


def layout_text(view: discord.ui.LayoutView) -> str:
    """Every text display of `view`, in order (what a member reads)."""
    return "\n".join(
        item.content for item in view.walk_children() if isinstance(item, discord.ui.TextDisplay)
    )
