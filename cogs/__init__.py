"""Bot extensions, one module (or package) per feature; each defines `async def setup(bot)`."""
