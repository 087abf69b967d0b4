"""SQLite's parameter marks (`?`, `:name`) turned into PostgreSQL's numbered ones (`$1`).

The repositories write each statement once, with SQLite's marks; the PostgreSQL engine rewrites
it here. Marks inside string literals, quoted names and comments are left alone, and `::` (a
PostgreSQL cast) is not a named parameter. Each statement is parsed once and remembered.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import msgspec

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_DIGITS = frozenset("0123456789")
_NAME_PART = _NAME_START | _DIGITS


class Numbered(msgspec.Struct, frozen=True):
    sql: str
    # The names behind `$1`, `$2`, ... (empty: positional parameters, `positional` of them).
    names: tuple[str, ...]
    positional: int

    def arguments(self, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        if isinstance(params, dict):
            if self.positional:
                raise ValueError("named parameters given to a statement with ? marks")
            return [params[name] for name in self.names]
        if len(params) != self.positional:
            raise ValueError(
                f"the statement has {self.positional} parameters but {len(params)} were given"
            )
        return list(params)


def _skip_quoted(sql: str, start: int, quote: str) -> int:
    """The index just past the literal (or quoted name) opening at `start`."""
    index = start + 1
    while index < len(sql):
        if sql[index] == quote:
            if index + 1 < len(sql) and sql[index + 1] == quote:  # '' inside a literal
                index += 2
                continue
            return index + 1
        index += 1
    raise ValueError(f"unterminated {quote} in SQL: {sql!r}")


def _skip_comment(sql: str, start: int) -> int:
    if sql.startswith("--", start):
        end = sql.find("\n", start)
        return len(sql) if end < 0 else end
    end = sql.find("*/", start + 2)
    if end < 0:
        raise ValueError(f"unterminated comment in SQL: {sql!r}")
    return end + 2


def _name_end(sql: str, start: int, allowed: frozenset[str]) -> int:
    end = start
    while end < len(sql) and sql[end] in allowed:
        end += 1
    return end


@lru_cache(maxsize=2048)
def numbered(sql: str) -> Numbered:
    """`sql` with every `?`, `?NNN` and `:name` replaced by `$n`, as SQLite numbers them: a bare
    `?` is one more than the largest number so far; each distinct name gets the next number."""
    out: list[str] = []
    names: dict[str, int] = {}
    numbers: set[int] = set()
    largest = 0
    index = 0
    while index < len(sql):
        char = sql[index]
        if char in "'\"":
            end = _skip_quoted(sql, index, char)
        elif sql.startswith(("--", "/*"), index):
            end = _skip_comment(sql, index)
        elif char == ":" and sql.startswith("::", index):
            end = index + 2
        elif char == "?":
            end = _name_end(sql, index + 1, _DIGITS)
            number = int(sql[index + 1 : end]) if end > index + 1 else largest + 1
            numbers.add(number)
            largest = max(largest, number)
            out.append(f"${number}")
            index = end
            continue
        elif char == ":" and index + 1 < len(sql) and sql[index + 1] in _NAME_START:
            end = _name_end(sql, index + 1, _NAME_PART)
            name = sql[index + 1 : end]
            names.setdefault(name, len(names) + 1)
            out.append(f"${names[name]}")
            index = end
            continue
        else:
            end = index + 1
        out.append(sql[index:end])
        index = end
    if largest and names:
        raise ValueError(f"a statement mixes ? and :name parameters: {sql!r}")
    if numbers != set(range(1, largest + 1)):  # ?0, or ?1 and ?3 without ?2: PostgreSQL refuses
        raise ValueError(f"parameter numbers must run 1..N without gaps: {sql!r}")
    return Numbered("".join(out), tuple(names), largest)
