"""Speed of ``refimpl.market.yuma.epoch`` against a per-column loop (lesson 08).

One classic epoch at 64 validators x 4096 miners (random u16-like weights and
previous bonds, all validators active and permitted). The baseline is the same
math written the straightforward way: a Python loop over miner columns (numpy
inside each column) for the weighted median, the clipping, the ranks and the
bond EMA. Both run in the same process, interleaved, and must
agree to 1e-9 before anything is timed.

Rows: (what, figure, unit, ratio vs baseline, baseline description). Run as a
script to print the table.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from refimpl.market.yuma import epoch

Row = tuple[str, float, str, float, str]

N_VAL, N_MIN = 64, 4096


def loop_epoch(stake, weights, bonds, kappa=0.5, alpha=0.1, beta=1.0):
    """Classic Yuma with a Python loop over miner columns (numpy inside each
    column): the straightforward way to write it, and the baseline."""
    v, m = weights.shape
    s = stake / stake.sum()
    w = weights / weights.sum(axis=1, keepdims=True)
    consensus = np.zeros(m)
    clipped = np.zeros((v, m))
    ranks = np.zeros(m)
    for j in range(m):
        col = w[:, j]
        order = np.argsort(-col, kind="stable")
        support = np.cumsum(s[order])
        hit = np.flatnonzero(support >= kappa - 1e-12)
        consensus[j] = col[order[hit[0]]] if hit.size else 0.0
        clipped[:, j] = np.minimum(col, consensus[j])
        ranks[j] = s @ clipped[:, j]
    incentive = ranks / ranks.sum()
    trust = np.array([clipped[i].sum() for i in range(v)])
    new_bonds = np.zeros((v, m))
    for j in range(m):
        wb = (1 - beta) * w[:, j] + beta * clipped[:, j]
        delta = s * wb
        delta = delta / delta.sum() if delta.sum() else delta
        old = bonds[:, j] / bonds[:, j].sum() if bonds[:, j].sum() else bonds[:, j]
        ema = alpha * delta + (1 - alpha) * old
        new_bonds[:, j] = ema / ema.sum() if ema.sum() else ema
    dividends = np.array([new_bonds[i] @ incentive for i in range(v)])
    return consensus, incentive, trust, dividends / dividends.sum()


def _inputs(seed: int = 0):
    rng = np.random.RandomState(seed)
    stake = rng.randint(1, 1000, N_VAL).astype(np.float64)
    weights = rng.randint(0, 65536, (N_VAL, N_MIN)).astype(np.float64)
    weights[rng.rand(N_VAL, N_MIN) < 0.5] = 0.0  # sparse-ish rows
    bonds = rng.randint(0, 65536, (N_VAL, N_MIN)).astype(np.float64)
    return stake, weights, bonds


def _time(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def run(rounds: int = 3) -> list[Row]:
    stake, weights, bonds = _inputs()
    ours = lambda: epoch(stake, weights, bonds)
    base = lambda: loop_epoch(stake, weights, bonds)

    r = ours()
    c, i, t, d = base()
    assert np.allclose(r.consensus, c, atol=1e-9)
    assert np.allclose(r.incentive, i, atol=1e-9)
    assert np.allclose(r.validator_trust, t, atol=1e-9)
    assert np.allclose(r.dividends, d, atol=1e-9)

    fast, ratios = [], []
    for _ in range(rounds):
        o = _time(ours, 5)
        b = _time(base, 1)
        fast.append(o)
        ratios.append(b / o)
    return [
        (
            f"classic epoch {N_VAL}x{N_MIN} (numpy)",
            statistics.median(fast) * 1e3,
            "ms",
            statistics.median(ratios),
            "same math, Python loop over miner columns",
        )
    ]


if __name__ == "__main__":
    for what, fig, unit, ratio, base in run():
        print(f"{what:40s} {fig:10.2f} {unit:4s} {ratio:8.1f}x  vs {base}")
