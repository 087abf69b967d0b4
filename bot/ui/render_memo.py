"""A card rendered once per state of the store, reused while it is made from the same records.

The store's read cache (bot/store/_cache.py) hands out the very same immutable records for a read
until the database changes: a write through this process drops the cache at once, another
process's write is noticed (SQLite's `data_version`, PostgreSQL's notices), and while it cannot
be noticed the cache is off. After any change, the next read returns new objects. So a card
remembered by the identity of the records it was made from is reused exactly while the store
would answer with the same records, and rendered again from the first read after a change: it
is never older than the read cache, and nothing here needs invalidating.

Why: rendering the sequel card (12 fields, its stage read against the timeline) was about 70 µs,
more than the rest of its handler and several times discord.py's own encoding of it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from bot.i18n import current_locale

R = TypeVar("R")

_Key = tuple[Any, ...]


def _held(value: Any) -> Any:
    """What an entry keeps of one input: a list is copied, so a caller emptying its own list
    cannot free the records (and let their ids be reused) while the entry still names them."""
    return tuple(value) if isinstance(value, list) else value


def _identity(value: Any) -> Any:
    """An input's key: the ids of a sequence's items, or the id of anything else."""
    if isinstance(value, list | tuple):
        return tuple(map(id, value))
    return id(value)


class RenderMemo(Generic[R]):
    """`render(*args, **kwargs)`, remembered for the last `size` sets of inputs by identity, in
    each locale apart: a card rendered in one language is never served to a member reading
    another (the locale in force is an input the renderer reads without being passed it), and
    members reading two languages do not evict each other's cards.

    Inputs must be immutable records (the store's frozen records), or flat lists or tuples of
    them; anything else (a number, a string made anew) only misses, never matches wrongly. Each
    entry holds its inputs, so no id in a key can belong to another object while it is kept. The
    result is shared by every caller: it is sent, never changed.
    """

    def __init__(self, render: Callable[..., R], *, size: int = 1) -> None:
        self._render = render
        self._size = max(1, size)
        self._by_locale: dict[str, OrderedDict[_Key, tuple[tuple[Any, ...], R]]] = {}
        self.hits = self.misses = 0

    def __call__(self, *args: Any, **kwargs: Any) -> R:
        names = tuple(sorted(kwargs))
        inputs = args + tuple(kwargs[name] for name in names)
        key = (names, *map(_identity, inputs))
        entries = self._by_locale.setdefault(current_locale(), OrderedDict())
        entry = entries.get(key)
        if entry is not None:
            entries.move_to_end(key)
            self.hits += 1
            return entry[1]
        self.misses += 1
        result = self._render(*args, **kwargs)
        entries[key] = (tuple(map(_held, inputs)), result)
        if len(entries) > self._size:
            entries.popitem(last=False)
        return result
