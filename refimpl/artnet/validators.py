"""How an art validator turns submissions into a weight row.

Three filters, then the critic: a submission must be a ``(32, 32, 3)`` uint8 image
that is not a flat canvas (:func:`is_valid_image`); its content id must be new
(:func:`find_duplicates`: Yuma cannot see a miner that copies another, so the
validator must; the earliest-registered sender keeps an image, as lesson 09's
``drop_duplicates`` and SN9's earliest-commit rule do); then the learned critic
scores it (:func:`score_submissions`) and scores below a quality bar pay nothing
(:func:`weights_from_scores`). Introduced in lesson 13.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real

import numpy as np
from torch import nn

from refimpl.artnet.critic import IMAGE_SIZE, critic_scores
from refimpl.artnet.errors import ArtNetError
from refimpl.artnet.miners import Submission
from refimpl.market.errors import InvalidWeights
from refimpl.market.inputs import real_array

__all__ = [
    "QUALITY_BAR",
    "find_duplicates",
    "is_valid_image",
    "score_submissions",
    "weights_from_scores",
]

QUALITY_BAR = 0.05  # critic scores at or below this earn no weight


def is_valid_image(pixels: object, size: int = IMAGE_SIZE) -> bool:
    """True for a ``(size, size, 3)`` uint8 array whose pixels are not all equal."""
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
        return False
    if pixels.shape != (size, size, 3):
        return False
    return bool((pixels != pixels.reshape(-1, 3)[0]).any())


def find_duplicates(
    cids: Sequence[str], registered_at: Sequence[int], seen: Iterable[str] = ()
) -> set[int]:
    """Indices whose content id is not new: sent before in an earlier epoch
    (``seen``), or also sent this epoch by a miner registered earlier (ties: lower
    index). The first sender of each new CID is kept. Introduced in lesson 13.
    """
    if len(cids) != len(registered_at):
        raise ArtNetError("need one registration block per content id")
    old = set(seen)
    kept: set[str] = set()
    dups: set[int] = set()
    for j in sorted(range(len(cids)), key=lambda j: (registered_at[j], j)):
        if cids[j] in old or cids[j] in kept:
            dups.add(j)
        else:
            kept.add(cids[j])
    return dups


def score_submissions(
    critic: nn.Module,
    subs: Sequence[Submission],
    registered_at: Sequence[int],
    seen: Iterable[str] = (),
) -> np.ndarray:
    """The critic's score per submission; 0 for invalid images and duplicates."""
    scores = np.zeros(len(subs), dtype=np.float64)
    dups = find_duplicates([s.cid for s in subs], registered_at, seen)
    ok = [j for j, s in enumerate(subs) if j not in dups and is_valid_image(s.pixels)]
    if ok:
        scores[ok] = critic_scores(critic, np.stack([subs[j].pixels for j in ok]))
    return scores


def weights_from_scores(scores: object, bar: float = QUALITY_BAR) -> np.ndarray:
    """``max(0, score - bar)``: only work above the quality bar earns weight.

    ``scores`` a 1-D vector of finite numbers and ``bar`` a finite number, else
    ArtNetError with the reason."""
    try:
        s = real_array("scores", scores, 1, non_negative=False)
    except InvalidWeights as e:
        raise ArtNetError(str(e)) from None
    if not isinstance(bar, Real) or isinstance(bar, bool) or not math.isfinite(bar):
        raise ArtNetError(f"bar must be a finite number, got {bar!r}")
    return np.maximum(0.0, s - bar)
