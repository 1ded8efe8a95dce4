"""Validators: three ways to rank the miners a validator can query.

(a) **Loss with a moving average** (the subnet template, ``base/validator.py``):
    each step the validator draws a private batch, queries every miner through a
    dendrite, rewards ``max(0, 1 - MSE / mean(y^2))`` (a miner must beat the trivial
    all-zero answer to earn anything) and updates ``scores = alpha * rewards +
    (1 - alpha) * scores`` for every uid (an unqueried uid observes 0).
(b) **A gating network** (the whitepaper §7, eqs. 9-10): a softmax gate over the
    miners' outputs, ``G(x) = sum_j g_j(x) f_j(x)``, trained on private data; the
    mean learned gate ranks the neighbours.
(c) **Leave-one-out (pruning) score** (whitepaper §9, eq. 12): how much the gated
    loss rises when miner ``j`` is removed.

Each ranking becomes a weight row with :func:`refimpl.market.weights.weights_to_u16`.
Introduced in lesson 07.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from refimpl.market.axon import Axon, Dendrite, Predict
from refimpl.market.errors import InvalidWeights
from refimpl.market.inputs import real_array, uid_list, unit
from refimpl.market.task import PrivateStream

__all__ = [
    "drop_duplicates",
    "loss_rewards",
    "update_scores",
    "query_miners",
    "LossValidator",
    "GatingNetwork",
    "train_gate",
    "gate_scores",
    "prune_scores",
]


def loss_rewards(
    predictions: Sequence[torch.Tensor | None], y: torch.Tensor
) -> np.ndarray:
    """Reward per miner: ``max(0, 1 - MSE_j / mean(y^2))``.

    ``mean(y^2)`` is the loss of the trivial all-zero answer, so a lazy miner gets
    exactly 0 and only a miner that beats it earns. A missing answer, a wrong shape
    or a non-finite value earns 0. When every target is 0 the trivial answer is
    already perfect (``mean(y^2) == 0``): nobody can beat it, so every reward is 0.
    Introduced in lesson 07.
    """
    baseline = float((y.double() ** 2).mean())
    out = np.zeros(len(predictions), dtype=np.float64)
    if not baseline > 0.0:  # all-zero (or non-finite) targets: nothing to beat
        return out
    for j, pred in enumerate(predictions):
        if not isinstance(pred, torch.Tensor) or pred.shape != y.shape:
            continue
        if not bool(torch.isfinite(pred).all()):
            continue
        mse = float(((pred.double() - y.double()) ** 2).mean())
        out[j] = max(0.0, 1.0 - mse / baseline)
    return out


def drop_duplicates(
    predictions: Sequence[torch.Tensor | None], registered_at: Sequence[int]
) -> list[torch.Tensor | None]:
    """Keep only the earliest-registered miner of each identical answer.

    Yuma Consensus cannot see a miner that copies another miner's answers; the
    validator has to (SN9 credits the earliest on-chain model commit). A later
    duplicate (ties: higher uid) is replaced by ``None`` and so earns nothing.
    Introduced in lesson 09.
    """
    order = sorted(range(len(predictions)), key=lambda j: (registered_at[j], j))
    out = list(predictions)
    kept: list[torch.Tensor] = []
    for j in order:
        pred = predictions[j]
        if not isinstance(pred, torch.Tensor):
            continue
        if any(k.shape == pred.shape and torch.equal(k, pred) for k in kept):
            out[j] = None
        else:
            kept.append(pred)
    return out


def update_scores(
    scores: np.ndarray, rewards: np.ndarray, uids: Sequence[int], alpha: float = 0.1
) -> np.ndarray:
    """The template's decaying moving average (``update_scores``, alpha 0.1).

    NaN rewards become 0; rewards are scattered to ``uids`` and every uid decays:
    ``new = alpha * scattered + (1 - alpha) * scores``. Returns a new array.
    Bad input (ragged or non-numeric arrays, infinity, uids out of range or
    mismatched) raises InvalidWeights.
    """
    old = real_array("scores", scores, 1, non_negative=False)
    r = real_array("rewards", rewards, 1, non_negative=False, allow_nan=True)
    u = uid_list(uids)
    if len(u) != r.size:
        raise InvalidWeights(f"{len(u)} uids but {r.size} rewards")
    if u and max(u) >= old.size:
        raise InvalidWeights(f"uid {max(u)} is out of range (n = {old.size})")
    a = unit("alpha", alpha)
    scattered = np.zeros_like(old)
    scattered[u] = np.nan_to_num(r, nan=0.0)
    return a * scattered + (1.0 - a) * old


def query_miners(
    dendrite: Dendrite, axons: Sequence[Axon], x: torch.Tensor
) -> list[torch.Tensor | None]:
    """Send one ``Predict(x)`` synapse to every axon; return the predictions."""
    return [r.deserialize() for r in dendrite(axons, Predict(x=x))]


class LossValidator:
    """Validator (a): private batches, loss rewards, the template's moving average."""

    def __init__(self, stream: PrivateStream, n: int, alpha: float = 0.1) -> None:
        self.stream = stream
        self.alpha = alpha
        self.scores = np.zeros(n, dtype=np.float64)
        self.dendrite = Dendrite()

    def step(self, axons: Sequence[Axon], batch: int = 256) -> np.ndarray:
        """Query every axon on a fresh private batch and update the scores."""
        x, y = self.stream.next(batch)
        rewards = loss_rewards(query_miners(self.dendrite, axons, x), y)
        self.scores = update_scores(self.scores, rewards, range(len(axons)), self.alpha)
        return rewards


class GatingNetwork(nn.Module):
    """The whitepaper's gate: ``g(x) = softmax(Linear(x))`` over ``n`` miners.

    Zero-initialised, so every miner starts with the same gate ``1/n`` (and two
    miners with identical answers keep identical gates). ``forward(x, F)`` returns
    the gated answer ``sum_j g_j(x) F[:, j]`` for miner outputs ``F [B, n]``.
    """

    def __init__(self, dim: int, n: int) -> None:
        super().__init__()
        self.linear = nn.Linear(dim, n)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def gates(self, x: torch.Tensor) -> torch.Tensor:
        """Softmax gate per input, ``[B, n]``."""
        return torch.softmax(self.linear(x), dim=-1)

    def forward(self, x: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
        return (self.gates(x) * outputs).sum(dim=-1, keepdim=True)


def _stack(predictions: Sequence[torch.Tensor | None], batch: int) -> torch.Tensor:
    """Miner answers as a ``[B, n]`` matrix; unusable answers become 0."""
    cols = []
    for pred in predictions:
        ok = isinstance(pred, torch.Tensor) and pred.shape == (batch, 1)
        ok = ok and bool(torch.isfinite(pred).all())
        cols.append(pred[:, 0].float() if ok else torch.zeros(batch))
    return torch.stack(cols, dim=1)


def train_gate(
    x: torch.Tensor,
    y: torch.Tensor,
    predictions: Sequence[torch.Tensor | None],
    steps: int = 300,
    lr: float = 0.05,
    gate: GatingNetwork | None = None,
) -> GatingNetwork:
    """Fit a :class:`GatingNetwork` so the gated answer matches ``y`` (MSE, Adam).

    Pass ``gate`` to keep training an existing gate on new data (a validator that
    learns online, epoch after epoch); it is updated in place and returned.
    """
    outputs = _stack(predictions, x.shape[0])
    if gate is None:
        gate = GatingNetwork(x.shape[1], outputs.shape[1])
    opt = torch.optim.Adam(gate.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((gate(x, outputs) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return gate


@torch.no_grad()
def gate_scores(gate: GatingNetwork, x: torch.Tensor) -> np.ndarray:
    """The mean learned gate over held-out inputs ``x``: the validator's ranking."""
    return gate.gates(x).mean(dim=0).double().numpy()


@torch.no_grad()
def prune_scores(
    gate: GatingNetwork,
    x: torch.Tensor,
    y: torch.Tensor,
    predictions: Sequence[torch.Tensor | None],
) -> np.ndarray:
    """Leave-one-out score: gated MSE with miner ``j`` zeroed minus the full MSE.

    Clipped at 0 (removing a harmful miner is not a reward to it). The whitepaper's
    ideal weight is exactly this "cost of removal" (eq. 12).
    """
    outputs = _stack(predictions, x.shape[0])
    full = float(((gate(x, outputs) - y) ** 2).mean())
    out = np.zeros(outputs.shape[1], dtype=np.float64)
    for j in range(outputs.shape[1]):
        removed = outputs.clone()
        removed[:, j] = 0.0
        out[j] = max(0.0, float(((gate(x, removed) - y) ** 2).mean()) - full)
    return out
