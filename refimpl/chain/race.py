"""The double-spend race as a Monte Carlo experiment (Bitcoin whitepaper §11).

An attacker with a share ``q`` of the hash power pays a merchant, then secretly mines a
chain in which that payment is replaced by one to himself. The merchant waits for
``z`` blocks (the payment's block and the blocks linked after it, as in §11). Meanwhile
the attacker found ``k`` blocks. If ``k >= z`` he is already level; otherwise he is
``z - k`` behind and, block by block, either closes or widens the gap: a gambler's
ruin that he wins with probability ``(q/p)^(z-k)``. As in the whitepaper, catching up
(an equal length) counts as success.

Two models for ``k``:

- ``"whitepaper"``: §11 assumes the honest blocks took exactly their expected time, so
  ``k`` is Poisson with mean ``z*q/p``. Simulating it reproduces
  ``attacker_success_probability(q, z)`` and the whitepaper's table.
- ``"race"``: both sides really race, block by block (each new block is the attacker's
  with probability ``q``), so ``k`` is negative binomial. This is the exact model
  (M. Rosenfeld, "Analysis of hashrate-based double spending", 2014); its closed form is
  :func:`race_success_probability`, and it is a little *higher* than §11 for small q.

Introduced in lesson 05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .attack import MAX_Z

__all__ = [
    "check_race_args",
    "RaceEstimate",
    "race_success_probability",
    "race_walk",
    "simulate_double_spend",
]

_MODELS = ("race", "whitepaper")
MAX_TRIALS = 10**7  # a few arrays of 80 MB at most


@dataclass(frozen=True)
class RaceEstimate:
    """A Monte Carlo estimate of the attacker's success probability."""

    q: float
    z: int
    model: str
    trials: int
    successes: int

    @property
    def estimate(self) -> float:
        """The fraction of trials the attacker won."""
        return self.successes / self.trials

    @property
    def stderr(self) -> float:
        """The binomial standard error of :attr:`estimate` (at least 1/trials)."""
        p = self.estimate
        return max(math.sqrt(p * (1.0 - p) / self.trials), 1.0 / self.trials)

    def agrees_with(self, probability: float, sigmas: float = 4.0) -> bool:
        """True if ``probability`` lies within ``sigmas`` standard errors (binomial,
        using the larger of the estimate's and the probability's own variance)."""
        var = max(
            probability * (1.0 - probability), self.estimate * (1 - self.estimate)
        )
        se = max(math.sqrt(var / self.trials), 1.0 / self.trials)
        return abs(self.estimate - probability) <= sigmas * se


def check_race_args(q: float, z: int) -> None:
    """ValueError unless 0 <= q < 1 and z is an int in [0, MAX_Z] (every race
    function)."""
    if not isinstance(z, int) or isinstance(z, bool) or not 0 <= z <= MAX_Z:
        raise ValueError(f"z must be an int in [0, {MAX_Z:,}], got {z!r}")
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0.0 <= q < 1.0:
        raise ValueError(f"q must be in [0, 1), got {q!r}")


def race_success_probability(q: float, z: int, *, ties_win: bool = True) -> float:
    """Exact probability that an attacker with share ``q`` catches up from ``z``
    confirmations when both sides race (negative binomial progress, then the gambler's
    ruin of whitepaper §11).

    With ``ties_win`` (as in §11) an equal-length chain counts as success:
    ``1 - sum_{m=0}^{z} C(m+z-1, m) p^z q^m (1 - (q/p)^(z-m))``. Without it the
    attacker must get one block *ahead* (what a node following "most work, first seen
    wins ties" needs before it reorgs): the exponent becomes ``z-m+1``.

    Computed without cancellation as a sum of positive terms (``n = z + extra``):
    ``sum_{m<n} P(k=m) (q/p)^(n-m) + P(k >= n)``, each term from the previous one by
    a ratio, scaled by powers of two, so every ``z`` up to ``MAX_Z`` works (the plain
    formula overflows a float from ``z = 516``). Relative error about 1e-14 for small
    ``z``, below 1e-10 at ``z = 100,000``. Introduced in lesson 05.
    """
    check_race_args(q, z)
    p = 1.0 - q
    if q >= p:
        return 1.0
    extra = 0 if ties_win else 1
    if z == 0:
        return (q / p) ** extra
    if q == 0.0:
        return 0.0
    n = z + extra
    # term_0 = q^n / p^extra, exactly rounded from big integers: mantissa * 2**scale
    mantissa, scale = _scaled_power(q, n)
    term = mantissa / p**extra
    total = 0.0
    m = 0
    while True:
        total += term
        if m < n:  # term_m = P(k = m) (q/p)^(n - m): the next needs a factor p
            term *= (m + z) / (m + 1) * p
        else:  # the tail P(k = m): ratios (m + z)/(m + 1) q fall below 2q < 1
            ratio = (m + z) / (m + 1) * q
            if term * ratio <= total * (1.0 - ratio) * 2.0**-60:
                break
            term *= ratio
        m += 1
        if total > 2.0**512 or term > 2.0**512:
            total, term = math.ldexp(total, -512), math.ldexp(term, -512)
            scale += 512
    return min(1.0, max(0.0, math.ldexp(total, scale)))


def _scaled_power(x: float, n: int) -> tuple[float, int]:
    """``x**n`` as ``(mantissa, scale)``, ``x**n ~= mantissa * 2**scale``, for x > 0
    and any n >= 0 without underflow: square-and-multiply on integers cut to their top
    128 bits (relative error near 1e-35 before the final rounding to a float)."""
    num, den = x.as_integer_ratio()  # den is a power of two
    base, base_exp = num, -(den.bit_length() - 1)
    result, scale = 1, 0
    while n:
        if n & 1:
            result *= base
            scale += base_exp
            cut = max(result.bit_length() - 128, 0)
            result >>= cut
            scale += cut
        n >>= 1
        if n:
            base *= base
            base_exp *= 2
            cut = max(base.bit_length() - 128, 0)
            base >>= cut
            base_exp += cut
    cut = max(result.bit_length() - 64, 0)
    return float(result >> cut), scale + cut


def _ruin_cap(q: float) -> int:
    """A deficit from which returning has probability below 1e-12."""
    return math.ceil(math.log(1e-12) / math.log(q / (1.0 - q)))


def simulate_double_spend(
    q: float,
    z: int,
    *,
    trials: int = 100_000,
    seed: int = 0,
    model: str = "race",
    ties_win: bool = True,
) -> RaceEstimate:
    """Run ``trials`` double-spend races and count the attacker's wins.

    Deterministic given ``seed`` (numpy's PCG64). ``model`` is ``"race"`` (both sides
    mine block by block) or ``"whitepaper"`` (§11's Poisson assumption); see the module
    docstring; ``ties_win`` as in :func:`race_success_probability`. A majority
    attacker (``q >= 0.5``) always catches up eventually. Walks
    that fall so far behind that returning has probability < 1e-12 count as losses.
    Introduced in lesson 05.
    """
    check_race_args(q, z)
    if model not in _MODELS:
        raise ValueError(f"model must be one of {_MODELS}, got {model!r}")
    if (
        isinstance(trials, bool)
        or not isinstance(trials, int)
        or not (0 < trials <= MAX_TRIALS)
    ):
        raise ValueError(
            f"trials must be an int in [1, {MAX_TRIALS:,}], got {trials!r}"
        )
    p = 1.0 - q
    extra = 0 if ties_win else 1
    if (z == 0 and ties_win) or q >= p:
        return RaceEstimate(q, z, model, trials, trials)
    if q == 0.0:
        return RaceEstimate(q, z, model, trials, 0)
    rng = np.random.Generator(np.random.PCG64(seed))
    # Phase 1: the attacker's blocks while the merchant waits for z confirmations.
    if z == 0:
        k = np.zeros(trials, dtype=np.int64)
    elif model == "race":
        k = rng.negative_binomial(z, p, size=trials)
    else:
        k = rng.poisson(z * q / p, size=trials)
    deficit = z + extra - k
    wins = int(np.count_nonzero(deficit <= 0))
    # Phase 2: the gambler's ruin, one block at a time, for those still behind.
    active = deficit[deficit > 0]
    cap = max(int(active.max(initial=0)), 0) + _ruin_cap(q)
    while active.size:
        step = np.where(rng.random(active.size) < q, -1, 1)
        active = active + step
        wins += int(np.count_nonzero(active == 0))
        active = active[(active > 0) & (active < cap)]
    return RaceEstimate(q, z, model, trials, wins)


def race_walk(q: float, z: int, *, seed: int = 0, max_blocks: int = 60) -> list[int]:
    """One race, as the attacker's lead (attacker blocks minus honest blocks) after each
    new block, starting at 0 when the payment's block is being mined. The merchant
    ships after the honest side's z-th block; the attacker wins when his lead is >= 0
    after that. Stops at ``max_blocks`` blocks. For plots; introduced in lesson 05.
    """
    check_race_args(q, z)
    if (
        isinstance(max_blocks, bool)
        or not isinstance(max_blocks, int)
        or not (0 <= max_blocks <= MAX_TRIALS)
    ):
        raise ValueError(f"max_blocks must be an int in [0, {MAX_TRIALS:,}]")
    rng = np.random.Generator(np.random.PCG64(seed))
    lead, honest, out = 0, 0, [0]
    for _ in range(max_blocks):
        if rng.random() < q:
            lead += 1
        else:
            lead -= 1
            honest += 1
        out.append(lead)
        if honest >= z and lead >= 0:
            break
    return out
