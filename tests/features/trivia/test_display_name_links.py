"""Members' display names can't become links in the bot's trivia embeds."""

from __future__ import annotations

import re

from cogs.trivia._render import _name_list

# A `[text](http...)` Discord would render: brackets and the `](` not escaped by a backslash.
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(\s*<?https?:")


def test_two_display_names_together_cannot_form_a_masked_link() -> None:
    # escape_markdown leaves a lone `[` or `](` alone, so two members named "Results: [Top 3"
    # and "winners](https://evil.example)" made "[Top 3, winners](https://evil.example)" in the
    # answer list: a link to another host, its text chosen by them, under the bot's name.
    shown = _name_list(["Results: [Top 3", "winners](https://evil.example)"])
    assert not MASKED_LINK.search(shown), shown
    assert "https://evil" not in shown  # nor a bare address Discord would turn into a link
    assert "Top 3" in shown and "winners" in shown  # the names are still shown
