"""The sandbox shows a Components V2 card as text: the container behind its bar, headings and
quotes as Markdown, the source link beside its text, and the card's buttons numbered to press."""

from __future__ import annotations

from bot.sandbox._render import buttons_of, render_message
from bot.store import Delivery, SequelUpdate
from cogs.sequel import compose_card_post
from discord_emulator import Message, User

BOT = User(id=1, username="heroes-bot", bot=True)
V2 = 1 << 15
UPDATE = SequelUpdate(
    7, None, "Filming begins", "Cameras roll in *Austin*.", "2025-06-01", "Variety",
    "https://variety.com/x", "filming", "owner", None, "2025-06-01T00:00:00.000Z",
)  # fmt: skip


def news_post(role_id: int | None) -> Message:
    delivery = Delivery(1, 7, 4242, 77, role_id, "sending", None, 1, None, None, True)
    layout = compose_card_post(UPDATE, delivery).layout
    assert layout is not None
    return Message(
        id=10, channel_id=77, guild_id=4242, author=BOT, flags=V2, components=layout.to_components()
    )


def test_a_v2_news_post_reads_as_a_card_with_its_source_link() -> None:
    text = render_message(news_post(None))
    lines = text.splitlines()
    assert lines[1] == "┃ Filming begins"  # the heading, without its '##'
    # A news text is shown as written: its own Markdown is escaped, never rendered as emphasis
    # (a feed's text could otherwise fake a link or a heading).
    assert "┃ Cameras roll in *Austin*." in lines
    assert "┃ ↗ Source: https://variety.com/x" in lines
    assert "[1]" not in text  # no buttons without a news role


def test_a_v2_cards_buttons_are_numbered_and_its_role_mention_shown_above() -> None:
    message = news_post(5555)
    text = render_message(message, names={"<@&5555>": "@sequel-fans"})
    assert text.splitlines()[1] == "@sequel-fans"  # above the card, outside its bar
    assert "[1] Notify me" in text and "[2] Stop notifying me" in text
    assert [b["custom_id"] for b in buttons_of(message)] == [
        "heroes:notify:on:4242",
        "heroes:notify:off:4242",
    ]
