"""Checks for lesson 06 (miners are models)."""

from __future__ import annotations

import math

from refimpl.course import FunctionCheck

__all__ = ["relative_loss", "count_params", "tier", "uid_for_registration"]


def _close(got, expected) -> bool:
    return isinstance(got, float | int) and math.isclose(
        float(got), expected, rel_tol=1e-5, abs_tol=1e-9
    )


def _tensors():
    import torch

    y = torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return [
        (y.clone(), y),
        (torch.zeros(4, 1), y),
        (-y, y),
        (y + 0.5, y),
        (torch.tensor([[0.1], [0.2]]), torch.tensor([[0.3], [-0.4]])),
    ]


# -- 06.1 --------------------------------------------------------------------------
def _relative_loss(pred, y) -> float:
    return float(((pred - y) ** 2).mean() / (y**2).mean())


relative_loss = FunctionCheck(
    "06.1 relative_loss",
    reference=_relative_loss,
    cases=_tensors,
    compare=_close,
    hints=[
        "Divide the miner's mean squared error by the error of answering 0 everywhere.",
        "The all-zero answer's MSE is mean(y ** 2). Return a Python float.",
        "float(((pred - y) ** 2).mean() / (y ** 2).mean())",
    ],
    solution=(
        "def relative_loss(pred, y):\n"
        "    return float(((pred - y) ** 2).mean() / (y ** 2).mean())"
    ),
    wrong=[
        lambda pred, y: float(((pred - y) ** 2).mean()),
        lambda pred, y: float(((pred - y) ** 2).mean() / y.var()),
        lambda pred, y: 1.0 - _relative_loss(pred, y),
    ],
)


# -- 06.2 --------------------------------------------------------------------------
def _count_params(dim: int, hidden: int) -> int:
    return dim * hidden + hidden + hidden * 1 + 1


count_params = FunctionCheck(
    "06.2 count_params",
    reference=_count_params,
    cases=[(8, 64), (8, 32), (8, 8), (1, 1), (3, 5)],
    hints=[
        "Linear(dim, hidden) has a weight matrix and a bias; so has Linear(hidden, 1).",
        "Weights: dim * hidden and hidden * 1. Biases: hidden and 1. Tanh has none.",
        "return dim * hidden + hidden + hidden + 1",
    ],
    solution=(
        "def count_params(dim, hidden):\n    return dim * hidden + hidden + hidden + 1"
    ),
    wrong=[
        lambda dim, hidden: dim * hidden + hidden,
        lambda dim, hidden: (dim + 1) * (hidden + 1),
        lambda dim, hidden: dim * hidden + hidden * 1,
    ],
)


# -- 06.3 --------------------------------------------------------------------------
def _tier(rel: float) -> int:
    if rel < 0.2:
        return 0
    if rel < 1.0:
        return 1
    return 2


tier = FunctionCheck(
    "06.3 tier",
    reference=_tier,
    cases=[(0.05,), (0.2,), (0.5,), (0.999,), (1.0,), (3.8,), (0.0,)],
    hints=[
        "Three tiers: below 0.2 is 0 (good), below 1.0 is 1 (weak), the rest 2.",
        "A miner at exactly 1.0 does no better than answering 0: it is tier 2.",
        "if rel < 0.2: return 0; if rel < 1.0: return 1; return 2",
    ],
    solution=(
        "def tier(rel):\n"
        "    if rel < 0.2:\n"
        "        return 0  # good\n"
        "    if rel < 1.0:\n"
        "        return 1  # weak\n"
        "    return 2  # worthless"
    ),
    wrong=[
        lambda rel: 0 if rel < 0.2 else (1 if rel <= 1.0 else 2),
        lambda rel: 0 if rel <= 0.2 else (1 if rel < 1.0 else 2),
        lambda rel: 0 if rel < 0.2 else 1,
    ],
)


# -- 06.4 --------------------------------------------------------------------------
def _uid_for_registration(
    registered_at, emission, max_uids, height, immunity_period
) -> int:
    n = len(registered_at)
    if n < max_uids:
        return n
    cands = [u for u in range(n) if height - registered_at[u] >= immunity_period]
    cands = cands or list(range(n))  # everyone immune: all are candidates
    return min(cands, key=lambda u: (emission[u], registered_at[u], u))


def _ignore_immunity(registered_at, emission, max_uids, height, immunity_period):
    n = len(registered_at)
    if n < max_uids:
        return n
    return min(range(n), key=lambda u: (emission[u], registered_at[u], u))


def _ties_high_uid(registered_at, emission, max_uids, height, immunity_period):
    n = len(registered_at)
    if n < max_uids:
        return n
    cands = [u for u in range(n) if height - registered_at[u] >= immunity_period]
    cands = cands or list(range(n))
    return min(cands, key=lambda u: (emission[u], registered_at[u], -u))


def _refuse_when_all_immune(registered_at, emission, max_uids, height, immunity_period):
    n = len(registered_at)
    if n < max_uids:
        return n
    cands = [u for u in range(n) if height - registered_at[u] >= immunity_period]
    if not cands:
        return -1
    return min(cands, key=lambda u: (emission[u], registered_at[u], u))


uid_for_registration = FunctionCheck(
    "06.4 uid_for_registration",
    reference=_uid_for_registration,
    cases=[
        ([0, 0, 0], [5, 3, 9], 4, 50, 20),  # room left: the next uid
        ([0, 0, 0], [5, 3, 9], 3, 50, 20),  # full: lowest emission
        ([0, 40, 0], [5, 3, 9], 3, 50, 20),  # uid 1 is immune
        ([40, 45, 48], [3, 2, 1], 3, 50, 20),  # everyone immune: lowest emission
        ([10, 5, 5], [0, 0, 0], 3, 50, 20),  # tie: earliest registration first
        ([5, 5, 5], [0, 0, 0], 3, 50, 20),  # tie again: lower uid
    ],
    hints=[
        "If the subnet is not full, the new neuron gets the next uid, n.",
        "When full, only neurons older than the immunity period can be replaced "
        "(height - registered_at >= immunity_period); if none is, all are candidates.",
        "Among candidates take min by (emission, registered_at, uid).",
    ],
    solution=(
        "def uid_for_registration(registered_at, emission, max_uids, height,\n"
        "                         immunity_period):\n"
        "    n = len(registered_at)\n"
        "    if n < max_uids:\n"
        "        return n\n"
        "    cands = [u for u in range(n)\n"
        "             if height - registered_at[u] >= immunity_period]\n"
        "    cands = cands or list(range(n))  # everyone immune: all are candidates\n"
        "    return min(cands, key=lambda u: (emission[u], registered_at[u], u))"
    ),
    wrong=[_ignore_immunity, _ties_high_uid, _refuse_when_all_immune],
)
