"""Discord's length limits on the bot's own components, rendered in every language the bot speaks.

The catalog check (bot/i18n/_checks.py) measures command and option descriptions only; a
translated modal title, field label or button label longer than Discord allows is refused by
Discord (the whole reply fails) or, where the code shortens it, cut with an ellipsis mid-word.
Either way a member reading that language sees a broken form or button, so each is checked here
as the member's client would receive it, and before any shortening.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.messages.catalog import Message

from bot.client import HeroesBot
from bot.i18n import LOCALES, TRANSLATED, _, use_locale
from bot.i18n._catalog_files import po_path, read_catalog
from bot.ui.layout import SOURCE_BUTTON
from cogs.sequel import NotifyButton, PostUpdateModal, RetryView

MODAL_TITLE = 45
LABEL = 45  # a modal field's label
LABEL_DESCRIPTION = 100
PLACEHOLDER = 100
BUTTON_LABEL = 80
# "(at most 80 characters)" in a translator comment: the limit that comment states.
STATED_LIMIT = re.compile(r"at most (\d+) characters")


async def _submit(*_args: Any) -> None:
    """A modal's submit callback the test never calls."""


def _components(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every component of a modal or view payload, nested ones included."""
    found: list[dict[str, Any]] = []
    for component in payload.get("components", []):
        found.append(component)
        found += _components(component)
        if isinstance(component.get("component"), dict):
            found += _components({"components": [component["component"]]})
    return found


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_post_form_fits_discord_in_every_language(locale: str) -> None:
    with use_locale(locale):
        modal = PostUpdateModal(_submit)
        labels = modal._labels()
    payload = modal.to_dict()
    assert len(payload["title"]) <= MODAL_TITLE, payload["title"]
    for text, description, _input in labels:
        # Before the form's own shortening: a label cut with "…" is a defect too.
        assert len(text) <= LABEL, (locale, text)
        assert len(description) <= LABEL_DESCRIPTION, (locale, description)
    placeholders = [c["placeholder"] for c in _components(payload) if "placeholder" in c]
    assert len(placeholders) == len(labels)  # each field's found, so each is measured
    for placeholder in placeholders:
        assert len(placeholder) <= PLACEHOLDER, (locale, placeholder)


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_bots_button_labels_fit_discord_in_every_language(locale: str) -> None:
    with use_locale(locale):
        retry = RetryView(1, _submit, {})
        notify = [NotifyButton(action, 1).item for action in ("on", "off")]
        source = _(SOURCE_BUTTON)
    labels = [item.label for item in (*retry.children, *notify)] + [source]
    for label in labels:
        assert label and len(label) <= BUTTON_LABEL, (locale, label)


def _stated_limit(message: Message) -> int | None:
    """The one limit a translator comment states for this string, if it states exactly one."""
    limits = set(STATED_LIMIT.findall(" ".join(message.auto_comments)))
    return int(limits.pop()) if len(limits) == 1 else None


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_the_length_their_translator_comment_states(locale: str) -> None:
    """Every string whose comment says "at most N characters" (and has no placeholder, whose
    value's length the code bounds itself) is translated within N."""
    too_long = []
    for message in read_catalog(po_path(locale), locale):
        limit = _stated_limit(message) if message.id else None
        if limit is None or "{" in str(message.id):
            continue
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        too_long += [(limit, form) for form in forms if form and len(form) > limit]
    assert too_long == []


def _described(command: Any) -> list[Any]:
    """A command, its options and its subcommands, each with a description."""
    found = [command, *getattr(command, "parameters", ())]
    for sub in getattr(command, "commands", ()):
        found += _described(sub)
    return found


async def test_no_english_command_description_is_cut(bot: HeroesBot) -> None:
    """discord.py cuts a docstring over 100 characters with "…": the English description, and
    the catalogs' msgid, would end mid-sentence (as /settings' did)."""
    cut = [
        item.description
        for command in bot.tree.get_commands()
        for item in _described(command)
        if getattr(item, "description", "").endswith("…")
    ]
    assert cut == []
