"""The prompt itself: prompt_toolkit at a terminal, plain lines through a pipe.

At a terminal, everything printed while the prompt waits (trivia reveals, news posts, buttons
expiring, log lines) goes through prompt_toolkit's `patch_stdout`, which draws it above the prompt
and redraws the prompt with what was being typed. Tab completes through bot.sandbox._complete.
Through a pipe (scripts, tests) lines are read as they come and echoed after the prompt, so the
output reads as a transcript, with no terminal codes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import threading
from collections.abc import AsyncGenerator, Iterable, Iterator
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.utils import is_dumb_terminal

from bot.sandbox._complete import complete
from bot.sandbox._form import FormField
from bot.sandbox._render import WIDTH
from bot.sandbox._repl import Repl
from bot.sandbox._session import Sandbox


class SandboxCompleter(Completer):
    """Tab: commands, subcommands, option names, and values from the bot's autocomplete."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        return ()  # values come from the bot, over the event loop: see get_completions_async

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        candidates = await complete(
            document.text_before_cursor,
            self.sandbox.commands(),
            self.sandbox.suggest,
            self.sandbox.pools(),
            self.sandbox.locale,
        )
        for candidate in candidates:
            yield Completion(
                candidate.text,
                start_position=-candidate.replace,
                display=candidate.display,
                display_meta=candidate.meta,
            )


class TerminalReader:
    interactive = True

    def __init__(self, sandbox: Sandbox) -> None:
        dumb = is_dumb_terminal()  # e.g. Emacs' shell: no cursor movement, no colours
        self.styled = not dumb and "NO_COLOR" not in os.environ
        self.shows_placeholder = not dumb
        keys = KeyBindings()

        @keys.add("c-c")
        def _clear_or_leave(event: KeyPressEvent) -> None:
            # Ctrl-C clears what was typed; on an empty line it leaves, like Ctrl-D.
            if event.current_buffer.text:
                event.current_buffer.reset()
            else:
                event.app.exit(exception=EOFError())

        self._commands: PromptSession[str] = PromptSession(
            completer=SandboxCompleter(sandbox),
            complete_while_typing=False,
            key_bindings=keys,
        )
        self._forms: PromptSession[str] = PromptSession()

    @property
    def width(self) -> int:
        return min(WIDTH, shutil.get_terminal_size().columns - 1)

    async def line(self, prompt: str) -> str:
        return await self._commands.prompt_async(prompt)

    async def field(self, prompt: str, form_field: FormField) -> str:
        hint = FormattedText([("#888888", form_field.placeholder)])

        def placeholder() -> FormattedText:
            # Grey while the field is empty, gone once accepted: it must not read as typed.
            return FormattedText() if get_app().is_done else hint

        return await self._forms.prompt_async(
            prompt,
            default=form_field.value,
            placeholder=placeholder if form_field.placeholder else None,
        )


class PipeReader:
    """Lines from a pipe; each is printed after its prompt so the output is a transcript."""

    styled = interactive = shows_placeholder = False
    width = WIDTH

    async def _read(self) -> str:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def resolve(line: str) -> None:
            if not future.done():
                future.set_result(line)

        def read() -> None:
            line = sys.stdin.readline()
            # The loop may be gone when the sandbox stopped during a read: nothing to tell.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(resolve, line)

        # A daemon thread: a read still blocked at exit must not keep the process alive.
        threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()
        line = await future
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    async def line(self, prompt: str) -> str:
        text = await self._read()
        print(f"{prompt}{text}", flush=True)
        return text

    async def field(self, prompt: str, form_field: FormField) -> str:
        if form_field.value:
            shown = form_field.value if len(form_field.value) <= 40 else form_field.value[:39] + "…"
            prompt = f"{prompt.rstrip(': ')} [Enter keeps “{shown}”, - clears]: "
        text = await self._read()
        print(f"{prompt}{text}", flush=True)
        if form_field.value and text == "":
            return form_field.value
        if form_field.value and text.strip() == "-":
            return ""
        return text


@contextlib.contextmanager
def _logs_above_prompt(originals: tuple[TextIO, ...]) -> Iterator[None]:
    """Log handlers keep the stream they were made with; point those writing to the terminal at
    the patched one for the session, so log lines go above the prompt too."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if type(h) is logging.StreamHandler and h.stream in originals
    ]
    previous = [(h, h.setStream(sys.stderr)) for h in handlers]
    try:
        yield
    finally:
        for handler, stream in previous:
            handler.setStream(stream)


async def run_prompt(sandbox: Sandbox) -> None:
    """Read and answer commands until the person leaves."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        await Repl(sandbox, PipeReader()).loop()
        return
    reader = TerminalReader(sandbox)
    originals = (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    with patch_stdout(raw=True), _logs_above_prompt(tuple(s for s in originals if s)):
        await Repl(sandbox, reader).loop()
