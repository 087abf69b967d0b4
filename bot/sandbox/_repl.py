"""The sandbox prompt: type commands as in Discord, see replies as text, press buttons."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any, Protocol, TextIO

from bot.i18n import DEFAULT, LOCALES, NATIVE_NAMES
from bot.sandbox._form import FormField, form_fields
from bot.sandbox._layout_text import is_v2, layout_text
from bot.sandbox._names import shown_example, shown_menu
from bot.sandbox._parse import ParseError
from bot.sandbox._render import buttons_of, render_message
from bot.sandbox._session import Sandbox, describe_locale
from discord_emulator import EmulatorUsageError, Message, shown_description, shown_name


class Reader(Protocol):
    """Where typed lines come from: a terminal (bot.sandbox._terminal) or a pipe."""

    styled: bool  # Markdown as ANSI styles
    interactive: bool  # a person at a terminal (Ctrl-C, Tab)
    shows_placeholder: bool  # a form field's placeholder is shown in the input itself

    @property
    def width(self) -> int: ...

    async def line(self, prompt: str) -> str:
        """One command line; EOFError when the person leaves."""

    async def field(self, prompt: str, form_field: FormField) -> str:
        """One form field's value; EOFError or KeyboardInterrupt closes the form."""


# The commands and the menu named here are placeholders: `help_footer` fills them in with the
# names the person's client shows (HELP_EXAMPLES gives them in English).
HELP_FOOTER = (
    "Type a command as in Discord: {cast} · {quote} · {sequel}\n"
    "End a line with ? for suggestions ({cast_suggest}); in a terminal, Tab completes\n"
    "commands, options and values.\n"
    "A number presses that button of the last message with buttons. /help lists the commands; "
    "exit or Ctrl-D leaves.\n"
    "where: type from your DM with the bot, a group DM or a server without the bot, through "
    "your own install of the app (a user install).\n"
    "say <text> posts a message as you (say [photo.png]: an image with no text); right-click "
    "then opens its Apps menu (right-click {check}).\n"
    "vote 2 votes for answer 2 of the last poll here (vote 1 3: several, in a multiselect "
    "poll; vote alone takes your vote back).\n"
    "locale es-419 switches your Discord client and the server to another language (locale "
    "alone lists them); commands then go by the names your client shows in it."
)
HELP_EXAMPLES = {
    "cast": "/cast name: pedro",
    "quote": "/quote search: lava",
    "sequel": "/sequel ...",
    "cast_suggest": "/cast name: hol?",
}
HELP_MENU = "Check against the source"


def help_footer(commands: list[dict[str, Any]], locale: str = DEFAULT) -> str:
    """How to use the prompt, its examples named as a client in `locale` shows them."""
    examples = {key: shown_example(commands, text, locale) for key, text in HELP_EXAMPLES.items()}
    return HELP_FOOTER.format(**examples, check=shown_menu(commands, HELP_MENU, locale))


OPTION_TYPES = {
    3: "text",
    4: "whole number",
    5: "true/false",
    6: "member",
    7: "#channel",
    8: "@role",
    10: "number",
}


def describe_commands(commands: list[dict[str, Any]], locale: str = DEFAULT) -> str:
    """The commands as the bot synced them, with their options, by the names and descriptions
    a Discord client in `locale` shows."""
    lines = [f"Commands (as the bot synced them, as a client in {locale} shows them):"]
    if locale == DEFAULT:
        lines = ["Commands (as the bot synced them):"]

    def option(o: dict[str, Any]) -> str:
        text = f"{shown_name(o, locale)}: <{OPTION_TYPES.get(o['type'], 'value')}>"
        return text if o.get("required") else f"[{text}]"

    def walk(node: dict[str, Any], prefix: str) -> None:
        options = node.get("options", [])
        subs = [o for o in options if o.get("type") in (1, 2)]
        if subs:
            for sub in subs:
                walk(sub, f"{prefix} {shown_name(sub, locale)}")
            return
        lines.append(f"  {prefix} {' '.join(option(o) for o in options)}".rstrip())
        lines.append(f"      {shown_description(node, locale) if node.get('description') else ''}")

    slash = [c for c in commands if c.get("type", 1) == 1]
    for command in sorted(slash, key=lambda c: shown_name(c, locale)):
        walk(command, f"/{shown_name(command, locale)}")
    menus = sorted(shown_name(c, locale) for c in commands if c.get("type") == 3)
    if menus:
        lines.append("Right-click menus of a message (say <text>, then right-click <menu>):")
        lines += [f"  right-click {menu}" for menu in menus]
    return "\n".join([*lines, "", help_footer(commands, locale)])


def describe_locales(current: str) -> str:
    lines = [f"Your Discord client is in {describe_locale(current)}. Switch with `locale <code>`:"]
    lines += [f"  locale {code:<7} {NATIVE_NAMES[code]}" for code in LOCALES]
    return "\n".join(lines)


class Repl:
    def __init__(self, sandbox: Sandbox, reader: Reader, out: TextIO | None = None) -> None:
        self.sandbox = sandbox
        self.reader = reader
        self.out = out  # None: sys.stdout as it is when writing (patched under a prompt)
        self.buttons_message: Message | None = None
        self._bodies: dict[int, tuple[str, str]] = {}
        self._lock = asyncio.Lock()

    def say(self, text: str) -> None:
        print(text, file=self.out or sys.stdout, flush=True)

    def _render(self, message: Message, *, edited: bool, channel: str | None) -> str:
        return render_message(
            message,
            edited=edited,
            names=self.sandbox.names(),
            channel=channel,
            styled=self.reader.styled,
            width=self.reader.width,
            locale=self.sandbox.locale,
        )

    async def show_changes(self) -> None:
        async with self._lock:
            for message, edited in self.sandbox.changes():
                channel = self.sandbox.guild.channels.get(message.channel_id)
                elsewhere = (
                    channel.name if channel and channel is not self.sandbox.channel else None
                )
                # A poll's end changes only its poll: shown again, with the final count.
                said = layout_text(message.components) if is_v2(message) else ""
                body = (message.content, repr(message.embeds) + repr(message.poll) + said)
                unchanged = self._bodies.get(message.id) == body
                self._bodies[message.id] = body
                if edited and unchanged:
                    self._buttons_changed(message)
                else:
                    self.say(self._render(message, edited=edited, channel=elsewhere))
                if any(not c.get("disabled") for c in buttons_of(message)):
                    self.buttons_message = message

    def _buttons_changed(self, message: Message) -> None:
        """An edit of the buttons alone (a view timing out) is one line, not the whole card."""
        buttons = buttons_of(message)
        title = next((e.get("title") for e in message.embeds if e.get("title")), None)
        text = layout_text(message.components) if is_v2(message) else message.content
        first_line = text.split("\n", 1)[0]
        what = title or first_line or "an earlier message"
        if buttons and all(c.get("disabled") for c in buttons):
            self.say(
                f"(the buttons on “{what[:60]}” are off now: they expire after a while, "
                "so run the command again for new ones)"
            )
        elif buttons:
            labels = "  ".join(
                f"[{n}] {c.get('label') or '…'}{' (off)' if c.get('disabled') else ''}"
                for n, c in enumerate(buttons, 1)
            )
            self.say(f"(the buttons on “{what[:60]}” changed: {labels})")

    async def _watch(self) -> None:
        """Show what arrives between commands (trivia reveals, news posts, timeouts)."""
        while True:
            await asyncio.sleep(0.5)
            await self.show_changes()

    async def loop(self) -> None:
        watcher = asyncio.create_task(self._watch())
        try:
            while True:
                try:
                    line = await self.reader.line(self.sandbox.places.prompt())
                except EOFError:
                    return
                line = line.strip()
                if line in {"exit", "quit", "/exit", "/quit"}:
                    return
                if line:
                    await self.handle(line)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def handle(self, line: str) -> None:
        word, _, rest = line.partition(" ")  # the sandbox's own words: `say …`, `where …`
        word, rest = word.lower(), rest.strip()
        try:
            if line.isdigit() or word == "press":
                await self._press(int(line.split()[-1]))
            elif line in {"/help", "help", "?"}:
                self.say(describe_commands(self.sandbox.commands(), self.sandbox.locale))
            elif word == "say":
                self._say(rest)
            elif word == "right-click":
                await self.sandbox.right_click(rest)
            elif word == "vote":
                poll = await self.sandbox.vote(rest.split())
                self.say(self._render(poll, edited=False, channel=None))  # the new count
            elif word == "locale":
                await self._locale(rest)
            elif word == "where":
                places = self.sandbox.places
                self.say(places.go(rest) if rest else places.describe())
            else:
                await self._command(line)
        except (ParseError, EmulatorUsageError) as exc:
            self.say(f"! {exc}")
        except ValueError:
            self.say("! press takes a button number, e.g. 2")
        except TimeoutError:
            self.say("! the bot did not answer in time (see the log above)")
        await self.show_changes()

    async def _locale(self, locale: str) -> None:
        """`locale` lists the languages; `locale fr` switches to one, and shows the commands as
        the client in it shows them."""
        if not locale:
            self.say(describe_locales(self.sandbox.locale))
            return
        self.say(await self.sandbox.switch_locale(locale))
        self.say(describe_commands(self.sandbox.commands(), self.sandbox.locale))

    def _say(self, text: str) -> None:
        if not text:
            raise ParseError(
                "say what? e.g. say I heard the sequel is filming already (or say [photo.png]: "
                "an image with no text)"
            )
        self.sandbox.say(text)

    async def _command(self, line: str) -> None:
        invocation = self.sandbox.parse(line)
        if invocation.wants_suggestions:
            choices = await self.sandbox.suggest(invocation)
            if not choices:
                self.say("(no suggestions)")
            for choice in choices:
                self.say(f"  {choice['name']}")
            return
        handle = await self.sandbox.run(invocation)
        await self._answer_modal(handle)

    async def _answer_modal(self, handle: Any) -> None:
        """A command or a button the bot answered with a form: fill it in, as in Discord."""
        modal = handle.interaction.modal
        if modal is None:
            return
        await self.show_changes()  # anything the bot said before the form comes first
        fields = form_fields(modal)
        self.say(
            f"── form: {modal.get('title', '')} ({len(fields)} fields; "
            f"{'Ctrl-C' if self.reader.interactive else 'end of input'} closes it unsent)"
        )
        values: dict[str, str] = {}
        for form_field in fields:
            self.say(form_field.describe(show_placeholder=not self.reader.shows_placeholder))
            while True:
                try:
                    value = await self.reader.field(f"{form_field.label}: ", form_field)
                except (EOFError, KeyboardInterrupt):
                    self.say("(form closed: nothing was sent)")
                    return
                problem = form_field.problem(value)
                if problem is None:
                    break
                self.say(f"! {problem}")
            values[form_field.custom_id] = value
        await self.sandbox.submit_modal(handle, values)

    async def _press(self, number: int) -> None:
        message = self.buttons_message
        buttons = buttons_of(message) if message else []
        if message is None or not 1 <= number <= len(buttons):
            raise ParseError("no such button on the last message with buttons")
        component = buttons[number - 1]
        if component.get("disabled"):
            raise ParseError("that button is switched off")
        if component.get("url"):
            self.say(f"(a link: {component['url']})")
            return
        handle = await self.sandbox.press(message, component["custom_id"])
        await self._answer_modal(handle)
