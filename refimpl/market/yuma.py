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

import inspect
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

from refimpl.market.errors import InvalidWeights
from refimpl.market.inputs import bool_mask, real_array, unit
from refimpl.market.weights import U16_MAX

__all__ = [
    "EpochResult",
    "epoch",
    "epoch_fused",
    "stake_shares",
    "normalize_weights",
    "consensus",
    "clip",
    "validator_trust",
    "ranks",
    "incentive",
    "trust",
    "bond_weights",
    "instant_bonds",
    "ema_bonds",
    "liquid_alphas",
    "yuma3_bonds",
    "dividends",
    "yuma3_dividends",
    "emission_split",
    "colnorm",
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


def colnorm(m: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Columns of a non-negative matrix to sum 1; all-zero columns stay zero.

    ``out=m`` works in place (large temporaries are costly: see bench_yuma).
    Introduced in lesson 08.
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


# ----------------------------------------------------------------- input checks
@dataclass(frozen=True)
class _Inputs:
    """The epoch's inputs once every one of them has been accepted."""

    stake: np.ndarray
    weights: np.ndarray
    bonds: np.ndarray
    has_bonds: bool
    active: np.ndarray
    permit: np.ndarray
    kappa: float
    alpha: float
    beta: float
    version: str
    liquid_alpha: bool
    alpha_low: float
    alpha_high: float
    steepness: float


def _check_inputs(
    stake: object,
    weights: object,
    bonds: object,
    kappa: object,
    alpha: object,
    bonds_penalty: object,
    active: object,
    validator_permit: object,
    version: object,
    liquid_alpha: object,
    alpha_low: object,
    alpha_high: object,
    steepness: object,
) -> _Inputs:
    """Every input checked before any work (InvalidWeights names the first fault)."""
    s = real_array("stake", stake, 1)
    w = real_array("weights", weights, 2)
    n_val, n_min = w.shape
    if s.shape != (n_val,):
        raise InvalidWeights(
            f"stake has {s.size} entries but weights has {n_val} rows (validators)"
        )
    if bonds is None:
        b = np.zeros((n_val, n_min))
    else:
        b = real_array("bonds", bonds, 2)
        if b.shape != (n_val, n_min):
            raise InvalidWeights(
                f"bonds must have shape {(n_val, n_min)}, got {b.shape}"
            )
    act = bool_mask("active", active, n_val)
    permit = bool_mask("validator_permit", validator_permit, n_val)
    kappa, alpha = unit("kappa", kappa), unit("alpha", alpha)
    beta = unit("bonds_penalty", bonds_penalty)
    if version not in ("classic", "yuma3"):
        raise InvalidWeights(f"version must be 'classic' or 'yuma3', got {version!r}")
    if not isinstance(liquid_alpha, (bool, np.bool_)):
        raise InvalidWeights(f"liquid_alpha must be a bool, got {liquid_alpha!r}")
    low, high, steep = 0.0, 0.0, 0.0
    if liquid_alpha:
        low, high = unit("alpha_low", alpha_low), unit("alpha_high", alpha_high)
        if low > high:
            raise InvalidWeights("alpha_low must not exceed alpha_high")
        if not isinstance(steepness, Real) or isinstance(steepness, bool):
            raise InvalidWeights(f"steepness must be a number, got {steepness!r}")
        steep = float(steepness)
        if not np.isfinite(steep):
            raise InvalidWeights("steepness must be finite")
    if version == "yuma3" and bonds is not None and (b > 1).any():
        raise InvalidWeights("Yuma 3 bonds are levels in [0, 1]")
    return _Inputs(
        s, w, b, bonds is not None, act, permit, kappa, alpha, beta,
        str(version), bool(liquid_alpha), low, high, steep,
    )  # fmt: skip


# ------------------------------------------------ the epoch, one lesson-08 step each
def stake_shares(
    stake: np.ndarray, active: np.ndarray, permit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: ``S = S/ΣS`` and the active stake ``S+ = normalize(S ∘ active ∘
    permit)`` (inactive or unpermitted validators lose their stake). Lesson 08."""
    s = _normalize(stake)
    return s, _normalize(np.where(active & permit, s, 0.0))


def normalize_weights(weights: np.ndarray, permit: np.ndarray) -> np.ndarray:
    """Step 2: rows of unpermitted validators zeroed, each row to sum 1 (``W``).
    Lesson 08."""
    return _row_normalize(
        weights if permit.all() else np.where(permit[:, None], weights, 0.0)
    )


def consensus(stake: np.ndarray, W: np.ndarray, kappa: float) -> np.ndarray:
    """Step 3: ``C``, the stake-weighted median of each column (lesson 08's
    ``consensus_of``; the stake exactly at kappa counts)."""
    return weighted_median_col(stake, W, kappa)


def clip(W: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Step 4: ``W_clip = min(W, C)``, weights above consensus cut down to it.
    Lesson 08."""
    return np.minimum(W, C[None, :])


def validator_trust(W_clip: np.ndarray) -> np.ndarray:
    """Step 5: ``vtrust``, what survives of each validator's row. Lesson 08."""
    return W_clip.sum(axis=1)


def ranks(S: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Step 6: ``R = S @ W`` (with ``W`` unclipped: the pre-rank). Lesson 08."""
    return S @ W


def incentive(R: np.ndarray) -> np.ndarray:
    """Step 6: ``inc = R / ΣR`` (all zero when nothing ranks). Lesson 08."""
    return _normalize(R)


def trust(R: np.ndarray, pre: np.ndarray) -> np.ndarray:
    """Step 6: ``T = R / pre`` (0 where the pre-rank is 0). Lesson 08."""
    return np.divide(R, pre, out=np.zeros_like(R), where=pre != 0)


def bond_weights(W: np.ndarray, W_clip: np.ndarray, beta: float) -> np.ndarray:
    """Step 7: the weights bonds are bought with, ``(1-β)W + βW_clip`` (β = 1:
    the clipped weights, as in the lesson). Lesson 08."""
    if beta == 1.0:
        return W_clip
    if beta == 0.0:
        return W
    return (1.0 - beta) * W + beta * W_clip


def instant_bonds(S: np.ndarray, W_b: np.ndarray) -> np.ndarray:
    """Step 7: ``dB = colnorm(S ∘ W_b)``, each column's shares bought this epoch.
    Lesson 08."""
    return colnorm(S[:, None] * W_b)


def ema_bonds(dB: np.ndarray, B_prev: np.ndarray, alpha: float) -> np.ndarray:
    """Step 7 (classic): ``B = colnorm(α dB + (1-α) colnorm(B_prev))``; a column
    nobody bonds this epoch keeps its old shares. Lesson 08."""
    return colnorm(alpha * dB + (1.0 - alpha) * colnorm(B_prev))


def liquid_alphas(
    W_b: np.ndarray,
    B_prev: np.ndarray,
    C: np.ndarray,
    low: float,
    high: float,
    steepness: float,
) -> np.ndarray:
    """Per-bond EMA rates of Yuma 3 (``alpha_sigmoid`` in run_epoch.rs). Lesson 08."""
    buy = np.clip(W_b - C[None, :], 0.0, 1.0)
    sell = np.clip(B_prev - W_b, 0.0, 1.0)
    diff = np.where(W_b >= B_prev, buy, sell)
    sigmoid = 1.0 / (1.0 + np.exp(-steepness / 100.0 * (diff - 0.5)))
    return np.clip(low + sigmoid * (high - low), low, high)


def yuma3_bonds(W_b: np.ndarray, B_prev: np.ndarray, rates: object) -> np.ndarray:
    """Step 7 (Yuma 3): bond levels ``B = min(1, (1-α) B_prev + α W_b)``, with one
    rate for all or a matrix of liquid-alpha rates. Lesson 08."""
    return np.minimum(1.0, (1.0 - rates) * B_prev + rates * W_b)


def dividends(B: np.ndarray, inc: np.ndarray) -> np.ndarray:
    """Step 8 (classic): ``D = B @ inc``, normalised. Lesson 08."""
    return _normalize(B @ inc)


def yuma3_dividends(S: np.ndarray, B: np.ndarray, inc: np.ndarray) -> np.ndarray:
    """Step 8 (Yuma 3): ``D ∝ S ∘ (colnorm(B) @ inc)``: stake enters here, so an
    inactive validator earns nothing. Lesson 08."""
    return _normalize(S * (colnorm(B) @ inc))


def emission_split(
    inc: np.ndarray, D: np.ndarray, S: np.ndarray, S_active: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Step 9: miners ``inc/(Σinc+ΣD)``, validators ``D/(Σinc+ΣD)``; with no usable
    weights (both sums 0) validators take everything by ``S+`` (or ``S``).
    Returns ``(server, validator, fallback)``. Lesson 08."""
    total = inc.sum() + D.sum()
    if total == 0:
        return np.zeros(inc.size), (S if not S_active.any() else S_active).copy(), True
    return inc / total, D / total, False


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

    The body is lesson 08's steps, one function each. :func:`epoch_fused` is the
    same epoch with the classic bond steps fused into one pass (fewer large
    temporaries); ``tests/test_yuma.py`` holds the two equal on every upstream case.

    Bad input (NaN/inf/negative values, ragged or non-numeric arrays, wrong
    shapes, parameters out of range) raises
    :class:`~refimpl.market.errors.InvalidWeights` before any work.
    Introduced in lesson 08.
    """
    x = _check_inputs(
        stake, weights, bonds, kappa, alpha, bonds_penalty, active,
        validator_permit, version, liquid_alpha, alpha_low, alpha_high, steepness,
    )  # fmt: skip
    S, S_active = stake_shares(x.stake, x.active, x.permit)
    W = normalize_weights(x.weights, x.permit)
    C = consensus(S_active, W, x.kappa)
    W_clip = clip(W, C)
    vtrust = validator_trust(W_clip)
    pre = ranks(S_active, W)
    R = ranks(S_active, W_clip)
    inc = incentive(R)
    T = trust(R, pre)
    W_b = bond_weights(W, W_clip, x.beta)
    B_prev = np.where(x.permit[:, None], x.bonds, 0.0)
    if x.version == "classic":
        B = ema_bonds(instant_bonds(S_active, W_b), B_prev, x.alpha)
        D = dividends(B, inc)
    else:
        rates: object = x.alpha
        if x.liquid_alpha and np.any(C != 0):
            lo, hi = x.alpha_low, x.alpha_high
            rates = liquid_alphas(W_b, B_prev, C, lo, hi, x.steepness)
        B = yuma3_bonds(W_b, B_prev, rates)
        D = yuma3_dividends(S_active, B, inc)
    server, validator, fallback = emission_split(inc, D, S, S_active)
    return EpochResult(
        stake=S, active_stake=S_active, weights=W, preranks=pre, consensus=C,
        clipped_weights=W_clip, validator_trust=vtrust, ranks=R, incentive=inc,
        trust=T, weights_for_bonds=W_b, bonds=B, dividends=D,
        server_emission=server, validator_emission=validator, fallback=fallback,
    )  # fmt: skip


_EPOCH_SIGNATURE = inspect.signature(epoch)


def epoch_fused(*args: Any, **kwargs: Any) -> EpochResult:
    """:func:`epoch` with the classic bond steps fused: same arguments, same result.

    ``B = colnorm(α·colnorm(S+ ∘ W̃) + (1-α)·colnorm(B⁻))`` is computed in one pass
    with per-column scales (the column sums of ``colnorm(S+ ∘ W̃)`` are
    ``S+ @ W̃``, and the final column sum is known: α where anyone bonds, 1-α
    where old bonds exist), so no V×M temporary is made per step. Yuma 3 is not
    fused (it runs :func:`epoch`'s steps). The subnet runs this one; ``make bench``
    (bench_yuma) shows what it buys. Introduced in lesson 08.
    """
    call = _EPOCH_SIGNATURE.bind(*args, **kwargs)  # epoch's own argument rules
    call.apply_defaults()
    if call.arguments["version"] != "classic":
        return epoch(*args, **kwargs)
    x = _check_inputs(**call.arguments)
    n_min = x.weights.shape[1]
    s, s_active = stake_shares(x.stake, x.active, x.permit)
    w = normalize_weights(x.weights, x.permit)
    preranks = s_active @ w
    cons = weighted_median_col(s_active, w, x.kappa)
    clipped = np.minimum(w, cons[None, :])
    ranks_ = s_active @ clipped
    inc = _normalize(ranks_)
    w_bonds = bond_weights(w, clipped, x.beta)
    b_prev = x.bonds if x.permit.all() else np.where(x.permit[:, None], x.bonds, 0.0)
    a = x.alpha
    c_new = s_active @ w_bonds
    c_old = b_prev.sum(axis=0) if x.has_bonds else np.zeros(n_min)
    total = a * (c_new > 0) + (1.0 - a) * (c_old > 0)
    total[total == 0] = 1.0
    c_new[c_new == 0] = 1.0
    c_old[c_old == 0] = 1.0
    new_bonds = np.multiply(w_bonds, s_active[:, None])
    new_bonds *= a / (c_new * total)
    if x.has_bonds:
        new_bonds += b_prev * ((1.0 - a) / (c_old * total))
    divs = _normalize(new_bonds @ inc)
    server, validator, fallback = emission_split(inc, divs, s, s_active)
    return EpochResult(
        stake=s, active_stake=s_active, weights=w, preranks=preranks,
        consensus=cons, clipped_weights=clipped,
        validator_trust=clipped.sum(axis=1), ranks=ranks_, incentive=inc,
        trust=np.divide(ranks_, preranks, out=np.zeros(n_min), where=preranks != 0),
        weights_for_bonds=w_bonds, bonds=new_bonds, dividends=divs,
        server_emission=server, validator_emission=validator, fallback=fallback,
    )  # fmt: skip


def quantize_bonds(bonds: object, version: str = "classic") -> np.ndarray:
    """Bonds as the chain stores them between epochs (u16 integers as int64).

    Classic: column max-upscale then truncate, ``floor(B_ij / max_k B_kj * 65535)``
    (``inplace_col_max_upscale`` + ``fixed_proportion_to_u16``). Yuma 3:
    ``floor(b * 65535)``. Feed ``quantize_bonds(r.bonds) / 65535`` back as the next
    epoch's ``bonds`` to replay the chain. Introduced in lesson 08.
    """
    b = real_array("bonds", bonds, 2)
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
    s = real_array("stake", stake, 1)
    if not isinstance(k, Integral) or isinstance(k, (bool, np.bool_)):
        raise InvalidWeights(f"k must be an int, got {k!r}")
    if k < 0:
        raise InvalidWeights(f"k must be >= 0, got {k}")
    permits = s > 0
    if k < len(s):
        permits[np.argsort(s, kind="stable")[: len(s) - k]] = False
    return permits
