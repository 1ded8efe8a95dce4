"""split_tokens: exact largest remainder, its tie rule, no loop over the amount."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.chain.transaction import MAX_AMOUNT
from refimpl.market.errors import InvalidWeights
from refimpl.market.subnet import split_tokens


def reference(pool: int, shares: list) -> list[int]:
    """Largest remainder in Fractions: floors, then the leftover units one each to
    the largest exact fractional parts, ties to the lower index."""
    fr = [Fraction(s) for s in shares]
    quota = [pool * s / sum(fr) for s in fr]
    base = [math.floor(q) for q in quota]
    order = sorted(range(len(fr)), key=lambda i: (-(quota[i] - base[i]), i))
    for i in order[: pool - sum(base)]:
        base[i] += 1
    return base


def test_issue_example_ties_go_to_the_lower_index():
    # quotas 1/3, 1/3, 7/3: all three fractional parts are exactly 1/3
    assert split_tokens(3, [1, 1, 7]) == [1, 0, 2]
    assert split_tokens(3, [1.0, 1.0, 7.0]) == [1, 0, 2]
    assert split_tokens(10, [1, 1, 1]) == [4, 3, 3]
    assert split_tokens(7, [0.5, 0.25, 0.25]) == [3, 2, 2]
    assert split_tokens(0, [1, 2]) == [0, 0]


def test_max_amount_is_exact_and_fast():
    got = split_tokens(MAX_AMOUNT, [1, 1, 7])
    assert got == reference(MAX_AMOUNT, [1, 1, 7]) and sum(got) == MAX_AMOUNT
    shares = [0.1, 0.2, 0.3, 1e-300, 5e-324]
    got = split_tokens(MAX_AMOUNT, shares)
    assert got == reference(MAX_AMOUNT, shares) and sum(got) == MAX_AMOUNT


share = st.one_of(
    st.integers(0, 10**6),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=0, max_value=1000, max_denominator=50),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.integers(0, 10**4), st.integers(0, MAX_AMOUNT)),
    st.lists(share, min_size=1, max_size=12).filter(lambda s: any(s)),
)
def test_equals_the_exact_fraction_reference(pool, shares):
    got = split_tokens(pool, shares)
    assert got == reference(pool, shares)
    assert sum(got) == pool and all(isinstance(v, int) for v in got)
    assert split_tokens(pool, np.array([float(s) for s in shares])) == reference(
        pool, [float(s) for s in shares]
    )


@pytest.mark.parametrize(
    "pool, shares, reason",
    [
        (5, [0, 0], "all zero"),
        (5, [], "empty"),
        (5, [1, -1], "negative"),
        (5, [1, float("nan")], "not finite"),
        (5, [1, float("inf")], "not finite"),
        (5, [1, True], "bool"),
        (5, [1, "2"], "not a number"),
        (5, [1, None], "not a number"),
        (5, "12", "list of numbers"),
        (5, np.ones((2, 2)), "1-D"),
        (-1, [1], "outside"),
        (MAX_AMOUNT + 1, [1], "outside"),
        (5.0, [1], "must be an int"),
        (True, [1], "must be an int"),
    ],
)
def test_bad_input_is_refused_with_a_reason(pool, shares, reason):
    with pytest.raises(InvalidWeights, match=reason):
        split_tokens(pool, shares)
    with pytest.raises(ValueError):  # InvalidWeights is a ValueError (old callers)
        split_tokens(pool, shares)
