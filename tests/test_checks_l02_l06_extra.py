"""Checks 02.5, 04.4, 05.2, 05.3, 06.1 and 06.3: the mistakes learners were seen to
make are refused for the right reason, and the type policy holds (numpy integers are
ints, floats are not)."""

import math

import numpy as np
import pytest
import torch

from refimpl.course import CORRECT, INCORRECT
from refimpl.course.checks import l02, l04, l05, l06

_LIMIT = 0x7FFFFF * 2**232  # the course chain's (regtest's) pow limit


def test_retarget_at_the_limit_after_a_fast_window():
    # the reference (refimpl's expected_bits) makes the block harder: 9 s of 20 s
    args = (0x207FFFFF, list(range(10)), 10, 20, _LIMIT)
    assert l04._retarget_window(*args) == 0x20399999
    assert l04._wrong_retarget_frozen_at_limit(*args) == 0x207FFFFF
    result = l04.retarget_window.evaluate(l04._wrong_retarget_frozen_at_limit)
    assert result.status == INCORRECT
    assert "0x207fffff, [0, 1, 2" in result.message  # the input, whole
    assert "0x20399999" not in result.message


def test_apply_transfers_refuses_the_callers_own_dict():
    result = l05.apply_transfers.evaluate(l05._apply_same_dict_if_empty)
    assert result.status == INCORRECT
    assert "apply_transfers({'alice': 100}, [])" in result.message
    assert "very dict it was given" in result.message
    # a copy, even an untouched one, is right
    assert l05.apply_transfers.evaluate(lambda b, t: l05._apply(b, t)).status == (
        CORRECT
    )


@pytest.mark.parametrize("kind", [np.int64, np.int32, np.uint8])
def test_numpy_ints_are_ints(kind):
    def depth(old, new):
        return kind(l05._reorg_depth(old, new))

    def low(q, z, r, s):
        r, s_low, v = l02._low_s(q, z, r, s)
        return r, s_low, kind(v)

    assert l05.reorg_depth.evaluate(depth).status == CORRECT
    assert l02.low_s.evaluate(low).status == CORRECT


def test_floats_are_not_ints():
    result = l05.reorg_depth.evaluate(lambda o, n: float(l05._reorg_depth(o, n)))
    assert result.status == INCORRECT
    assert "float, but an int is wanted" in result.message

    def low(q, z, r, s):
        r, s_low, v = l02._low_s(q, z, r, s)
        return r, s_low, float(v)

    result = l02.low_s.evaluate(low)
    assert result.status == INCORRECT
    assert "a float, but an int is wanted" in result.message


def test_a_wrong_numpy_int_is_blamed_on_its_value():
    def depth(old, new):
        return np.int64(l05._reorg_depth(old, new) + 1)

    result = l05.reorg_depth.evaluate(depth)
    assert result.status == INCORRECT
    assert "not right" in result.message and "wanted" not in result.message


def test_relative_loss_of_tiny_errors_is_computed_in_float64():
    a, y = torch.tensor([1e-30]), torch.tensor([0.0])
    assert l06._relative_loss_vs(a, y, a.clone()) == 1.0
    assert l06._rl_guard_float32(a, y, a.clone()) == math.inf
    result = l06.relative_loss_vs.evaluate(l06._rl_guard_float32)
    assert result.status == INCORRECT
    assert "torch.tensor([1e-30])" in result.message


def test_relative_loss_float32_result_is_refused_for_its_type():
    def loss(pred, y, base):
        return np.float32(l06._relative_loss_vs(pred, y, base))

    result = l06.relative_loss_vs.evaluate(loss)
    assert result.status == INCORRECT
    assert "float32" in result.message and "float64" in result.message


def test_tiny_answers_are_not_copies():
    preds = [torch.tensor([1e-20, 2e-20]), torch.tensor([2e-20, 1e-20])]
    assert l06._suspicious_pairs(preds) == []
    assert l06._pairs_tiny_atol(preds) == [(0, 1, "copy")]
    result = l06.suspicious_pairs.evaluate(l06._pairs_tiny_atol)
    assert result.status == INCORRECT
    assert "torch.tensor([1e-20, 2e-20])" in result.message
