"""`heroes-bot sandbox`: the real bot against the built-in Discord emulator, at a terminal prompt.

Nothing here runs when the bot connects to Discord; `main()` imports it only for the sandbox.
"""

from __future__ import annotations

import logging

from bot.config import Config
from bot.sandbox._repl import describe_commands
from bot.sandbox._session import open_sandbox
from bot.sandbox._terminal import run_prompt

__all__ = ["run_sandbox"]


async def run_sandbox(settings: Config, *, keep_data: bool, banner: str | None = None) -> int:
    # The bot's own log lines would interleave with the prompt: keep only warnings.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    print("Starting the sandbox: the real heroes-bot against a local Discord emulator…", flush=True)
    async with open_sandbox(settings, keep_data=keep_data) as sandbox:
        if banner:
            print(f"\n*** {banner} ***\n")
        where = "your database itself" if keep_data else "a throwaway copy of your database"
        print(f"Sandbox ready ({where}). You are the server owner in 'Sandbox server', #general.\n")
        print(describe_commands(sandbox.commands()) + "\n", flush=True)
        await run_prompt(sandbox)
    print("Bye.")
    return 0
