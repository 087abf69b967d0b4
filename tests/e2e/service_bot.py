"""`heroes-bot run` started as deploy/heroes-bot.service starts it, but talking to the emulator:
settings from the environment alone (the test passes the unit's Environment= lines), and no
memory that is writable and executable at once, as MemoryDenyWriteExecute=yes enforces (Linux
6.3+'s PR_SET_MDWE, the same rule systemd's seccomp filter applies; set before the bot's
compiled modules load). Run by tests/e2e/test_service_stop.py:

    python -m tests.e2e.service_bot PORT
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


def deny_write_execute() -> bool:
    """Refuse W+X mappings for the rest of this process's life; False if the kernel can't."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0


def run(port: int) -> int:
    from bot.__main__ import main
    from discord_emulator import redirect_discord_py

    with redirect_discord_py(port):
        return main(["run"])


if __name__ == "__main__":
    denied = deny_write_execute()
    print(f"write+execute memory: {'denied' if denied else 'not deniable here'}", file=sys.stderr)
    sys.exit(run(int(sys.argv[1])))
