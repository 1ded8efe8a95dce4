"""The double-spend race (whitepaper §11) by Monte Carlo and by closed forms."""

from __future__ import annotations

import decimal
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from refimpl.chain.race import (
    RaceEstimate,
    race_success_probability,
    race_walk,
    simulate_double_spend,
)

VECTORS = Path(__file__).parent / "vectors" / "chain_public.json"

# Whitepaper §11 (p. 8), the published table (7 decimals).
WHITEPAPER = {
    0.1: {0: "1.0000000", 1: "0.2045873", 2: "0.0509779", 3: "0.0131722",
          4: "0.0034552", 5: "0.0009137", 6: "0.0002428", 7: "0.0000647"},
    0.3: {0: "1.0000000", 5: "0.1773523", 10: "0.0416605", 15: "0.0101008",
          20: "0.0024804", 25: "0.0006132"},
}  # fmt: skip


def _whitepaper_formula(q: float, z: int) -> float:
    """§11's C code, transcribed (the oracle for the Monte Carlo in these tests)."""
    p = 1.0 - q
    lam = z * (q / p)
    total = 1.0
    for k in range(z + 1):
        poisson = math.exp(-lam)
        for i in range(1, k + 1):
            poisson *= lam / i
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def test_formula_oracle_matches_the_published_table():
    for q, row in WHITEPAPER.items():
        for z, value in row.items():
            assert f"{_whitepaper_formula(q, z):.7f}" == value


@pytest.mark.parametrize("q,z", [(0.1, 1), (0.1, 2), (0.1, 3), (0.3, 5), (0.3, 10)])
def test_whitepaper_model_monte_carlo_is_near_the_formula(q, z):
    est = simulate_double_spend(q, z, trials=60_000, seed=11, model="whitepaper")
    assert est.agrees_with(_whitepaper_formula(q, z), sigmas=5)


def test_monte_carlo_matches_the_shared_vectors():
    examples = json.loads(VECTORS.read_text())["whitepaper_section11"]["examples"]
    for ex in examples:
        est = simulate_double_spend(
            ex["q"], ex["z"], trials=50_000, seed=3, model="whitepaper"
        )
        assert est.agrees_with(float(ex["P"]), sigmas=5)


@pytest.mark.parametrize("ties_win", [True, False])
@pytest.mark.parametrize("q,z", [(0.1, 2), (0.3, 1), (0.3, 4), (0.45, 3)])
def test_race_model_monte_carlo_is_near_the_exact_race(q, z, ties_win):
    est = simulate_double_spend(q, z, trials=40_000, seed=5, ties_win=ties_win)
    assert est.agrees_with(race_success_probability(q, z, ties_win=ties_win), 5)


def test_the_full_race_favours_the_attacker_more_than_section_11():
    # Rosenfeld (2014): q=0.1, z=6 gives 0.0005914 against §11's 0.0002428.
    assert f"{race_success_probability(0.1, 6):.7f}" == "0.0005914"
    for z in range(2, 12):
        assert race_success_probability(0.1, z) > _whitepaper_formula(0.1, z)


def test_closed_forms_edge_cases():
    assert race_success_probability(0.3, 0) == 1.0
    assert race_success_probability(0.3, 0, ties_win=False) == pytest.approx(3 / 7)
    assert race_success_probability(0.5, 7) == 1.0
    assert race_success_probability(0.0, 3) == 0.0
    assert race_success_probability(0.3, 1) == pytest.approx(0.6)  # p*(q/p) + q
    # Overtaking is strictly harder than catching up.
    assert race_success_probability(0.2, 4, ties_win=False) < race_success_probability(
        0.2, 4
    )


def _exact_race(q: float, z: int, ties_win: bool = True) -> Fraction:
    """The docstring's finite formula in exact rationals (small z only)."""
    q_, p = Fraction(q), 1 - Fraction(q)
    extra = 0 if ties_win else 1
    if z == 0:
        return (q_ / p) ** extra
    r, total = q_ / p, Fraction(1)
    for m in range(z + 1):
        total -= math.comb(m + z - 1, m) * p**z * q_**m * (1 - r ** (z - m + extra))
    return total


def _decimal_race(q: float, z: int, ties_win: bool = True, digits: int = 80):
    """The same finite formula in 80-digit decimals, terms built by exact ratios: the
    oracle for large z (its cancellation costs ~20 of the 80 digits here)."""
    with decimal.localcontext() as ctx:
        ctx.prec = digits
        q_, p = Decimal(q), 1 - Decimal(q)  # the float's exact binary value
        extra = 0 if ties_win else 1
        r = q_ / p
        nb = p**z  # P(k = 0)
        ruin = r ** (z + extra)
        total = Decimal(1)
        for m in range(z + 1):
            total -= nb * (1 - ruin)
            nb = nb * (m + z) / (m + 1) * q_
            ruin = ruin / r
        return float(total)


def _old_formula(q: float, z: int, ties_win: bool = True) -> float:
    """The plain float formula (what the module computed until it overflowed; its
    1 - sum cancels, so tiny results carry an absolute error near 1e-15)."""
    p = 1.0 - q
    extra = 0 if ties_win else 1
    total = 1.0
    for m in range(z + 1):
        ruin = (q / p) ** (z - m + extra)
        total -= math.comb(m + z - 1, m) * p**z * q**m * (1.0 - ruin)
    return min(1.0, max(0.0, total))


@pytest.mark.parametrize("ties_win", [True, False])
def test_race_probability_is_exact_on_small_z(ties_win):
    for q in (1e-9, 0.01, 0.1, 0.25, 0.3, 0.45, 0.49, 0.4999):
        for z in (1, 2, 3, 5, 10, 30, 60):
            exact = _exact_race(q, z, ties_win)
            got = race_success_probability(q, z, ties_win=ties_win)
            if float(exact) < 1e-300:  # below the normal floats
                assert got < 1e-290
                continue
            assert abs(Fraction(got) - exact) <= exact * Fraction(1, 10**12), (q, z)


def test_race_probability_agrees_with_the_plain_formula_where_it_worked():
    for q in (0.05, 0.2, 0.35, 0.45, 0.499):
        for z in (1, 7, 40, 200, 515):
            for ties_win in (True, False):
                assert race_success_probability(
                    q, z, ties_win=ties_win
                ) == pytest.approx(_old_formula(q, z, ties_win), rel=1e-9, abs=1e-13)


@pytest.mark.parametrize(
    ("q", "z"),
    [(0.45, 516), (0.3, 516), (0.45, 5_000), (0.49, 5_000), (0.49, 100_000),
     (0.4999, 100_000)],
)  # fmt: skip
def test_race_probability_from_z_516_to_100_000(q, z):
    # math.comb(m + z - 1, m) * p**z overflowed a float for every z >= 516.
    for ties_win in (True, False):
        got = race_success_probability(q, z, ties_win=ties_win)
        want = _decimal_race(q, z, ties_win)
        assert want > 1e-300
        assert got == pytest.approx(want, rel=1e-9)


def test_race_probability_underflows_to_zero_not_an_error():
    assert race_success_probability(0.1, 100_000) == 0.0
    assert race_success_probability(0.45, 100_000, ties_win=False) == 0.0
    assert race_success_probability(0.4999999, 100_000) > 0.99


def test_deterministic_given_seed_and_seed_matters():
    a = simulate_double_spend(0.3, 5, trials=20_000, seed=1)
    b = simulate_double_spend(0.3, 5, trials=20_000, seed=1)
    c = simulate_double_spend(0.3, 5, trials=20_000, seed=2)
    assert a == b
    assert a.successes != c.successes
    assert isinstance(a, RaceEstimate) and 0 < a.estimate < 1


def test_majority_and_zero_attackers():
    assert simulate_double_spend(0.6, 10, trials=100).estimate == 1.0
    assert simulate_double_spend(0.0, 1, trials=100).estimate == 0.0
    assert simulate_double_spend(0.2, 0, trials=100).estimate == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [dict(q=1.0, z=1), dict(q=-0.1, z=1), dict(q=0.1, z=-1), dict(q=0.1, z=1.5),
     dict(q=0.1, z=1, model="poisson"), dict(q=0.1, z=1, trials=0)],
)  # fmt: skip
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        simulate_double_spend(**kwargs)


def test_race_walk_ends_when_the_attacker_catches_up_after_z():
    walk = race_walk(0.45, 2, seed=4, max_blocks=500)
    assert walk[0] == 0
    assert all(abs(b - a) == 1 for a, b in zip(walk[:-1], walk[1:], strict=True))
    assert race_walk(0.45, 2, seed=4, max_blocks=500) == walk
    assert len(race_walk(0.01, 3, seed=0, max_blocks=20)) == 21
