"""Checks 10.2, 10.4, 10.5, 13.1, 13.2, 14.1, 14.2, 15.1, 15.3 and 15.4 after a
second learner's review.

Each test replays an answer the reviewer found accepted, or a message that misled
(an input cut before the part that matters, a bare float32 value, a digest's "first
wrong byte"), and holds the fix.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
from check_replay import refused as _refused

from refimpl.art import from_png, pixel_sha256
from refimpl.course.checks import l10, l13, l14, l15

ROOT = Path(__file__).resolve().parents[1]


def _markdown(folder: str, lesson: str) -> list[str]:
    nb = json.loads((ROOT / folder / lesson).read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


# -- 1. inputs shown whole -------------------------------------------------------
def _conflicts_ok(txs):
    ids = defaultdict(set)
    for sender, nonce, txid in txs:
        ids[(sender, nonce)].add(txid)
    out = defaultdict(list)
    for (sender, nonce), seen in ids.items():
        if len(seen) > 1:
            out[sender].append(nonce)
    return {s: sorted(v) for s, v in out.items()}


def test_l14_conflicts_shows_the_transactions_whole():
    def wrong(txs):
        out = _conflicts_ok(txs)
        if txs and txs[0] == ("bob", 4, "a"):
            out["bob"] = [2]
        return out

    message = _refused(l14.conflicts, wrong)
    assert "[('bob', 4, 'a'), ('bob', 2, 'b'), ('bob', 2, 'c'), ('bob', 4, 'd')]" in (
        message
    )


def test_l13_find_duplicates_shows_the_epochs_as_code_that_rebuilds_them():
    def wrong(epochs, registered_at):
        out = l13._find_duplicates(epochs, registered_at)
        if epochs and len(epochs[0]) > 20:
            out[0] = set(sorted(out[0])[1:])
        return out

    message = _refused(l13.find_duplicates, wrong)
    epochs = [list("bxyzbxyzbxyzbxyzbxyzbxy"), list("adcbdabdcbccddaabccccad")]
    shown = "[list('bxyzbxyzbxyzbxyzbxyzbxy'), list('adcbdabdcbccddaabccccad')]"
    assert shown in message
    assert eval(shown) == epochs  # the text rebuilds the input
    case = next(c for c in l13.find_duplicates.cases if c[0] == epochs)
    assert repr(case[1]) in message  # registration times whole


# -- 2. 14.2: int 0 refused, rounding named --------------------------------------
def test_l14_copy_gap_refuses_int_zero_as_13_3_does():
    def int_zero(*args):
        gap = l14._copy_gap(*args)
        return 0 if gap == 0 else gap

    message = _refused(l14.copy_gap, int_zero)
    assert "0.0 not 0" in message and "int 0" in message

    def numpy_zero(*args):
        gap = l14._copy_gap(*args)
        return np.int64(0) if gap == 0 else gap

    assert "0.0 not 0" in _refused(l14.copy_gap, numpy_zero)


def test_l14_copy_gap_wrong_value_is_not_blamed_on_its_type():
    message = _refused(l14.copy_gap, lambda *a: 1)  # wrong everywhere: an int 1
    assert "0.0 not 0" not in message and "not right" in message


def test_l14_copy_gap_rounded_answers_are_told_so():
    for digits in (2, 4):
        message = _refused(
            l14.copy_gap, lambda *a, d=digits: round(l14._copy_gap(*a), d)
        )
        assert "rounded" in message and "float32" not in message


# -- 3. 10.4: one layer ----------------------------------------------------------
def test_l10_cppn_pixel_refuses_the_same_layer_as_hidden_and_output():
    message = _refused(l10.cppn_pixel, l10._first_and_last)
    one = [([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2])]
    got = l10._cppn_pixel([0.3, -0.7], one)
    assert [round(v, 3) for v in got] == [0.721, 0.556]  # the reviewer's figures
    assert [round(v, 3) for v in l10._first_and_last([0.3, -0.7], one)] == [
        0.562,
        0.792,
    ]
    assert "cppn_pixel([0.3, -0.7], [([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2])])" in (
        message
    )


# -- 4. 10.2: odd n --------------------------------------------------------------
def test_l10_pixel_of_refuses_an_even_n_only_formula():
    def even_only(x, n):
        return min(math.floor(x * (n // 2) + n // 2), n - 1)

    assert "pixel_of(0.5, 3)" in _refused(l10.pixel_of, even_only)
    assert l10._pixel_of(0.5, 3) == 2 and even_only(0.5, 3) == 1
    for x, n in l10.pixel_of.cases:  # odd n: every case's arithmetic is exact
        if n % 2:
            assert ((x + 1.0) * n / 2.0) * 2 / n - 1.0 == x


# -- 5. exercises/10 promises no missing cell ------------------------------------
def test_exercises_10_has_no_sentence_leading_into_a_missing_cell():
    nb = json.loads((ROOT / "exercises" / "10_generative_art.ipynb").read_text())
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        text = "".join(cell["source"]).rstrip()
        if cell["cell_type"] == "markdown" and text.endswith(":"):
            assert i + 1 < len(cells) and cells[i + 1]["cell_type"] == "code", text
    assert not any(
        "finds the input where it does not" in t
        for t in _markdown("exercises", "10_generative_art.ipynb")
    )


# -- 6. shapes and windows -------------------------------------------------------
def test_l10_same_image_refuses_shapes_compared_as_sorted_sizes():
    def sorted_shape(a, b):
        x, y = from_png(a), from_png(b)
        return sorted(x.shape) == sorted(y.shape) and pixel_sha256(x) == pixel_sha256(y)

    assert "48 wide x 12 high" in _refused(l10.same_image, sorted_shape)


def test_l15_accept_nonce_refuses_whole_second_rounding_on_fractional_windows():
    def ceil_skew(last, nonce, ts, now, window):
        return nonce > last and math.ceil(abs(ts - now)) <= window

    assert ", 0.5)" in _refused(l15.accept_nonce, ceil_skew)
    assert any(
        "need not be whole" in t
        for t in _markdown("solutions", "15_market_goes_live.ipynb")
    )


def test_l13_near_duplicate_refuses_height_width_and_size_as_the_shape():
    def size_hw(a, b, tol=2.0):
        if a.size != b.size or a.shape[:2] != b.shape[:2]:
            return False
        d = a.ravel().astype(np.int64) - b.ravel().astype(np.int64)
        return bool(np.abs(d).mean() < tol)

    message = _refused(l13.near_duplicate, size_hw)
    assert "np.full((4, 4), 5, np.uint8), np.full((4, 4, 1), 5, np.uint8)" in message
    text = "\n".join(_markdown("solutions", "13_capstone_art_subnet.ipynb"))
    assert "every value" in text and "`(4, 4, 1)`" in text


# -- 7. messages ------------------------------------------------------------------
def test_l15_round_seconds_float32_answers_get_the_float32_note():
    def as_floats(lat, t):
        return tuple(float(np.float32(x)) for x in l15._round_seconds(lat, t))

    assert "float32" in _refused(l15.round_seconds, as_floats)
    message = _refused(
        l15.round_seconds,
        lambda lat, t: tuple(np.float32(x) for x in l15._round_seconds(lat, t)),
    )
    assert "float32" in message and "7 digits" in message


def test_l15_request_digest_message_points_at_the_hashed_text():
    for wrong in (l15._digest_without_path, l15._digest_single_sha):
        message = _refused(l15.request_digest, wrong)
        assert "first wrong byte" not in message
        assert "whole digest" in message and "check the text you hash" in message
        for case in l15.request_digest.cases:
            digest = l15._request_digest(*case)
            assert digest.hex()[:8] not in message and repr(digest) not in message
