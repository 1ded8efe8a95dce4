"""The double-spend race in numbers: the Bitcoin whitepaper, section 11.

An attacker with share ``q`` of the hash power (honest share p = 1 - q) who is
``z`` blocks behind catches up with probability (q/p)**z (gambler's ruin) or 1
when q >= p. While the merchant waits for z blocks the attacker's progress is
Poisson with mean lambda = z*q/p, which gives the formula below, a line-by-line
port of the whitepaper's C function ``AttackerSuccessProbability``.
Introduced in lesson 05.
"""

from __future__ import annotations

import math

__all__ = ["attacker_success_probability", "blocks_to_wait", "MAX_Z"]


MAX_Z = 100_000
"""Largest z (blocks) these functions take: the sum has z + 1 terms."""
_SCAN = 1_000


def _share(q: object, name: str = "q") -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0.0 <= q <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {q!r}")
    return float(q)


def attacker_success_probability(q: float, z: int) -> float:
    """P(attacker with share q ever catches up from z blocks behind).

    The whitepaper multiplies ``poisson *= lambda / i`` afresh for every k; carrying
    the product from one k to the next does the same multiplications in the same
    order (the same floats) in O(z) instead of O(z²). When lambda > 700, where
    ``exp(-lambda)`` underflows and the C code would answer 1.0, the Poisson terms
    are computed in log space instead.
    """
    if isinstance(z, bool) or not isinstance(z, int) or not 0 <= z <= MAX_Z:
        raise ValueError(f"z must be an integer in [0, {MAX_Z:,}], got {z!r}")
    q = _share(q)
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * (q / p)
    total = 1.0
    if lam > 700:  # exp(-lam) would underflow to 0: Poisson terms in log space
        log_lam = math.log(lam)
        for k in range(z + 1):
            poisson = math.exp(k * log_lam - lam - math.lgamma(k + 1))
            total -= poisson * (1 - math.pow(q / p, z - k))
        return max(total, 0.0)
    poisson = math.exp(-lam)
    for k in range(z + 1):
        if k:
            poisson *= lam / k
        total -= poisson * (1 - math.pow(q / p, z - k))
    return total


def blocks_to_wait(q: float, max_probability: float = 0.001) -> int:
    """Smallest z with P(q, z) < max_probability (the whitepaper's second table).

    ValueError unless 0 <= q < 0.5 and 0 < max_probability <= 1, or when no z up to
    :data:`MAX_Z` is enough (q very close to 1/2).
    """
    q = _share(q)
    if not q < 0.5:
        raise ValueError("q must be in [0, 0.5): a majority attacker always wins")
    limit = _share(max_probability, "max_probability")
    if limit == 0.0:
        raise ValueError("max_probability must be > 0: no z makes the risk zero")
    for z in range(_SCAN + 1):  # the whitepaper's way, one z after another
        if attacker_success_probability(q, z) < limit:
            return z
    # Past that, P falls monotonically in z: bisect instead of an O(z²) scan.
    lo, hi = _SCAN, _SCAN
    while attacker_success_probability(q, hi) >= limit:
        lo, hi = hi, hi * 2
        if hi > MAX_Z:
            if attacker_success_probability(q, MAX_Z) >= limit:
                raise ValueError(f"more than {MAX_Z:,} blocks would be needed")
            hi = MAX_Z
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if attacker_success_probability(q, mid) < limit:
            hi = mid
        else:
            lo = mid
    return hi
