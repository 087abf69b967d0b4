"""`python -m bot.i18n update` (what `make i18n` runs): extract every string into the template,
merge it into each locale's catalog, compile. `python -m bot.i18n check`: what CI checks."""

from __future__ import annotations

import sys

from ._catalog_files import update
from ._checks import problems
from ._extract import template


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        for line in update(template()):
            print(line)
        print("Translate the empty strings in bot/i18n/locale/*/LC_MESSAGES/heroes.po, then run")
        print("make i18n again to compile them.")
        return 0
    if command == "check":
        found = problems(template())
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "catalogs complete")
        return 1 if found else 0
    print("usage: python -m bot.i18n [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
