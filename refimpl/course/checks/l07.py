"""Checks for lesson 07 (validators rank peers)."""

from __future__ import annotations

import math

from refimpl.course import FunctionCheck

__all__ = ["reward", "moving_average", "to_u16", "gated_answer", "weights_ok"]


def _close(got, expected) -> bool:
    return isinstance(got, float | int) and math.isclose(
        float(got), expected, rel_tol=1e-5, abs_tol=1e-9
    )


def _allclose(got, expected) -> bool:
    import numpy as np

    got = np.asarray(got, dtype=np.float64)
    return got.shape == np.shape(expected) and bool(np.allclose(got, expected))


def _tensor_cases():
    import torch

    y = torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return [(y.clone(), y), (torch.zeros(4, 1), y), (-y, y), (y + 0.5, y), (2 * y, y)]


# -- 07.1 --------------------------------------------------------------------------
def _reward(pred, y) -> float:
    mse = float(((pred - y) ** 2).mean())
    return max(0.0, 1.0 - mse / float((y**2).mean()))


reward = FunctionCheck(
    "07.1 reward",
    reference=_reward,
    cases=_tensor_cases,
    compare=_close,
    hints=[
        "A miner earns only what it saves over answering 0 everywhere.",
        "reward = 1 - MSE / mean(y ** 2), but never below 0.",
        "max(0.0, 1.0 - float(((pred - y) ** 2).mean()) / float((y ** 2).mean()))",
    ],
    solution=(
        "def reward(pred, y):\n"
        "    mse = float(((pred - y) ** 2).mean())\n"
        "    return max(0.0, 1.0 - mse / float((y ** 2).mean()))"
    ),
    wrong=[
        lambda pred, y: 1.0 - float(((pred - y) ** 2).mean() / (y**2).mean()),
        lambda pred, y: max(0.0, 1.0 - float(((pred - y) ** 2).mean())),
        lambda pred, y: float(((pred - y) ** 2).mean() / (y**2).mean()),
    ],
)


# -- 07.2 --------------------------------------------------------------------------
def _moving_average(scores, rewards, uids, alpha):
    import numpy as np

    scattered = np.zeros(len(scores))
    scattered[list(uids)] = rewards
    return alpha * scattered + (1 - alpha) * np.asarray(scores, dtype=np.float64)


def _only_queried(scores, rewards, uids, alpha):
    import numpy as np

    out = np.asarray(scores, dtype=np.float64).copy()
    for u, r in zip(uids, rewards, strict=True):
        out[u] = alpha * r + (1 - alpha) * out[u]
    return out


moving_average = FunctionCheck(
    "07.2 moving_average",
    reference=_moving_average,
    cases=[
        ([0.0, 0.0, 0.0], [1.0, 0.5, 0.2], [0, 1, 2], 0.1),
        ([1.0, 0.5, 0.2], [1.0], [0], 0.1),
        ([0.3, 0.6, 0.9, 0.1], [0.2, 0.4], [3, 1], 0.5),
    ],
    compare=_allclose,
    hints=[
        "The template updates every uid, not only the ones it queried this step.",
        "Scatter the rewards into a zero vector at `uids`; unqueried uids observe 0.",
        "alpha * scattered + (1 - alpha) * scores",
    ],
    solution=(
        "def moving_average(scores, rewards, uids, alpha):\n"
        "    scattered = np.zeros(len(scores))\n"
        "    scattered[list(uids)] = rewards\n"
        "    return alpha * scattered + (1 - alpha) * np.asarray(scores)"
    ),
    wrong=[
        _only_queried,
        lambda scores, rewards, uids, alpha: _moving_average(
            scores, rewards, uids, 1 - alpha
        ),
    ],
)


# -- 07.3 --------------------------------------------------------------------------
def _to_u16(weights):
    m = max(weights)
    if m <= 0:
        return [], []
    uids, values = [], []
    for u, w in enumerate(weights):
        v = round(w / m * 65535)
        if v:
            uids.append(u)
            values.append(int(v))
    return uids, values


def _sum_scaled(weights):
    total = sum(weights)
    if total <= 0:
        return [], []
    pairs = [(u, round(w / total * 65535)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [int(v) for u, v in pairs if v]


def _keeps_zeros(weights):
    m = max(weights)
    if m <= 0:
        return [], []
    return list(range(len(weights))), [round(w / m * 65535) for w in weights]


def _floored(weights):
    m = max(weights)
    if m <= 0:
        return [], []
    pairs = [(u, math.floor(w / m * 65535)) for u, w in enumerate(weights)]
    return [u for u, v in pairs if v], [v for u, v in pairs if v]


to_u16 = FunctionCheck(
    "07.3 to_u16",
    reference=_to_u16,
    cases=[
        ([0.2, 0.1, 0.0],),
        ([1.0, 1.0, 1.0],),
        ([0.5, 0.0, 0.25, 0.125],),
        ([3.0, 1e-6, 2.0],),
        ([0.0, 0.0],),
        ([0.7, 0.2, 0.1],),
    ],
    compare=lambda got, exp: (
        isinstance(got, tuple | list)
        and len(got) == 2
        and [int(u) for u in got[0]] == exp[0]
        and [int(v) for v in got[1]] == exp[1]
    ),
    hints=[
        "The SDK scales the largest weight to 65535 (max-upscale), not the sum.",
        "round(w / max * 65535) for each weight; then drop the uids whose value is 0.",
        "Return two lists (uids, values); all-zero weights give ([], []).",
    ],
    solution=(
        "def to_u16(weights):\n"
        "    m = max(weights)\n"
        "    if m <= 0:\n"
        "        return [], []\n"
        "    pairs = [(u, round(w / m * 65535)) for u, w in enumerate(weights)]\n"
        "    return [u for u, v in pairs if v], [v for u, v in pairs if v]"
    ),
    wrong=[_sum_scaled, _keeps_zeros, _floored],
)


# -- 07.4 --------------------------------------------------------------------------
def _gate_cases():
    import torch

    gen = torch.Generator().manual_seed(7)
    return [
        (torch.zeros(3, 4), torch.randn(3, 4, generator=gen)),
        (torch.randn(5, 3, generator=gen), torch.randn(5, 3, generator=gen)),
        (torch.tensor([[10.0, 0.0]]), torch.tensor([[1.0, -1.0]])),
    ]


def _gated_answer(logits, outputs):
    import torch

    return (torch.softmax(logits, dim=-1) * outputs).sum(dim=-1, keepdim=True)


def _tensor_close(got, expected) -> bool:
    import torch

    return (
        isinstance(got, torch.Tensor)
        and got.shape == expected.shape
        and bool(torch.allclose(got.float(), expected, atol=1e-6))
    )


gated_answer = FunctionCheck(
    "07.4 gated_answer",
    reference=_gated_answer,
    cases=_gate_cases,
    compare=_tensor_close,
    hints=[
        "Turn each row of logits into gates that sum to 1 across the miners.",
        "torch.softmax(logits, dim=-1), times outputs, summed over the miners "
        "(dim=-1), keeping a [B, 1] shape.",
        "(torch.softmax(logits, dim=-1) * outputs).sum(dim=-1, keepdim=True)",
    ],
    solution=(
        "def gated_answer(logits, outputs):\n"
        "    gates = torch.softmax(logits, dim=-1)\n"
        "    return (gates * outputs).sum(dim=-1, keepdim=True)"
    ),
    wrong=[
        lambda lg, out: (lg * out).sum(dim=-1, keepdim=True),
        lambda lg, out: (_softmax0(lg) * out).sum(dim=-1, keepdim=True),
        lambda lg, out: (_gated_answer(lg, out)).squeeze(-1),
    ],
)


def _softmax0(logits):
    import torch

    return torch.softmax(logits, dim=0)


# -- 07.5 --------------------------------------------------------------------------
def _weights_ok(uids, weights, my_uid, n) -> bool:
    if len(uids) != len(weights) or len(set(uids)) != len(uids):
        return False
    if any(not 0 <= u < n for u in uids) or my_uid in uids:
        return False
    if any(not isinstance(w, int) or not 0 <= w <= 65535 for w in weights):
        return False
    return sum(weights) > 0


def _no_self_rule(uids, weights, my_uid, n) -> bool:
    return _weights_ok(uids, weights, -1, n)


def _no_dup_rule(uids, weights, my_uid, n) -> bool:
    if len(uids) != len(weights):
        return False
    if any(not 0 <= u < n for u in uids) or my_uid in uids:
        return False
    return all(0 <= w <= 65535 for w in weights) and sum(weights) > 0


weights_ok = FunctionCheck(
    "07.5 weights_ok",
    reference=_weights_ok,
    cases=[
        ([1, 2], [65535, 100], 0, 4),
        ([1, 2], [65535], 0, 4),
        ([1, 1], [5, 5], 0, 4),
        ([1, 7], [5, 5], 0, 4),
        ([0, 1], [5, 5], 0, 4),
        ([1, 2], [0, 0], 0, 4),
        ([], [], 0, 4),
        ([3], [70000], 0, 4),
        ([3], [-1], 0, 4),
        ([2, 3], [1, 65535], 1, 4),
    ],
    hints=[
        "Go through the chain's rules one at a time; any broken rule means False.",
        "Lengths equal; no duplicate uid; every uid in 0..n-1; not your own uid; "
        "every weight an int in 0..65535; and not all zero.",
        "len(set(uids)) == len(uids) catches duplicates; sum(weights) > 0 catches "
        "all-zero (and empty) rows.",
    ],
    solution=(
        "def weights_ok(uids, weights, my_uid, n):\n"
        "    if len(uids) != len(weights) or len(set(uids)) != len(uids):\n"
        "        return False\n"
        "    if any(not 0 <= u < n for u in uids) or my_uid in uids:\n"
        "        return False\n"
        "    if any(not isinstance(w, int) or not 0 <= w <= 65535 for w in weights):\n"
        "        return False\n"
        "    return sum(weights) > 0"
    ),
    wrong=[_no_self_rule, _no_dup_rule],
)
