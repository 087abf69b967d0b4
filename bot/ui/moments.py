"""Moments and days as a member reads them: a moment as Discord timestamps (each member sees it
in their own timezone and language), a stored calendar day the reader's way."""

from __future__ import annotations

from datetime import date, datetime

import discord

from bot.i18n import DEFAULT, current_locale, format_date


def when(moment: datetime) -> str:
    """The full date and time, then how far away it is: `<t:…:F> (<t:…:R>)`."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


def stored_day(iso_day: str) -> str:
    """A stored or served day ('2025-06-01') as the reader writes dates ("1 de jun. de 2025");
    English keeps the ISO form the cards have always shown; a day that is not ISO is shown as
    stored."""
    if current_locale() == DEFAULT:
        return iso_day
    try:
        return format_date(date.fromisoformat(iso_day[:10]), "medium")
    except ValueError:
        return iso_day
