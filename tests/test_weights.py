"""u16 weight quantisation as the Bittensor SDK does it (max-upscale, drop zeros)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl.market.errors import InvalidWeights
from refimpl.market.weights import (
    proportion_to_u16,
    u16_proportion,
    u16_to_weights,
    weights_to_u16,
)


def test_max_upscale_and_drop_zeros():
    assert weights_to_u16([0, 1, 2], [0.2, 0.1, 0.0]) == ([0, 1], [65535, 32768])
    # the SDK's round() is half-to-even: 0.5/1 * 65535 = 32767.5 -> 32768
    assert weights_to_u16([3, 4], [1.0, 0.5]) == ([3, 4], [65535, 32768])
    # subtensor test_outdated_weights: 43690:21845 is stored as 65535:32768
    assert weights_to_u16([2, 3], [43690, 21845]) == ([2, 3], [65535, 32768])
    # tiny weights round to zero and are dropped
    assert weights_to_u16([0, 1], [1.0, 1e-6]) == ([0], [65535])


def test_all_zero_and_empty():
    assert weights_to_u16([0, 1], [0.0, 0.0]) == ([], [])
    assert weights_to_u16([], []) == ([], [])


@pytest.mark.parametrize(
    ("uids", "weights"),
    [
        ([0, 1], [1.0, -0.5]),
        ([0, 1], [1.0, np.nan]),
        ([0, 1], [np.inf, 1.0]),
        ([0], [1.0, 2.0]),
        ([-1, 0], [1.0, 1.0]),
        ([0.5, 1], [1.0, 1.0]),
    ],
)
def test_bad_weights_rejected(uids, weights):
    with pytest.raises(InvalidWeights):
        weights_to_u16(uids, weights)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=20))
def test_properties(ws):
    uids, vals = weights_to_u16(list(range(len(ws))), ws)
    if max(ws) == 0:
        assert (uids, vals) == ([], [])
        return
    assert max(vals) == 65535
    assert all(0 < v <= 65535 for v in vals)
    assert uids == sorted(uids)
    row = u16_to_weights(uids, vals, len(ws))
    assert row.shape == (len(ws),) and row.max() == 65535


def test_u16_to_weights_rejects_bad_rows():
    assert u16_to_weights([2, 0], [7, 9], 3).tolist() == [9, 0, 7]
    for uids, vals in [([0, 0], [1, 2]), ([3], [1]), ([0], [70000]), ([0], [1.5])]:
        with pytest.raises(InvalidWeights):
            u16_to_weights(uids, vals, 3)


def test_proportions():
    assert proportion_to_u16([0.5, 1.0, 0.0, 1 / 64]).tolist() == [
        32767,
        65535,
        0,
        1023,
    ]
    assert u16_proportion(65535) == 1.0
