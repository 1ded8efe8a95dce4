"""What the Yuma tests share: the comparison of ``epoch`` with ``epoch_fused``."""

from __future__ import annotations

import numpy as np

from refimpl.market.yuma import EpochResult, quantize_bonds

__all__ = ["assert_same_epoch"]


def assert_same_epoch(a: EpochResult, b: EpochResult, version="classic") -> None:
    """The fused sibling gives the lesson's epoch: every float to 1e-12 and the
    stored u16 bonds to one step (the floor of a value a few ulps from an integer
    can land either side)."""
    assert a.fallback == b.fallback
    for f in EpochResult.__dataclass_fields__:
        if f != "fallback":
            np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=0, atol=1e-12)
    qa, qb = quantize_bonds(a.bonds, version), quantize_bonds(b.bonds, version)
    assert np.abs(qa - qb).max(initial=0) <= 1
