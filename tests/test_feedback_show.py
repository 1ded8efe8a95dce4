"""Inputs in messages: small arrays and tensors are shown whole, exactly rebuildable."""

import numpy as np
import pytest
import torch

from refimpl.course import INCORRECT
from refimpl.course.checks import l08
from refimpl.course.feedback import SMALL_ARRAY, short_repr

SMALL = [
    np.array([[0.3, 0.3, 0.3, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05, 0.8]]),
    np.array([[65535, 32768], [1, 3]], dtype=np.uint16),
    np.array([0.1, 1 / 3], dtype=np.float32),
    np.array([True, False]),
    np.zeros((0, 3)),
    torch.tensor([1e-30, 2e-20], dtype=torch.float32),
    torch.tensor([[1.0, 2.0]], dtype=torch.float64),
    torch.tensor([3, -1], dtype=torch.int64),
]


@pytest.mark.parametrize("value", SMALL, ids=lambda v: type(v).__name__)
def test_small_arrays_rebuild_exactly(value):
    text = short_repr(value)
    assert "…" not in text
    rebuilt = eval(text, {"np": np, "torch": torch})  # noqa: S307 - our own text
    assert type(rebuilt) is type(value)
    assert rebuilt.dtype == value.dtype and tuple(rebuilt.shape) == tuple(value.shape)
    if isinstance(value, np.ndarray):
        assert np.array_equal(rebuilt, value)
    else:
        assert torch.equal(rebuilt, value)


def test_large_arrays_are_cut():
    text = short_repr(np.arange(SMALL_ARRAY + 1, dtype=np.float64) / 7)
    assert text.endswith("…") and len(text) <= 60


def test_a_float32_step_is_named_and_the_input_shown_whole(capsys):
    def clip_float32(W, C):
        clipped = np.minimum(np.asarray(W, dtype=np.float32), C)  # back to float64
        return clipped, clipped.sum(axis=1)

    result = l08.clip_weights.evaluate(clip_float32)
    assert result.status == INCORRECT
    assert "float32" in result.message
    assert "np.array([[0.3, 0.3, 0.3, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05, 0.8]])" in (
        result.message
    )


def test_a_mutating_answer_is_shown_the_call_it_changed():
    result = l08.normalize_rows.evaluate(l08._rows_in_place)
    assert result.status == INCORRECT
    assert "changed its argument number 1 in place" in result.message
    assert result.message.startswith("normalize_rows(np.array([[4.0, 2.0, 2.0, 0.0]")


def _call_in(message: str, name: str) -> str:
    """The text between ``name(`` and the matching ``)`` of a check message."""
    start = message.index(f"{name}(") + len(name) + 1
    depth = 1
    for end in range(start, len(message)):
        depth += {"(": 1, ")": -1}.get(message[end], 0)
        if depth == 0:
            return message[start:end]
    raise AssertionError(f"no closing parenthesis in {message!r}")


def test_hashes_and_bytes_in_messages_are_shown_whole():
    """03.3 and 12.3 show their inputs whole: the call in the message rebuilds them,
    so a root one bit off never looks like the real one."""
    from refimpl.course.checks import l03, l12

    def says_yes(leaf, index, branch, root):
        return len(branch) > 0  # says yes to every branch, the bad ones too

    message = l03.verify_indexed.evaluate(says_yes).message
    args = eval(f"({_call_in(message, 'verify_indexed')},)")  # noqa: S307 - ours
    leaf, index, branch, root = args
    assert len(leaf) == len(root) == 32 and all(len(s) == 32 for s in branch)
    assert says_yes(*args) is True  # the shown call reproduces the answer

    def drops_big_sizes(data):
        import hashlib

        size = len(data) if len(data) < 40 else 0
        return {"sha256": hashlib.sha256(data).hexdigest(), "size": size}

    message = l12.manifest_entry.evaluate(drops_big_sizes).message
    data = eval(_call_in(message, "manifest_entry"))  # noqa: S307 - our own text
    assert isinstance(data, bytes) and len(data) == 48
    assert drops_big_sizes(data)["size"] != len(data)
