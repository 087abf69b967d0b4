class StoreError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class ConstraintError(StoreError):
    """A write broke a constraint (a unique key taken meanwhile, a missing parent row)."""


class StoreUnavailable(StoreError):
    """The database could not be reached for a moment; nothing was written. Try again."""
