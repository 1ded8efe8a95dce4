"""Checks 10.3, 10.4, 13.3, 14.2, 14.3, 14.5 and 15.3 after a learner's review.

Each test replays an answer a reviewer found accepted, or a message that misled,
and holds the fix: the wrong answer is refused, the message says what is wrong
(float32 only when float32 explains the difference), and texts match the checks.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from check_replay import refused as _refused

from refimpl.course.checks import _l14_heldout, l10, l13, l14, l15
from refimpl.course.checks._pure import error_kind

ROOT = Path(__file__).resolve().parents[1]


def _markdown(lesson: str) -> str:
    nb = json.loads((ROOT / "solutions" / lesson).read_text())
    return "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )


# -- the "right only to about 7 digits (float32)" note ------------------------------
def test_error_kind_says_float32_only_when_float32_explains_it():
    e = [0.45, 1 / 3, 2.0 / 7.0]
    assert error_kind([float(np.float32(x)) for x in e], e) == "float32"
    assert error_kind([x * (1 + 3e-7) for x in e], e) == "float32"
    assert error_kind([x + 1e-9 for x in e], e) is None  # too small for float32
    assert error_kind([x * (1 + 1e-4) for x in e], e) is None  # too large
    assert error_kind([round(x, 6) for x in e], e) == "rounded"
    assert error_kind(e, e) is None


def test_l13_answer_off_by_1e9_gets_no_float32_note():
    def off(s, v, d, bar=0.05):
        return [
            0.0 if not ok or dup else max(0.0, x - bar) + 1e-9
            for x, ok, dup in zip(s, v, d, strict=True)
        ]

    assert "float32" not in _refused(l13.validator_row, off)


def test_l14_copy_gap_rounded_is_called_rounded_not_float32():
    message = _refused(l14.copy_gap, lambda *a: round(l14._copy_gap(*a), 6))
    assert "float32" not in message and "rounded" in message


def test_l10_cppn_float32_explained_once():
    def f32(inputs, layers):
        h = np.array(inputs, dtype=np.float32)
        for k, (w, b) in enumerate(layers):
            h = np.array(w, np.float32) @ h + np.array(b, np.float32)
            if k < len(layers) - 1:
                h = np.tanh(h)
        return list(1 / (1 + np.exp(-h)))

    message = _refused(l10.cppn_pixel, f32)
    assert message.count("7 digits") == 1, message


# -- inputs shown whole --------------------------------------------------------------
def test_l14_cycle_lengths_shows_the_whole_input():
    def from_first(minter, sales):  # the check's own wrong answer: cycles from the
        return l14._cycles_from_first(l14._owners(minter, sales))  # first holding

    message = _refused(l14.cycle_lengths, from_first)
    assert "(35, 'A')])" in message and "…" not in message


def test_l10_cppn_pixel_shows_how_to_rebuild_the_classic_net():
    def small_nets_only(inputs, layers):  # wrong only on the lesson's big net
        out = l10._cppn_pixel(inputs, layers)
        return [0.5] * len(out) if len(inputs) == 7 else out

    message = _refused(l10.cppn_pixel, small_nets_only)
    assert 'cppn_weights(3, "classic")' in message and "…" not in message


# -- 14.2: n from all three ----------------------------------------------------------
def test_l14_copy_gap_n_counts_both_lists():
    case = (0, {1: 10, 2: 20}, [0.0, 0.3, 0.5, 0.2], [0.0, 0.2, 0.5, 0.3])
    assert l14._copy_gap(*case) == pytest.approx(0.327326835, abs=1e-9)
    assert l14._gap_n_from(*case) == 0.0  # the reviewer's wrong n
    for lists in ((), ("prev",), ("nxt",)):
        _refused(
            l14.copy_gap,
            lambda u, w, p, n, lists=lists: l14._gap_n_from(u, w, p, n, lists=lists),
        )


# -- 13.3: not rounded, floats ------------------------------------------------------
@pytest.mark.parametrize("zero", [0, False, np.int64(0)])
def test_l13_zero_weight_must_be_a_float(zero):
    def row(s, v, d, bar=0.05):
        return [
            zero if not ok or dup else max(0.0, x - bar)
            for x, ok, dup in zip(s, v, d, strict=True)
        ]

    assert "0.0 not 0" in _refused(l13.validator_row, row)


def test_l13_rounded_to_6_is_refused():
    message = _refused(
        l13.validator_row,
        lambda s, v, d, bar=0.05: [
            0.0 if not ok or dup else round(max(0.0, x - bar), 6)
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
    )
    assert "rounded" in message


# -- 14.5: scored on afternoons nobody can read --------------------------------------
def test_l14_wash_rule_scored_rows_are_not_published():
    assert not hasattr(l14, "HELD_OUT")
    seeds = set(_l14_heldout.SCORED_SEEDS)
    assert len(seeds) == 14 and not seeds & set(range(201, 229))  # shown / old
    published = {v for rows in _l14_heldout.HELD_OUT.values() for v, _ in rows}
    published |= {v for v, _ in l14.TOKENS}
    memo = {v: w for rows in _l14_heldout.HELD_OUT.values() for v, w in rows}

    def memorised(row):  # the reviewer's answer: a table of every printed row
        return memo.get(tuple(row[n] for n in l14.TOKEN_NAMES), False)

    assert "recall" in _refused(l14.wash_rule, memorised)
    scored = _l14_heldout.scored_tokens()
    assert sum(w for _, w in scored) >= 10  # enough washed tokens to score recall
    assert _l14_heldout.token_rows(229) == [
        r for r in scored[: len(_l14_heldout.token_rows(229))]
    ]
    assert len(published) > 50


# -- 10.3: the text's claims, and the message for floor(x + 0.5) ---------------------
def test_l10_floor_plus_half_agrees_at_8_bits_on_floats():
    """The text: with bits=8 floor(x + 0.5) is the rule for every float v. The only
    x below 2**52 where floor(x + 0.5) is not half up is 0.5 - 2**-54; at 8 bits no
    product v * 255 lands on it (search around 0.5 / 255), and random and
    near-half values agree."""
    target = 0.5 - 2.0**-54
    v = 0.5 / 255
    lo = hi = v
    for _ in range(3000):
        lo, hi = math.nextafter(lo, 0.0), math.nextafter(hi, 1.0)
        assert lo * 255 != target and hi * 255 != target
    rng = random.Random(10)
    values = [rng.random() for _ in range(20_000)]
    values += [math.nextafter((k + 0.5) / 255, d) for k in range(255) for d in (0, 1)]
    for x in values:
        assert math.floor(x * 255 + 0.5) == l10._quantize_bits(x, 8)


@pytest.mark.parametrize("bits", [0, 17, 54, 64])
def test_l10_quantize_reference_bounds_bits(bits):
    with pytest.raises(ValueError):
        l10._quantize_bits(0.5, bits)
    assert "`bits` from 1 to 16" in _markdown("10_generative_art.ipynb")


def test_l10_floor_plus_half_is_told_why():
    message = _refused(l10.quantize_bits, l10._floor_plus_half)
    assert "0.49999999999999994" in message and "floor(x + 0.5)" in message


# -- 15.3: the window's edge ---------------------------------------------------------
def test_l15_text_says_exactly_window_off_is_accepted():
    assert "exactly `window` seconds off" in _markdown("15_market_goes_live.ipynb")
    edges = [c for c in l15._NONCE_CASES if abs(c[2] - c[3]) == c[4] and c[1] > c[0]]
    assert any(c[2] > c[3] for c in edges) and any(c[2] < c[3] for c in edges)
    assert all(l15._accept_nonce(*c) for c in edges)
