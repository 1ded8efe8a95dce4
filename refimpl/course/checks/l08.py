"""Checks for lesson 08 (Yuma Consensus).

One source of truth: 08.1, 08.2, 08.4 and 08.6 take their answers from
``refimpl.market.yuma``; 08.3 and 08.5 check one step with its own signature, and
``tests/test_checks_refs.py`` holds those two references equal to ``epoch`` on
random and edge subnets. Every function check also refuses an answer that
changes its inputs in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from refimpl.course import ValueCheck
from refimpl.course.checks._pure import PureFunctionCheck
from refimpl.course.checks._whole import is_whole
from refimpl.market.yuma import epoch, weighted_median_col

__all__ = [
    "normalize_rows",
    "weighted_median",
    "clip_weights",
    "incentive",
    "bonds_and_dividends",
    "cabal_threshold",
]


def _close(got: Any, expected: Any) -> bool:
    """Equal to 1e-9, and of the type the exercise text asks for.

    A float numpy array is wanted where the reference returns one (same shape), a
    tuple where it returns a pair, and a number (int or float) for a float. Inside
    a pair, items are compared by value only: the feedback can name a wrong item,
    but not an item that is right in value and wrong in type.
    """
    if isinstance(expected, tuple):
        return (
            type(got) is tuple
            and len(got) == len(expected)
            and all(_values_close(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray) or got.dtype.kind != "f":
            return False
        return _values_close(got, expected)
    if isinstance(got, bool | np.bool_) or not isinstance(got, int | float | np.number):
        return False
    return bool(abs(float(got) - float(expected)) <= 1e-9)


def _values_close(got: Any, expected: Any) -> bool:
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    return g.shape == e.shape and bool(np.allclose(g, e, atol=1e-9, rtol=0))


def _near(got: Any, expected: Any) -> bool:
    """Right to float32 precision only (about 7 digits): a float32 step somewhere."""
    try:
        if isinstance(expected, tuple):
            return (
                isinstance(got, tuple | list)
                and len(got) == len(expected)
                and all(_near(g, e) for g, e in zip(got, expected, strict=True))
            )
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
        if g.shape != e.shape or not np.allclose(g, e, rtol=1e-6, atol=1e-7):
            return False
        # float32's doing only if every differing value is a float32 number (a
        # float32 step, widened after): an added epsilon is close but is not one
        differ = g[g != e]
        return bool(np.all(differ.astype(np.float32).astype(np.float64) == differ))
    except (TypeError, ValueError):
        return False


def _m(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def _colnorm(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=0)
    return np.divide(m, sums, out=np.zeros_like(m), where=sums > 0)


def _f(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


# -- 08.1 --------------------------------------------------------------------------
def _normalize_rows(W: np.ndarray) -> np.ndarray:
    W = np.asarray(W)
    return epoch(np.ones(W.shape[0]), W).weights  # the epoch's own row step


def _rows_drop_tiny(W):
    out = _normalize_rows(W)
    out[out < 1e-3] = 0  # tiny shares dropped: the row no longer sums to 1
    return out


def _rows_same_if_normal(W):
    if W.dtype == np.float64 and np.allclose(W.sum(axis=1), 1):
        return W  # the caller's own array, not a new one
    return _normalize_rows(W)


def _rows_in_place(W):
    W /= W.sum(axis=1, keepdims=True).clip(min=1e-300)
    return W


def _rows_float32(W):
    W = np.asarray(W, dtype=np.float32)
    sums = W.sum(axis=1, keepdims=True)
    return np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)


def _rows_cast_after(W):
    """Divides in the input's own float type, then casts the result to float64:
    float32 precision in a float64 array."""
    W = np.asarray(W)
    if W.dtype.kind != "f":
        W = W.astype(float)
    sums = W.sum(axis=1, keepdims=True)
    out = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
    return out.astype(np.float64)


def _rows_floor(W):
    W = np.asarray(W)
    sums = W.sum(axis=1, keepdims=True)
    return np.where(sums > 0, W // np.where(sums > 0, sums, 1), 0).astype(float)


def _rows_uniform_zero(W):
    W = _f(W)
    sums = W.sum(axis=1, keepdims=True)
    return np.where(sums > 0, W / np.where(sums > 0, sums, 1), 1 / W.shape[1])


normalize_rows = PureFunctionCheck(
    "08.1 normalize_rows",
    reference=_normalize_rows,
    cases=lambda: [
        (_m([[4, 2, 2, 0], [2, 4, 2, 0], [0, 2, 2, 4]]),),
        (np.array([[65535, 32768], [1, 3]], dtype=np.uint16),),  # u16 as stored
        (_m([[0, 0, 0], [1, 0, 1]]),),
        (_m([[5]]),),
        (np.array([[1, 2], [3, 7], [0, 0]], dtype=np.float32),),
        (_m([[0.1, 0.2, 0.7], [1, 1, 1]]),),
        (_m([[1e-9, 1e-9], [3e-12, 1e-12]]),),  # tiny weights: no epsilon may be added
        (_m([[65535, 1]]),),  # a tiny share is a share: 1/65536, not 0
        (_m([[0.25, 0.75]]),),  # a row that sums to 1 already: still a new array
    ],
    compare=_close,
    near=_near,
    returns=np.ndarray,
    hints=[
        "Each validator's row of weights should sum to 1; a row of zeros stays zeros.",
        "Divide by W.sum(axis=1, keepdims=True), but not where that sum is 0. Make a "
        "float64 copy first (np.asarray(W, dtype=float)): integer and float32 inputs "
        "exist, and the caller's W must not change.",
        "np.divide(W, sums, out=np.zeros_like(W), where=sums > 0) on the float64 copy",
    ],
    wrong=[
        lambda W: _f(W) / _f(W).sum(),
        lambda W: _colnorm(_f(W)),
        lambda W: _f(W) / _f(W).max(),
        lambda W: _f(W) / _f(W).sum(axis=1, keepdims=True),  # nan for a zero row
        _rows_in_place,
        _rows_float32,
        _rows_cast_after,
        _rows_floor,
        _rows_uniform_zero,
        lambda W: _f(W) / (_f(W).sum(axis=1, keepdims=True) + 1e-9),  # an epsilon
        _rows_drop_tiny,
        _rows_same_if_normal,
    ],
)


# -- 08.2 --------------------------------------------------------------------------
def _weighted_median(stake: np.ndarray, column: np.ndarray, kappa: float) -> float:
    column = np.asarray(column, dtype=np.float64)
    return float(weighted_median_col(stake, column[:, None], kappa)[0])


def _median_by(
    stake, column, kappa, *, dtype=float, strict=False, staked=True, pick=max
):
    s, c = np.asarray(stake, dtype), np.asarray(column, dtype)
    found = []
    for w, si in zip(c, s, strict=True):
        if staked and si <= 0:
            continue
        support = s[c >= w].sum()
        if (support > kappa) if strict else (support >= kappa):
            found.append(float(w))
    return pick(found) if found else 0.0


def _median_own_plus_above(stake, column, kappa):
    # support = stake strictly above w plus the candidate's own stake: misses a
    # tie partner who gave the same weight
    s, c = np.asarray(stake, float), np.asarray(column, float)
    best = 0.0
    for w, si in zip(c, s, strict=True):
        if si > 0 and s[c > w].sum() + si >= kappa and w > best:
            best = float(w)
    return best


def _median_sorts_in_place(stake, column, kappa):
    order = np.argsort(column)
    stake[:] = stake[order]
    column[:] = column[order]
    return _median_by(stake, column, kappa)


def _median_grid(stake, column, kappa):
    # the largest w on a grid of hundredths with enough support: a grid search
    s, c = np.asarray(stake, float), np.asarray(column, float)
    best = 0.0
    for k in range(101):
        w = k / 100
        if (s[c >= w] > 0).any() and s[(c >= w) & (s > 0)].sum() >= kappa:
            best = w
    return best


def _median_isclose(stake, column, kappa):
    # support "close to" kappa counts: np.isclose's tolerance is 5e-6 here
    s, c = np.asarray(stake, float), np.asarray(column, float)
    found = [
        float(w)
        for w, si in zip(c, s, strict=True)
        if si > 0 and (s[c >= w].sum() > kappa or np.isclose(s[c >= w].sum(), kappa))
    ]
    return max(found) if found else 0.0


weighted_median = PureFunctionCheck(
    "08.2 weighted_median",
    reference=_weighted_median,
    cases=lambda: [
        (np.array([0.5, 0.25, 0.25]), np.array([0.3, 0.6, 0.1]), 0.5),
        (np.array([0.5, 0.25, 0.25]), np.array([0.5, 0.2, 0.0]), 0.5),  # tie
        (np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.4, 0.1, 0.2, 0.3]), 0.5),
        (np.array([0.125, 0.25, 0.375, 0.25]), np.array([0.4, 0.1, 0.2, 0.3]), 0.5),
        (np.array([0.0, 0.75, 0.25, 0.0]), np.array([0.3, 0.2, 0.3, 0.9]), 0.25),
        (np.array([0.5, 0.25, 0.25]), np.array([0.9, 0.6, 0.3]), 0.75),  # tie, not 1/2
        (np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.5),
        # kappa = 0: every weight has enough support, but only staked ones count
        (np.array([0.0, 1.0]), np.array([0.9, 0.3]), 0.0),
        (np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.0),
        (np.array([0.25, 0.75]), np.array([0.1, 0.7]), 1.0),  # everyone must back it
        # two validators tie at the top: each alone is short of kappa, together not
        (np.array([0.25, 0.25, 0.5]), np.array([0.5, 0.5, 0.125]), 0.5),
        # support just below kappa is not enough: no slack, no "close to" (the
        # shares are exact in binary, so a plain >= decides)
        (np.array([0.4375, 0.5625]), np.array([0.9, 0.1]), 0.5),
        (np.array([63 / 128, 65 / 128]), np.array([0.9, 0.1]), 0.5),
        (np.array([0.5 - 2**-20, 0.5 + 2**-20]), np.array([0.9, 0.1]), 0.5),
        (np.array([0.5 - 2**-30, 0.5 + 2**-30]), np.array([0.9, 0.1]), 0.5),
        # weights off any grid of tenths or hundredths
        (np.array([0.5, 0.5]), np.array([0.25, 0.755]), 0.5),
        (np.array([0.25, 0.75]), np.array([1 / 3, 0.1234]), 0.25),
    ],
    compare=_close,
    near=_near,
    returns=float,
    hints=[
        "Find the largest weight w such that the validators giving w or more hold "
        "at least kappa of the stake. Only validators with stake take part.",
        "Try each staked validator's weight w as a candidate: add up the stake of "
        "everyone with column >= w; keep the largest w whose support is >= kappa.",
        "Stake exactly equal to kappa counts (use >=, not >). If nothing qualifies, "
        "the answer is 0.0. Use the kappa you are given, not 1/2.",
    ],
    wrong=[
        lambda s, c, k: float(np.asarray(s, float) @ np.asarray(c, float)),
        lambda s, c, k: _median_by(s, c, k, strict=True),
        lambda s, c, k: _median_by(s, c, k, staked=False),
        lambda s, c, k: float(np.median(np.asarray(c, float))),
        lambda s, c, k: _median_by(s, c, k, dtype=np.float32),
        lambda s, c, k: _median_by(s, c, k, pick=min),
        lambda s, c, k: _median_by(s, c, 0.5),  # kappa ignored
        _median_sorts_in_place,
        _median_own_plus_above,
        lambda s, c, k: _median_by(s, c, k - 0.1),  # a slack below kappa
        lambda s, c, k: _median_by(s, c, k - 0.01),
        _median_isclose,
        lambda s, c, k: _median_by(s, c, k - 1e-9),
        lambda s, c, k: _median_by(s, c, k, dtype=np.float32),
        _median_grid,
        lambda s, c, k: round(_median_by(s, c, k), 2),
        lambda s, c, k: (
            int(_median_by(s, c, k))
            if _median_by(s, c, k) == 0
            else (_median_by(s, c, k))
        ),  # int 0 where the text asks for a float
    ],
)


# -- 08.3 --------------------------------------------------------------------------
def _clip_weights(W: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    clipped = np.minimum(_f(W), _f(C))
    return clipped, clipped.sum(axis=1)


def _clip_buggy(W, C):  # the exercise's teammate version: both bugs
    for j in range(W.shape[1]):
        column = W[:, j]
        column[column > C[j]] = C[j]
    return W, W.sum(axis=0)


def _clip_in_place(W, C):  # fixed the axis only
    for j in range(W.shape[1]):
        column = W[:, j]
        column[column > C[j]] = C[j]
    return W, W.sum(axis=1)


def _clip_rows_when_square(W, C):  # C read along the rows when W is square
    if W.shape[0] == len(C):
        clipped = np.minimum(W, np.asarray(C)[:, None])
    else:
        clipped = np.minimum(W, C)
    return clipped, clipped.sum(axis=1)


def _clip_first_rows_only(W, C):  # a loop over min(W.shape) rows
    clipped = np.array(W, dtype=np.float64)
    for i in range(min(clipped.shape)):
        clipped[i] = np.minimum(clipped[i], C)
    return clipped, clipped.sum(axis=1)


def _clip_axis0(W, C):  # fixed the copy only
    clipped = np.minimum(W, C)
    return clipped, clipped.sum(axis=0)


_W3 = [[0.5, 0.25, 0.25, 0], [0.25, 0.5, 0.25, 0], [0, 0.25, 0.25, 0.5]]

clip_weights = PureFunctionCheck(
    "08.3 clip_weights",
    reference=_clip_weights,
    cases=lambda: [
        (_m(_W3), np.array([0.5, 0.25, 0.25, 0.0])),
        (
            _m([[0.3, 0.3, 0.3, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05, 0.8]]),
            np.array([0.3, 0.3, 0.3, 0.1, 0.0]),
        ),
        (_m([[1.0, 0.0]]), np.array([0.0, 0.0])),
        (_m([[0.5, 0.5], [0.5, 0.5]]), np.array([0.5, 0.5])),  # square, nothing cut
        # rows that do not sum to 1: trust is the clipped sum itself, not a share
        (_m([[0.6, 0.6, 0.0], [0.2, 0.1, 0.0]]), np.array([0.4, 0.3, 0.1])),
        # a trust with more digits than two or three decimals hold
        (_m([[0.1234567, 0.8765433]]), np.array([0.1234567, 0.5])),
        # a row that sums to more than 1 before and after clipping: trust is 1.6
        (_m([[0.8, 0.8]]), np.array([0.8, 0.8])),
        # square: C clips columns, not rows; tall: every validator's row is clipped
        (_m([[0.6, 0.4], [0.2, 0.8]]), np.array([0.5, 0.3])),
        (_m([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1]]), np.array([0.5, 0.5])),
    ],
    compare=_close,
    near=_near,
    returns=tuple,
    items=np.ndarray,
    hints=[
        "Run the teammate's version and look at W_demo afterwards, and at the shape "
        "of the trust it returns.",
        "Bug 1: column = W[:, j] is a view, so the assignment changes the caller's W. "
        "Bug 2: trust is one number per validator, the sum of each row (axis=1).",
        "clipped = np.minimum(W, C) builds a new array; return clipped, "
        "clipped.sum(axis=1)",
    ],
    wrong=[
        _clip_buggy,
        _clip_in_place,
        _clip_axis0,
        lambda W, C: (np.maximum(W, C), np.maximum(W, C).sum(axis=1)),
        lambda W, C: np.minimum(W, C),
        lambda W, C: (np.minimum(W, C), np.minimum(W, C).mean(axis=1)),
        lambda W, C: (np.minimum(W, C), W.sum(axis=1)),  # trust before clipping
        lambda W, C: (  # trust as a list, not a numpy array
            np.minimum(W, C),
            list(np.minimum(W, C).sum(axis=1)),
        ),
        lambda W, C: (np.minimum(W, C), np.minimum(W, C).sum(axis=1).round(3)),
        _clip_rows_when_square,
        _clip_first_rows_only,
        lambda W, C: (  # trust capped at 1
            np.minimum(W, C),
            np.minimum(np.minimum(W, C).sum(axis=1), 1.0),
        ),
        lambda W, C: (  # trust as a share of the row
            np.minimum(W, C),
            np.minimum(W, C).sum(axis=1) / np.maximum(W.sum(axis=1), 1e-300),
        ),
    ],
)


# -- 08.4 --------------------------------------------------------------------------
def _incentive(stake: np.ndarray, W: np.ndarray, kappa: float) -> np.ndarray:
    return epoch(stake, W, kappa=kappa).incentive


def _pipeline(
    stake,
    W,
    kappa,
    *,
    median=_median_by,
    clip=True,
    rows=True,
    guard=True,
    norm_stake=True,
):
    s = _f(stake)
    S = s / s.sum() if norm_stake and s.sum() > 0 else s
    Wn = _normalize_rows(W) if rows else _f(W)
    C = np.array([median(S, Wn[:, j], kappa) for j in range(Wn.shape[1])])
    ranks = S @ (np.minimum(Wn, C) if clip else Wn)
    total = ranks.sum()
    if guard:
        return ranks / total if total > 0 else np.zeros_like(ranks)
    return ranks / total


def _incentive_drops_zero_rows(stake, W, kappa):
    """Wrong: validators with an all-zero row left out (their stake too)."""
    keep = _f(W).sum(axis=1) > 0
    if not keep.any():
        return np.zeros(np.shape(W)[1])
    return _pipeline(_f(stake)[keep], _f(W)[keep], kappa)


def _incentive_in_place(stake, W, kappa):
    """Wrong: normalises a float caller's stake in place."""
    stake = np.asarray(stake, dtype=float)  # no copy when stake is float64 already
    if stake.sum() > 0:
        stake /= stake.sum()
    return _pipeline(stake, W, kappa)


incentive = PureFunctionCheck(
    "08.4 incentive",
    reference=_incentive,
    cases=lambda: [
        (
            np.array([4, 2, 2]),
            np.array([[4, 2, 2, 0], [2, 4, 2, 0], [0, 2, 2, 4]]),
            0.5,
        ),
        (np.array([5, 3]), np.array([[65535, 0, 21845], [0, 65535, 65535]]), 0.5),
        (np.array([3, 1]), np.array([[1, 1, 2], [4, 0, 0]]), 0.75),  # tie at 3/4
        (np.array([6, 2, 0]), np.array([[3, 1, 0], [1, 3, 0], [0, 0, 9]]), 0.0),
        (np.array([1, 1, 2]), np.array([[0, 0, 0], [2, 2, 4], [0, 1, 1]]), 0.5),
        (np.array([2, 2]), np.array([[0, 0], [0, 0]]), 0.5),  # nobody weights
        (np.array([0, 0]), np.array([[1, 0], [0, 1]]), 0.5),  # nobody staked
        (np.array([8, 4, 4]), np.array([[9, 1], [1, 9], [5, 5]]), 0.5),
        # support a little below kappa: 0.45 and 0.499 of the stake are not half
        (np.array([9, 11]), np.array([[1, 0], [0, 1]]), 0.5),
        (np.array([499, 501]), np.array([[1, 0], [0, 1]]), 0.5),
        # a validator that weights nobody still holds stake: 3 of 5 back neither
        (np.array([3, 1, 1]), np.array([[0, 0], [1, 0], [0, 1]]), 0.5),
        # float stake and weights (as a learner's own subnet may have them) and
        # shares that are no binary fraction (1/3 and 2/3: clearly away from 1/2)
        (np.array([1.0, 2.0]), np.array([[0.3, 0.7], [0.6, 0.4]]), 0.5),
        (
            np.array([1.5, 0.5, 1.0]),
            np.array([[1.0, 2.0], [2.0, 1.0], [0.5, 0.5]]),
            0.5,
        ),
    ],
    compare=_close,
    near=_near,
    returns=np.ndarray,
    hints=[
        "Four steps: S = stake / stake.sum() (zeros if that sum is 0); Wn = "
        "normalize_rows(W); C[j] = "
        "weighted_median(S, Wn[:, j], kappa) for each miner; ranks = S @ min(Wn, C).",
        "Clip before ranking: ranks come from the clipped weights, not from Wn. Use "
        "the normalised stake in the median, since kappa is a share of the stake.",
        "If ranks.sum() is 0, return np.zeros_like(ranks) instead of dividing.",
    ],
    wrong=[
        lambda s, W, k: _pipeline(s, W, k, clip=False),
        lambda s, W, k: _pipeline(s, W, k, rows=False),
        lambda s, W, k: _pipeline(s, W, k, guard=False),
        lambda s, W, k: _pipeline(s, W, k, norm_stake=False),
        lambda s, W, k: _pipeline(
            s, W, k, median=lambda a, b, c: _median_by(a, b, c, strict=True)
        ),
        lambda s, W, k: _pipeline(s, W, 0.5),
        lambda s, W, k: _pipeline(  # a slack below kappa in the median
            s, W, k, median=lambda a, b, c: _median_by(a, b, c - 0.1)
        ),
        lambda s, W, k: _pipeline(
            s, W, k, median=lambda a, b, c: _median_by(a, b, c - 1e-3)
        ),
        _incentive_drops_zero_rows,
        _incentive_in_place,
        lambda s, W, k: _pipeline(
            s, W, k, median=lambda a, b, c: float(np.asarray(a) @ np.asarray(b))
        ),
    ],
)


# -- 08.5 --------------------------------------------------------------------------
def _bonds_and_dividends(S, W_clipped, inc, B_old, alpha):
    S, Wc = _f(S), _f(W_clipped)
    dB = _colnorm(S[:, None] * Wc)
    B = _colnorm(alpha * dB + (1 - alpha) * _colnorm(_f(B_old)))
    D = B @ _f(inc)
    total = D.sum()
    return B, (D / total if total > 0 else D)


def _no_ema(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(S, Wc, inc, np.zeros_like(_f(Wc)), 1.0)


def _swapped_ema(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(S, Wc, inc, B_old, 1 - alpha)


def _no_stake(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(np.ones(len(S)), Wc, inc, B_old, alpha)


def _raw_old_bonds(S, Wc, inc, B_old, alpha):
    dB = _colnorm(_f(S)[:, None] * _f(Wc))
    B = _colnorm(alpha * dB + (1 - alpha) * _f(B_old))
    D = B @ _f(inc)
    return B, (D / D.sum() if D.sum() > 0 else D)


def _nan_dividends(S, Wc, inc, B_old, alpha):
    B, _ = _bonds_and_dividends(S, Wc, inc, B_old, alpha)
    D = B @ _f(inc)
    return B, D / D.sum()


def _old_bonds_in_place(S, Wc, inc, B_old, alpha):
    B_old *= 1.0 - alpha  # changes the caller's bonds
    dB = _colnorm(_f(S)[:, None] * _f(Wc))
    B = _colnorm(alpha * dB + _colnorm(B_old))
    D = B @ _f(inc)
    return B, (D / D.sum() if D.sum() > 0 else D)


def _bonds_float32(S, Wc, inc, B_old, alpha):
    B, D = _bonds_and_dividends(S, Wc, inc, B_old, alpha)
    return B.astype(np.float32), D.astype(np.float32)


def _unnormalised_dividends(S, Wc, inc, B_old, alpha):
    B, _ = _bonds_and_dividends(S, Wc, inc, B_old, alpha)
    return B, B @ _f(inc)


def _dividends_before_norm(S, Wc, inc, B_old, alpha):
    """Wrong: dividends from the EMA before its column normalisation."""
    dB = _colnorm(_f(S)[:, None] * _f(Wc))
    blend = alpha * dB + (1 - alpha) * _colnorm(_f(B_old))
    D = blend @ _f(inc)
    return _colnorm(blend), (D / D.sum() if D.sum() > 0 else D)


def _bonds_epsilon(S, Wc, inc, B_old, alpha):
    """Wrong: colnorm as M / (M.sum(0) + 1e-12): tiny columns come out small."""

    def colnorm(m):
        return m / (m.sum(axis=0) + 1e-12)

    dB = colnorm(_f(S)[:, None] * _f(Wc))
    B = colnorm(alpha * dB + (1 - alpha) * colnorm(_f(B_old)))
    D = B @ _f(inc)
    return B, (D / D.sum() if D.sum() > 0 else D)


_Wc5 = [[0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0], [0, 0.25, 0.25, 0]]

bonds_and_dividends = PureFunctionCheck(
    "08.5 bonds_and_dividends",
    reference=_bonds_and_dividends,
    cases=lambda: [
        (
            np.array([0.5, 0.25, 0.25]),
            _m(_Wc5),
            np.array([5, 4, 4, 0]) / 13,
            np.zeros((3, 4)),
            0.1,
        ),
        (
            np.array([0.5, 0.25, 0.25]),
            _m(_Wc5),
            np.array([5, 4, 4, 0]) / 13,
            _m([[1, 0, 2, 0], [1, 1, 1, 0], [0, 1, 1, 3]]),
            0.1,
        ),
        (
            np.array([0.6, 0.2, 0.2]),
            _m([[0, 1, 0], [0, 1, 0], [0, 0, 0]]),
            np.array([0.0, 1.0, 0.0]),
            _m([[6, 6, 0], [2, 2, 0], [2, 2, 0]]),
            0.3,
        ),
        (  # nothing earned: the dividends are zeros, not nan
            np.array([0.7, 0.3]),
            _m([[0.2, 0.0], [0.0, 0.0]]),
            np.array([0.0, 0.0]),
            _m([[30000, 1], [65535, 2]]),
            0.1,
        ),
        (  # incentive not normalised: D still sums to 1
            np.array([0.5, 0.25, 0.25]),
            _m(_Wc5),
            np.array([5.0, 4.0, 4.0, 0.0]),
            _m([[1, 0, 2, 0], [1, 1, 1, 0], [0, 1, 1, 3]]),
            0.1,
        ),
        (  # incentive on a miner nobody bonds to: B @ inc sums to less than 1
            np.array([0.6, 0.4]),
            _m([[0.5, 0.0], [0.5, 0.0]]),
            np.array([0.5, 0.5]),
            np.zeros((2, 2)),
            0.2,
        ),
        (  # a new miner (no old bonds on it) beside an old one
            np.array([0.5, 0.5]),
            _m([[0.5, 0.5], [0.5, 0.5]]),
            np.array([0.5, 0.5]),
            _m([[1, 0], [0, 0]]),
            0.1,
        ),
        (  # tiny column sums are sums: no epsilon, no threshold
            np.array([0.5, 0.5]),
            _m([[3e-12, 0.5], [1e-12, 0.5]]),
            np.array([0.5, 0.5]),
            _m([[1, 1], [3, 1]]),
            0.1,
        ),
        (  # old bonds as the chain stores them: u16 integers
            np.array([0.5, 0.25, 0.25]),
            _m(_Wc5),
            np.array([5, 4, 4, 0]) / 13,
            np.array([[65535, 0, 30000, 0], [1000, 65535, 1, 0], [0, 9, 65535, 65535]]),
            0.1,
        ),
    ],
    compare=_close,
    near=_near,
    returns=tuple,
    items=np.ndarray,
    hints=[
        "Return (B, D). The instant bonds are S_i * W_clipped_ij, normalised so each "
        "column sums to 1 (an all-zero column stays zero).",
        "New bonds: colnorm(alpha * dB + (1 - alpha) * colnorm(B_old)): the old bonds "
        "come in any scale (u16 from the chain), so normalise them first. Dividends: "
        "D = B @ inc, normalised to sum 1, and all zeros stay zeros.",
        "Write colnorm(M) with np.divide(M, M.sum(axis=0), out=np.zeros(M.shape), "
        "where=M.sum(axis=0) > 0) (a float64 out, so u16 bonds work too) and use it "
        "three times; never write into B_old.",
    ],
    wrong=[
        _no_ema,
        _swapped_ema,
        _no_stake,
        _raw_old_bonds,
        _nan_dividends,
        _old_bonds_in_place,
        _bonds_float32,
        _unnormalised_dividends,
        lambda *a: tuple(x.tolist() for x in _bonds_and_dividends(*a)),  # lists
        _dividends_before_norm,
        _bonds_epsilon,
    ],
)


# -- 08.6 --------------------------------------------------------------------------
def _cabal_threshold() -> int:
    honest, cabal = [6, 6, 6, 2, 0], [1, 1, 1, 1, 16]
    for pct in range(101):
        h = (100 - pct) / 2
        if epoch([h, h, pct], [honest, honest, cabal], kappa=2 / 3).incentive[4] > 0:
            return pct
    return -1


cabal_threshold = ValueCheck(
    "08.6 cabal_threshold",
    expected=_cabal_threshold,
    describe="the smallest whole-percent cabal stake that pays the cabal's miner "
    "when kappa = 2/3",
    compare=is_whole,
    hints=[
        "Sweep the cabal's stake from 0 to 100 percent, splitting the rest equally "
        "between the two honest validators, and run epoch(..., kappa=2/3) each time.",
        "For pct in range(101): r = epoch([h, h, pct], [honest, honest, cabal], "
        "kappa=2/3) with h = (100 - pct) / 2; stop at the first pct where "
        "r.incentive[4] > 0.",
        "Only the cabal weights miner 4, so the cabal alone must hold kappa of the "
        "stake. Answer with an int, not a share like 0.5.",
    ],
    wrong=[50, 51, 66, 68, 0.67, 67.0, "67", True, 100],
)
