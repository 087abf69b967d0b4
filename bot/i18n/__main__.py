"""`python -m bot.i18n update` (what `make i18n` runs): extract every string into the template,
merge it into each locale's catalog, compile, and take each locale's number, date and list
formats from CLDR (locale/formats.json). `python -m bot.i18n check [LOCALE]`: what CI
checks. `python -m bot.i18n compile LOCALE`: compile one catalog after editing it by hand."""

from __future__ import annotations

import sys

from ._catalog_files import compiled, mo_path, po_path, read_catalog, update
from ._checks import problems
from ._cldr_formats import FORMATS_PATH, stale_formats, write_formats
from ._extract import template
from ._locales import TRANSLATED

USAGE = "usage: python -m bot.i18n update | check [LOCALE] | compile LOCALE"


def _check(locales: list[str]) -> int:
    found = problems(template(), locales=tuple(locales) or TRANSLATED) + stale_formats()
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)" if found else "catalogs complete")
    return 1 if found else 0


def _compile(locale: str) -> int:
    mo_path(locale).write_bytes(compiled(read_catalog(po_path(locale), locale)))
    print(f"compiled {mo_path(locale)}")
    return 0


def main(argv: list[str]) -> int:
    command, *rest = argv or ["update"]
    if any(locale not in TRANSLATED for locale in rest):
        print(f"locales: {', '.join(TRANSLATED)}", file=sys.stderr)
        return 2
    if command == "update" and not rest:
        for line in update(template()):
            print(line)
        write_formats()
        print(f"formats: {FORMATS_PATH.name} written from CLDR")
        print("Translate the empty strings in bot/i18n/locale/*/LC_MESSAGES/heroes.po, then run")
        print("make i18n again to compile them.")
        return 0
    if command == "check":
        return _check(rest)
    if command == "compile" and len(rest) == 1:
        return _compile(rest[0])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
