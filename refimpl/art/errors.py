"""The art package's one exception family.

Introduced in lesson 10.
"""

__all__ = ["ArtError"]


class ArtError(ValueError):
    """Bad input to the art package (size, style, seed, weights file, record).

    A subclass of ``ValueError`` so ``except ValueError`` also catches it; the message
    says what was wrong and why.
    """
