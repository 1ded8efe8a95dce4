"""Answers that are a whole number (lessons 08, 10 and 13).

Several value and function checks want a plain whole number: a Python or NumPy
integer, never a bool and never a float that happens to be whole (the course's type
policy). Several of those numbers are "the smallest one with a property", found by
bisection on a property that, once true, stays true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["is_whole", "smallest_where"]


def is_whole(got: Any, expected: int) -> bool:
    """True when ``got`` is an int or NumPy integer (not a bool) equal to
    ``expected``."""
    return (
        isinstance(got, int | np.integer)
        and not isinstance(got, bool | np.bool_)
        and int(got) == expected
    )


def smallest_where(holds: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest n in [lo, hi] with ``holds(n)``, for a ``holds`` that stays true
    once true and holds at ``hi``."""
    while lo < hi:
        mid = (lo + hi) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo
