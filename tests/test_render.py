"""The renderers keep every embed inside Discord's limits, whatever they are fed."""

from __future__ import annotations

import pytest

from bot.ui.embeds import ELLIPSIS, EmbedBuilder, shorten
from tests.discord_limits import refused_by_discord


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    text = "Robert Rodriguez writes directs and produces the unnamed sequel"
    short = shorten(text, 30)
    assert len(short) <= 30 and short.endswith(ELLIPSIS)
    assert text.startswith(short.removesuffix(ELLIPSIS))
    assert shorten("x" * 50, 10) == "x" * 9 + ELLIPSIS  # no space to cut at
    assert shorten("short", 10) == "short"


@pytest.mark.parametrize("size", [10, 1000, 6000])
def test_the_builder_never_exceeds_any_limit(size: int) -> None:
    builder = EmbedBuilder("T" * size, description="D" * size * 2)
    for i in range(40):
        builder.field(f"name {i} " + "n" * size, "v" * size)
    builder.footer("F" * size)
    embed = builder.build()
    assert refused_by_discord(embed) == []
    assert builder._size == len(embed) - len(embed.footer.text or "")
