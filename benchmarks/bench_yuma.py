"""Speed of ``refimpl.market.yuma.epoch`` against a per-column loop (lesson 08),
and what the fused sibling ``epoch_fused`` buys over the lesson-shaped ``epoch``.

One classic epoch at 64 validators x 4096 miners (random u16-like weights and
previous bonds, all validators active and permitted). The baseline is the same
math written the straightforward way: plain Python, one miner column at a time
(sort the column, accumulate stake to kappa, clip, rank, bond EMA). A second row
compares with a stronger baseline that still loops over columns but uses numpy
inside each one. Both run in the same process, interleaved, and must
agree to 1e-9 before anything is timed; each figure is the fastest run (the
one least disturbed by other processes on a shared machine).

A third row times ``epoch_fused`` (the classic bond steps in one pass, used by
the subnet) against ``epoch`` (lesson 08's steps, one function each): the ratio
is what fusing buys at this size.

Rows: (what, figure, unit, ratio vs baseline, baseline description). Run as a
script to print the table.
"""

from __future__ import annotations

import time

import numpy as np

from refimpl.market.yuma import epoch, epoch_fused

Row = tuple[str, float, str, float, str]

N_VAL, N_MIN = 64, 4096


def loop_epoch(stake, weights, bonds, kappa=0.5, alpha=0.1, beta=1.0):
    """Classic Yuma written the straightforward way: plain Python, one miner
    column at a time (the baseline). Takes and returns lists."""
    v, m = len(weights), len(weights[0])
    total_stake = sum(stake)
    s = [x / total_stake for x in stake]
    w = []
    for row in weights:
        row_sum = sum(row)
        w.append([x / row_sum if row_sum else 0.0 for x in row])
    consensus, ranks, clipped = [0.0] * m, [0.0] * m, [[0.0] * m for _ in range(v)]
    for j in range(m):
        col = sorted(((w[i][j], s[i]) for i in range(v)), reverse=True)
        support, c = 0.0, 0.0
        for value, stake_i in col:
            support += stake_i
            if support >= kappa - 1e-12:
                c = value
                break
        consensus[j] = c
        for i in range(v):
            clipped[i][j] = min(w[i][j], c)
            ranks[j] += s[i] * clipped[i][j]
    rank_sum = sum(ranks)
    incentive = [r / rank_sum if rank_sum else 0.0 for r in ranks]
    trust = [sum(row) for row in clipped]
    new_bonds = [[0.0] * m for _ in range(v)]
    for j in range(m):
        delta = [s[i] * ((1 - beta) * w[i][j] + beta * clipped[i][j]) for i in range(v)]
        d_sum = sum(delta)
        old = [bonds[i][j] for i in range(v)]
        o_sum = sum(old)
        ema = [
            alpha * (delta[i] / d_sum if d_sum else 0.0)
            + (1 - alpha) * (old[i] / o_sum if o_sum else 0.0)
            for i in range(v)
        ]
        e_sum = sum(ema)
        for i in range(v):
            new_bonds[i][j] = ema[i] / e_sum if e_sum else 0.0
    dividends = [
        sum(b * x for b, x in zip(row, incentive, strict=True)) for row in new_bonds
    ]
    d_total = sum(dividends)
    return consensus, incentive, trust, [d / d_total for d in dividends]


def loop_epoch_numpy(stake, weights, bonds, kappa=0.5, alpha=0.1, beta=1.0):
    """Classic Yuma with a Python loop over miner columns, numpy inside each
    column: a stronger second baseline."""
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


def _best(fn, repeat: int) -> float:
    """Fastest of ``repeat`` runs: on a shared machine the minimum is the run
    least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(rounds: int = 3) -> list[Row]:
    stake, weights, bonds = _inputs()
    lists = (stake.tolist(), weights.tolist(), bonds.tolist())
    ours = lambda: epoch(stake, weights, bonds)
    pure = lambda: loop_epoch(*lists)
    semi = lambda: loop_epoch_numpy(stake, weights, bonds)
    fused = lambda: epoch_fused(stake, weights, bonds)

    r = ours()
    rf = fused()
    for name in ("consensus", "incentive", "validator_trust", "dividends", "bonds"):
        assert np.allclose(getattr(r, name), getattr(rf, name), rtol=0, atol=1e-12)
    for base in (pure, semi):
        c, i, t, d = base()
        assert np.allclose(r.consensus, c, atol=1e-9)
        assert np.allclose(r.incentive, i, atol=1e-9)
        assert np.allclose(r.validator_trust, t, atol=1e-9)
        assert np.allclose(r.dividends, d, atol=1e-9)

    fast, slow, slow_np, quick = [], [], [], []
    for _ in range(rounds):  # interleaved, so all see the same machine load
        fast.append(_best(ours, 5))
        quick.append(_best(fused, 5))
        slow.append(_best(pure, 1))
        slow_np.append(_best(semi, 1))
    what = f"classic epoch {N_VAL}x{N_MIN} (numpy)"
    return [
        (
            what,
            min(fast) * 1e3,
            "ms",
            min(slow) / min(fast),
            "same math, plain Python loop over miner columns",
        ),
        (
            what,
            min(fast) * 1e3,
            "ms",
            min(slow_np) / min(fast),
            "same math, Python loop over columns with numpy inside",
        ),
        (
            f"classic epoch_fused {N_VAL}x{N_MIN}",
            min(quick) * 1e3,
            "ms",
            min(fast) / min(quick),
            "epoch: lesson 08's steps, one function each",
        ),
    ]


if __name__ == "__main__":
    for what, fig, unit, ratio, base in run():
        print(f"{what:40s} {fig:10.2f} {unit:4s} {ratio:8.1f}x  vs {base}")
