"""Embeds of the quote of the day: a server's setting, and the day's quote."""

from __future__ import annotations

from datetime import date

import discord

from bot.i18n import _, format_date, format_number, ngettext, pgettext
from bot.store import DailyConfig, DailyPick, Quote
from bot.ui.embeds import EmbedBuilder
from bot.ui.excerpts import quote_builder, source_line
from bot.ui.posting import OutgoingPost


def daily_card(config: DailyConfig | None, *, next_post: str | None = None) -> discord.Embed:
    title = _("Quote of the day")
    if config is None:
        return EmbedBuilder(
            title,
            # Translators: keep the command and its options (/quote-daily set channel: time:)
            # as they are typed.
            description=_("Off. Turn it on with /quote-daily set channel: #general time: 09:00."),
            colour=0xD94F3D,
        ).build()
    paused = config.failure_count >= 3
    description = (
        _paused_text(config)
        if paused
        else _("One quote a day in {channel}.").format(channel=f"<#{config.channel_id}>")
    )
    builder = EmbedBuilder(title, description=description, colour=0xD94F3D)
    builder.field(_("Time"), f"{config.post_time} ({config.timezone})", inline=True)
    builder.field(_("Last posted"), _last_posted(config.last_posted_day), inline=True)
    if next_post and not paused:
        # Translators: a field's name: when the next quote of the day comes.
        builder.field(pgettext("next quote of the day", "Next"), next_post, inline=True)
    if config.last_error and not paused:
        builder.field(_("Last failure"), config.last_error)
    return builder.build()


def _last_posted(day: str | None) -> str:
    """The local day of the last post, written the reader's way ('December 2, 2026')."""
    return format_date(date.fromisoformat(day)) if day else _("not yet")


def _paused_text(config: DailyConfig) -> str:
    # Translators: {error} is why the last post failed, as recorded (in English).
    text = ngettext(
        "**Paused** after {count} failed post in a row: {error}",
        "**Paused** after {count} failed posts in a row: {error}",
        config.failure_count,
    ).format(count=format_number(config.failure_count), error=config.last_error)
    return text + "\n" + _("Fix the channel, then run /quote-daily set again.")


def daily_quote_card(quote: Quote, pick: DailyPick) -> discord.Embed:
    """The quote of the day, with where it stands in the server's rotation. Posted to a channel:
    rendered in the server's language (the scheduler's `locale_of`)."""
    # Translators: the title of the quote of the day; {speaker} is who said it.
    builder = quote_builder(quote, _("Quote of the day — {speaker}").format(speaker=quote.speaker))
    # Translators: the footer of the quote of the day: {day} is the day (YYYY-MM-DD), then where
    # the quote stands in the server's rotation, then "Source: <its citation>".
    footer = _("{day} · quote {position} of {total} before any repeats · {source}")
    builder.footer(
        footer.format(
            day=pick.day,
            position=format_number(pick.position),
            total=format_number(pick.cycle_size),
            source=source_line(quote.source),
        )
    )
    return builder.build()


def compose_quote(quote: Quote, pick: DailyPick) -> OutgoingPost:
    return OutgoingPost(daily_quote_card(quote, pick))
