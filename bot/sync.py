"""Command sync that never burns the rate limit on restarts and never leaves stale commands.

With a dev guild, commands are copied to that guild and synced at every start (instant).
Globally, what a sync would send is fingerprinted and synced only when it differs from the last
sync. The fingerprint (`sync_key`) is taken from the inputs of the payload rather than from the
translated payload itself: building that asks the translator about every string in every one of
Discord's locales and parses every catalog, about a tenth of a start-up, to find in almost every
start that nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

import discord

from bot.i18n import catalogs_digest

if TYPE_CHECKING:
    from bot.client import HeroesBot

log = logging.getLogger(__name__)


class SyncMode(Enum):
    """When the bot syncs its commands at start."""

    AUTO = "auto"  # to the dev guild always; globally only when the fingerprint changed
    FORCE = "force"  # always (the `sync` command of the CLI)
    OFF = "off"  # never (tests, which have no application to sync to)


class SyncOutcome(Enum):
    GUILD = "synced to the dev guild"
    GLOBAL = "synced globally"
    UNCHANGED = "unchanged since the last global sync; not synced"


async def command_payload(
    bot: HeroesBot, guild: discord.abc.Snowflake | None = None
) -> list[dict[str, Any]]:
    """Exactly what CommandTree.sync() sends for the global (or a guild's) commands, with every
    translation (bot/i18n). Building it asks the translator about every string in every locale
    Discord has: the start-up check uses `sync_key` instead."""
    commands = bot.tree.get_commands(guild=guild)
    translator = bot.tree.translator
    if translator is None:
        return [command.to_dict(bot.tree) for command in commands]
    return [await command.get_translated_payload(bot.tree, translator) for command in commands]


def fingerprint(payload: list[dict[str, Any]]) -> str:
    canonical = json.dumps(
        sorted(payload, key=lambda c: (c.get("type", 1), c["name"])),
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def sync_key(bot: HeroesBot) -> str:
    """The fingerprint of what the next global sync would send: the commands as discord.py
    builds them (names, descriptions, options, choices, install types, contexts, permissions),
    the discord.py version, and every catalog with the code that reads it (bot/i18n); a change to
    any of them changes the key, and those are everything the translated payload is made of.
    Where that code cannot be read, the translated payload itself is fingerprinted."""
    translations = catalogs_digest() if bot.tree.translator is not None else None
    if translations is None:  # untranslated, or the translator's source unreadable: exact
        return fingerprint(await command_payload(bot))
    commands = fingerprint([command.to_dict(bot.tree) for command in bot.tree.get_commands()])
    inputs = f"{commands} discord.py {discord.__version__} {translations}"
    return hashlib.sha256(inputs.encode()).hexdigest()


def _meta_key(application_id: int) -> str:
    return f"commands.global.fingerprint.{application_id}"


async def sync_commands(bot: HeroesBot, *, force: bool = False) -> SyncOutcome:
    if bot.application_id is None:
        raise RuntimeError("sync needs the application id (log in first)")
    dev_guild_id = bot.config.dev_guild_id
    if dev_guild_id is not None:
        guild = discord.Object(dev_guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        log.info("%d commands synced to dev guild %s", len(synced), dev_guild_id)
        return SyncOutcome.GUILD

    digest = await sync_key(bot)
    key = _meta_key(bot.application_id)
    if not force and await bot.store.get_meta(key) == digest:
        log.info(
            "commands unchanged since the last sync; skipping (run `heroes-bot sync` to force)"
        )
        return SyncOutcome.UNCHANGED
    synced = await bot.tree.sync()
    await bot.store.set_meta(key, digest)
    log.info("%d commands synced globally (may take a moment to appear)", len(synced))
    return SyncOutcome.GLOBAL
