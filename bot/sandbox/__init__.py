"""`heroes-bot sandbox`: the real bot against the built-in Discord emulator, at a terminal prompt.

Nothing here runs when the bot connects to Discord; `main()` imports it only for the sandbox.
"""

from __future__ import annotations

import contextlib
import logging
import sys

from bot.sandbox._repl import Repl, describe_commands
from bot.sandbox._session import open_sandbox
from bot.settings import Settings

__all__ = ["run_sandbox"]


def _reader() -> object:
    """input(), with line editing and history when a terminal is attached."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (enables editing for input())
    return input


def _install_tab_completion(repl: Repl, loop: object) -> None:
    if not sys.stdin.isatty():
        return
    try:
        import readline
    except ImportError:
        return
    import asyncio

    from bot.sandbox._parse import ParseError, parse

    cache: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            cache.clear()
            buffer = readline.get_line_buffer()
            commands = repl.sandbox.commands()
            if " " not in buffer.strip():
                cache.extend(
                    f"/{c['name']}" for c in commands if f"/{c['name']}".startswith(buffer)
                )
            else:
                try:
                    invocation = parse(buffer + "?", commands)
                    future = asyncio.run_coroutine_threadsafe(
                        repl.sandbox.suggest(invocation),
                        loop,  # type: ignore[arg-type]
                    )
                    # The whole line is the word being completed: keep all before the value.
                    key = f"{invocation.focused}:"
                    prefix = buffer[: buffer.lower().rfind(key) + len(key)] + " "
                    for choice in future.result(timeout=3):
                        cache.append(prefix + str(choice["name"]))
                except (ParseError, TimeoutError, Exception):
                    return None
        return cache[state] if state < len(cache) else None

    readline.set_completer_delims("")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


async def run_sandbox(settings: Settings, *, keep_data: bool, banner: str | None = None) -> int:
    import asyncio

    # The bot's own log lines would interleave with the prompt: keep only warnings.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    print("Starting the sandbox: the real heroes-bot against a local Discord emulator…", flush=True)
    async with open_sandbox(settings, keep_data=keep_data) as sandbox:
        if banner:
            print(f"\n*** {banner} ***\n")
        where = "your database itself" if keep_data else "a throwaway copy of your database"
        print(f"Sandbox ready ({where}). You are the server owner in 'Sandbox server', #general.\n")
        print(describe_commands(sandbox.commands()) + "\n", flush=True)
        repl = Repl(sandbox, _reader())  # type: ignore[arg-type]
        _install_tab_completion(repl, asyncio.get_running_loop())
        await repl.loop()
    print("Bye.")
    return 0
