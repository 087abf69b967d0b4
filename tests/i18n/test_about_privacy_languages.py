"""/about's privacy fields (what the bot stores, how to have it deleted) are read whole in every
language: a translation longer than Discord's 1024 characters per field goes on in another
field, never cut mid-sentence (the French, Spanish and Portuguese texts are longer than the
English, and lost the database and "nothing else" sentences to the cut)."""

from __future__ import annotations

import discord
import pytest

from bot.i18n import LOCALES, _, use_locale
from bot.ui.privacy import deleting_text, stored_fields
from cogs.about import about_card
from tests.discord_limits import refused_by_discord


def _card() -> discord.Embed:
    return about_card(
        version="9.9.9", uptime=3725.0, latency=0.042, servers=12345, counts={}, sources=[]
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_every_privacy_line_is_shown_whole_in_every_language(locale: str) -> None:
    with use_locale(locale):
        embed = _card()
        privacy = [value for _name, value in stored_fields()] + [deleting_text()]
        project = _("Project")
    shown = [str(field.value) for field in embed.fields]
    for value in privacy:
        for line in value.split("\n"):
            assert any(line in field.split("\n") for field in shown), (locale, line)
    assert refused_by_discord(embed) == []
    assert str(embed.fields[-1].name) == project  # nothing after the privacy fields dropped
