"""Yuma Consensus: one epoch exactly as Bittensor's chain computes it, in float64.

Mirrors ``epoch_mechanism`` of opentensor/subtensor
``pallets/subtensor/src/epoch/run_epoch.rs`` (commit 14bc6f9f) and its helpers in
``epoch/math.rs``: the stake-weighted median consensus (``weighted_median_col``),
clipping, validator trust, ranks/incentive, bonds (classic EMA or Yuma 3 with
liquid alpha), dividends and the emission split with its fallback. The chain
works in I32F32 fixed point; on the same inputs this float64 version agrees with
the chain's own test cases to a u16 step (``tests/test_yuma.py`` rebuilds them).

Shapes: rows are validators (V), columns are miners (M). Weights are taken as
given: the caller zeroes self-weights and outdated entries (a weight set before
the miner registered), and zeroes bond columns of miners registered since the
last epoch, as the chain does before this point.

Where the chain's sparse and dense code paths differ (notes/yuma.md §4), this
follows the dense one: with Yuma 3 liquid alpha, a bond to a miner a validator
left out of its row decays at its own rate instead of vanishing at once.

Introduced in lesson 08.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from refimpl.market.errors import InvalidWeights
from refimpl.market.weights import U16_MAX

__all__ = [
    "EpochResult",
    "epoch",
    "weighted_median_col",
    "quantize_bonds",
    "validator_permits",
    "KAPPA_DEFAULT",
]

#: The chain's default ``Kappa`` (32767 / 65535 = 0.4999924), for exact replays.
KAPPA_DEFAULT = 32767 / U16_MAX

# Stake sums are compared with kappa up to this slack, so that a float sum such
# as 0.3 + 0.2 still counts as "exactly kappa" (the chain's I32F32 resolution is
# 2**-32, far coarser than this).
_TIE_EPS = 1e-12


@dataclass(frozen=True)
class EpochResult:
    """Everything one epoch produces (float64 arrays; V validators, M miners).

    ``stake`` is S normalised to sum 1 and ``active_stake`` is S+ (inactive and
    unpermitted stake removed, renormalised). ``weights`` is the row-normalised W
    the epoch used. ``bonds`` are the new bonds: classic = column-normalised
    shares, Yuma 3 = absolute levels in [0, 1]. ``server_emission`` (M) and
    ``validator_emission`` (V) are the shares of one epoch's emission
    (``I/(ΣI+ΣD)`` and ``D/(ΣI+ΣD)``, or the stake fallback); they sum to 1 unless
    nobody has stake. Introduced in lesson 08.
    """

    stake: np.ndarray
    active_stake: np.ndarray
    weights: np.ndarray
    preranks: np.ndarray
    consensus: np.ndarray
    clipped_weights: np.ndarray
    validator_trust: np.ndarray
    ranks: np.ndarray
    incentive: np.ndarray
    trust: np.ndarray
    weights_for_bonds: np.ndarray
    bonds: np.ndarray
    dividends: np.ndarray
    server_emission: np.ndarray
    validator_emission: np.ndarray
    fallback: bool


def _normalize(x: np.ndarray) -> np.ndarray:
    """x / Σx, or x unchanged if Σx == 0 (``inplace_normalize``)."""
    total = x.sum()
    return x / total if total != 0 else x.copy()


def _row_normalize(m: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows of a non-negative matrix to sum 1; all-zero rows stay zero."""
    sums = m.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0  # a zero-sum row of non-negatives is all zeros
    return np.divide(m, sums, out=out)


def _col_normalize(m: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Columns of a non-negative matrix to sum 1; all-zero columns stay zero.

    ``out=m`` works in place (large temporaries are costly: see bench_yuma).
    """
    sums = m.sum(axis=0, keepdims=True)
    sums[sums == 0] = 1.0
    return np.divide(m, sums, out=out)


def weighted_median_col(
    stake: np.ndarray, weights: np.ndarray, kappa: float
) -> np.ndarray:
    """Per column j, the largest w with ``Σ_{i: W_ij >= w} stake_i >= kappa``.

    Only validators with stake take part (the chain skips zero-stake rows), so
    with nobody staked the answer is 0 even for kappa = 0.

    A validator that did not weight j counts with weight 0; stake exactly equal to
    kappa counts as support (the chain's ``weighted_median_col``, which searches
    with ``minority = Σstake - kappa``). Returns 0 for a column when no w reaches
    kappa (for instance when nobody has stake). Vectorised: one sort per column,
    all columns at once. Introduced in lesson 08.
    """
    s = np.asarray(stake, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape[0] and not s.all():
        # Only staked rows can set the median: a zero-stake row's value w' that
        # reaches kappa is matched by a staked value >= w' with the same support.
        w, s = w[s > 0], s[s > 0]
    n_val, n_min = w.shape
    if n_val == 0 or n_min == 0:
        return np.zeros(n_min)
    # Sort each column ascending (a transposed view: numpy sorts one miner's
    # column at a time, without copying the whole matrix). The support of the
    # k-th smallest value is at least the total stake minus the stake sorted
    # before it (exactly that for the first of equal values), so the answer is
    # the value at the last k whose "stake before" is at most total - kappa:
    # the chain's search with ``minority = Σstake - kappa``.
    total = s.sum()
    if total < kappa - _TIE_EPS:
        return np.zeros(n_min)
    wt = w.T
    order = np.argsort(wt, axis=1)  # equal weights are interchangeable
    below = s[order]
    np.cumsum(below, axis=1, out=below)  # stake at or below each sorted value
    k = np.count_nonzero(below[:, :-1] <= total - kappa + _TIE_EPS, axis=1)
    rows = np.arange(n_min)
    return wt[rows, order[rows, k]]


def _check_matrix(name: str, m: np.ndarray, shape: tuple[int, int]) -> None:
    if m.shape != shape:
        raise InvalidWeights(f"{name} must have shape {shape}, got {m.shape}")
    bad = ~np.isfinite(m)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InvalidWeights(f"{name}[{i}, {j}] is not finite ({m[i, j]})")
    if (m < 0).any():
        i, j = np.argwhere(m < 0)[0]
        raise InvalidWeights(f"{name}[{i}, {j}] is negative ({m[i, j]})")


def _array(name: str, value: object) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:  # ragged rows, strings, None inside
        raise InvalidWeights(f"{name} is not a numeric array ({err})") from None


def _mask(name: str, value: object, n: int) -> np.ndarray:
    if value is None:
        return np.ones(n, dtype=bool)
    arr = np.asarray(value)
    if arr.shape != (n,):
        raise InvalidWeights(f"{name} must have shape ({n},), got {arr.shape}")
    if arr.dtype != bool and not np.all((arr == 0) | (arr == 1)):
        raise InvalidWeights(f"{name} must be booleans")
    return arr.astype(bool)


def _unit(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidWeights(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(v) or not 0.0 <= v <= 1.0:
        raise InvalidWeights(f"{name} must be in [0, 1], got {value}")
    return v


def _liquid_alphas(
    w_bonds: np.ndarray,
    bonds: np.ndarray,
    consensus: np.ndarray,
    low: float,
    high: float,
    steepness: float,
) -> np.ndarray:
    """Per-bond EMA rates (``alpha_sigmoid`` in run_epoch.rs)."""
    buy = np.clip(w_bonds - consensus[None, :], 0.0, 1.0)
    sell = np.clip(bonds - w_bonds, 0.0, 1.0)
    diff = np.where(w_bonds >= bonds, buy, sell)
    sigmoid = 1.0 / (1.0 + np.exp(-steepness / 100.0 * (diff - 0.5)))
    return np.clip(low + sigmoid * (high - low), low, high)


def epoch(
    stake: object,
    weights: object,
    bonds: object = None,
    *,
    kappa: float = 0.5,
    alpha: float = 0.1,
    bonds_penalty: float = 1.0,
    active: object = None,
    validator_permit: object = None,
    version: str = "classic",
    liquid_alpha: bool = False,
    alpha_low: float = 0.7,
    alpha_high: float = 0.9,
    steepness: float = 1000,
) -> EpochResult:
    """Run one Yuma Consensus epoch (subtensor ``run_epoch.rs``, notes/yuma.md §2-3).

    ``stake`` (V,) raw stake weights; ``weights`` (V, M) raw non-negative weights
    (u16 or floats; each row is normalised); ``bonds`` (V, M) previous bonds
    (classic: any scale, column-normalised here; Yuma 3: levels in [0, 1]) or
    None for no bonds yet. ``kappa`` is the consensus majority, ``alpha`` the EMA
    weight of the new bond (1 - BondsMovingAverage/1e6), ``bonds_penalty`` β.
    ``active`` and ``validator_permit`` are boolean masks (default all True):
    an inactive validator keeps its weight row but loses its stake; an
    unpermitted one loses both, and its old bonds. ``version`` is "classic"
    (Yuma3On = false) or "yuma3"; ``liquid_alpha`` (Yuma 3 only) gives each bond
    its own rate in [alpha_low, alpha_high] with ``steepness`` (the chain's
    AlphaSigmoidSteepness, divided by 100 in use).

    Bad input (NaN/inf/negative values, wrong shapes, parameters out of range)
    raises :class:`~refimpl.market.errors.InvalidWeights` before any work.
    Introduced in lesson 08.
    """
    # ---- validation (nothing is computed before every input is accepted) ----
    s = _array("stake", stake)
    if s.ndim != 1:
        raise InvalidWeights(f"stake must be a 1-D vector, got shape {s.shape}")
    w_raw = _array("weights", weights)
    if w_raw.ndim != 2:
        raise InvalidWeights(f"weights must be a 2-D matrix, got shape {w_raw.shape}")
    n_val, n_min = w_raw.shape
    if s.shape != (n_val,):
        raise InvalidWeights(
            f"stake has {s.size} entries but weights has {n_val} rows (validators)"
        )
    if not np.all(np.isfinite(s)):
        i = int(np.flatnonzero(~np.isfinite(s))[0])
        raise InvalidWeights(f"stake[{i}] is not finite ({s[i]})")
    if np.any(s < 0):
        i = int(np.flatnonzero(s < 0)[0])
        raise InvalidWeights(f"stake[{i}] is negative ({s[i]})")
    _check_matrix("weights", w_raw, (n_val, n_min))
    if bonds is None:
        b_prev = np.zeros((n_val, n_min))
    else:
        b_prev = _array("bonds", bonds)
        _check_matrix("bonds", b_prev, (n_val, n_min))
    act = _mask("active", active, n_val)
    permit = _mask("validator_permit", validator_permit, n_val)
    kappa = _unit("kappa", kappa)
    alpha = _unit("alpha", alpha)
    beta = _unit("bonds_penalty", bonds_penalty)
    if version not in ("classic", "yuma3"):
        raise InvalidWeights(f"version must be 'classic' or 'yuma3', got {version!r}")
    if liquid_alpha:
        alpha_low = _unit("alpha_low", alpha_low)
        alpha_high = _unit("alpha_high", alpha_high)
        if alpha_low > alpha_high:
            raise InvalidWeights("alpha_low must not exceed alpha_high")
        if not np.isfinite(float(steepness)):
            raise InvalidWeights("steepness must be finite")
    if version == "yuma3" and bonds is not None and (b_prev > 1).any():
        raise InvalidWeights("Yuma 3 bonds are levels in [0, 1]")

    # ---- 1. stake: S = S/ΣS; S+ = normalize(S ∘ active ∘ permit) ----
    s = _normalize(s)
    s_active = _normalize(np.where(act & permit, s, 0.0))

    # ---- 2. weights: rows of unpermitted validators zeroed, rows normalised ----
    w = _row_normalize(w_raw if permit.all() else np.where(permit[:, None], w_raw, 0))

    # ---- 3-5. consensus, clipping, validator trust ----
    preranks = s_active @ w
    consensus = weighted_median_col(s_active, w, kappa)
    clipped = np.minimum(w, consensus[None, :])
    validator_trust = clipped.sum(axis=1)

    # ---- 6. ranks, miner trust, incentive ----
    ranks = s_active @ clipped
    trust = np.divide(ranks, preranks, out=np.zeros(n_min), where=preranks != 0)
    incentive = _normalize(ranks)

    # ---- 7. bonds ----
    if beta == 1.0:
        w_bonds = clipped
    elif beta == 0.0:
        w_bonds = w
    else:
        w_bonds = (1.0 - beta) * w + beta * clipped
    if not permit.all():
        b_prev = np.where(permit[:, None], b_prev, 0.0)
    if version == "classic":
        # B = colnorm(α·colnorm(S+ ∘ W̃) + (1-α)·colnorm(B⁻)), as one pass with
        # per-column scales: colnorm(S+ ∘ W̃) has column sums S+ @ W̃, and the
        # final column sum is known (α where anyone bonds, 1-α where B⁻ had any).
        c_new = s_active @ w_bonds
        c_old = b_prev.sum(axis=0) if bonds is not None else np.zeros(n_min)
        total = alpha * (c_new > 0) + (1.0 - alpha) * (c_old > 0)
        total[total == 0] = 1.0
        c_new[c_new == 0] = 1.0
        c_old[c_old == 0] = 1.0
        new_bonds = np.multiply(w_bonds, s_active[:, None])
        new_bonds *= alpha / (c_new * total)
        if bonds is not None:
            new_bonds += b_prev * ((1.0 - alpha) / (c_old * total))
        # ---- 8. dividends ----
        dividends = _normalize(new_bonds @ incentive)
    else:
        if liquid_alpha and np.any(consensus != 0):
            rates = _liquid_alphas(
                w_bonds, b_prev, consensus, alpha_low, alpha_high, float(steepness)
            )
        else:
            rates = alpha
        new_bonds = np.minimum(1.0, (1.0 - rates) * b_prev + rates * w_bonds)
        dividends = _normalize(s_active * (_col_normalize(new_bonds) @ incentive))

    # ---- 9. emission split, with the stake fallback ----
    total = incentive.sum() + dividends.sum()
    fallback = bool(total == 0)
    if fallback:
        server_emission = np.zeros(n_min)
        validator_emission = s.copy() if not s_active.any() else s_active.copy()
    else:
        server_emission = incentive / total
        validator_emission = dividends / total

    return EpochResult(
        stake=s,
        active_stake=s_active,
        weights=w,
        preranks=preranks,
        consensus=consensus,
        clipped_weights=clipped,
        validator_trust=validator_trust,
        ranks=ranks,
        incentive=incentive,
        trust=trust,
        weights_for_bonds=w_bonds,
        bonds=new_bonds,
        dividends=dividends,
        server_emission=server_emission,
        validator_emission=validator_emission,
        fallback=fallback,
    )


def quantize_bonds(bonds: object, version: str = "classic") -> np.ndarray:
    """Bonds as the chain stores them between epochs (u16 integers as int64).

    Classic: column max-upscale then truncate, ``floor(B_ij / max_k B_kj * 65535)``
    (``inplace_col_max_upscale`` + ``fixed_proportion_to_u16``). Yuma 3:
    ``floor(b * 65535)``. Feed ``quantize_bonds(r.bonds) / 65535`` back as the next
    epoch's ``bonds`` to replay the chain. Introduced in lesson 08.
    """
    b = np.asarray(bonds, dtype=np.float64)
    if version == "classic":
        col_max = b.max(axis=0, keepdims=True) if b.size else b
        b = np.divide(b, col_max, out=np.zeros_like(b), where=col_max > 0)
    elif version != "yuma3":
        raise InvalidWeights(f"version must be 'classic' or 'yuma3', got {version!r}")
    return np.floor(np.clip(b, 0.0, 1.0) * U16_MAX).astype(np.int64)


def validator_permits(stake: object, k: int) -> np.ndarray:
    """Next epoch's validator permits: the top ``k`` non-zero stakes.

    Mirrors subtensor ``is_topk_nonzero``: a stable ascending sort drops the
    ``n - k`` smallest, so among equal stakes the lower uid loses its permit
    first; zero stake never gets a permit. Introduced in lesson 08.
    """
    s = np.asarray(stake, dtype=np.float64)
    if s.ndim != 1 or not np.all(np.isfinite(s)) or np.any(s < 0):
        raise InvalidWeights("stake must be a 1-D vector of finite values >= 0")
    if k < 0:
        raise InvalidWeights(f"k must be >= 0, got {k}")
    permits = s > 0
    if k < len(s):
        permits[np.argsort(s, kind="stable")[: len(s) - k]] = False
    return permits
