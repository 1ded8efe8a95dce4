"""The market's task: a generated regression problem (no downloads).

A fixed random *teacher* maps ``x ~ N(0, I_dim)`` to ``y = tanh(x W1) W2 + noise``,
plus a harder pattern ``1.5 sin(3 x1)`` in the niche ``x0 > 0.5`` (about 30% of
inputs) that a specialist can learn better than a generalist.
Miners learn it from a public training set; each validator scores them on its own
private held-out stream, drawn from a seed only that validator knows (the subnet
template's "private data" idea; see ``notes/market.md`` §3).

Introduced in lesson 06.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

__all__ = ["Task", "PrivateStream"]


@dataclass(frozen=True)
class Task:
    """A synthetic regression task with a frozen teacher network.

    ``dim`` inputs, a ``hidden``-unit tanh teacher and Gaussian label noise of scale
    ``noise``. Everything comes from ``np.random.RandomState(seed)``, so the task is
    the same on every machine. Introduced in lesson 06.
    """

    dim: int = 8
    hidden: int = 16
    noise: float = 0.05
    seed: int = 0
    w1: np.ndarray = field(init=False, repr=False, compare=False)
    w2: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = np.random.RandomState(self.seed)
        w1 = rng.randn(self.dim, self.hidden) / np.sqrt(self.dim)
        w2 = rng.randn(self.hidden, 1) / np.sqrt(self.hidden) * 2.0
        object.__setattr__(self, "w1", w1)
        object.__setattr__(self, "w2", w2)

    def sample(self, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` fresh points ``(x [n, dim], y [n, 1])`` (float32) from ``seed``."""
        return self._draw(np.random.RandomState(seed), n)

    def _draw(
        self, rng: np.random.RandomState, n: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        x = rng.randn(n, self.dim)
        y = np.tanh(x @ self.w1) @ self.w2 + self.noise * rng.randn(n, 1)
        niche = x[:, :1] > 0.5  # a region with its own, harder pattern
        y = y + niche * 1.5 * np.sin(3.0 * x[:, 1:2])
        return (
            torch.from_numpy(x.astype(np.float32)),
            torch.from_numpy(y.astype(np.float32)),
        )

    def train_set(self, n: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
        """The public training set every miner may use (seed ``seed + 1``)."""
        return self.sample(n, self.seed + 1)

    def stream(self, seed: int) -> PrivateStream:
        """A validator's private held-out stream (give each validator its own seed)."""
        return PrivateStream(self, seed)


class PrivateStream:
    """Successive private batches for one validator: a frozen, seeded stream.

    Introduced in lesson 07.
    """

    def __init__(self, task: Task, seed: int) -> None:
        self.task = task
        self.seed = seed
        self._rng = np.random.RandomState(10_000 + seed)

    def next(self, n: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
        """The next ``n`` points of the stream."""
        return self.task._draw(self._rng, n)
