"""What the art subnet asks for, and the small torch critic that learns it.

The subnet's **brief** is "warm, sunset-coloured pictures with clear forms". Real
subnets state such a request with examples and human ratings, not a formula; the
course stands in for the raters with :func:`brief_score`, a fixed rule used only to
*label* generated examples (:func:`example_images`). Validators never call it on
submissions: they train a :class:`Critic` on the labelled examples
(:func:`train_critic`) and score with the critic (:func:`critic_scores`), which is
how a subnet validator's reward model works (the subnet template's ``reward.py``).
Introduced in lesson 13.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from refimpl.art import STYLES, render
from refimpl.artnet.errors import ArtNetError

__all__ = [
    "BRIEF",
    "IMAGE_SIZE",
    "EXAMPLE_SEED",
    "Critic",
    "adam_update",
    "brief_score",
    "critic_scores",
    "example_images",
    "to_tensor",
    "train_critic",
]

BRIEF = "warm, sunset-coloured pictures (reds, oranges, golds) with clear forms"
IMAGE_SIZE = 32  # pixels per side of every submission
EXAMPLE_SEED = 1_000_000  # example seeds start here, far from the miners' seeds


def brief_score(pixels: np.ndarray) -> float:
    """The raters' score in [0, 1] of one ``(h, w, 3)`` uint8 image for the brief.

    ``warm x contrast x smooth``: the fraction of warm pixels (red >= green >=
    blue - 0.05, red - blue > 0.3, brightest channel > 0.4); contrast
    ``min(1, std(luma) / 0.15)`` (a flat canvas has none); smoothness
    ``clip((0.3 - d) / 0.2, 0, 1)`` with ``d`` the mean absolute difference of
    neighbouring pixels (uniform noise has d = 1/3, so 0). Used only to label the
    training examples. Introduced in lesson 13.
    """
    x = np.asarray(pixels, dtype=np.float64) / 255.0
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    warm = (r >= g) & (g >= b - 0.05) & (r - b > 0.3) & (x.max(axis=-1) > 0.4)
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    contrast = min(1.0, float(luma.std()) / 0.15)
    d = (np.abs(np.diff(x, axis=0)).mean() + np.abs(np.diff(x, axis=1)).mean()) / 2
    smooth = min(1.0, max(0.0, (0.3 - float(d)) / 0.2))
    return float(warm.mean()) * contrast * smooth


def example_images(
    per_style: int = 40, seed: int = EXAMPLE_SEED, size: int = IMAGE_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled examples: ``(images (N, size, size, 3) uint8, labels (N,) float64)``.

    ``per_style`` renders of every style in :data:`refimpl.art.STYLES` (seeds
    ``seed, seed + 1, ...``), then ``per_style`` flat canvases of random colours and
    ``per_style`` images of uniform noise (``np.random.RandomState(seed)``), so
    the critic also sees what lazy miners and spammers send. Labels are
    :func:`brief_score`. Introduced in lesson 13.
    """
    images = [
        render(seed + k, style, size) for style in STYLES for k in range(per_style)
    ]
    rng = np.random.RandomState(seed % 2**32)
    for _ in range(per_style):
        colour = rng.randint(0, 256, 3).astype(np.uint8)
        images.append(np.broadcast_to(colour, (size, size, 3)).copy())
        images.append(rng.randint(0, 256, (size, size, 3)).astype(np.uint8))
    x = np.stack(images)
    return x, np.array([brief_score(im) for im in x])


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 ``(N, h, w, 3)`` -> float32 ``(N, 3, h, w)`` in [0, 1] (channels first)."""
    arr = np.ascontiguousarray(np.asarray(images, dtype=np.uint8))
    return torch.from_numpy(arr).permute(0, 3, 1, 2).float() / 255.0


class Critic(nn.Module):
    """A small CNN: two strided convs (3 -> 8 -> 16 channels), then the mean *and*
    the standard deviation of each feature map over the picture, then a linear layer.

    The mean sees "how much of the picture is warm"; the standard deviation sees
    contrast, which a mean alone cannot (a flat orange canvas would fool it).
    Introduced in lesson 13.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        pooled = torch.cat([h.mean(dim=(2, 3)), h.std(dim=(2, 3))], dim=1)
        return self.head(pooled).squeeze(1)


def adam_update(
    params: list[torch.Tensor],
    moments: list[tuple[torch.Tensor, torch.Tensor]],
    t: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> None:
    """One Adam step (Kingma and Ba 2015, Algorithm 1) on ``params`` in place, then
    clear their gradients. ``moments`` holds ``(m, v)`` per parameter; ``t`` counts
    from 1. Written out (instead of ``torch.optim.Adam``) because the lesson builds it
    and because ``torch.optim`` imports ``torch._dynamo``: seconds of start-up.
    Introduced in lesson 13.
    """
    b1, b2 = betas
    with torch.no_grad():
        for p, (m, v) in zip(params, moments, strict=True):
            g = p.grad
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (v / (1 - b2**t)).sqrt_().add_(eps)
            p.addcdiv_(m, denom, value=-lr / (1 - b1**t))
            p.grad = None


def train_critic(
    images: np.ndarray,
    labels: np.ndarray,
    *,
    seed: int = 0,
    steps: int = 200,
    batch: int = 64,
    lr: float = 1e-2,
) -> Critic:
    """Fit a :class:`Critic` to ``labels`` by mean squared error and Adam
    (:func:`adam_update`).

    Deterministic: ``torch.manual_seed(seed)`` sets the initial weights (the global
    generator is restored afterwards) and a ``torch.Generator`` seeded with ``seed``
    draws the minibatches. Introduced in lesson 13.
    """
    x = to_tensor(images)
    y = torch.as_tensor(np.asarray(labels, dtype=np.float32))
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ArtNetError("need as many labels as images, and at least one")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        critic = Critic()
    gen = torch.Generator().manual_seed(seed)
    params = list(critic.parameters())
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    for t in range(1, steps + 1):
        idx = torch.randint(0, x.shape[0], (batch,), generator=gen)
        loss = ((critic(x[idx]) - y[idx]) ** 2).mean()
        loss.backward()
        adam_update(params, moments, t, lr)
    return critic.eval()


def critic_scores(critic: nn.Module, images: np.ndarray) -> np.ndarray:
    """The critic's score of each image, clipped to [0, 1] (float64 numpy)."""
    with torch.no_grad():
        out = critic(to_tensor(images)).double().clamp(0.0, 1.0)
    return out.numpy()
