"""Lessons 08-14: a check whose reference cannot simply call refimpl (its exercise
asks for one step with its own signature) is held equal to refimpl here, on random
and edge inputs. One source of truth, proved."""

import numpy as np
import pytest

from refimpl.course.checks import l08
from refimpl.market.yuma import epoch


def _subnets(seed: int, count: int = 60):
    rng = np.random.default_rng(seed)
    edges = [
        ([1, 1], [[0, 0], [0, 0]]),  # nobody weights
        ([0, 0], [[1, 0], [0, 1]]),  # nobody staked
        ([4, 2, 2], [[4, 2, 2, 0], [2, 4, 2, 0], [0, 2, 2, 4]]),  # the lesson's
        ([1, 1], [[1, 0], [0, 1]]),  # a tie at exactly 1/2
        ([5, 0, 5], [[65535, 0], [0, 65535], [1, 1]]),
    ]
    yield from edges
    for _ in range(count):
        v, m = rng.integers(1, 6), rng.integers(1, 7)
        stake = rng.integers(0, 5, size=v)
        W = rng.integers(0, 4, size=(v, m)) * rng.integers(0, 2, size=(v, m))
        yield stake.tolist(), W.tolist()


@pytest.mark.parametrize("seed", [0, 1])
def test_l08_clip_weights_reference_equals_epoch(seed):
    for stake, W in _subnets(seed):
        r = epoch(stake, W)
        clipped, trust = l08._clip_weights(r.weights, r.consensus)
        assert np.allclose(clipped, r.clipped_weights, atol=1e-12)
        assert np.allclose(trust, r.validator_trust, atol=1e-12)


@pytest.mark.parametrize("seed", [2, 3])
def test_l08_bonds_reference_equals_epoch(seed):
    rng = np.random.default_rng(seed)
    for stake, W in _subnets(seed):
        shape = np.asarray(W).shape
        old = rng.integers(0, 65536, size=shape) * rng.integers(0, 2, size=shape)
        for bonds in (None, old):
            alpha = float(rng.choice([0.1, 0.3, 1.0]))
            r = epoch(stake, W, bonds, alpha=alpha)
            b_old = np.zeros(shape) if bonds is None else bonds
            B, D = l08._bonds_and_dividends(
                r.active_stake, r.clipped_weights, r.incentive, b_old, alpha
            )
            assert np.allclose(B, r.bonds, atol=1e-12)
            if not r.fallback:
                assert np.allclose(D, r.dividends, atol=1e-12)


def test_l08_normalize_rows_is_the_epochs_row_step():
    W = np.array([[3, 1], [0, 0], [2, 2]])
    assert np.allclose(l08._normalize_rows(W), [[0.75, 0.25], [0, 0], [0.5, 0.5]])


def test_l08_weighted_median_agrees_with_a_direct_reading_of_the_rule():
    rng = np.random.default_rng(4)
    for _ in range(300):
        n = int(rng.integers(1, 6))
        stake = rng.integers(0, 5, size=n).astype(float)
        stake = stake / stake.sum() if stake.sum() else stake
        column = rng.integers(0, 5, size=n) / 4
        kappa = float(rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]))
        best = max(
            (w for w, s in zip(column, stake, strict=True)
             if s > 0 and stake[column >= w].sum() >= kappa),
            default=0.0,
        )
        assert l08._weighted_median(stake, column, kappa) == best
