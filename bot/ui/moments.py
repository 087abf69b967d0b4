"""A moment shown as Discord timestamps, which each member sees in their own timezone."""

from __future__ import annotations

from datetime import datetime

import discord


def when(moment: datetime) -> str:
    """The full date and time, then how far away it is: `<t:…:F> (<t:…:R>)`."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"
