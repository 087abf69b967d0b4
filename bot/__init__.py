"""heroes-bot: a self-hosted Discord bot about *We Can Be Heroes* and its sequel."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("heroes-bot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
