"""The sandbox prompt: type commands as in Discord, see replies as text, press buttons."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.emulator import EmulatorUsageError, Message
from bot.sandbox._parse import ParseError, parse
from bot.sandbox._render import buttons_of, render_message
from bot.sandbox._session import Sandbox

HELP_FOOTER = (
    "Type a command as in Discord: /cast name: pedro · /quote search: lava · /sequel ...\n"
    "End a line with ? for suggestions (/cast name: hol?), or press Tab if your terminal allows.\n"
    "A number presses that button of the last message with buttons. /help lists the commands; "
    "exit or Ctrl-D leaves."
)

OPTION_TYPES = {
    3: "text",
    4: "whole number",
    5: "true/false",
    6: "member",
    7: "#channel",
    8: "@role",
    10: "number",
}


def describe_commands(commands: list[dict[str, Any]]) -> str:
    """The commands as the bot synced them, with their options."""
    lines = ["Commands (as the bot synced them):"]

    def walk(node: dict[str, Any], prefix: str) -> None:
        options = node.get("options", [])
        subs = [o for o in options if o.get("type") in (1, 2)]
        if subs:
            for sub in subs:
                walk(sub, f"{prefix} {sub['name']}")
            return
        args = " ".join(
            (f"{o['name']}: <{OPTION_TYPES.get(o['type'], 'value')}>")
            if o.get("required")
            else f"[{o['name']}: <{OPTION_TYPES.get(o['type'], 'value')}>]"
            for o in options
        )
        lines.append(f"  {prefix} {args}".rstrip())
        lines.append(f"      {node.get('description', '')}")

    for command in sorted(commands, key=lambda c: c["name"]):
        if command.get("type", 1) == 1:
            walk(command, f"/{command['name']}")
    return "\n".join([*lines, "", HELP_FOOTER])


class Repl:
    def __init__(
        self,
        sandbox: Sandbox,
        read_line: Callable[[str], str],
        out: TextIO = sys.stdout,
    ) -> None:
        self.sandbox = sandbox
        self.read_line = read_line
        self.out = out
        self.buttons_message: Message | None = None
        self._lock = asyncio.Lock()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def show_changes(self) -> None:
        async with self._lock:
            names = self.sandbox.names()
            for message, edited in self.sandbox.changes():
                channel = self.sandbox.guild.channels.get(message.channel_id)
                elsewhere = (
                    channel.name if channel and channel is not self.sandbox.channel else None
                )
                self.say(render_message(message, edited=edited, names=names, channel=elsewhere))
                if any(not c.get("disabled") for c in buttons_of(message)):
                    self.buttons_message = message

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
                    line = await asyncio.to_thread(self.read_line, "heroes> ")
                except EOFError:
                    self.say("")
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
        try:
            if line.isdigit() or line.lower().startswith("press "):
                await self._press(int(line.split()[-1]))
            elif line in {"/help", "help", "?"}:
                self.say(describe_commands(self.sandbox.commands()))
            else:
                await self._command(line)
        except (ParseError, EmulatorUsageError) as exc:
            self.say(f"! {exc}")
        except ValueError:
            self.say("! press takes a button number, e.g. 2")
        except TimeoutError:
            self.say("! the bot did not answer in time (see the log above)")
        await self.show_changes()

    async def _command(self, line: str) -> None:
        invocation = parse(line, self.sandbox.commands())
        if invocation.wants_suggestions:
            choices = await self.sandbox.suggest(invocation)
            if not choices:
                self.say("(no suggestions)")
            for choice in choices:
                self.say(f"  {choice['name']}")
            return
        handle = await self.sandbox.run(invocation)
        modal = handle.interaction.modal
        if modal is not None:
            await self._fill_modal(handle, modal)

    async def _fill_modal(self, handle: Any, modal: dict[str, Any]) -> None:
        self.say(f"── form: {modal.get('title', '')} (Enter an empty line to skip a field)")
        values: dict[str, str] = {}
        for row in modal.get("components", []):
            for item in [row, *row.get("components", [])]:
                component = item.get("component") or item
                custom_id = component.get("custom_id")
                if not custom_id or component.get("type") != 4:
                    continue
                label = item.get("label") or component.get("label") or custom_id
                values[custom_id] = await asyncio.to_thread(self.read_line, f"{label}: ")
        await self.sandbox.submit_modal(handle, values)

    async def _press(self, number: int) -> None:
        message = self.buttons_message
        buttons = buttons_of(message) if message else []
        if not 1 <= number <= len(buttons):
            raise ParseError("no such button on the last message with buttons")
        component = buttons[number - 1]
        if component.get("disabled"):
            raise ParseError("that button is switched off")
        if component.get("url"):
            self.say(f"(a link: {component['url']})")
            return
        assert message is not None
        await self.sandbox.press(message, component["custom_id"])
