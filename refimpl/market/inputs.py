"""Input checks shared by the market's public functions: numbers in, reasons out.

Every array the market accepts (stake, weights, bonds, scores) goes through
:func:`real_array`, every fraction through :func:`unit` and every mask through
:func:`bool_mask`, so a ragged list, a string, a complex or object array, NaN or
infinity is refused with :class:`~refimpl.market.errors.InvalidWeights` and a
reason, never with numpy's own error. Introduced in lesson 08.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from refimpl.market.errors import InvalidWeights

__all__ = ["real_array", "bool_mask", "unit", "is_int", "uid_list"]


def is_int(x: object) -> bool:
    """True for an int (or numpy integer), False for a bool, a float or anything
    else: JSON's ``1.0`` and ``true`` are not uids."""
    return isinstance(x, Integral) and not isinstance(x, (bool, np.bool_))


def _numeric(name: str, value: object) -> np.ndarray:
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise InvalidWeights(
            f"{name} is not a numeric array (got {type(value).__name__})"
        )
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged rows, odd sequences
        raise InvalidWeights(
            f"{name} is not a numeric array (rows of different lengths?)"
        ) from None
    if arr.dtype == object:  # None, strings or lists mixed in: look inside
        for x in arr.flat:
            if not isinstance(x, Real) or isinstance(x, (bool, np.bool_)):
                raise InvalidWeights(f"{name} is not a numeric array (it holds {x!r})")
        arr = arr.astype(np.float64)
    elif arr.dtype.kind == "b":
        raise InvalidWeights(f"{name} is not a numeric array (booleans)")
    elif arr.dtype.kind not in "iuf":
        raise InvalidWeights(f"{name} is not a numeric array (dtype {arr.dtype})")
    return arr.astype(np.float64)


def real_array(
    name: str,
    value: object,
    ndim: int,
    *,
    non_negative: bool = True,
    allow_nan: bool = False,
) -> np.ndarray:
    """``value`` as a float64 array of ``ndim`` dimensions, finite (and >= 0);
    ``allow_nan`` lets NaN through (infinity never)."""
    arr = _numeric(name, value)
    if arr.ndim != ndim:
        what = {1: "a 1-D vector", 2: "a 2-D matrix"}.get(ndim, f"{ndim}-D")
        raise InvalidWeights(f"{name} must be {what}, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if allow_nan:
        bad &= ~np.isnan(arr)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidWeights(f"{name}{list(at)} is not finite ({arr[at]})")
    if non_negative and (arr < 0).any():  # NaN < 0 is False
        at = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise InvalidWeights(f"{name}{list(at)} is negative ({arr[at]})")
    return arr


def bool_mask(name: str, value: object, n: int) -> np.ndarray:
    """A boolean vector of length ``n`` (None: all True); 0/1 integers accepted."""
    if value is None:
        return np.ones(n, dtype=bool)
    if isinstance(value, (str, bytes, dict, set)):
        raise InvalidWeights(f"{name} must be booleans, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidWeights(f"{name} must be a vector of booleans") from None
    if arr.shape != (n,):
        raise InvalidWeights(f"{name} must have shape ({n},), got {arr.shape}")
    if arr.dtype.kind == "b":
        return arr.copy()
    if arr.dtype.kind not in "iu" or not np.all((arr == 0) | (arr == 1)):
        raise InvalidWeights(f"{name} must be booleans")
    return arr.astype(bool)


def unit(name: str, value: object) -> float:
    """A real number in [0, 1] (not a bool, not a string)."""
    if not isinstance(value, Real) or isinstance(value, (bool, np.bool_)):
        raise InvalidWeights(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise InvalidWeights(f"{name} must be in [0, 1], got {value}")
    return v


def uid_list(uids: object, name: str = "uids") -> list[int]:
    """uids as a list of non-negative ints (numpy ints accepted; bools, floats and
    strings refused), or InvalidWeights."""
    if isinstance(uids, np.ndarray) and uids.ndim != 1:
        raise InvalidWeights(f"{name} must be a 1-D list, got shape {uids.shape}")
    if isinstance(uids, (str, bytes, dict, set)) or not hasattr(uids, "__iter__"):
        raise InvalidWeights(f"{name} must be a list of ints, got {uids!r}")
    out = []
    for u in uids:
        if not is_int(u) or u < 0:
            raise InvalidWeights(f"uid {u!r} is not a non-negative integer")
        out.append(int(u))
    return out
