"""The art subnet's one exception family. Introduced in lesson 13."""

from __future__ import annotations

__all__ = ["ArtNetError"]


class ArtNetError(ValueError):
    """Bad input to the art subnet (a miner kind, mismatched lists, a winner whose
    image cannot be re-rendered), with the reason. Raised before any state change."""
