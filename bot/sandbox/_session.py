"""The sandbox world: the emulator, one server, one member, and the real bot connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from bot.client import HeroesBot
from bot.config import Config
from bot.emulated import emulated_bot
from bot.i18n import DEFAULT, LOCALES, NATIVE_NAMES
from bot.invite import invite_permissions
from bot.sandbox._names import shown_example
from bot.sandbox._parse import CHANNEL, ROLE, USER, Invocation, ParseError, convert, parse
from bot.sandbox._places import Places
from discord_emulator import Emulator, InteractionHandle, Message, shown_name

log = logging.getLogger(__name__)
RESPONSE_TIMEOUT = 10.0
# `say … [photo.png] [clip.mp4]`: file names (with an extension) in brackets end the message.
ATTACHED = re.compile(r"(?:\s*\[[^\]\s]+\.\w+\])+\s*$")
# Discord's channel types, by the words its client uses.
CHANNEL_KINDS = {0: "text", 2: "voice", 4: "category", 5: "announcement", 13: "stage", 15: "forum"}


def describe_locale(locale: str) -> str:
    """'es-419' -> 'Español (Latinoamérica) (es-419)'."""
    return f"{NATIVE_NAMES.get(locale, locale)} ({locale})"


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy even while another process writes (SQLite's backup API)."""
    if not source.exists():
        return
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


class Sandbox:
    def __init__(self, emulator: Emulator, bot: HeroesBot) -> None:
        self.emu = emulator
        self.bot = bot
        self.guild = next(iter(emulator.state.guilds.values()))
        self.channel = next(iter(self.guild.channels.values()))
        self.me = emulator.app.owner  # the person at the prompt runs the bot and the server
        # Where they type: the server, or a place only their user install reaches (`where`).
        self.places = Places(emulator, self.me, self.guild, self.channel)
        self._shown: dict[int, float | None] = {}
        self._suggested: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.said: Message | None = None  # the last message said at the prompt (`say`)

    # ------------------------------------------------------------------ what exists
    def commands(self) -> list[dict[str, Any]]:
        return self.emu.synced_commands()

    def shown_example(self, example: str) -> str:
        """A command named in a hint ('/poll cast') as the person's client shows it."""
        return shown_example(self.commands(), example, self.locale)

    @property
    def locale(self) -> str:
        """The person's Discord client language: the names they see and type, and the
        `locale` of their interactions."""
        return self.me.locale

    async def switch_locale(self, locale: str) -> str:
        """`locale fr`: the person's client and the sandbox server both switch to `locale`
        (the server's change reaches the bot as GUILD_UPDATE); what to say back."""
        if locale not in LOCALES:
            raise ParseError(f"no locale {locale!r}: the bot speaks {', '.join(LOCALES)}")
        self.emu.set_locale(self.me, locale)
        await self.emu.set_preferred_locale(self.guild, locale)
        return f"(your Discord client and the sandbox server are now in {describe_locale(locale)})"

    def parse(self, line: str) -> Invocation:
        """What the person typed, by the names their client shows in their locale."""
        return parse(line, self.commands(), self.locale)

    def _resolver(self, kind: int) -> Any:
        def resolve(raw: str) -> int:
            name = raw.strip().lstrip("#@").lower()
            pools = {
                CHANNEL: {c.id: c.name for c in self.guild.channels.values()},
                ROLE: {r.id: r.name for r in self.guild.roles.values()},
                USER: {m.user.id: m.user.username for m in self.guild.members.values()},
            }[kind]
            for ident, label in pools.items():
                if label.lower().lstrip("@") == name or str(ident) == name:
                    return ident
            noun = {CHANNEL: "channel", ROLE: "role", USER: "member"}[kind]
            raise ParseError(f"no {noun} called {raw} (there are: {', '.join(pools.values())})")

        return resolve

    def pools(self) -> dict[int, list[str]]:
        """What a channel, role or member option may be, as typed: '#news', '@sequel-fans'."""
        return {
            CHANNEL: [f"#{c.name}" for c in self.guild.channels.values()],
            ROLE: [f"@{r.name.lstrip('@')}" for r in self.guild.roles.values()],
            USER: [f"@{m.user.username}" for m in self.guild.members.values()],
        }

    def typed_options(self, invocation: Invocation) -> dict[str, Any]:
        return convert(invocation, {k: self._resolver(k) for k in (CHANNEL, ROLE, USER)})

    # ------------------------------------------------------------------ acting
    async def run(self, invocation: Invocation) -> InteractionHandle:
        options = self.typed_options(invocation)
        self._check_channel_kinds(invocation, options)
        await self._pick_suggestions(invocation, options)
        here = self.places.here
        handle = await self.emu.slash(
            invocation.full_name, options, user=self.me, guild=here.guild, channel=here.channel
        )
        await self._settle(handle)
        return handle

    def _check_channel_kinds(self, invocation: Invocation, options: dict[str, Any]) -> None:
        """Discord's client offers only the channels of the kinds an option takes (a voice
        channel for /watchparty create channel:); say so in words, with the ones it offers."""
        for definition in invocation.definitions:
            kinds = definition.get("channel_types")
            picked = self.guild.channels.get(options.get(invocation.shown(definition), 0))
            if not kinds or picked is None or picked.type in kinds:
                continue
            offered = [f"#{c.name}" for c in self.guild.channels.values() if c.type in kinds]
            wanted = " or ".join(CHANNEL_KINDS.get(k, f"type {k}") for k in kinds)
            kind = CHANNEL_KINDS.get(picked.type, "other")
            raise ParseError(
                f"{invocation.shown(definition)}: #{picked.name} is a {kind} channel; "
                f"this option takes a {wanted} channel"
                + (f": {', '.join(offered)}" if offered else " (this server has none)")
            )

    async def _pick_suggestions(self, invocation: Invocation, options: dict[str, Any]) -> None:
        """Typing a suggestion's name sends its value, as picking it in Discord does: the
        suggestions last shown for that option are remembered, then the bot is asked afresh."""
        for definition in invocation.definitions:
            name = invocation.shown(definition)
            typed = options.get(name)
            if not definition.get("autocomplete") or not isinstance(typed, str):
                continue
            remembered = self._suggested.get((invocation.full_name, name), [])
            choices = [c for c in remembered if c["name"] == typed]
            if not choices:
                others = {k: v for k, v in options.items() if k != name}
                # A suggestion's name may be longer than what Discord lets one type in the
                # option (its max_length): ask with the part one could type.
                longest = definition.get("max_length") or len(typed)
                choices = self._as_shown(
                    await self.emu.autocomplete(
                        invocation.full_name,
                        name,
                        typed[:longest],
                        others,
                        user=self.me,
                        guild=self.places.here.guild,
                        channel=self.places.here.channel,
                    )
                )
            for choice in choices:
                if choice["name"] == typed:
                    options[name] = choice["value"]
                    break

    async def suggest(self, invocation: Invocation) -> list[dict[str, Any]]:
        focused = invocation.focused
        if focused is None:
            example = self.shown_example("/cast name: pe?")
            raise ParseError(f"suggestions need an option to complete, e.g. {example}")
        definition = invocation.definition(focused) or {}
        if not definition.get("autocomplete"):
            choices = self._as_shown(definition.get("choices") or [])
            if choices:
                return choices
            raise ParseError(f"{focused} has no suggestions")
        others = {k: v for k, v in self.typed_options(invocation).items() if k != focused}
        choices = self._as_shown(
            await self.emu.autocomplete(
                invocation.full_name,
                focused,
                invocation.options[focused],
                others,
                user=self.me,
                guild=self.places.here.guild,
                channel=self.places.here.channel,
            )
        )
        self._suggested[(invocation.full_name, focused)] = choices
        return choices

    def _as_shown(self, choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Choices with the name the person's client shows them (a localized one)."""
        return [{**choice, "name": shown_name(choice, self.locale)} for choice in choices]

    def say(self, text: str) -> Message:
        """Post a message as the person at the prompt, to right-click afterwards; file names in
        brackets at its end are attached (`say [photo.png]`: an image with no text)."""
        here = self.places.here  # the server, or where `where` took them
        attached = ATTACHED.search(text)
        files = tuple(re.findall(r"\[([^\]\s]+)\]", attached.group(0))) if attached else ()
        content = text[: attached.start()].strip() if attached else text
        self.said = self.emu.member_says(content, files=files, user=self.me, channel=here.channel)
        return self.said

    def menus(self) -> list[str]:
        """The message commands (right-click menus) the bot synced, as the person's client
        names them."""
        return sorted(shown_name(c, self.locale) for c in self.commands() if c.get("type") == 3)

    async def right_click(self, menu: str) -> InteractionHandle:
        """Right-click the last message said here and pick `menu` (its name in any case, or
        the start of it; empty: the only one)."""
        if self.said is None:
            raise ParseError(
                "say something first (say I heard the sequel is filming), then right-click it"
            )
        menus = self.menus()
        wanted = menu.casefold()
        picked = [m for m in menus if m.casefold() == wanted]
        picked = picked or [m for m in menus if m.casefold().startswith(wanted)]  # `check`
        if len(picked) != 1:
            raise ParseError(f"which menu? right-click {' | '.join(menus) or '(none synced)'}")
        handle = await self.emu.right_click(self.said, picked[0], user=self.me)
        await self._settle(handle)
        return handle

    async def vote(self, words: list[str]) -> Message:
        """Vote (as the person at the prompt) in the last poll posted where they are: answer
        numbers, none to take the vote back."""
        if not all(word.isdigit() for word in words):
            raise ParseError("vote takes answer numbers, e.g. vote 2 (or vote 1 3)")
        answers = [int(word) for word in words]
        here = self.places.here
        polls = [m for m in self.emu.conversation(here.channel) if m.poll and not m.deleted]
        if not polls and here.label != "server":  # /poll needs a server that added the bot
            command = self.shown_example("/poll cast")
            raise ParseError(f"no poll here: {command} posts polls in the sandbox server only")
        if not polls:
            command = self.shown_example("/poll cast")
            raise ParseError(f"no poll here yet: a manager posts one with {command}")
        await self.emu.vote(polls[-1], answers, user=self.me)
        return polls[-1]

    async def press(self, message: Message, custom_id: str) -> InteractionHandle:
        handle = await self.emu.press(message, custom_id, user=self.me)
        await self._settle(handle)
        return handle

    async def submit_modal(self, handle: InteractionHandle, values: dict[str, str]) -> None:
        await self._settle(await self.emu.submit_modal(handle, values, user=self.me))

    async def _settle(self, handle: InteractionHandle) -> None:
        response = await handle.response(RESPONSE_TIMEOUT)
        if response.type == 5:  # "thinking…": wait for the real answer
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await handle.wait_edit(RESPONSE_TIMEOUT)
        await asyncio.sleep(0.05)  # let immediate follow-ups land

    # ------------------------------------------------------------------ what changed
    def changes(self) -> list[tuple[Message, bool]]:
        """Messages in any channel of the server that are new or edited since last shown, in
        the order they were made (news posts land in other channels than #general)."""
        out = []
        channels = [*self.guild.channels.values(), *self.places.channels()]
        messages = [m for c in channels for m in self.emu.conversation(c)]
        for message in sorted(messages, key=lambda m: m.id):
            if message.deleted or message.flags & (1 << 7):  # deleted, or still 'thinking'
                continue
            stamp = message.edited_timestamp
            if message.id not in self._shown:
                out.append((message, False))
            elif self._shown[message.id] != stamp:
                out.append((message, True))
            self._shown[message.id] = stamp
        return out

    def names(self) -> dict[str, str]:
        """How mentions read: '<#id>' -> '#news', '<@id>' -> '@fan', '<@&id>' -> '@role'."""
        names = {f"<#{c.id}>": f"#{c.name}" for c in self.guild.channels.values()}
        names.update({f"<@&{r.id}>": f"@{r.name.lstrip('@')}" for r in self.guild.roles.values()})
        for member in self.guild.members.values():
            names[f"<@{member.user.id}>"] = names[f"<@!{member.user.id}>"] = (
                f"@{member.user.username}"
            )
        return names


@contextlib.asynccontextmanager
async def open_sandbox(
    settings: Config, *, keep_data: bool, locale: str = DEFAULT
) -> AsyncIterator[Sandbox]:
    """Start the emulator and the real bot (through run_bot, as main() does) against it; the
    person's client and the server speak `locale`."""
    with tempfile.TemporaryDirectory(prefix="heroes-sandbox-") as scratch:
        database = settings.database_path
        if not keep_data:
            # A scratch SQLite file: a copy of the live SQLite file, or (PostgreSQL) a fresh one.
            database = Path(scratch) / "sandbox.db"
            if not settings.postgres:
                _copy_database(settings.database_path, database)
        async with contextlib.AsyncExitStack() as cleanup:
            emu = await cleanup.enter_async_context(Emulator(heartbeat_interval=30.0))
            # The bot's role has what the invite link asks for, and sits above a role members
            # can opt into, as after a normal invite.
            guild = emu.add_guild(
                "Sandbox server",
                channels=("general", "news"),
                bot_permissions=invite_permissions().value,
                preferred_locale=locale,
            )
            emu.set_locale(emu.app.owner, locale)  # the person at the prompt
            emu.state.add_channel(guild, "Movie night", type=2)  # for /watchparty channel:
            fans = emu.add_role(guild, "sequel-fans")
            bot_role = guild.roles[guild.members[emu.app.bot.id].roles[0]]
            fans.position, bot_role.position = bot_role.position, fans.position
            sandbox_settings = replace(
                settings,
                database_path=database,
                # --keep-data on PostgreSQL: the live database itself, as with a SQLite file.
                database_url=settings.database_url if keep_data else None,
                dev_guild_id=None,
                guild_ready_timeout=0.05,
                # The emulator has one server: every other server in the (possibly live,
                # --keep-data) database would look departed and be deleted.
                forget_departed_servers=False,
                # ...and a heartbeat from the emulator's bot would say the real bot is up.
                heartbeat=False,
                # ...nor back up the scratch database into the real BACKUP_DIR (its rotation
                # would delete real backups), nor take the real bot's metrics port.
                backup_dir=None,
                metrics_addr=None,
            )
            running = await cleanup.enter_async_context(
                emulated_bot(sandbox_settings, emu, ready_timeout=60)
            )
            await emu.wait_synced(timeout=30)
            yield Sandbox(emu, running.bot)
        if keep_data:
            log.info("sandbox used %s directly", sandbox_settings.database_label)
        shutil.rmtree(scratch, ignore_errors=True)
