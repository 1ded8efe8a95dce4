"""The market's exception family (COURSE.md §8: one family per package).

Introduced in lesson 08.
"""

from __future__ import annotations

__all__ = ["MarketError", "InvalidWeights", "InvalidParams"]


class MarketError(ValueError):
    """Base class of every error raised by ``refimpl.market``."""


class InvalidWeights(MarketError):
    """Weights, stake or bonds that Yuma Consensus cannot accept.

    Raised for NaN/inf/negative entries, wrong shapes and out-of-range
    parameters. The message names what is wrong and where.
    """


class InvalidParams(MarketError):
    """Subnet hyperparameters that cannot run (``tempo=0``, ``max_uids=0``, a
    negative burn, a float where an int is needed); the message names the field.
    Introduced in lesson 06."""
