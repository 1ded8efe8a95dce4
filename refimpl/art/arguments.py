"""The checks every public door of the art package runs before any work.

Introduced in lesson 10. Seeds, sizes and counts are exact integers (a ``bool``, a
float or a string is refused, numpy integers are taken as ``int``) inside stated bounds,
so a bad argument is an :class:`refimpl.art.errors.ArtError` that says what was wrong,
never a numpy, torch or Python error from deep inside the maths.
"""

from __future__ import annotations

import numbers

from refimpl.art.errors import ArtError

__all__ = ["MAX_SEED", "MAX_SIZE", "check_int", "check_seed", "check_size"]

MAX_SIZE = 1024
MAX_SEED = 2**64 - 1


def check_int(value: object, name: str, low: int, high: int, unit: str = "") -> int:
    """``value`` as a plain ``int`` if it is an integer in ``low..high``.

    The message names the argument and its bounds (``unit`` follows the range).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArtError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if not low <= int(value) <= high:
        span = f"{low}..{high}" + (f" {unit}" if unit else "")
        raise ArtError(f"{name} must be in {span}, got {value}")
    return int(value)


def check_seed(seed: object) -> int:
    """A seed: an integer in ``0..2**64-1``."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ArtError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ArtError(f"seed must be in 0..2**64-1, got {seed}")
    return int(seed)


def check_size(size: object) -> int:
    """An image side in pixels: an integer in ``1..MAX_SIZE``."""
    return check_int(size, "size", 1, MAX_SIZE, "pixels")
