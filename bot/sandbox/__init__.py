"""`heroes-bot sandbox`: the real bot against the built-in Discord emulator, at a terminal prompt.

Nothing here runs when the bot connects to Discord; `main()` imports it only for the sandbox.
"""

from __future__ import annotations

import logging

from bot.config import Config
from bot.i18n import DEFAULT
from bot.sandbox._repl import describe_commands
from bot.sandbox._session import describe_locale, open_sandbox
from bot.sandbox._terminal import run_prompt

__all__ = ["run_sandbox"]


async def run_sandbox(
    settings: Config, *, keep_data: bool, banner: str | None = None, locale: str = DEFAULT
) -> int:
    """The sandbox, at this terminal: the person's Discord client and the sandbox server speak
    `locale` (one of bot.i18n.LOCALES)."""
    # The bot's own log lines would interleave with the prompt: keep only warnings.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    print("Starting the sandbox: the real heroes-bot against a local Discord emulator…", flush=True)
    async with open_sandbox(settings, keep_data=keep_data, locale=locale) as sandbox:
        if banner:
            print(f"\n*** {banner} ***\n")
        where = "your database itself" if keep_data else "a throwaway copy of your database"
        print(f"Sandbox ready ({where}). You are the server owner in 'Sandbox server', #general.")
        if locale != DEFAULT:
            print(f"Your Discord client and the server are in {describe_locale(locale)}.")
        print("\n" + describe_commands(sandbox.commands(), locale) + "\n", flush=True)
        await run_prompt(sandbox)
    print("Bye.")
    return 0
