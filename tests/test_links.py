"""Stored links can't be disguised: the outlet is plain text, the address is shown as itself."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.store import SequelUpdate
from bot.ui.links import plain, source_text
from cogs.sequel import check_update, news_pages, update_card, update_summary

EVIL_OUTLET = "Variety](https://evil.example) [x"
# A Markdown masked link as Discord parses it: `[text](url)` where `[` is not escaped.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\\)")


def stored(outlet: str | None, url: str | None) -> SequelUpdate:
    return SequelUpdate(
        7, None, "Filming begins", "Cameras roll.", "2025-03-01", outlet, url, "filming",
        "owner", None, "2025-03-01T00:00:00+00:00",
    )  # fmt: skip


def rendered(update: SequelUpdate) -> str:
    card = update_card(update)
    parts = [card.title or "", card.description or "", card.url or ""]
    parts += [f"{f.name} {f.value}" for f in card.fields]
    parts.append(update_summary(update))
    parts += [str(f.value) for page in news_pages([update]) for f in page.fields]
    return "\n".join(parts)


def test_outlet_with_link_syntax_is_never_a_masked_link_in_any_render() -> None:
    text = rendered(stored(EVIL_OUTLET, "https://variety.com/story"))
    assert not MASKED_LINK.search(text)
    # The evil host is not clickable either: Discord links `https://` in plain text.
    assert "https://evil.example" not in text
    assert "<https://variety.com/story>" in text


def test_update_card_title_is_not_a_link_to_the_stored_address() -> None:
    assert update_card(stored("Variety", "https://variety.com/story")).url is None


@pytest.mark.parametrize(
    "outlet", [EVIL_OUTLET, "[Variety](https://evil.example)", "<https://evil.example>"]
)
def test_outlet_with_link_syntax_is_refused_at_input(outlet: str) -> None:
    checked = check_update(
        headline="Filming begins",
        text="Cameras roll.",
        source_url="https://variety.com/story",
        outlet=outlet,
        today=date(2025, 6, 1),
    )
    assert not checked.ok
    assert any(p.startswith("Source name:") for p in checked.problems)


@pytest.mark.parametrize(
    "url",
    [
        "https://vari\u200bety.com/story",  # zero-width space
        "https://vari\u200dety.com/story",  # zero-width joiner (was let through for emoji)
        "https://\u202emoc.ytairav/story",  # right-to-left override
        "https://variety.com\u2066/story",  # bidi isolate
    ],
)
def test_source_link_with_invisible_or_bidi_characters_is_refused(url: str) -> None:
    checked = check_update(
        headline="Filming begins", text="Cameras roll.", source_url=url, today=date(2025, 6, 1)
    )
    assert not checked.ok
    assert any(p.startswith("Source link:") for p in checked.problems)


def test_lookalike_unicode_host_is_stored_and_shown_as_punycode() -> None:
    # "vаriety.com" with a Cyrillic "а".
    checked = check_update(
        headline="Filming begins",
        text="Cameras roll.",
        source_url="https://v\u0430riety.com/story",
        today=date(2025, 6, 1),
    )
    assert checked.update is not None
    assert checked.update.source_url == "https://xn--vriety-3nf.com/story"
    shown = source_text("Variety", "https://v\u0430riety.com/story")
    assert "xn--vriety-3nf.com" in shown and "\u0430" not in shown


def test_plain_text_escapes_everything_markdown_could_build() -> None:
    for hostile in ("**bold**", "`code`", "> quote", "# Heading", "<@123>", "a_b_c", "[x](y)"):
        escaped = plain(hostile)
        assert not re.search(r"(?<!\\)[*`>#<\[\]()_]", escaped), escaped


def test_words_typed_as_the_source_link_are_told_what_a_link_looks_like() -> None:
    checked = check_update(
        headline="Filming begins", text="Cameras roll.", source_url="not a link",
        today=date(2025, 6, 1),
    )  # fmt: skip
    assert checked.problems == [
        "Source link: must be a web address starting with https:// (or http://)."
    ]
