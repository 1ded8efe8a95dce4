"""Properties of ``refimpl.market.yuma.epoch`` and its bad-input handling.

Hypothesis draws small integer stakes and weights (as the chain's u16 values
are integers), so every property is checked on exact, readable inputs.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from yuma_setup import assert_same_epoch

from refimpl.market.errors import InvalidWeights, MarketError
from refimpl.market.yuma import (
    epoch,
    epoch_fused,
    quantize_bonds,
    validator_permits,
    weighted_median_col,
)


@st.composite
def graphs(draw, max_v=6, max_m=7):
    v = draw(st.integers(1, max_v))
    m = draw(st.integers(1, max_m))
    stake = draw(arrays(np.float64, v, elements=st.integers(0, 9)))
    weights = draw(arrays(np.float64, (v, m), elements=st.integers(0, 9)))
    bonds = draw(arrays(np.float64, (v, m), elements=st.integers(0, 9))) / 9
    active = draw(arrays(np.bool_, v))
    permit = draw(arrays(np.bool_, v))
    return stake, weights, bonds, active, permit


VERSIONS = st.sampled_from(
    [
        {"version": "classic"},
        {"version": "yuma3"},
        {"version": "yuma3", "liquid_alpha": True, "bonds_penalty": 0.0},
    ]
)


def run(g, **kw):
    stake, weights, bonds, active, permit = g
    return epoch(stake, weights, bonds, active=active, validator_permit=permit, **kw)


def brute_median(stake, weights, kappa):
    """The definition, one column at a time: the max w, among the values given by
    staked validators (and 0), with stake(W >= w) >= kappa (notes/yuma.md §2.3)."""
    out = []
    for j in range(weights.shape[1]):
        best = 0.0
        for w in weights[stake > 0, j]:
            if stake[weights[:, j] >= w].sum() >= kappa - 1e-12:
                best = max(best, w)
        out.append(best)
    return np.array(out)


@settings(max_examples=60, deadline=None)
@given(graphs(), VERSIONS)
def test_sums_and_ranges(g, kw):
    r = run(g, **kw)
    for name in ("incentive", "dividends"):
        total = getattr(r, name).sum()
        assert np.isclose(total, 1.0) or total == 0.0, name
    assert np.all(r.incentive >= 0) and np.all(r.dividends >= 0)
    assert np.all((r.validator_trust >= 0) & (r.validator_trust <= 1 + 1e-12))
    assert np.all((r.trust >= 0) & (r.trust <= 1 + 1e-12))
    emitted = r.server_emission.sum() + r.validator_emission.sum()
    assert np.isclose(emitted, 1.0) or (emitted == 0 and g[0].sum() == 0)
    if kw["version"] == "classic":
        col = r.bonds.sum(axis=0)
        assert np.all(np.isclose(col, 1.0) | (col == 0))
    else:
        assert np.all((r.bonds >= 0) & (r.bonds <= 1))


@settings(max_examples=60, deadline=None)
@given(graphs(), st.sampled_from([0.0, 0.25, 0.5, 32767 / 65535, 0.51, 1.0]))
def test_clipping_never_increases_weights(g, kappa):
    r = run(g, kappa=kappa)
    assert np.all(r.clipped_weights <= r.weights)
    assert np.all(r.clipped_weights <= r.consensus[None, :])
    assert np.all(r.ranks <= r.preranks + 1e-12)


@settings(max_examples=60, deadline=None)
@given(graphs(), st.sampled_from([0.0, 0.2, 0.5, 32767 / 65535, 0.7, 1.0]))
def test_median_matches_definition(g, kappa):
    stake, weights = g[0], g[1]
    s = stake / stake.sum() if stake.sum() else stake
    assert np.array_equal(
        weighted_median_col(s, weights, kappa), brute_median(s, weights, kappa)
    )


@settings(max_examples=50, deadline=None)
@given(graphs(), VERSIONS, st.randoms(use_true_random=False))
def test_permutation_equivariance(g, kw, rnd):
    stake, weights, bonds, active, permit = g
    v, m = weights.shape
    pv = np.array(rnd.sample(range(v), v))
    pm = np.array(rnd.sample(range(m), m))
    r = run(g, **kw)
    q = run(
        (
            stake[pv],
            weights[np.ix_(pv, pm)],
            bonds[np.ix_(pv, pm)],
            active[pv],
            permit[pv],
        ),
        **kw,
    )
    assert np.allclose(q.consensus, r.consensus[pm])
    assert np.allclose(q.incentive, r.incentive[pm])
    assert np.allclose(q.dividends, r.dividends[pv])
    assert np.allclose(q.validator_trust, r.validator_trust[pv])
    assert np.allclose(q.bonds, r.bonds[np.ix_(pv, pm)])


def test_kappa_tie_goes_to_the_higher_weight():
    # Two validators with exactly half the stake each disagree on miner 0.
    w = np.array([[1.0, 3.0], [3.0, 1.0]])  # rows normalise to .25/.75
    assert list(epoch([1, 1], w).consensus) == [0.75, 0.75]  # 0.5 >= kappa 0.5
    assert list(epoch([1, 1], w, kappa=32767 / 65535).consensus) == [0.75, 0.75]
    assert list(epoch([1, 1], w, kappa=0.5 + 1e-9).consensus) == [0.25, 0.25]
    # Float stake sums that are "exactly" kappa still count: 0.3 + 0.2 = 0.5.
    w3 = np.array([[1.0], [1.0], [0.0]])
    s = np.array([0.3, 0.2, 0.5])
    assert epoch(s, np.hstack([w3, 1 - w3])).consensus[0] == 1.0


@settings(max_examples=60, deadline=None)
@given(graphs(), st.floats(0.05, 0.95))
def test_kappa_monotone(g, kappa):
    """More required support never raises consensus."""
    lo = run(g, kappa=kappa).consensus
    hi = run(g, kappa=min(1.0, kappa + 0.1)).consensus
    assert np.all(hi <= lo)


def test_all_zero_rows_and_columns():
    w = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    r = epoch([1, 1, 2], w)
    assert r.weights[1].sum() == 0 and r.validator_trust[1] == 0
    assert r.consensus[0] == 0 and r.consensus[2] == 0
    assert r.incentive[0] == 0 and r.incentive[2] == 0 and r.incentive[1] == 1
    assert r.dividends[1] == 0


def test_fallback_to_active_stake_then_stake():
    r = epoch([1, 3], np.zeros((2, 2)))
    assert r.fallback and list(r.validator_emission) == [0.25, 0.75]
    assert list(r.server_emission) == [0, 0]
    r = epoch([1, 3], np.zeros((2, 2)), active=[True, False])
    assert list(r.validator_emission) == [1.0, 0.0]
    r = epoch([1, 3], np.zeros((2, 2)), validator_permit=[False, False])
    assert list(r.validator_emission) == [0.25, 0.75]
    r = epoch([0, 0], np.ones((2, 2)))
    assert r.fallback and r.validator_emission.sum() == 0


def test_inactive_keeps_row_loses_stake_unpermitted_loses_both():
    w = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    b = np.full((3, 2), 0.5)
    r = epoch([1, 1, 1], w, b, active=[True, False, True])
    assert r.active_stake[1] == 0 and r.weights[1, 1] == 1
    assert r.dividends[1] > 0  # classic: old bonds still earn
    y = epoch([1, 1, 1], w, b, active=[True, False, True], version="yuma3")
    assert y.dividends[1] == 0  # Yuma 3: stake enters dividends
    p = epoch([1, 1, 1], w, b, validator_permit=[True, False, True])
    assert p.weights[1].sum() == 0 and p.bonds[1].sum() == 0


def test_notes_cabal_is_clipped():
    """notes/yuma.md §5 (a float64 reference by the notes' author)."""
    honest, cabal = [0.3, 0.3, 0.3, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05, 0.8]
    r = epoch([0.25, 0.25, 0.20, 0.20, 0.10], [honest] * 3 + [cabal] * 2)
    assert np.allclose(r.incentive, [0.296, 0.296, 0.296, 0.112, 0], atol=5e-4)
    assert r.consensus[4] == 0 and r.trust[4] == 0
    assert np.isclose(r.preranks[4] / r.preranks.sum(), 0.24)
    assert np.allclose(r.validator_trust, [1, 1, 1, 0.2, 0.2])
    assert round(r.dividends[3:].sum(), 3) == 0.079
    sweep = {
        0.30: (0, 0.079),
        0.45: (0, 0.141),
        0.49: (0, 0.161),
        0.50: (0.40, 0.50),
        0.51: (0.67, 0.84),
        0.60: (0.71, 0.88),
    }
    for cs, (i4, d) in sweep.items():
        hs = (1 - cs) / 2
        r = epoch([hs, hs, cs], [honest, honest, cabal])
        assert round(r.incentive[4], 2) == i4
        assert round(r.dividends[2], len(str(d)) - 2) == d  # as printed


def test_quantize_bonds():
    b = np.array([[0.1, 0.0], [0.3, 0.0]])
    assert quantize_bonds(b).tolist() == [[21845, 0], [65535, 0]]
    assert quantize_bonds(b, "yuma3").tolist() == [[6553, 0], [19660, 0]]
    with pytest.raises(InvalidWeights):
        quantize_bonds(b, "yuma9")


# ----------------------------- bad input ----------------------------------

GOOD_S = np.array([1.0, 2.0])
GOOD_W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])

BAD = [
    ({"weights": [[np.nan, 0, 1], [0, 1, 1]]}, "weights[0, 0] is not finite"),
    ({"weights": [[np.inf, 0, 1], [0, 1, 1]]}, "not finite"),
    ({"weights": [[1, 0, 1], [0, -1, 1]]}, "weights[1, 1] is negative"),
    ({"weights": [1, 0, 1]}, "2-D"),
    ({"weights": [[1, 0, 1], [0, 1]]}, "not a numeric array"),
    ({"weights": [["a", 0, 1], [0, 1, 1]]}, "not a numeric array"),
    ({"kappa": "half"}, "kappa must be a number"),
    ({"weights": np.ones((3, 3))}, "rows"),
    ({"stake": [1.0, np.nan]}, "stake[1] is not finite"),
    ({"stake": [1.0, -2.0]}, "stake[1] is negative"),
    ({"stake": [[1.0, 2.0]]}, "1-D"),
    ({"bonds": np.ones((2, 2))}, "bonds must have shape"),
    ({"bonds": [[0, 0, np.nan], [0, 0, 0]]}, "bonds[0, 2] is not finite"),
    ({"active": [True]}, "active must have shape"),
    ({"validator_permit": [2, 0]}, "booleans"),
    ({"kappa": 1.5}, "kappa"),
    ({"alpha": -0.1}, "alpha"),
    ({"bonds_penalty": np.nan}, "bonds_penalty"),
    ({"version": "yuma2"}, "version"),
    (
        {"version": "yuma3", "liquid_alpha": True, "alpha_low": 0.9, "alpha_high": 0.7},
        "alpha_low",
    ),
    ({"version": "yuma3", "bonds": np.full((2, 3), 2.0)}, "levels in [0, 1]"),
    # numpy's own conversions must not leak or silently accept (issue 14)
    ({"weights": np.array([["1", "0", "1"], ["0", "1", "1"]])}, "numeric array"),
    ({"weights": [[1j, 0, 1], [0, 1, 1]]}, "numeric array"),
    ({"weights": np.array([[1, None, 1], [0, 1, 1]], dtype=object)}, "numeric"),
    ({"weights": [[True, False, True], [False, True, True]]}, "booleans"),
    ({"weights": "abc"}, "numeric array"),
    ({"weights": None}, "numeric array"),
    ({"weights": [[1, 0, 1], [0, 1, [1]]]}, "numeric array"),
    ({"weights": np.zeros((2, 3, 1))}, "2-D"),
    ({"stake": ["1", "2"]}, "numeric array"),
    ({"stake": {"a": 1}}, "numeric array"),
    ({"bonds": [[0, 0], [0, 0, 0]]}, "numeric array"),
    ({"active": [[True, False]]}, "active must have shape"),
    ({"active": ["yes", "no"]}, "booleans"),
    ({"validator_permit": [1.0, 0.0]}, "booleans"),
    ({"kappa": "0.5"}, "kappa must be a number"),
    ({"kappa": True}, "kappa must be a number"),
    ({"alpha": None}, "alpha must be a number"),
    ({"liquid_alpha": "yes", "version": "yuma3"}, "liquid_alpha must be a bool"),
    (
        {"version": "yuma3", "liquid_alpha": True, "steepness": "steep"},
        "steepness must be a number",
    ),
    ({"version": ["classic"]}, "version"),
]


@pytest.mark.parametrize("fn", [epoch, epoch_fused])
@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_rejected_and_inputs_untouched(change, message, fn):
    args = {"stake": GOOD_S.copy(), "weights": GOOD_W.copy(), **change}
    snapshot = copy.deepcopy(args)
    with pytest.raises(InvalidWeights, match=message.replace("[", r"\[")):
        fn(**args)
    for k, v in snapshot.items():
        assert repr(args[k]) == repr(v)  # every input exactly as it was


def test_errors_are_value_errors_and_valid_call_does_not_mutate():
    assert issubclass(InvalidWeights, MarketError)
    assert issubclass(InvalidWeights, ValueError)
    s, w, b = GOOD_S.copy(), GOOD_W.copy(), np.ones((2, 3))
    epoch(s, w, b)
    assert np.array_equal(s, GOOD_S) and np.array_equal(w, GOOD_W)
    assert np.array_equal(b, np.ones((2, 3)))


@settings(max_examples=80, deadline=None)
@given(graphs(), VERSIONS, st.booleans())
def test_fused_sibling_equals_the_lesson_steps(g, kw, no_bonds):
    stake, weights, bonds, active, permit = g
    b = None if no_bonds else bonds
    a = epoch(stake, weights, b, active=active, validator_permit=permit, **kw)
    f = epoch_fused(stake, weights, b, active=active, validator_permit=permit, **kw)
    assert_same_epoch(a, f, kw["version"])


@pytest.mark.parametrize(
    ("bonds", "message"),
    [([1, 2], "2-D"), ([[np.nan]], "not finite"), ([["x"]], "numeric array")],
)
def test_quantize_bonds_bad_input(bonds, message):
    with pytest.raises(InvalidWeights, match=message):
        quantize_bonds(bonds)


@pytest.mark.parametrize(
    ("stake", "k", "message"),
    [([1, 2], 1.5, "k must be an int"), ([1, 2], True, "k must be an int"),
     ([[1, 2]], 1, "1-D"), ([1, "a"], 1, "numeric array"), ([1, 2], -1, ">= 0")],
)  # fmt: skip
def test_validator_permits_bad_input(stake, k, message):
    with pytest.raises(InvalidWeights, match=message):
        validator_permits(stake, k)
