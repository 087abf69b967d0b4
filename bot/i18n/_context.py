"""Which language the code running now speaks: one context variable, set where an interaction
is answered (its member's locale) or where a post is made (its server's language).

Why a context variable: each interaction is answered in its own asyncio task, and a task copies
the context it was created in, so a locale set while answering one member never leaks into
another's answer, and the renderers need no locale argument threaded through every call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ._locales import DEFAULT, resolve

_current: ContextVar[str] = ContextVar("heroes_locale", default=DEFAULT)


def current_locale() -> str:
    """The supported locale in force (English unless something set another)."""
    return _current.get()


def set_locale(locale: object) -> str:
    """Speak `locale` (resolved; unknown: English) for the rest of the current task: what an
    interaction's handler calls first. Returns the locale now in force."""
    resolved = resolve(locale)
    _current.set(resolved)
    return resolved


@contextmanager
def use_locale(locale: object) -> Iterator[str]:
    """Speak `locale` inside the block only: a post to a server, a test."""
    token = _current.set(resolve(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
