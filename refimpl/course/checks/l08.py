"""Checks for lesson 08 (Yuma Consensus).

The references are small numpy functions written here, one per step of the
epoch; ``cabal_threshold`` is computed with ``refimpl.market.yuma.epoch``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from refimpl.course import FunctionCheck, ValueCheck

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

    A numpy array is wanted where the reference returns one (same shape), a tuple
    where it returns a pair, and a number (int or float) for a float. Inside a pair,
    items are compared by value only: the feedback can name a wrong item, but not an
    item that is right in value and wrong in type.
    """
    if isinstance(expected, tuple):
        return (
            type(got) is tuple
            and len(got) == len(expected)
            and all(_values_close(g, e) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return False
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
        return g.shape == e.shape and bool(np.allclose(g, e, atol=1e-9, rtol=0))
    if isinstance(got, bool) or not isinstance(got, int | float | np.number):
        return False
    return bool(abs(float(got) - float(expected)) <= 1e-9)


def _values_close(got: Any, expected: Any) -> bool:
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    return g.shape == e.shape and bool(np.allclose(g, e, atol=1e-9, rtol=0))


def _m(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def _colnorm(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=0)
    return np.divide(m, sums, out=np.zeros_like(m), where=sums > 0)


# -- 08.1 --------------------------------------------------------------------------
def _normalize_rows(W: np.ndarray) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    sums = W.sum(axis=1, keepdims=True)
    return np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)


normalize_rows = FunctionCheck(
    "08.1 normalize_rows",
    reference=_normalize_rows,
    cases=lambda: [
        (_m([[4, 2, 2, 0], [2, 4, 2, 0], [0, 2, 2, 4]]),),
        (_m([[65535, 32768], [1, 3]]),),
        (_m([[0, 0, 0], [1, 0, 1]]),),
        (_m([[5]]),),
    ],
    compare=_close,
    hints=[
        "Each validator's row of weights should sum to 1; a row of zeros stays zeros.",
        "Divide by W.sum(axis=1, keepdims=True), but not where that sum is 0.",
        "np.divide(W, sums, out=np.zeros_like(W, dtype=float), where=sums > 0)",
    ],
    solution=(
        "def normalize_rows(W):\n"
        "    W = np.asarray(W, dtype=float)\n"
        "    sums = W.sum(axis=1, keepdims=True)\n"
        "    return np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)"
    ),
    wrong=[
        lambda W: np.asarray(W, float) / np.asarray(W, float).sum(),
        lambda W: _colnorm(np.asarray(W, float)),
        lambda W: np.asarray(W, float) / np.asarray(W, float).max(),
    ],
)


# -- 08.2 --------------------------------------------------------------------------
def _weighted_median(stake: np.ndarray, column: np.ndarray, kappa: float) -> float:
    s = np.asarray(stake, dtype=np.float64)
    c = np.asarray(column, dtype=np.float64)
    best = 0.0
    for w in c[s > 0]:
        if s[c >= w].sum() >= kappa - 1e-12:
            best = max(best, float(w))
    return best


def _mean_median(stake, column, kappa):
    return float(np.asarray(stake, float) @ np.asarray(column, float))


def _strict_median(stake, column, kappa):
    s, c = np.asarray(stake, float), np.asarray(column, float)
    best = 0.0
    for w in c:
        if s[c >= w].sum() > kappa:
            best = max(best, float(w))
    return best


def _unstaked_median(stake, column, kappa):
    """Lets a validator without stake propose the consensus weight."""
    s, c = np.asarray(stake, float), np.asarray(column, float)
    best = 0.0
    for w in c:
        if s[c >= w].sum() >= kappa:
            best = max(best, float(w))
    return best


def _plain_median(stake, column, kappa):
    return float(np.median(np.asarray(column, float)))


weighted_median = FunctionCheck(
    "08.2 weighted_median",
    reference=_weighted_median,
    cases=lambda: [
        (np.array([0.5, 0.25, 0.25]), np.array([0.3, 0.6, 0.1]), 0.5),
        (np.array([0.5, 0.25, 0.25]), np.array([0.5, 0.2, 0.0]), 0.5),  # tie
        (np.array([0.25, 0.25, 0.2, 0.2, 0.1]), np.array([0, 0, 0, 0.05, 0.8]), 0.5),
        (np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.4, 0.1, 0.2, 0.3]), 0.5),
        (np.array([0.0, 0.75, 0.25, 0.0]), np.array([0.3, 0.2, 0.3, 0.9]), 0.24),
        (np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.5),
        # kappa = 0: every weight has enough support, but only staked ones count
        (np.array([0.0, 1.0]), np.array([0.9, 0.3]), 0.0),
        (np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.0),
    ],
    compare=_close,
    hints=[
        "Find the largest weight w such that the validators giving w or more hold "
        "at least kappa of the stake. Only validators with stake take part.",
        "Try each staked validator's weight w as a candidate: add up the stake of "
        "everyone with column >= w; keep the largest w whose support is >= kappa.",
        "Stake exactly equal to kappa counts (use >=, not >). If nothing qualifies, "
        "the answer is 0.0.",
    ],
    solution=(
        "def weighted_median(stake, column, kappa):\n"
        "    best = 0.0\n"
        "    for w in column[stake > 0]:\n"
        "        if stake[column >= w].sum() >= kappa:\n"
        "            best = max(best, float(w))\n"
        "    return best"
    ),
    wrong=[_mean_median, _strict_median, _unstaked_median, _plain_median],
)


# -- 08.3 --------------------------------------------------------------------------
def _clip_weights(W: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    clipped = np.minimum(np.asarray(W, float), np.asarray(C, float))
    return clipped, clipped.sum(axis=1)


_W3 = [[0.5, 0.25, 0.25, 0], [0.25, 0.5, 0.25, 0], [0, 0.25, 0.25, 0.5]]

clip_weights = FunctionCheck(
    "08.3 clip_weights",
    reference=_clip_weights,
    cases=lambda: [
        (_m(_W3), np.array([0.5, 0.25, 0.25, 0.0])),
        (
            _m([[0.3, 0.3, 0.3, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05, 0.8]]),
            np.array([0.3, 0.3, 0.3, 0.1, 0.0]),
        ),
        (_m([[1.0, 0.0]]), np.array([0.0, 0.0])),
    ],
    compare=_close,
    hints=[
        "Return two things: the clipped matrix and each validator's trust.",
        "Clipped = the smaller of W_ij and C_j; trust = the row sums of the clipped "
        "matrix.",
        "clipped = np.minimum(W, C); return clipped, clipped.sum(axis=1)",
    ],
    solution=(
        "def clip_weights(W, C):\n"
        "    clipped = np.minimum(W, C)\n"
        "    return clipped, clipped.sum(axis=1)"
    ),
    wrong=[
        lambda W, C: (np.maximum(W, C), np.maximum(W, C).sum(axis=1)),
        lambda W, C: (np.minimum(W, C), np.minimum(W, C).sum(axis=0)),
        lambda W, C: np.minimum(W, C),
    ],
)


# -- 08.4 --------------------------------------------------------------------------
def _incentive(S: np.ndarray, W_clipped: np.ndarray) -> np.ndarray:
    ranks = np.asarray(S, float) @ np.asarray(W_clipped, float)
    total = ranks.sum()
    return ranks / total if total > 0 else ranks


incentive = FunctionCheck(
    "08.4 incentive",
    reference=_incentive,
    cases=lambda: [
        (
            np.array([0.5, 0.25, 0.25]),
            _m([[0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0], [0, 0.25, 0.25, 0]]),
        ),
        (np.array([0.7, 0.3]), _m([[0.3, 0.3, 0.3, 0.1, 0.0], [0.05] * 4 + [0.0]])),
        (np.array([1.0, 0.0]), _m([[0.0, 0.0, 0.0], [0.0, 0.5, 0.5]])),
    ],
    compare=_close,
    hints=[
        "A miner's rank is the stake-weighted sum of its clipped weights; incentive "
        "is each miner's share of the total rank.",
        "ranks = S @ W_clipped (one number per miner), then divide by ranks.sum().",
        "If every rank is 0 (nobody's weight survived), return the zeros unchanged.",
    ],
    solution=(
        "def incentive(S, W_clipped):\n"
        "    ranks = S @ W_clipped\n"
        "    total = ranks.sum()\n"
        "    return ranks / total if total > 0 else ranks"
    ),
    wrong=[
        lambda S, Wc: np.asarray(S, float) @ np.asarray(Wc, float),
        lambda S, Wc: (
            np.asarray(Wc, float).sum(axis=0) / max(np.asarray(Wc, float).sum(), 1e-300)
        ),
        lambda S, Wc: (
            (np.asarray(S, float) @ np.asarray(Wc, float))
            / (np.asarray(S, float) @ np.asarray(Wc, float)).max()
        ),
    ],
)


# -- 08.5 --------------------------------------------------------------------------
def _bonds_and_dividends(S, W_clipped, inc, B_old, alpha):
    S, Wc = np.asarray(S, float), np.asarray(W_clipped, float)
    dB = _colnorm(S[:, None] * Wc)
    B = _colnorm(alpha * dB + (1 - alpha) * _colnorm(np.asarray(B_old, float)))
    D = B @ np.asarray(inc, float)
    total = D.sum()
    return B, (D / total if total > 0 else D)


def _no_ema(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(S, Wc, inc, np.zeros_like(np.asarray(Wc, float)), 1.0)


def _swapped_ema(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(S, Wc, inc, B_old, 1 - alpha)


def _no_stake(S, Wc, inc, B_old, alpha):
    return _bonds_and_dividends(np.ones(len(S)), Wc, inc, B_old, alpha)


_Wc5 = [[0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0], [0, 0.25, 0.25, 0]]

bonds_and_dividends = FunctionCheck(
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
            0.1,
        ),
    ],
    compare=_close,
    hints=[
        "Return (B, D). The instant bonds are S_i * W_clipped_ij, normalised so each "
        "column sums to 1 (an all-zero column stays zero).",
        "New bonds: colnorm(alpha * dB + (1 - alpha) * colnorm(B_old)). Dividends: "
        "D = B @ inc, normalised to sum 1.",
        "Write colnorm(M) with np.divide(M, M.sum(axis=0), out=np.zeros_like(M), "
        "where=M.sum(axis=0) > 0) and use it three times.",
    ],
    solution=(
        "def colnorm(M):\n"
        "    sums = M.sum(axis=0)\n"
        "    return np.divide(M, sums, out=np.zeros_like(M), where=sums > 0)\n\n"
        "def bonds_and_dividends(S, W_clipped, inc, B_old, alpha):\n"
        "    dB = colnorm(S[:, None] * W_clipped)\n"
        "    B = colnorm(alpha * dB + (1 - alpha) * colnorm(B_old))\n"
        "    D = B @ inc\n"
        "    return B, D / D.sum() if D.sum() > 0 else D"
    ),
    wrong=[_no_ema, _swapped_ema, _no_stake],
)


# -- 08.6 --------------------------------------------------------------------------
def _cabal_threshold() -> int:
    from refimpl.market.yuma import epoch

    honest, cabal = [6, 6, 6, 2, 0], [1, 1, 1, 1, 16]
    for pct in range(101):
        h = (100 - pct) / 2
        if epoch([h, h, pct], [honest, honest, cabal]).incentive[4] > 0:
            return pct
    return -1


cabal_threshold = ValueCheck(
    "08.6 cabal_threshold",
    expected=_cabal_threshold,
    describe="the smallest whole-percent cabal stake that pays the cabal's miner",
    compare=lambda got, exp: type(got) is int and got == exp,
    hints=[
        "Sweep the cabal's stake from 0 to 100 percent, splitting the rest equally "
        "between the two honest validators, and run epoch each time.",
        "For pct in range(101): r = epoch([h, h, pct], [honest, honest, cabal]) "
        "with h = (100 - pct) / 2; stop at the first pct where r.incentive[4] > 0.",
        "Remember the tie rule: stake exactly equal to kappa already counts.",
    ],
    solution=(
        "cabal_threshold = next(\n"
        "    pct for pct in range(101)\n"
        "    if epoch([(100 - pct) / 2, (100 - pct) / 2, pct],\n"
        "             [honest, honest, cabal]).incentive[4] > 0\n"
        ")"
    ),
    wrong=[51, 49, 0.5, 50.0, "50"],
)
