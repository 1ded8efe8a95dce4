"""The market's doors refuse bad input with its own errors, never numpy's."""

from __future__ import annotations

import numpy as np
import pytest

from refimpl.market.errors import InvalidParams, InvalidWeights
from refimpl.market.weights import u16_to_weights, weights_to_u16

RAGGED = [[1, 2], [3]]


@pytest.mark.parametrize(
    ("uids", "weights", "reason"),
    [
        ([0, 1], [1.0, np.nan], "not finite"),
        ([0, 1], [1.0, np.inf], "not finite"),
        ([0, 1], [1.0, -1.0], "negative"),
        ([0, 1], ["a", "b"], "numeric array"),
        ([0, 1], [True, False], "booleans"),
        ([0, 1], [1j, 1], "numeric array"),
        ([0, 1], RAGGED, "numeric array"),
        ([0, 1], [[1.0, 2.0]], "1-D"),
        ([0, 1], None, "numeric array"),
        ([0, 1], [1.0], "same length"),
        ([0, 1.0], [1.0, 1.0], "uid 1.0"),
        ([0, True], [1.0, 1.0], "uid True"),
        ([0, -1], [1.0, 1.0], "uid -1"),
        ("01", [1.0, 1.0], "list of ints"),
        (np.zeros((2, 1), dtype=int), [1.0, 1.0], "1-D"),
    ],
)
def test_weights_to_u16_refuses(uids, weights, reason):
    with pytest.raises(InvalidWeights, match=reason):
        weights_to_u16(uids, weights)


def test_weights_to_u16_takes_numpy_ints_and_ranges():
    assert weights_to_u16(np.arange(3), np.array([0.2, 0.1, 0.0])) == (
        [0, 1],
        [65535, 32768],
    )
    assert weights_to_u16(range(2), [0, 0]) == ([], [])


@pytest.mark.parametrize(
    ("uids", "values", "n", "reason"),
    [
        ([0], [1], 2.0, "n must be"),
        ([0], ["x"], 2, "numeric array"),
        ([0, 0], [1, 1], 2, "duplicate"),
        ([5], [1], 2, "out of range"),
        ([0], [1.5], 2, "u16"),
        ([0], [70000], 2, "u16"),
        ([0], [np.nan], 2, "not finite"),
        ([[0]], [1], 2, "uid"),
    ],
)
def test_u16_to_weights_refuses(uids, values, n, reason):
    with pytest.raises(InvalidWeights, match=reason):
        u16_to_weights(uids, values, n)


def test_update_scores_checks_its_inputs_and_keeps_the_template_rule():
    from refimpl.market.validators import update_scores

    new = update_scores(np.ones(3), [np.nan, 1.0], [0, 2])  # NaN reward -> 0
    assert np.allclose(new, [0.9, 0.9, 1.0])
    for args, reason in [
        ((np.ones(3), [1.0], [0, 1]), "2 uids but 1 rewards"),
        ((np.ones(3), [1.0], [3]), "out of range"),
        ((np.ones(3), [np.inf], [0]), "not finite"),
        ((np.ones(3), RAGGED, [0]), "numeric array"),
        ((RAGGED, [1.0], [0]), "numeric array"),
        ((np.ones(3), [1.0], [0.0]), "uid 0.0"),
        ((np.ones(3), ["1"], [0]), "numeric array"),
    ]:
        with pytest.raises(InvalidWeights, match=reason):
            update_scores(*args)
    with pytest.raises(InvalidWeights, match="alpha"):
        update_scores(np.ones(3), [1.0], [0], alpha=1.5)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"delay": -1}, "delay must be an int >= 0"),
        ({"delay": 1.0}, "delay must be an int"),
        ({"delay": True}, "delay must be an int"),
        ({"delay": 0, "epochs": 0}, "epochs"),
        ({"delay": 0, "period": 0}, "period"),
        ({"delay": 0, "stake": (1.0,)}, "honest validators"),
        ({"delay": 0, "stake": (0.0, 1.0)}, "honest validators"),
    ],
)
def test_copier_toy_refuses_bad_parameters(kwargs, reason):
    from refimpl.market.commit_reveal import copier_toy

    with pytest.raises(InvalidParams, match=reason):
        copier_toy(**kwargs)
    with pytest.raises(InvalidWeights, match="numeric array"):
        copier_toy(0, stake=("a", "b"))


@pytest.mark.parametrize(
    ("scores", "bar", "reason"),
    [
        ([0.5, np.nan], 0.05, "not finite"),
        (RAGGED, 0.05, "numeric array"),
        ([[0.5]], 0.05, "1-D"),
        ([0.5], "0.05", "bar must be"),
        ([0.5], float("inf"), "bar must be"),
    ],
)
def test_weights_from_scores_refuses(scores, bar, reason):
    from refimpl.artnet import ArtNetError, weights_from_scores

    with pytest.raises(ArtNetError, match=reason):
        weights_from_scores(scores, bar)
