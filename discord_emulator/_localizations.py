"""Command names in every locale: Discord's name rule, its locales, and the checks of a synced
command's ``name_localizations`` and ``description_localizations``.

Discord shows a member the name of a command, option or choice in the member's client language
when the bot gave one (``name_localizations["pt-BR"]``), and the default name otherwise. So a
localized name obeys the default name's rules (a slash command or option name: 1-32 lowercase
letters, digits, ``-`` and ``_``), and must not collide, in its locale, with what a sibling shows
there. Each function returns a list of ``FieldError``; empty means valid.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from ._errors import FieldError

Path = tuple[str | int, ...]

DEFAULT_LOCALE = "en-US"
# Discord's locales (the OpenAPI spec's AvailableLocalesEnum; discord.py's Locale lacks ar, he).
DISCORD_LOCALES: tuple[str, ...] = (
    "ar", "bg", "cs", "da", "de", "el", "en-GB", "en-US", "es-419", "es-ES", "fi", "fr", "he",
    "hi", "hr", "hu", "id", "it", "ja", "ko", "lt", "nl", "no", "pl", "pt-BR", "ro", "ru",
    "sv-SE", "th", "tr", "uk", "vi", "zh-CN", "zh-TW",
)  # fmt: skip

# Unicode blocks allowed by ``\p{sc=Deva}`` / ``\p{sc=Thai}`` in Discord's command-name regex;
# stdlib ``re`` has no script properties, so the scripts are approximated by their blocks
# (letters and numbers are covered by category anyway; these add the scripts' combining marks).
_SCRIPT_RANGES = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x11B00, 0x11B5F), (0x0E00, 0x0E7F))
SUBCOMMAND_TYPES = (1, 2)


def _name_char_ok(ch: str) -> bool:
    if ch in "-_'":
        return True
    if unicodedata.category(ch)[0] in ("L", "N"):
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _SCRIPT_RANGES)


def valid_chat_input_name(name: Any) -> bool:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` plus its lowercase rule
    (a letter with a lowercase form must be in it)."""
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return False
    return all(_name_char_ok(c) for c in name) and name == name.lower()


def is_locale(code: Any) -> bool:
    return code in DISCORD_LOCALES


def shown_name(node: dict[str, Any], locale: str) -> str:
    """The name Discord's client shows a member whose client is in ``locale``."""
    localized = (node.get("name_localizations") or {}).get(locale)
    return localized if isinstance(localized, str) and localized else str(node.get("name", ""))


def shown_description(node: dict[str, Any], locale: str) -> str:
    localized = (node.get("description_localizations") or {}).get(locale)
    return localized if isinstance(localized, str) and localized else str(node.get("description"))


def _bad_locale(path: Path, key: Any) -> FieldError:
    return (path, "ENUM_TYPE_COERCE", f'Value "{key}" is not a valid enum value.')


def _entries(errors: list[FieldError], path: Path, value: Any) -> Iterable[tuple[Path, str, Any]]:
    """(path, locale, text) of each entry of a localization dict; bad shapes and unknown
    locales go to ``errors``."""
    if value is None:
        return []
    if not isinstance(value, dict):
        errors.append((path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
        return []
    out = []
    for key, text in value.items():
        if not is_locale(key):
            errors.append(_bad_locale((*path, key), key))
        else:
            out.append(((*path, key), key, text))
    return out


def check_localizations(
    errors: list[FieldError], path: Path, node: dict[str, Any], kind: str
) -> None:
    """The localization dicts of one command (``kind`` "chat_input" or "menu"), option or
    choice ("choice"): valid locales, and each text within the default field's rules."""
    for entry_path, _locale, text in _entries(
        errors, (*path, "name_localizations"), node.get("name_localizations")
    ):
        if kind == "chat_input":
            if not valid_chat_input_name(text):
                errors.append(
                    (entry_path, "APPLICATION_COMMAND_INVALID_NAME", f"Name is invalid: {text!r}")
                )
        else:
            _length(errors, entry_path, text, 1, 100 if kind == "choice" else 32)
    if kind == "choice":
        return
    for entry_path, _locale, text in _entries(
        errors, (*path, "description_localizations"), node.get("description_localizations")
    ):
        _length(errors, entry_path, text, 1, 100)


def _length(errors: list[FieldError], path: Path, value: Any, lo: int, hi: int) -> None:
    if not isinstance(value, str) or not lo <= len(value) <= hi:
        errors.append((path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length."))


def _localized_locales(siblings: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for node in siblings:
        names = node.get("name_localizations")
        if isinstance(names, dict):
            found.update(k for k in names if is_locale(k))
    return found


def check_unique_in_locales(
    errors: list[FieldError], path: Path, siblings: list[Any], code: str, message: str
) -> None:
    """Siblings (a command's options, or the commands of one type) must show distinct names
    in every locale one of them is localized in: a localization equal to another's default
    name where that one has none counts too."""
    nodes = dict((i, n) for i, n in enumerate(siblings) if isinstance(n, dict))
    for locale in sorted(_localized_locales(list(nodes.values()))):
        seen: dict[str, int] = {}
        for index, node in nodes.items():
            shown = shown_name(node, locale)
            earlier = seen.setdefault(shown, index)
            if earlier == index:
                continue
            # Report the localized one of the two (two default names alike are the default
            # check's to report).
            culprit = index if shown != node.get("name") else earlier
            if shown_name(nodes[culprit], locale) != nodes[culprit].get("name"):
                where = (*path, culprit, "name_localizations", locale)
                errors.append((where, code, f"{message} in {locale}: {shown!r}"))


def as_fetched(command: dict[str, Any], locale: str | None) -> dict[str, Any]:
    """A stored command as GET .../commands returns it without ``with_localizations=true``:
    no localization dicts; ``name_localized`` / ``description_localized`` in the locale of the
    request's ``X-Discord-Locale`` where the command has one (options and choices likewise)."""
    out = {k: v for k, v in command.items() if not k.endswith("_localizations")}
    for field in ("name", "description"):
        localized = (command.get(f"{field}_localizations") or {}).get(locale)
        if isinstance(localized, str) and localized:
            out[f"{field}_localized"] = localized
    for key in ("options", "choices"):
        children = command.get(key)
        if isinstance(children, list):
            out[key] = [as_fetched(c, locale) if isinstance(c, dict) else c for c in children]
    return out
