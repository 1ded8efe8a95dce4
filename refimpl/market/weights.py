"""Weights as the Bittensor SDK sends them: normalised, max-upscaled to u16.

``convert_weights_and_uids_for_emit`` (bittensor ``utils/weight_utils.py``)
scales a weight vector so its largest entry becomes 65535, rounds each entry
(Python's ``round``: half to even), and drops the entries that round to zero.
The chain stores exactly those u16 values and row-normalises them at each epoch
(subtensor ``run_epoch.rs``). So the stored ratio 2:1 of 43690:21845 becomes
65535:32768, not exactly 2:1.

Introduced in lesson 07 (set_weights) and used in lesson 08.
"""

from __future__ import annotations

import numpy as np

from refimpl.market.errors import InvalidWeights
from refimpl.market.inputs import is_int, real_array, uid_list

__all__ = [
    "U16_MAX",
    "weights_to_u16",
    "u16_to_weights",
    "u16_proportion",
    "proportion_to_u16",
]

U16_MAX = 65535


def _as_vector(values: object, name: str) -> np.ndarray:
    return real_array(name, values, 1)


def weights_to_u16(uids: object, weights: object) -> tuple[list[int], list[int]]:
    """Max-upscale ``weights`` to u16 and drop zeros, exactly as the SDK does.

    Returns ``(uids, values)`` lists ready for a ``set_weights`` call. All-zero
    weights give two empty lists. Mirrors bittensor's
    ``convert_weights_and_uids_for_emit``. Introduced in lesson 07.

    >>> weights_to_u16([0, 1, 2], [0.2, 0.1, 0.0])
    ([0, 1], [65535, 32768])
    """
    w = _as_vector(weights, "weights")
    u = uid_list(uids)
    if len(u) != len(w):
        raise InvalidWeights(
            f"uids and weights must have the same length ({len(u)} != {w.size})"
        )
    if w.size == 0 or w.sum() == 0:
        return [], []
    scaled = np.rint(w / w.max() * U16_MAX).astype(np.int64)  # half to even
    return [x for x, k in zip(u, scaled, strict=True) if k], [
        int(k) for k in scaled if k
    ]


def u16_to_weights(uids: object, values: object, n: int) -> np.ndarray:
    """Dense float row of length ``n`` from sparse u16 ``(uids, values)``.

    The row is *not* normalised (the epoch row-normalises). Introduced in lesson 07.
    """
    if not is_int(n) or n < 0:
        raise InvalidWeights(f"n must be a non-negative int, got {n!r}")
    u = np.array(uid_list(uids), dtype=np.int64)
    v = real_array("values", values, 1, non_negative=False)
    if u.shape != v.shape:
        raise InvalidWeights("uids and values must be 1-D and of the same length")
    if u.size and (u.min() < 0 or u.max() >= n):
        raise InvalidWeights(f"uid out of range 0..{n - 1}")
    if len(set(u.tolist())) != u.size:
        raise InvalidWeights("duplicate uid in weights")
    if v.size and (v.min() < 0 or v.max() > U16_MAX or np.any(v != np.floor(v))):
        raise InvalidWeights("u16 values must be integers in 0..65535")
    row = np.zeros(n, dtype=np.float64)
    row[u] = v
    return row


def u16_proportion(values: object) -> np.ndarray:
    """u16 storage value -> float proportion ``x / 65535``. Introduced in lesson 08."""
    return np.asarray(values, dtype=np.float64) / U16_MAX


def proportion_to_u16(x: object) -> np.ndarray:
    """Float proportion in [0, 1] -> u16 ``floor(x * 65535)``, as the chain stores
    Consensus, Incentive, Dividends, ValidatorTrust (``fixed_proportion_to_u16``).

    Introduced in lesson 08.
    """
    arr = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return np.floor(arr * U16_MAX).astype(np.int64)
