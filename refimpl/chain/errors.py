"""The chain's one exception family.

Every rejection carries a reason a learner can read (``str(error)``). ``ChainError``
subclasses ``ValueError`` because every rejection is about a bad input value.
Introduced in lesson 03.
"""

from __future__ import annotations

__all__ = ["ChainError", "InvalidTransaction", "InvalidBlock", "StorageError"]


class ChainError(ValueError):
    """Base of every chain error; ``str(e)`` is the readable reason."""


class InvalidTransaction(ChainError):
    """A transaction is malformed or cannot apply to the state (lesson 03)."""


class InvalidBlock(ChainError):
    """A block or header is malformed or breaks a consensus rule (lessons 04-05)."""


class StorageError(ChainError):
    """A saved chain could not be written, or was missing, truncated or tampered."""
