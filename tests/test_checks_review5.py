"""Round five of learner review (all lessons): what it changed outside the checks'
``wrong=`` lists (those are replayed by tests/test_checks.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from refimpl.art import ArtError, from_png, render, to_png
from refimpl.course.checks import l01, l10
from refimpl.course.feedback import array_code

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "value",
    [
        np.array([np.nan, -np.inf, 1.0]),
        np.array([[np.inf], [0.5]], dtype=np.float32),
        torch.tensor([float("nan"), float("-inf"), 2.0]),
    ],
    ids=["np", "np32", "torch"],
)
def test_non_finite_values_are_shown_as_code_that_rebuilds_them(value):
    code = array_code(value)
    assert code is not None and "nan," not in code.replace("np.nan,", "")
    rebuilt = eval(code, {"np": np, "torch": torch})  # noqa: S307 - our own text
    assert rebuilt.dtype == value.dtype
    a, b = np.asarray(rebuilt, dtype=np.float64), np.asarray(value, dtype=np.float64)
    assert np.array_equal(a, b, equal_nan=True)


def test_a_png_with_bytes_after_its_end_is_told_so_not_called_truncated():
    png = to_png(render(7, "sunset", 16))
    with pytest.raises(ArtError, match="4 bytes after its IEND chunk"):
        from_png(png + b"junk")
    with pytest.raises(ArtError, match="truncated"):
        from_png(png[:-20])


def test_a_labelled_input_returned_as_is_is_called_bytes():
    from refimpl.crypto import sha256d

    def returns_the_header(parent, header):
        return header[4:36] == sha256d(parent) and header

    message = l01.is_parent.evaluate(returns_the_header).message
    assert "returned a bytes" in message and "_Labelled" not in message


def test_a_close_float_names_both_causes_never_only_float32():
    from refimpl.course.checks import l07
    from refimpl.course.checks.l07 import _safe_reward

    def wrong_denominator(pred, y):  # float64 throughout, off by a hair
        value = _safe_reward(pred, y)
        return value * (1 + 1e-12) if value else value

    message = l07.safe_reward.evaluate(wrong_denominator).message
    assert "float32" in message and "the formula itself differs" in message


def test_exercise_14_5_says_how_many_washed_tokens_it_scores():
    from refimpl.course.checks._l14_heldout import scored_tokens

    washed = sum(1 for _, is_washed in scored_tokens() if is_washed)
    nb = json.loads((ROOT / "exercises" / "14_ai_auditor.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert f"There are {washed} washed tokens among them" in text
    assert f"catching all {washed}" in text


def test_the_hand_filtered_png_holds_the_same_pixels_as_pillows():
    from refimpl.course.checks.l10 import _png, _png_sub  # the check's own files

    assert np.array_equal(from_png(_png(1, 9)), from_png(_png_sub(1)))
    assert l10.same_image.evaluate(lambda a, b: a == b).status != "correct"


def test_exercise_05_4_keeps_to_the_range_its_text_promises():
    """The text says z <= 30 and every expected probability 0 or >= 0.001 (where
    1 - sum(...) is exact enough): hold the check's cases to it."""
    from refimpl.course.checks.l05 import _RACE_CASES, _race_success

    assert max(z for _, z, _, _ in _RACE_CASES) <= 30
    for case in _RACE_CASES:
        value = _race_success(*case)
        assert value == 0.0 or value >= 0.001, case


def test_an_empty_expected_list_is_never_called_a_prefix_of_the_answer():
    from refimpl.course import FunctionCheck

    check = FunctionCheck(
        "T.1 evens", reference=lambda xs: [], cases=[([1, 3],)], hints=["h"]
    )
    message = check.evaluate(lambda xs: [1]).message
    assert "right" not in message.split("that length is not right")[-1]


def test_no_exercise_notebook_promises_what_only_the_solutions_hold():
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        text = path.read_text()
        assert "Only in the solutions" not in text, path.name
        assert "What feedback looks like" not in text, path.name


def test_crypto_takes_int_subclasses_as_ints_but_never_bools():
    """The checks pass labelled ints; a learner's answer built on refimpl.crypto
    must work with them (an IntEnum would be the same), while a bool is refused."""
    import enum

    from refimpl.crypto import PrivateKey, PublicKey, Signature

    class Labelled(int):
        pass

    key = PrivateKey(0xC0FFEE)
    digest = bytes(range(32))
    sig = key.sign(digest)
    relabelled = Signature(Labelled(sig.r), Labelled(sig.s), Labelled(sig.v))
    assert type(relabelled.r) is int and relabelled == sig
    point = tuple(Labelled(c) for c in key.public_key.point)
    assert PublicKey(point).verify(digest, relabelled)
    assert relabelled.recover(digest) == key.public_key

    class V(enum.IntEnum):
        EVEN = 27
        ODD = 28

    assert Signature(sig.r, sig.s, V(sig.v)).serialize() == sig.serialize()
    with pytest.raises(ValueError):
        Signature(True, sig.s, sig.v).serialize()
