"""heroes-bot: a self-hosted Discord bot about *We Can Be Heroes* and its sequel."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # `bot.__version__` is read from the installed metadata only when asked for (--version,
    # the about card): importlib.metadata costs ~12 ms and ~0.2 MB at every start otherwise.
    if name != "__version__":
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("heroes-bot")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
