"""Miners: small torch models of different quality and honesty.

Every miner answers a :class:`~refimpl.market.axon.Predict` synapse with a
prediction ``[B, 1]``. Honest miners train an MLP on the public training set;
others are undertrained, specialised, lazy, random, copying, adversarial or noisy,
so validators have something to tell apart (``notes/market.md`` §3).
Introduced in lesson 06.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from refimpl.market.axon import Axon, Predict
from refimpl.market.task import Task

__all__ = ["Miner", "make_mlp", "train_mlp", "standard_miners", "MINER_KINDS"]

Model = Callable[[torch.Tensor], torch.Tensor]

MINER_KINDS = (
    "honest",
    "undertrained",
    "specialist",
    "lazy",
    "random",
    "copier",
    "adversarial",
    "noisy",
)


@dataclass
class Miner:
    """A named model behind an axon. ``kind`` is one of :data:`MINER_KINDS`."""

    name: str
    kind: str
    model: Model = field(repr=False)

    @torch.no_grad()
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """The miner's answer for inputs ``x [B, dim]`` -> ``[B, 1]``."""
        return self.model(x)

    def forward(self, synapse: Predict) -> Predict:
        """The axon's handler: fill ``synapse.prediction``."""
        synapse.prediction = self.predict(synapse.x)
        return synapse

    def axon(self, hotkey: str = "") -> Axon:
        """Serve this miner (``hotkey`` defaults to the miner's name)."""
        return Axon(hotkey or self.name, self.forward)


def make_mlp(dim: int, hidden: int, seed: int) -> nn.Sequential:
    """``Linear(dim, hidden) -> tanh -> Linear(hidden, 1)``, initialised from ``seed``.

    The initial weights come from an explicit ``torch.Generator`` so they do not
    depend on (or disturb) the global random state.
    """
    gen = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(dim, hidden), nn.Tanh(), nn.Linear(hidden, 1))
    with torch.no_grad():
        for layer in (net[0], net[2]):
            bound = 1.0 / layer.in_features**0.5
            layer.weight.copy_(torch.rand(layer.weight.shape, generator=gen) * 2 - 1)
            layer.weight.mul_(bound)
            layer.bias.copy_(torch.rand(layer.bias.shape, generator=gen) * 2 - 1)
            layer.bias.mul_(bound)
    return net


def train_mlp(
    net: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    lr: float = 1e-2,
) -> nn.Module:
    """Full-batch Adam on mean squared error for ``steps`` steps (deterministic)."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    net.eval()
    return net


def standard_miners(task: Task, steps: int = 400, seed: int = 0) -> list[Miner]:
    """The course's ten miners, in uid order (a few seconds of training on one thread).

    ``honest_big/mid/small`` (hidden 64/32/8, ``steps`` Adam steps), ``undertrained``
    (15 steps), ``specialist`` (hidden 32, 2 x steps, only on the niche ``x0 > 0.5``),
    ``lazy_zero`` (answers 0), ``random_init`` (never trained), ``copier_of_0`` (returns
    ``honest_big``'s answer), ``adversarial`` (returns minus ``honest_big``'s
    answer) and ``noisy`` (``honest_mid`` plus N(0, 0.5) noise).
    """
    x, y = task.train_set()
    d = task.dim

    def trained(hidden: int, n_steps: int, k: int, mask=None) -> nn.Module:
        net = make_mlp(d, hidden, seed + k)
        xs, ys = (x, y) if mask is None else (x[mask], y[mask])
        return train_mlp(net, xs, ys, n_steps)

    big = trained(64, steps, 0)
    mid = trained(32, steps, 1)
    small = trained(8, steps, 2)
    under = trained(32, 15, 3)
    spec = trained(32, 2 * steps, 4, mask=x[:, 0] > 0.5)
    rand = make_mlp(d, 32, seed + 5)
    noise_gen = torch.Generator().manual_seed(seed + 9)

    def noisy(inp: torch.Tensor) -> torch.Tensor:
        out = mid(inp)
        return out + 0.5 * torch.randn(out.shape, generator=noise_gen)

    return [
        Miner("honest_big", "honest", big),
        Miner("honest_mid", "honest", mid),
        Miner("honest_small", "honest", small),
        Miner("undertrained", "undertrained", under),
        Miner("specialist", "specialist", spec),
        Miner("lazy_zero", "lazy", lambda inp: torch.zeros(inp.shape[0], 1)),
        Miner("random_init", "random", rand),
        Miner("copier_of_0", "copier", lambda inp: big(inp)),
        Miner("adversarial", "adversarial", lambda inp: -big(inp)),
        Miner("noisy", "noisy", noisy),
    ]
