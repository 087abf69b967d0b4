"""One line a check: `✓ what` or `✗ what: fix`, and the exit status they add up to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

import msgspec


class Check(msgspec.Struct, frozen=True):
    """One thing doctor looked at. `what` says what was found (a passing check may carry a note
    in it); `fix` is the one-line remedy of a failing one."""

    what: str
    ok: bool
    fix: str = ""

    @classmethod
    def passed(cls, what: str) -> Check:
        return cls(what, True)

    @classmethod
    def failed(cls, what: str, fix: str) -> Check:
        return cls(what, False, fix)

    def line(self) -> str:
        if self.ok:
            return f"✓ {self.what}"
        return f"✗ {self.what}: {self.fix}"


def render(checks: Iterable[Check], out: TextIO) -> None:
    for check in checks:
        print(check.line(), file=out, flush=True)


def exit_status(checks: Iterable[Check]) -> int:
    """1 if any check failed, else 0."""
    return 0 if all(check.ok for check in checks) else 1
