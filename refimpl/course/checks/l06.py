"""Checks for lesson 06 (miners are models).

The exercises transfer the lesson: relative loss against any baseline (in float64, with
the zero-error case defined), the size of an MLP of any depth, spotting copied and
negated answers among many miners, and subtensor's full pruning rule (owner-immortal
hotkeys and a floor of non-immune uids), which the course's Subnet simplifies.
"""

from __future__ import annotations

import math

import numpy as np

from refimpl.course import FunctionCheck, Wrong
from refimpl.course.checks._optional import optional_check
from refimpl.course.checks._pure import near_float
from refimpl.course.feedback import args_whole

__all__ = ["relative_loss_vs", "count_params", "suspicious_pairs", "uid_to_prune"]


def _close(got, expected) -> bool:
    if isinstance(got, np.floating) and not isinstance(got, float):
        raise Wrong(
            f"relative_loss_vs returned a numpy {got.dtype}, which keeps only about "
            f"{np.finfo(got.dtype).precision} digits; the exercise asks for a Python "
            "float computed in float64"
        )
    if isinstance(got, bool | np.bool_) or not isinstance(
        got, float | int | np.integer
    ):
        return False
    if isinstance(got, int | np.integer):  # the type policy: a float is asked for
        raise Wrong(
            f"relative_loss_vs returned the int {int(got)!r}; the exercise asks for a "
            "Python float (write 0.0, not 0)"
        )
    if math.isinf(expected) or math.isnan(expected):
        return isinstance(got, float) and (got == expected)
    if math.isclose(float(got), expected, rel_tol=1e-12, abs_tol=0.0):
        return True
    if isinstance(got, float) and math.isclose(got, expected, rel_tol=1e-5):
        # float64 agrees to ~1e-15 here; a float32 step (torch's default dtype) is
        # off by 1e-8..1e-6, as no other realistic mistake is
        raise Wrong(
            f"relative_loss_vs({_LOSS_SHOWN[0]}) returned {got!r}, "
            + near_float(got, expected, "convert pred, y and base with .double() first")
        )
    return False


# -- 06.1 relative_loss_vs: against any baseline, in float64 ---------------------------
def _relative_loss_vs(pred, y, base) -> float:
    y64 = y.double()
    ours = float(((pred.double() - y64) ** 2).mean())
    theirs = float(((base.double() - y64) ** 2).mean())
    if theirs == 0.0:
        return 0.0 if ours == 0.0 else math.inf
    return ours / theirs


_LOSS_LABELS = {}  # id of a case's first tensor -> how to rebuild the case


def _loss_cases():
    cases = _built_loss_cases()
    _LOSS_LABELS.clear()
    for args, label in cases:
        _LOSS_LABELS[id(args[0])] = label
    return [args for args, _ in cases]


_LOSS_SHOWN = [""]  # the case being run, as shown: a precision note names it


def _loss_show(args) -> str:
    label = _LOSS_LABELS.get(id(args[0]))
    if label is None:
        label = ", ".join(_tensor_label(t) for t in args)
    _LOSS_SHOWN[0] = label
    return label


def _built_loss_cases():
    import torch

    def shown(*args) -> tuple:
        return args, ", ".join(_tensor_text(t) for t in args)

    big = (
        "y = torch.randn(5000, 1, generator=g) * 3 + 100 with "
        "g = torch.Generator().manual_seed(6), then noise = torch.randn(5000, 1, "
        "generator=g) * 0.01 and pred = y + noise; mean = torch.full_like(y, "
        "float(y.mean()))"
    )
    g = torch.Generator().manual_seed(6)
    y = torch.randn(5000, 1, generator=g) * 3 + 100  # far from 0: float32 sums drift
    pred = y + torch.randn(5000, 1, generator=g) * 0.01
    mean = torch.full_like(y, float(y.mean()))
    small = torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return [
        shown(small + 0.5, small, torch.zeros(4, 1)),  # the lesson's baseline: 0
        ((pred, y, mean), f"pred, y, mean, where {big}"),  # against the mean
        (
            (pred * 1.001, y, torch.zeros_like(y)),
            f"pred * 1.001, y, 0 * y, where {big}",
        ),
        ((mean, y, pred), f"mean, y, pred, where {big}"),  # worse: above 1
        shown(small, small, torch.zeros(4, 1)),  # perfect
        shown(small, small, small.clone()),  # both perfect: 0/0 is 0 here
        shown(small + 1, small, small.clone()),  # a perfect baseline: infinitely worse
        shown(torch.zeros(3, 1), torch.zeros(3, 1), torch.ones(3, 1)),
        # a tiny baseline error is still not zero
        shown(
            torch.tensor([[1.0], [2.0]]) + 2e-5,
            torch.tensor([[1.0], [2.0]]),
            torch.tensor([[1.0], [2.0]]) + 1e-5,
        ),
        # ... even far below 1e-12
        shown(
            torch.full((2, 1), 2.0**-23),
            torch.zeros(2, 1),
            torch.full((2, 1), 2.0**-24),
        ),
        # far apart, so pred - y is rounded in float32: subtract in float64
        shown(
            torch.tensor([[100.0], [3.0]]),
            torch.tensor([[0.0011], [0.3]]),
            torch.zeros(2, 1),
        ),
        # errors of 1e-30: their squares (1e-60) underflow float32 to 0, not float64
        shown(torch.tensor([1e-30]), torch.tensor([0.0]), torch.tensor([1e-30])),
        # a perfect baseline against an answer 1e-6 off: not perfect, so inf
        shown(
            torch.tensor([[1.0], [2.0]], dtype=torch.float64) + 1e-6,
            torch.tensor([[1.0], [2.0]], dtype=torch.float64),
            torch.tensor([[1.0], [2.0]], dtype=torch.float64),
        ),
        # float64 tensors: .double() returns them as they are, not a copy
        shown(
            torch.tensor([[1.5], [2.5]], dtype=torch.float64),
            torch.tensor([[1.0], [2.0]], dtype=torch.float64),
            torch.zeros(2, 1, dtype=torch.float64),
        ),
    ]


def _rl_float32(pred, y, base):
    ours = float(((pred - y) ** 2).mean())
    theirs = float(((base - y) ** 2).mean())
    if theirs == 0.0:
        return 0.0 if ours == 0.0 else math.inf
    return ours / theirs


def _rl_subtract_float32(pred, y, base):
    # float64 only after the subtraction: pred - y is already rounded to float32
    ours = float(((pred - y).double() ** 2).mean())
    theirs = float(((base - y).double() ** 2).mean())
    if theirs == 0.0:
        return 0.0 if ours == 0.0 else math.inf
    return ours / theirs


def _rl_guard_float32(pred, y, base):
    # the ratio in float64, but "is the baseline perfect?" asked of the float32 MSE
    theirs32 = float(((base - y) ** 2).mean())
    ours = float(((pred.double() - y.double()) ** 2).mean())
    if theirs32 == 0.0:
        return 0.0 if ours == 0.0 else math.inf
    return ours / float(((base.double() - y.double()) ** 2).mean())


def _rl_nan(pred, y, base):
    ours = float(((pred.double() - y.double()) ** 2).mean())
    theirs = float(((base.double() - y.double()) ** 2).mean())
    return ours / theirs if theirs else math.nan


def _rl_tensor(pred, y, base):
    import torch

    return torch.tensor(_relative_loss_vs(pred, y, base), dtype=torch.float64)


def _rl_allclose_perfect(pred, y, base):
    import torch

    ours = float(((pred.double() - y.double()) ** 2).mean())
    theirs = float(((base.double() - y.double()) ** 2).mean())
    if theirs == 0:  # "perfect" up to allclose's tolerance
        return 0.0 if torch.allclose(pred.double(), y.double()) else math.inf
    return ours / theirs


def _rl_in_place(pred, y, base):
    p = pred.double()
    p -= y.double()  # the caller's pred, when it is float64 already
    b = base.double()
    b -= y.double()
    ours, theirs = float((p**2).mean()), float((b**2).mean())
    if theirs == 0:
        return 0.0 if ours == 0 else math.inf
    return ours / theirs


def _rl_isclose_zero(pred, y, base):
    import torch

    ours = ((pred.double() - y.double()) ** 2).mean()
    theirs = ((base.double() - y.double()) ** 2).mean()
    zero = torch.zeros((), dtype=torch.float64)
    if torch.isclose(theirs, zero):  # "about zero" is not zero
        return 0.0 if torch.isclose(ours, zero) else math.inf
    return float(ours / theirs)


def _tensor_text(t) -> str:
    """A small tensor as the code that rebuilds it: float32 values written as float32
    prints them (``1e-30``, not ``1.0000000031710769e-30``)."""
    import numpy as np
    import torch

    def item(v) -> str:
        if isinstance(v, float) and not math.isfinite(v):
            return f"float('{v}')"  # nan, inf, -inf as Python that rebuilds them
        return str(np.float32(v)) if t.dtype == torch.float32 else repr(v)

    def walk(x) -> str:
        return (
            "[" + ", ".join(walk(v) for v in x) + "]"
            if isinstance(x, list)
            else item(x)
        )

    dtype = "" if t.dtype == torch.float32 else f", dtype={t.dtype}"
    return f"torch.tensor({walk(t.tolist())}{dtype})"


def _tensor_label(t) -> str:
    return f"<{tuple(t.shape)} tensor, mean {float(t.double().mean()):.4g}>"


relative_loss_vs = FunctionCheck(
    "06.1 relative_loss_vs",
    reference=_relative_loss_vs,
    cases=_loss_cases,
    show=_loss_show,
    compare=_close,
    hints=[
        "The lesson divided by the error of answering 0. Divide by the error of the "
        "baseline you are given instead: MSE(pred, y) / MSE(base, y).",
        "Convert to float64 first (.double()): float32 sums of 5,000 numbers near 100 "
        "are off in the 7th digit. When the baseline's error is exactly 0, return 0.0 "
        "if pred is perfect too, else math.inf (never nan).",
        "ours = float(((pred.double() - y.double()) ** 2).mean()); same for base; "
        "if theirs == 0: return 0.0 if ours == 0 else math.inf; return ours / theirs",
    ],
    wrong=[
        # an int 0 where both errors are 0 (the text says 0.0)
        lambda pred, y, base: (lambda v: 0 if v == 0.0 else v)(
            _relative_loss_vs(pred, y, base)
        ),
        _rl_float32,
        _rl_subtract_float32,
        _rl_allclose_perfect,
        _rl_in_place,
        _rl_guard_float32,
        _rl_nan,
        lambda pred, y, base: _relative_loss_vs(pred, y, base * 0),  # the zero baseline
        lambda pred, y, base: (
            _relative_loss_vs(base, y, pred)
            if _relative_loss_vs(pred, y, base) not in (0.0, math.inf)
            else _relative_loss_vs(pred, y, base)
        ),  # upside down
        lambda pred, y, base: float(
            ((pred.double() - y.double()) ** 2).mean() / y.double().var()
        ),
        _rl_tensor,
        lambda pred, y, base: np.float32(_relative_loss_vs(pred, y, base)),
        _rl_isclose_zero,
        lambda pred, y, base: (
            (0.0 if _relative_loss_vs(pred, y, y) == 0.0 else math.inf)
            if float(((base.double() - y.double()) ** 2).mean()) < 1e-12
            else _relative_loss_vs(pred, y, base)
        ),  # an epsilon for zero
        lambda pred, y, base: (
            0.0
            if _relative_loss_vs(pred, y, base) == math.inf
            else _relative_loss_vs(pred, y, base)
        ),  # a perfect baseline treated as "no difference"
    ],
)


# The type policy: numpy's float64 is a Python float; a whole-number loss may be an int.
relative_loss_vs.right += [
    lambda pred, y, base: np.float64(_relative_loss_vs(pred, y, base)),
]


# -- 06.2 count_params: an MLP of any depth -------------------------------------------
def _count_params(widths: list[int]) -> int:
    return sum(a * b + b for a, b in zip(widths, widths[1:]))  # noqa: B905


count_params = FunctionCheck(
    "06.2 count_params",
    reference=_count_params,
    cases=[
        ([8, 64, 1],),
        ([8, 1],),
        ([8, 32, 16, 1],),
        ([3, 5, 7, 2],),
        ([1, 1],),
        ([4],),  # no layer at all
        ([784, 128, 64, 10],),
        ([2, 3, 4, 5, 6, 7],),
    ],
    hints=[
        "Each Linear(a, b) holds an a × b weight matrix and b biases; the activation "
        "functions hold nothing. Our miners are widths [8, hidden, 1].",
        "Walk consecutive pairs of widths: zip(widths, widths[1:]). One width alone "
        "means no layer: 0 numbers.",
        "sum(a * b + b for a, b in zip(widths, widths[1:]))",
    ],
    wrong=[
        lambda w: sum(a * b for a, b in zip(w, w[1:])),  # noqa: B905 - no biases
        lambda w: sum(a * b + a for a, b in zip(w, w[1:])),  # noqa: B905 - biases of a
        lambda w: w[0] * w[1] + w[1] + w[1] + 1 if len(w) > 1 else 0,  # lesson's only
        lambda w: sum((a + 1) * (b + 1) for a, b in zip(w, w[1:])),  # noqa: B905
        lambda w: sum(a * b + b for a, b in zip(w, w[1:-1])),  # noqa: B905 - last lost
    ],
)


# -- 06.3 suspicious_pairs: copies and negations among many miners --------------------
def _pairs_by(preds: list, kind) -> list[tuple[int, int, str]]:
    """``(a, b, kind(preds[a], preds[b]))`` for every pair a < b whose kind is not
    None. The reference and its wrong variants below differ only in ``kind``."""
    out = []
    for a in range(len(preds)):
        for b in range(a + 1, len(preds)):
            found = kind(preds[a], preds[b])
            if found is not None:
                out.append((a, b, found))
    return out


def _kind(pa, pb, same) -> str | None:
    """ "copy" if ``same(pa, pb)``, else "negated" if ``same(pa, -pb)``; None for
    answers of different shapes or neither."""
    if pa.shape != pb.shape:
        return None
    if same(pa, pb):
        return "copy"
    return "negated" if same(pa, -pb) else None


def _suspicious_pairs(preds: list) -> list[tuple[int, int, str]]:
    import torch

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, torch.equal))


_PAIRS_SETUP = (
    "g = torch.Generator().manual_seed(66); base = torch.randn(50, 1, generator=g); "
    "other = torch.randn(50, 1, generator=g); perm = torch.randperm(50, generator=g); "
    "near = base.clone(); near[-1, 0] += 1e-6"
)


def _pairs_named() -> list[tuple[str, object]]:
    """The large answers of the cases as (code that builds it, tensor): the code is
    what a message shows, run after :data:`_PAIRS_SETUP`."""
    import torch

    g = torch.Generator().manual_seed(66)
    base = torch.randn(50, 1, generator=g)
    other = torch.randn(50, 1, generator=g)
    perm = torch.randperm(50, generator=g)
    near = base.clone()
    near[-1, 0] += 1e-6  # differs in the last row only
    return [
        ("base", base),
        ("other", other),
        ("near", near),
        ("-base", -base),
        ("-other", -other),
        ("base.reshape(50)", base.reshape(50)),
        ("base[:25]", base[:25]),
        ("base[perm]", base[perm]),
        ("-base[perm]", -base[perm]),
        ("torch.cat([base[:25], -base[25:]])", torch.cat([base[:25], -base[25:]])),
    ]


def _pairs_cases():
    import torch

    named = dict(_pairs_named())
    base, other, near = named["base"], named["other"], named["near"]
    perm_base = named["base[perm]"]
    zeros = torch.zeros(50, 1)
    nan = float("nan")
    inf = float("inf")
    return [
        ([base, other, base.clone(), -base],),
        ([other, base, near],),  # a near-copy is not a copy
        ([base, base.reshape(50)],),  # same numbers, another shape
        ([base, base[:25].clone()],),  # a prefix is not a copy
        ([zeros, -zeros, other],),  # zero answers: equal, not "negated"
        ([other],),
        ([base, -base, base.clone(), other, -other, near],),
        ([base, other, other.clone(), base.clone()],),  # (0, 3) comes before (1, 2)
        ([base, perm_base, -perm_base],),  # the same numbers in another order
        # constant answers of other shapes: == broadcasts, torch.equal does not
        ([torch.zeros(4, 1), torch.zeros(4)],),
        ([torch.full((50, 1), 2.0), torch.full((50,), 2.0), torch.full((50,), -2.0)],),
        ([torch.full((50, 1), 2.0), torch.full((1,), 2.0), torch.full((1, 50), -2.0)],),
        # tiny answers: a tolerance (however small) calls different numbers equal
        ([torch.tensor([1e-20, 2e-20]), torch.tensor([2e-20, 1e-20])],),
        (
            [
                torch.tensor([1e-20, 2e-20]),
                torch.tensor([-1e-20, -2e-20 * (1 + 2**-20)]),
            ],
        ),
        # the dtype does not matter, the values do (torch.equal promotes): the same
        # values in float64 or int64 are a copy; float64 values that only round to
        # the same float32 are not
        (
            [
                torch.tensor([0.1, 0.2, 0.3]),
                torch.tensor([0.1, 0.2, 0.3]).double(),
                torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64),
                -torch.tensor([0.1, 0.2, 0.3]).double(),
            ],
        ),
        (
            [
                torch.tensor([1, -2, 3]),
                torch.tensor([-1.0, 2.0, -3.0]),
                torch.tensor([1.0, -2.0, 3.0]),
            ],
        ),
        # negated means every value minus the other's, not the same sizes
        ([torch.tensor([1.0, 2.0]), torch.tensor([1.0, -2.0])],),
        (
            [
                torch.tensor([1.0, 2.0]),
                torch.tensor([-1.0, 2.0]),  # the first value's sign alone differs
                torch.tensor([1.0, -2.0]),
                torch.tensor([-1.0, -2.0]),
            ],
        ),
        ([base, named["torch.cat([base[:25], -base[25:]])"]],),
        # a nan equals nothing, not even a nan (torch.equal): never a copy of zeros
        (
            [
                torch.tensor([nan, 1.0]),
                torch.tensor([0.0, 1.0]),
                torch.tensor([0.0, -1.0]),
            ],
        ),
        (
            [
                torch.tensor([nan, 1.0]),
                torch.tensor([nan, 1.0]),
                torch.tensor([nan, -1.0]),
            ],
        ),
        ([zeros, torch.full((50, 1), nan), other, -zeros],),
        # inf is a value like any other: -inf is exactly its negation
        (
            [
                torch.tensor([inf, 1.0]),
                torch.tensor([-inf, -1.0]),
                torch.tensor([inf, 1.0]),
            ],
        ),
    ]


def _pairs_allclose(preds):
    import torch

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, torch.allclose))


def _pairs_tiny_atol(preds):
    import torch

    def same(pa, pb):  # "exactly equal" with a tolerance far below the numbers' size?
        return torch.allclose(pa, pb, rtol=0, atol=1e-12)

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_shape_blind(preds):
    import torch

    def kind(pa, pb):  # compares the flattened answers as far as the shorter goes
        pa, pb = pa.flatten(), pb.flatten()
        n = min(len(pa), len(pb))
        return _kind(pa[:n], pb[:n], torch.equal)

    return _pairs_by(preds, kind)


def _pairs_broadcast(preds):
    def kind(pa, pb):  # == broadcasts (50, 1) against (50,): shapes never checked
        try:
            if bool((pa == pb).all()):
                return "copy"
            return "negated" if bool((pa == -pb).all()) else None
        except RuntimeError:
            return None

    return _pairs_by(preds, kind)


def _pairs_negated_first(preds):
    import torch

    def kind(pa, pb):  # asks "negated?" first: all-zero answers come out negated
        if pa.shape == pb.shape and torch.equal(pa, -pb):
            return "negated"
        return _kind(pa, pb, torch.equal)

    return _pairs_by(preds, kind)


def _pairs_sorted_values(preds):
    import torch

    def same(pa, pb):  # the same multiset of numbers: a permutation passes as a copy
        return torch.equal(pa.sort(dim=0).values, pb.sort(dim=0).values)

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_same_dtype(preds):
    import torch

    def same(pa, pb):  # a float64 copy of a float32 answer is missed
        return pa.dtype == pb.dtype and torch.equal(pa, pb)

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_bytes(preds):
    def same(pa, pb):  # the raw bytes: equal values in another dtype differ
        return pa.numpy().tobytes() == pb.numpy().tobytes()

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_as_float32(preds):
    import torch

    def same(pa, pb):  # float64 values that only round to the same float32 pass
        return torch.equal(pa.float(), pb.float())

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_abs_negated(preds):
    import torch

    def kind(pa, pb):  # "negated" judged by the sizes only
        if pa.shape != pb.shape:
            return None
        if torch.equal(pa, pb):
            return "copy"
        return "negated" if torch.equal(pa.abs(), pb.abs()) else None

    return _pairs_by(preds, kind)


def _pairs_first_sign_negated(preds):
    import torch

    def kind(pa, pb):  # the first value's sign flipped, then the sizes
        if pa.shape != pb.shape:
            return None
        if torch.equal(pa, pb):
            return "copy"
        first_flipped = pa.numel() > 0 and bool(pa.flatten()[0] == -pb.flatten()[0])
        return "negated" if first_flipped and torch.equal(pa.abs(), pb.abs()) else None

    return _pairs_by(preds, kind)


def _pairs_sum_zero(preds):
    import torch

    def kind(pa, pb):  # "negated" as pa + pb == 0: inf + -inf is nan, not 0
        if pa.shape != pb.shape:
            return None
        if torch.equal(pa, pb):
            return "copy"
        return "negated" if bool((pa.double() + pb.double() == 0).all()) else None

    return _pairs_by(preds, kind)


def _pairs_nan_to_num(preds):
    import torch

    def kind(pa, pb):  # nan replaced by 0 first: a nan answer copies zeros
        return _kind(torch.nan_to_num(pa), torch.nan_to_num(pb), torch.equal)

    return _pairs_by(preds, kind)


def _pairs_nan_equal(preds):
    import torch

    def same(pa, pb):  # nan == nan taken as equal (numpy's equal_nan=True)
        if pa.shape != pb.shape:
            return False
        both_nan = torch.isnan(pa.double()) & torch.isnan(pb.double())
        return bool(((pa == pb) | both_nan).all())

    return _pairs_by(preds, lambda pa, pb: _kind(pa, pb, same))


def _pairs_first_only(preds):
    return [p for p in _suspicious_pairs(preds) if p[0] == 0]  # pairs with miner 0


def _shape_dtype(t) -> str:
    dtype = str(t.dtype).replace("torch.", "")
    return (
        f"<tensor {tuple(t.shape)}>"
        if dtype == "float32"
        else f"<tensor {tuple(t.shape)} {dtype}>"
    )


def _same_tensor(a, b) -> bool:
    """Same shape, dtype, values, nans and signs of zero: one builds the other."""
    import torch

    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if not a.is_floating_point():
        return torch.equal(a, b)
    nan_a, nan_b = torch.isnan(a), torch.isnan(b)
    return (
        torch.equal(nan_a, nan_b)
        and torch.equal(a[~nan_a], b[~nan_b])
        and torch.equal(torch.signbit(a[~nan_a]), torch.signbit(b[~nan_b]))
    )


def _constant_code(t) -> str | None:
    """``torch.zeros(50, 1)``, ``-torch.zeros(50, 1)`` (all -0.0) or
    ``torch.full((50, 1), …)`` for a float tensor of one repeated value, else None."""
    import torch

    if t.numel() == 0 or not t.is_floating_point():
        return None
    first = t.flatten()[:1].expand(t.shape)
    if not _same_tensor(t, first.clone()):
        return None
    dims = ", ".join(str(d) for d in t.shape)
    dtype = "" if t.dtype == torch.float32 else f", dtype={t.dtype}"
    value = float(t.flatten()[0])
    if value == 0:
        sign = "-" if bool(torch.signbit(t.flatten()[0])) else ""
        return f"{sign}torch.zeros({dims}{dtype})"
    shown = _tensor_text(t.flatten()[:1])[len("torch.tensor([") :].split("]")[0]
    return f"torch.full({tuple(t.shape)}, {shown}{dtype})"


def _show_preds(args: tuple) -> str:
    """Every answer as code that rebuilds it: small ones whole, constant ones as
    torch.zeros/-torch.zeros/torch.full, the seeded ones by the names of
    :data:`_PAIRS_SETUP` (given after the list); else by shape."""
    (preds,) = args
    named = _pairs_named()
    parts, used = [], False
    for t in preds:
        code = _constant_code(t)
        if code is None and t.numel() <= 4:
            code = _tensor_text(t)
        if code is None:
            code = next((name for name, n in named if _same_tensor(t, n)), None)
            used = used or code is not None
        parts.append(code or _shape_dtype(t))
    text = "[" + ", ".join(parts) + "]"
    return f"{text}, where {_PAIRS_SETUP}" if used else text


suspicious_pairs = FunctionCheck(
    "06.3 suspicious_pairs",
    reference=_suspicious_pairs,
    cases=_pairs_cases,
    show=_show_preds,
    hints=[
        "Compare every pair (a, b) with a < b, in that order. torch.equal is exact and "
        "says False when the shapes differ.",
        "Identical answers are a copy; answers that are exactly minus each other are "
        "'negated' (every value with its sign flipped, not just the same sizes). "
        "All-zero answers equal their own negation: call them a copy. A nan equals "
        "nothing (torch.equal): never replace it by 0 before comparing. The "
        "dtype does not matter, only the values: torch.equal compares a float32 and "
        "a float64 tensor by value.",
        "for a in range(n): for b in range(a + 1, n): if shapes equal and "
        "torch.equal(pa, pb): 'copy' elif torch.equal(pa, -pb): 'negated'",
    ],
    wrong=[
        _pairs_allclose,
        _pairs_tiny_atol,
        _pairs_shape_blind,
        _pairs_broadcast,
        _pairs_negated_first,
        _pairs_first_only,
        lambda preds: [(a, b) for a, b, _ in _suspicious_pairs(preds)],  # no kinds
        lambda preds: [(b, a, k) for a, b, k in _suspicious_pairs(preds)],  # order
        lambda preds: sorted(_suspicious_pairs(preds), key=lambda t: (t[1], t[0])),
        _pairs_sorted_values,
        _pairs_same_dtype,
        _pairs_bytes,
        _pairs_as_float32,
        _pairs_abs_negated,
        _pairs_first_sign_negated,
        _pairs_nan_to_num,
        _pairs_nan_equal,
        _pairs_sum_zero,
    ],
)


# -- 06.4 uid_to_prune: subtensor's full rule ------------------------------------------
def _uid_to_prune(registered_at, emission, height, immunity_period, immortal, min_free):
    best_free = best_immune = None
    free = 0
    for uid in range(len(registered_at)):
        if uid in immortal:
            continue
        key = (emission[uid], registered_at[uid], uid)
        if height - registered_at[uid] < immunity_period:
            best_immune = key if best_immune is None else min(best_immune, key)
        else:
            free += 1
            best_free = key if best_free is None else min(best_free, key)
    if free > min_free and best_free is not None:
        return best_free[2]
    return None if best_immune is None else best_immune[2]


_PRUNE_CASES = [
    # registered_at, emission, height, immunity, immortal, min_non_immune
    ([0, 0, 0], [5, 3, 9], 50, 20, set(), 0),  # the lowest emission
    ([0, 40, 0], [5, 3, 9], 50, 20, set(), 0),  # uid 1 is immune
    ([40, 45, 48], [3, 2, 1], 50, 20, set(), 0),  # everyone immune
    ([10, 5, 5], [0, 0, 0], 50, 20, set(), 0),  # tie: earliest registration
    ([5, 5, 5], [0, 0, 0], 50, 20, set(), 0),  # tie again: lower uid
    ([0, 0, 0], [5, 3, 9], 50, 20, {1}, 0),  # uid 1 is the owner's: never pruned
    ([0, 0, 0], [1, 2, 3], 50, 20, {0, 1, 2}, 0),  # all immortal: nobody
    ([0, 0, 45], [1, 2, 3], 50, 20, set(), 2),  # 2 free, floor 2: an immune one goes
    ([0, 0, 45], [1, 2, 3], 50, 20, set(), 1),  # 2 free, floor 1: a free one goes
    ([0, 0, 0], [1, 2, 3], 50, 20, set(), 3),  # only free ones, under the floor: none
    ([30, 0, 45], [1, 5, 3], 50, 20, set(), 0),  # exactly at the immunity boundary
    ([31, 0, 45], [1, 5, 3], 50, 20, set(), 0),  # one block short of it
    ([0, 0, 45, 49], [4, 2, 3, 0], 50, 20, {1}, 1),
    ([45, 0], [0, 5], 50, 20, {0}, 1),  # an immortal uid that is also immune
    ([0, 45], [0, 5], 50, 20, {0}, 0),  # an immortal uid past its immunity
    # ... is not counted as free: 1 free uid, not 2, is not above the floor of 1
    ([0, 0, 45], [5, 3, 1], 50, 20, {0}, 1),
    # the tie rule holds in the immune pool too: registration, then uid
    ([45, 40, 40], [0, 0, 0], 50, 20, set(), 0),
    ([40, 40, 45], [0, 0, 0], 50, 20, set(), 0),
    # other heights and immunity periods than the lesson's 50 and 20
    ([0, 90], [1, 0], 100, 20, set(), 0),
    ([0, 10, 12], [2, 1, 0], 14, 3, set(), 0),
    ([5, 6, 7], [3, 2, 1], 8, 5, set(), 0),
    # many full ties (36 uids): an unstable sort may not return the lowest uid
    ([0] * 36, [1, 1, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 0, 2, 2, 0, 1,
                2, 1, 0, 2, 2, 2, 0, 0, 2, 0, 1, 0], 50, 20, set(), 0),
]  # fmt: skip


def _prune_immune_key(key):
    """Wrong: the immune pool ranked by another key than (emission, registered_at,
    uid) (a second min() written with a shorter key)."""

    def answer(r, e, h, i, immortal, m):
        pool = [u for u in range(len(r)) if u not in immortal]
        free = [u for u in pool if h - r[u] >= i]
        if len(free) > m:
            return min(free, key=lambda u: (e[u], r[u], u))
        immune = [u for u in pool if h - r[u] < i]
        return min(immune, key=lambda u: key(u, e, r)) if immune else None

    return answer


def _wrong_prune_no_immortal(r, e, h, i, immortal, m):
    return _uid_to_prune(r, e, h, i, set(), m)


def _wrong_prune_floor_ge(r, e, h, i, immortal, m):
    return (
        _uid_to_prune(r, e, h, i, immortal, m - 1)
        if m
        else _uid_to_prune(r, e, h, i, immortal, m)
    )


def _wrong_prune_no_floor(r, e, h, i, immortal, m):
    return _uid_to_prune(r, e, h, i, immortal, 0)


def _wrong_prune_falls_back_to_free(r, e, h, i, immortal, m):
    got = _uid_to_prune(r, e, h, i, immortal, m)
    if got is None:
        return _uid_to_prune(r, e, h, i, immortal, 0)
    return got


def _wrong_prune_immune_le(r, e, h, i, immortal, m):
    return _uid_to_prune(r, e, h, i + 1, immortal, m)  # <= instead of <


def _wrong_prune_unstable_argsort(r, e, h, i, immortal, m):
    import numpy as np

    pool = [u for u in range(len(r)) if u not in immortal]
    free = [u for u in pool if h - r[u] >= i]
    pool = free if len(free) > m else [u for u in pool if h - r[u] < i]
    if not pool:
        return None
    key = np.array([e[u] * 10**6 + r[u] for u in pool], dtype=float)
    return int(pool[int(np.argsort(key)[0])])  # quicksort: ties in no set order


def _wrong_prune_immortal_free_only(r, e, h, i, immortal, m):
    free = [u for u in range(len(r)) if u not in immortal and h - r[u] >= i]
    immune = [u for u in range(len(r)) if h - r[u] < i]  # immortal ones kept here
    pool = free if len(free) > m else immune
    return min(pool, key=lambda u: (e[u], r[u], u)) if pool else None


def _wrong_prune_immortal_immune_only(r, e, h, i, immortal, m):
    free = [u for u in range(len(r)) if h - r[u] >= i]  # immortal ones kept here
    immune = [u for u in range(len(r)) if u not in immortal and h - r[u] < i]
    pool = free if len(free) > m else immune
    return min(pool, key=lambda u: (e[u], r[u], u)) if pool else None


def _wrong_prune_immortal_counted_free(r, e, h, i, immortal, m):
    free = [u for u in range(len(r)) if h - r[u] >= i]  # immortal ones counted here
    immune = [u for u in range(len(r)) if u not in immortal and h - r[u] < i]
    prunable = [u for u in free if u not in immortal]  # ... but never pruned
    pool = prunable if len(free) > m else immune
    return min(pool, key=lambda u: (e[u], r[u], u)) if pool else None


_PRUNE_SHOWN: list[tuple] = [()]  # the case being run: its immortal uids get a note


def _prune_show(args: tuple) -> str:
    _PRUNE_SHOWN[0] = args
    return args_whole(args)


def _immortal_note(args: tuple) -> str:
    """For a case with immortal uids: why they are in no pool (past their immunity
    or not)."""
    if len(args) != 6 or not args[4]:
        return ""
    immortal = sorted(args[4])
    names = ", ".join(str(u) for u in immortal)
    uids = f"uid {names} is" if len(immortal) == 1 else f"uids {names} are"
    return (
        f" (note: {uids} immortal, so in neither pool, even past the immunity "
        "period: never free, never immune, never pruned, and not counted toward "
        "min_non_immune)"
    )


def _with_immortal_note(check):
    """``check`` whose message for a case with immortal uids past their immunity
    says that those uids are in neither pool."""
    inner = check._test

    def test(answer) -> None:
        _PRUNE_SHOWN[0] = ()
        try:
            inner(answer)
        except Wrong as error:
            raise Wrong(f"{error}{_immortal_note(_PRUNE_SHOWN[0])}") from None

    check._test = test
    return check


def _wrong_prune_lesson_rule(r, e, h, i, immortal, m):
    cands = [u for u in range(len(r)) if h - r[u] >= i and u not in immortal]
    cands = cands or [u for u in range(len(r)) if u not in immortal]
    return min(cands, key=lambda u: (e[u], r[u], u)) if cands else None


uid_to_prune = _with_immortal_note(
    optional_check(
        "06.4 uid_to_prune",
        reference=_uid_to_prune,
        cases=lambda: _PRUNE_CASES,
        show=_prune_show,
        hints=[
            "Skip the immortal uids entirely: they are in neither pool, even past "
            "their immunity. Split the rest: immune (height - registered_at < "
            "immunity_period) and free (the others); count the free ones.",
            "Prune the best free uid only if the free count is ABOVE min_non_immune; "
            "otherwise the best immune uid, and None if there is none. 'Best' is the "
            "smallest (emission, registered_at, uid).",
            "if free > min_non_immune and best_free is not None: return best_free uid; "
            "return best_immune uid if any, else None",
        ],
        wrong=[
            _wrong_prune_no_immortal,
            _wrong_prune_floor_ge,
            _wrong_prune_no_floor,
            _wrong_prune_falls_back_to_free,
            _wrong_prune_immune_le,
            _wrong_prune_lesson_rule,
            _wrong_prune_unstable_argsort,
            _wrong_prune_immortal_free_only,
            _wrong_prune_immortal_immune_only,
            _wrong_prune_immortal_counted_free,
            _prune_immune_key((lambda u, e, r: e[u])),  # emission only
            _prune_immune_key((lambda u, e, r: (e[u], u))),  # no registration
            _prune_immune_key((lambda u, e, r: (e[u], -r[u], u))),  # latest first
            _prune_immune_key((lambda u, e, r: (e[u], r[u], -u))),  # highest uid
            lambda r, e, h, i, immortal, m: _uid_to_prune(r, e, 50, 20, immortal, m),
        ],
    )
)
