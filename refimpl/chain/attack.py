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

__all__ = ["attacker_success_probability", "blocks_to_wait"]


def attacker_success_probability(q: float, z: int) -> float:
    """P(attacker with share q ever catches up from z blocks behind)."""
    if isinstance(z, bool) or not isinstance(z, int) or z < 0:
        raise ValueError(f"z must be an integer >= 0, got {z!r}")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * (q / p)
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam)
        for i in range(1, k + 1):
            poisson *= lam / i
        total -= poisson * (1 - math.pow(q / p, z - k))
    return total


def blocks_to_wait(q: float, max_probability: float = 0.001) -> int:
    """Smallest z with P(q, z) < max_probability (the whitepaper's second table)."""
    if not 0.0 <= q < 0.5:
        raise ValueError("q must be in [0, 0.5): a majority attacker always wins")
    z = 0
    while attacker_success_probability(q, z) >= max_probability:
        z += 1
    return z
