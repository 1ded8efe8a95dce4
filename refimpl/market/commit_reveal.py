"""A commit-reveal toy: a weight-copying validator when weights are revealed late.

Weights on chain are public, so a lazy validator can skip evaluation and copy
what the others set. Commit-reveal (subtensor ``commit_weights``/``reveal_weights``,
``commit_reveal_weights_interval``) hides each weight vector for ``delay`` epochs:
the copier then votes with stale weights. While the miners' quality keeps moving,
stale weights miss the consensus, get clipped, and the copier's bonds and
dividends fall behind its stake share. Pure Yuma on hand-made matrices
(:func:`refimpl.market.yuma.epoch`). Introduced in lesson 09.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from refimpl.market.errors import InvalidParams
from refimpl.market.inputs import is_int, real_array
from refimpl.market.yuma import epoch

__all__ = ["CopierResult", "quality_schedule", "copier_toy"]


@dataclass(frozen=True)
class CopierResult:
    """Per epoch dividends ``[epochs, V]`` and validator trust; the copier is last."""

    stake: np.ndarray
    dividends: np.ndarray
    validator_trust: np.ndarray

    @property
    def copier_ratio(self) -> float:
        """The copier's mean dividends divided by its stake share (1 = fair)."""
        share = self.stake[-1] / self.stake.sum()
        return float(self.dividends[:, -1].mean() / share)


def quality_schedule(epochs: int, miners: int = 4, period: int = 2) -> np.ndarray:
    """Honest weight rows ``[epochs, miners]``: the best miner changes every
    ``period`` epochs (weight 1.0; the others 0.2), so consensus keeps moving."""
    rows = np.full((epochs, miners), 0.2)
    for t in range(epochs):
        rows[t, (t // period) % miners] = 1.0
    return rows


def copier_toy(
    delay: int,
    epochs: int = 24,
    stake: tuple[float, ...] = (0.4, 0.25, 0.15, 0.2),
    period: int = 2,
) -> CopierResult:
    """Honest validators weight the true quality; the last one copies the
    stake-weighted mean of the honest weights it can see, ``delay`` epochs old
    (0 = no commit-reveal: it sees this epoch's weights). Classic Yuma with bonds.
    """
    for name, value, low in (("delay", delay, 0), ("epochs", epochs, 1),
                             ("period", period, 1)):  # fmt: skip
        if not is_int(value) or value < low:
            raise InvalidParams(f"{name} must be an int >= {low}, got {value!r}")
    s = real_array("stake", stake, 1)
    if s.size < 2 or s[:-1].sum() <= 0:
        raise InvalidParams("stake needs honest validators with stake and a copier")
    truth = quality_schedule(epochs, period=period)
    honest = s[:-1] / s[:-1].sum()
    bonds = None
    history: list[np.ndarray] = []
    divs, vtrust = [], []
    for t in range(epochs):
        w = np.vstack([truth[t]] * (len(s) - 1) + [np.zeros(truth.shape[1])])
        history.append(w)
        visible = history[max(t - delay, 0)]  # revealed weights, `delay` epochs old
        w[-1] = honest @ visible[:-1]
        r = epoch(s, w, bonds)
        bonds = r.bonds
        divs.append(r.dividends)
        vtrust.append(r.validator_trust)
    return CopierResult(s, np.array(divs), np.array(vtrust))
