"""Checks for lesson 10, generative art (exercises/10_generative_art.ipynb).

Expected values are computed lazily: importing this module costs nothing heavy.
One source of truth: 10.5 compares the pixels ``refimpl.art.from_png`` decodes;
``tests/test_checks_refs.py`` holds the lesson's word-to-float rule (10.1's subject)
equal to ``refimpl.art.hash_uniform``, 10.2 to the lesson's pixel centres, 10.3 at
8 bits to ``refimpl.art.pixels.quantize_value`` and 10.4 to
``refimpl.art.cppn.cppn_forward``.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from refimpl.course import FunctionCheck, ValueCheck
from refimpl.course.checks._noted import NotedCheck
from refimpl.course.checks._pure import PureFunctionCheck, error_kind
from refimpl.course.checks._whole import is_whole, smallest_where

__all__ = ["cppn_pixel", "first_one", "pixel_of", "quantize_bits", "same_image"]


# 10.1 ------------------------------------------------------------------------------
def _word_to_unit(word: bytes) -> float:
    """The lesson's rule (top 53 bits), the safe form of 10.1's shortcut."""
    return (int.from_bytes(word, "big") >> 11) * 2.0**-53


def _first_one() -> int:
    """The smallest 64-bit w with w / 2**64 == 1.0 in float64, by bisection."""
    return smallest_where(lambda w: w / 2**64 == 1.0, 0, 2**64 - 1)


first_one = ValueCheck(
    "10.1 first_one",
    expected=_first_one,
    compare=is_whole,
    describe="the smallest w with w / 2**64 == 1.0",
    hints=[
        "Bisection: keep lo < hi with hi / 2**64 == 1.0 (true for 2**64 - 1); look "
        "at mid = (lo + hi) // 2 and move lo or hi.",
        "Reasoning: the two largest float64 values <= 1 are 1 - 2**-53 and 1.0; the "
        "exact quotient rounds to 1.0 from their midpoint 1 - 2**-54 up (that tie "
        "goes to the even significand, which is 1.0's).",
        "w / 2**64 >= 1 - 2**-54 means w >= 2**64 - 2**10. Check it: "
        "(2**64 - 2**10) / 2**64 == 1.0 and (2**64 - 2**10 - 1) / 2**64 < 1.0.",
    ],
    wrong=[
        2**64 - 2**11,  # the float just below 1, not the midpoint
        2**64 - 2**10 + 1,  # ties rounded down
        2**64 - 2**10 - 1,
        2**64 - 1,
        2**64,
        float(2**64 - 2**10),
        1.0,
    ],
)


# 10.2 ------------------------------------------------------------------------------
def _pixel_of(x: float, n: int) -> int:
    return min(math.floor((x + 1.0) * n / 2.0), n - 1)


def _pixel_walk(x: float, n: int) -> int:
    left, width = -1.0, 2 / n
    for j in range(n):
        left += width
        if x < left:
            return j
    return n - 1


def _show_pixel(args: tuple) -> str:
    """The call, and for a point a hair beside a border, where it lies (a learner
    reads -0.6666666666666667 as -2/3, the border itself)."""
    x, n = args
    scaled = (x + 1.0) * n / 2.0
    near = round(scaled)
    if scaled != near and abs(scaled - near) < 1e-9:
        side = "left" if scaled < near else "right"
        return (
            f"{x!r} (just {side} of a border, not on it: (x + 1) * n / 2 is "
            f"{scaled!r}), {n}"
        )
    return f"{x!r}, {n}"


pixel_of = FunctionCheck(
    "10.2 pixel_of",
    reference=_pixel_of,
    show=_show_pixel,
    cases=[
        (0.3, 4),
        (-1.0, 4),
        (-0.5, 4),
        (0.0, 4),
        (0.5, 4),
        (1.0, 4),
        (0.999, 4),
        (-0.75, 4),
        (1.0, 1),
        (-1.0, 1),
        (0.0, 2),
        (0.25, 8),
        (0.2499, 8),
        (-0.0, 16),
        (0.875, 16),
        (-0.875, 16),
        (1.0, 16),
        # odd n: the centre x = 0 is inside the middle pixel, not on a border
        (0.5, 3),
        (-0.5, 3),
        (0.0, 3),
        (1.0, 3),
        (-1.0, 3),
        (0.5, 5),
        (-0.25, 5),
        (0.0, 5),
        (0.0, 7),
        # borders where (x + 1) * n / 2 is exact but 2 / n is not: dividing by a
        # rounded cell width, or adding it up cell by cell, lands one pixel short
        (0.0, 10),
        (-0.5, 20),
        (0.0, 18),
        (-0.75, 24),
        # ... dividing by it with / (92, not 93), multiplying x first, borders
        # from np.linspace, float32, or an epsilon added: one pixel off each
        (0.0, 186),
        (0.9387755102040813, 98),
        (-0.6666666666666667, 6),
        (-0.3333333333333337, 3),
    ],
    compare=is_whole,
    hints=[
        "Shift and scale: (x + 1) * n / 2 runs from 0 at the left edge to n at the "
        "right edge; pixel j covers [j, j + 1) of that scale.",
        "floor of that number is j, also on a border (which belongs to the right). "
        "Only x = 1 gives n, one past the last pixel: cap it at n - 1.",
        "`min(math.floor((x + 1.0) * n / 2.0), n - 1)`; math.floor returns an int.",
    ],
    wrong=[
        lambda x, n: round((x + 1.0) * n / 2.0 - 0.5),  # nearest centre
        lambda x, n: math.floor((x + 1.0) * n / 2.0),  # x = 1 gives n
        lambda x, n: min(math.ceil((x + 1.0) * n / 2.0) - 1, n - 1) if x > -1 else 0,
        lambda x, n: max(min(math.ceil((x + 1.0) * n / 2.0) - 1, n - 1), 0),
        lambda x, n: float(_pixel_of(x, n)),
        lambda x, n: np.floor(min((x + 1.0) * n / 2.0, n - 1)),
        lambda x, n: _pixel_of(x, n) + 1 if x >= 1.0 else _pixel_of(x, n),
        lambda x, n: min(int((x + 1.0) * n / 2.0 + 0.5), n - 1),
        lambda x, n: min(math.floor(x * (n // 2) + n // 2), n - 1),  # even n only
        lambda x, n: min(int((x + 1) // (2 / n)), n - 1),  # by the rounded width
        _pixel_walk,  # the borders added up one cell width at a time
        lambda x, n: min(int((x + 1) / (2 / n)), n - 1),  # / the rounded width
        lambda x, n: min(math.floor(x * n / 2 + n / 2), n - 1),  # x * n rounded
        lambda x, n: int(  # borders from np.linspace, rounded
            min(np.searchsorted(np.linspace(-1, 1, n + 1), x, side="right") - 1, n - 1)
        ),
        lambda x, n: min(int(np.floor(np.float32(x + 1) * n / 2)), n - 1),
        lambda x, n: min(math.floor((x + 1) * n / 2 + 1e-9), n - 1),  # an epsilon
    ],
)


# 10.3 ------------------------------------------------------------------------------
def _clamp_after_scaling(v: float, bits: int) -> int:
    """Wrong: the result clamped instead of v (inf * top cannot be floored)."""
    top = 2**bits - 1
    x = v * top
    q = math.floor(x)
    return min(max(q + 1 if x - q >= 0.5 else q, 0), top)


def _quantize_bits(v: float, bits: int) -> int:
    """Half up on the float64 product itself. ``floor(x + 0.5)`` is the same for
    every 8-bit colour, but the sum ``x + 0.5`` can round first: x just below 1/2
    (0.49999999999999994) gives 1.0, and so would an odd x above 2**52."""
    if not 1 <= bits <= 16:  # the text's range; from 54 bits 1.0 gives 2**bits
        raise ValueError(f"bits must be 1..16, not {bits}")
    x = min(max(v, 0.0), 1.0) * (2**bits - 1)
    q = math.floor(x)
    return q + 1 if x - q >= 0.5 else q  # x - q is exact


def _floor_plus_half(v: float, bits: int) -> int:
    return int(math.floor(min(max(v, 0.0), 1.0) * (2**bits - 1) + 0.5))


def _float32_quantize(v: float, bits: int) -> int:
    top = np.float32(2**bits - 1)
    x = np.float32(min(max(v, 0.0), 1.0)) * top + np.float32(0.5)
    return int(np.floor(x))


def _divide_by_step(v: float, bits: int) -> int:
    """Divides by the step 1 / (2**bits - 1): that quotient is not the product."""
    x = min(max(v, 0.0), 1.0) / (1 / (2**bits - 1))
    q = math.floor(x)
    return q + 1 if x - q >= 0.5 else q


def _decimal_quantize(v: float, bits: int) -> int:
    """Rounds the exact value of v times the top, not the float64 product."""
    exact = Decimal(min(max(v, 0.0), 1.0)) * (2**bits - 1)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _quantize_cases() -> list[tuple]:
    eight = [
        0.0,
        1.0,
        0.5,
        126.5 / 255,
        0.3,
        -0.2,
        1.3,
        0.999,
        0.5 / 255,
        2.5 / 255,
        254.5 / 255,
        98.5 / 255,  # exact halves
        float(np.nextafter(126.5 / 255, 0)),
        float(np.nextafter(126.5 / 255, 1)),
        -0.0,
        -1e-300,
        float(np.float32(0.1)),
        0.0019607843,
    ]
    cases = [(v, 8) for v in eight]
    cases += [
        (v, 16)
        for v in (1.0, 0.5, 2.5 / 65535, 30000.5 / 65535, 0.123456789, -3.0, 2.0, 1e-6)
    ]
    cases += [(v, 1) for v in (0.5, 0.49, 0.75)] + [(v, 4) for v in (0.5, 2.5 / 15)]
    cases += [(0.49999999999999994, 1)]  # the float just below 1/2: x + 0.5 rounds
    # clamp v itself, every float but nan: infinity and huge values included
    cases += [(float("inf"), 8), (1e308, 16), (float("-inf"), 4)]
    # floats next to a half step at other widths: v / (1 / top) is not v * top there
    cases += [
        (0.49999999999999994, 2),
        (0.3571428571428571, 3),
        (0.09999999999999999, 4),
        (0.06470588235294117, 8),
        (0.00025177386129549093, 16),
    ]
    return cases


class _QuantizeCheck(NotedCheck):
    """Says why when an answer is ``floor(x + 0.5)``'s result where that is not
    half up on the product ``x`` itself (the sum was rounded before the floor)."""

    def explain(self, args: tuple, got: Any, message: str) -> str | None:
        note = self._why(args, got)
        return f"{message}{note}" if note else None

    def _why(self, args: tuple, got: Any) -> str | None:
        try:
            v, bits = args
            x = min(max(v, 0.0), 1.0) * (2**bits - 1)
            shortcut = math.floor(x + 0.5)
            if shortcut == self.reference(v, bits) or got != shortcut:
                return None
        except Exception:
            return None
        return (
            f" (here x = v * (2**bits - 1) is {x!r}, and floor(x + 0.5) is not "
            f"half up on x: the sum x + 0.5 is rounded to the float {x + 0.5!r} "
            "before the floor. Compare x - floor(x) with 0.5 instead)"
        )


quantize_bits = _QuantizeCheck(
    "10.3 quantize_bits",
    reference=_quantize_bits,
    cases=_quantize_cases,
    hints=[
        "Clamp v into [0, 1] first, then scale to 0..2**bits - 1 and round half up.",
        "Python's round() rounds half to even (round(126.5) is 126): "
        "round half up yourself. The top value is 2**bits - 1, not 2**bits.",
        "x = min(max(v, 0.0), 1.0) * (2**bits - 1); q = math.floor(x); add 1 when "
        "x - q >= 0.5. Not floor(x + 0.5): the sum x + 0.5 is itself rounded, and "
        "for x just below 0.5 it becomes 1.0.",
    ],
    wrong=[
        lambda v, b: round(min(max(v, 0.0), 1.0) * (2**b - 1)),  # half to even
        lambda v, b: int(min(max(v, 0.0), 1.0) * (2**b - 1)),  # floor
        lambda v, b: int(math.floor(v * (2**b - 1) + 0.5)),  # no clamp
        lambda v, b: int(math.floor(min(v, 1.0) * (2**b - 1) + 0.5)),  # above only
        lambda v, b: int(math.floor(max(v, 0.0) * (2**b - 1) + 0.5)),  # below only
        lambda v, b: math.ceil(min(max(v, 0.0), 1.0) * (2**b - 1) - 0.5),  # half down
        lambda v, b: float(_quantize_bits(v, b)),
        lambda v, b: int(np.round(min(max(v, 0.0), 1.0) * (2**b - 1))),
        _float32_quantize,
        lambda v, b: min(
            int(math.floor(min(max(v, 0.0), 1.0) * 2**b + 0.5)), 2**b - 1
        ),  # scales by 2**bits
        lambda v, b: _quantize_bits(v, 8),  # the lesson's 8 bits only
        _decimal_quantize,  # the text asks for the float64 product
        _floor_plus_half,  # x + 0.5 rounds before the floor
        _divide_by_step,  # v / (1 / top) rounds differently from v * top
        _clamp_after_scaling,
    ],
)


def _float32(v: float) -> float:
    """``v`` rounded to the nearest float32 (what a float32 computation returns)."""
    return struct.unpack("f", struct.pack("f", v))[0]


# 10.4 ------------------------------------------------------------------------------
def _cppn_pixel(inputs: list, layers: list, tanh_last: bool = False) -> list[float]:
    h = list(inputs)
    for k, (w, b) in enumerate(layers):
        h = [
            sum(wi * hi for wi, hi in zip(row, h, strict=True)) + bj
            for row, bj in zip(w, b, strict=True)
        ]
        if k < len(layers) - 1 or tanh_last:
            h = [math.tanh(v) for v in h]
    return [1.0 / (1.0 + math.exp(-v)) for v in h]


def _cppn_cases() -> list[tuple]:
    from refimpl.art.cppn import cppn_weights

    layers = [(w.tolist(), b.tolist()) for w, b in cppn_weights(3, "classic")]
    small = [([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2]), ([[1.0, 1.0]] * 3, [0.0] * 3)]
    square = [
        ([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2]),
        ([[1.0, -2.0], [0.0, 3.0]], [0.5, 0.0]),
    ]
    return [
        ([0.0, 0.0], small),
        ([0.5, -0.25], small),
        ([0.1, 0.2, 0.3, 0.5, -0.5, 1.0, 0.0], layers),
        ([-0.9, 0.9, 1.27, 0.0, 0.0, 0.0, 0.0], layers),
        ([0.3, -0.7], square),
        ([0.3, -0.7], square[:1]),  # one layer: it is the output layer, no tanh
        ([0.5, -0.25, 1.0], [([[1.0, -1.0, 0.5]], [0.25])]),
        # a saturated output: sigmoid(-30) is 9.4e-14, small but not 0
        ([-1.0, 1.0], [([[30.0, 0.0], [0.0, 30.0]], [0.0, 0.0])]),
    ]


def _show_cppn(args: tuple) -> str:
    """The call's arguments whole; the lesson's classic net as the code that
    rebuilds it (its 17-digit weights would fill the screen)."""
    from refimpl.art.cppn import cppn_weights

    inputs, layers = args
    classic = [(w.tolist(), b.tolist()) for w, b in cppn_weights(3, "classic")]
    if layers == classic:
        shown = (
            "[(w.tolist(), b.tolist()) for w, b in "
            'refimpl.art.cppn.cppn_weights(3, "classic")]'
        )
    else:
        shown = repr(layers)
    return f"{inputs!r}, {shown}"


def _close(got: Any, expected: list[float], tol: float = 1e-9) -> bool:
    return len(got) == len(expected) and all(
        math.isclose(g, e, rel_tol=tol, abs_tol=0.0)  # 1e-13 is not 0
        for g, e in zip(got, expected, strict=True)
    )


class _Float64Check(NotedCheck):
    """A FunctionCheck that says so when an answer is right only to float32 digits."""

    def explain(self, args: tuple, got: Any, message: str) -> str | None:
        if "float32" in message:  # said already
            return None
        try:
            expected = self.reference(*args)
            kind = _close(got, expected, tol=1e-5) and error_kind(
                [float(g) for g in got], expected
            )
        except Exception:
            return None
        if kind == "float32":
            return (
                f"{message}; it is close, but only to about 7 digits, the "
                "precision of float32: compute in float64 (Python floats)"
            )
        if kind == "rounded":
            return f"{message}; it looks rounded: return the values as computed"
        return None


class _PureFloat64Check(_Float64Check, PureFunctionCheck):
    """Both: float32-closeness is named, and the inputs must not change."""


def _sigmoid_all(inputs, layers):
    h = list(inputs)
    for w, b in layers:
        sums = [
            sum(a * c for a, c in zip(row, h, strict=True)) + bj
            for row, bj in zip(w, b, strict=True)
        ]
        h = [1.0 / (1.0 + math.exp(-v)) for v in sums]
    return h


def _no_sigmoid(inputs, layers):
    out = _cppn_pixel(inputs, layers)
    return [math.log(o / (1.0 - o)) for o in out]


def _transposed(inputs, layers):
    return _cppn_pixel(
        inputs, [([list(c) for c in zip(*w, strict=True)], b) for w, b in layers]
    )


def _first_and_last(inputs, layers):
    """layers[0] as the hidden layer, layers[-1] as the output: the same layer
    twice when there is only one."""
    (w0, b0), (w1, b1) = layers[0], layers[-1]
    h = [
        math.tanh(sum(a * c for a, c in zip(row, inputs, strict=True)) + bj)
        for row, bj in zip(w0, b0, strict=True)
    ]
    for w, b in layers[1:-1]:
        h = [
            math.tanh(sum(a * c for a, c in zip(row, h, strict=True)) + bj)
            for row, bj in zip(w, b, strict=True)
        ]
    out = [
        sum(a * c for a, c in zip(row, h, strict=True)) + bj
        for row, bj in zip(w1, b1, strict=True)
    ]
    return [1.0 / (1.0 + math.exp(-v)) for v in out]


def _pops_layers(inputs, layers):
    h = list(inputs)
    while layers:
        w, b = layers.pop(0)  # empties the caller's list
        h = [
            sum(a * c for a, c in zip(row, h, strict=True)) + bj
            for row, bj in zip(w, b, strict=True)
        ]
        if layers:
            h = [math.tanh(v) for v in h]
    return [1.0 / (1.0 + math.exp(-v)) for v in h]


cppn_pixel = _PureFloat64Check(
    "10.4 cppn_pixel",
    reference=_cppn_pixel,
    cases=_cppn_cases,
    show=_show_cppn,
    compare=_close,
    returns=list,
    hints=[
        "Each layer computes W·h + b (one sum per row of W); tanh after every layer "
        "but the last, then a sigmoid gives the colour.",
        "For a row of W and the vector h: `sum(w * x for w, x in zip(row, h)) + b`, "
        "in Python floats (float64); float32 is not precise enough.",
        "The last layer has no tanh: apply `1 / (1 + math.exp(-v))` to its outputs.",
    ],
    wrong=[
        lambda i, layers: _cppn_pixel(i, [(w, [0.0] * len(b)) for w, b in layers]),
        lambda i, layers: _cppn_pixel(i, layers, tanh_last=True),
        lambda i, layers: [float(_float32(v)) for v in _cppn_pixel(i, layers)],
        _sigmoid_all,
        _no_sigmoid,
        _transposed,
        _pops_layers,
        _first_and_last,
        lambda i, layers: np.array(_cppn_pixel(i, layers)),  # the text asks a list
        lambda i, layers: [  # a sigmoid cut off early
            0.0 if v < 1e-12 else v for v in _cppn_pixel(i, layers)
        ],
        lambda i, layers: [  # outputs clamped away from 0 and 1
            min(max(v, 1e-3), 1 - 1e-3) for v in _cppn_pixel(i, layers)
        ],
    ],
)


# 10.5 ------------------------------------------------------------------------------
def _same_image(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    return bool(np.array_equal(from_png(png_a), from_png(png_b)))  # shape, then pixels


def _hash_only(png_a: bytes, png_b: bytes) -> bool:
    """Shape-blind: the same bytes in another shape pass."""
    from refimpl.art import from_png, pixel_sha256

    return pixel_sha256(from_png(png_a)) == pixel_sha256(from_png(png_b))


def _bytes_only(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    return from_png(png_a).tobytes() == from_png(png_b).tobytes()


def _prefix_only(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    return from_png(png_a).tobytes()[:1000] == from_png(png_b).tobytes()[:1000]


def _np_equal(png_a: bytes, png_b: bytes) -> object:
    """A wrong answer that returns a numpy bool: compares only the first row."""
    from refimpl.art import from_png

    return (from_png(png_a)[0] == from_png(png_b)[0]).all()


def _same_mean(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    return bool(a.shape == b.shape and a.mean() == b.mean())


def _same_sorted(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    return a.shape == b.shape and bool(
        np.array_equal(np.sort(a, axis=None), np.sort(b, axis=None))
    )


def _same_sorted_shape(png_a: bytes, png_b: bytes) -> bool:
    """Compares the shapes as sorted sizes: 12x48 and 48x12 pass."""
    from refimpl.art import from_png, pixel_sha256

    a, b = from_png(png_a), from_png(png_b)
    return sorted(a.shape) == sorted(b.shape) and pixel_sha256(a) == pixel_sha256(b)


def _same_sum(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    return a.shape == b.shape and int(a.sum(dtype=np.int64)) == int(
        b.sum(dtype=np.int64)
    )


_PNG_CODE: dict[bytes, str] = {}  # each case's PNG -> the code that rebuilds it

_FLIPS = {
    True: "p[3, 4, 1] ^= 1",
    "late": "p[20, 20, 2] ^= 1",
    "swap": "p[[2, 17], [5, 11]] = p[[17, 2], [11, 5]]",
    "rb": "p = p[:, :, ::-1]",
    "row": "p[[6, 6], [3, 19]] = p[[6, 6], [19, 3]]",
    "T": "p = p.transpose(1, 0, 2)",
}


def _same_broadcast(png_a: bytes, png_b: bytes) -> bool:
    """Wrong: ``(a == b).all()`` broadcasts shapes, and an error is read as False."""
    from refimpl.art import from_png

    try:
        return bool((from_png(png_a) == from_png(png_b)).all())
    except Exception:
        return False


def _same_idat(png_a: bytes, png_b: bytes) -> bool:
    """Compares the decompressed IDAT: filtered scanlines, not pixels."""
    import zlib

    def idat(png: bytes) -> bytes:
        pos, out = 8, b""
        while pos < len(png):
            size = int.from_bytes(png[pos : pos + 4], "big")
            if png[pos + 4 : pos + 8] == b"IDAT":
                out += png[pos + 8 : pos + 8 + size]
            pos += 12 + size
        return zlib.decompress(out)

    return idat(png_a) == idat(png_b)


def _same_up_to_transpose(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    return bool(np.array_equal(a, b) or np.array_equal(a.transpose(1, 0, 2), b))


def _channel_means(png_a: bytes, png_b: bytes) -> bool:
    """Compares each pixel's channel average: red and blue swapped pass."""
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    return a.shape == b.shape and bool(np.array_equal(a.mean(2), b.mean(2)))


def _row_sums(png_a: bytes, png_b: bytes) -> bool:
    """Compares each row's sum: pixels moved within a row pass."""
    from refimpl.art import from_png

    a, b = from_png(png_a), from_png(png_b)
    sums_a, sums_b = (
        a.astype(np.int64).sum(axis=(1, 2)),
        b.astype(np.int64).sum(axis=(1, 2)),
    )
    return a.shape == b.shape and bool(np.array_equal(sums_a, sums_b))


def _png(
    seed: int,
    level: int,
    flip: object = False,
    shape: tuple = (24, 24),
    style: str = "ink",
) -> bytes:
    from PIL import Image

    from refimpl.art import render

    pixels = render(seed, style, 24)
    if flip is True:
        pixels[3, 4, 1] ^= 1
    if flip == "late":
        pixels[20, 20, 2] ^= 1
    if flip == "swap":  # two pixels trade places: same colours, another image
        pixels[[2, 17], [5, 11]] = pixels[[17, 2], [11, 5]]
    if flip == "rb":  # red and blue swapped: the same channel averages
        pixels = pixels[:, :, ::-1]
    if flip == "row":  # two pixels of one row trade places: the same row sums
        pixels[[6, 6], [3, 19]] = pixels[[6, 6], [19, 3]]
    if flip == "T":  # rows become columns: a square image, another picture
        pixels = pixels.transpose(1, 0, 2)
    pixels = np.ascontiguousarray(pixels).reshape(*shape, 3)
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buf, format="PNG", compress_level=level)
    data = buf.getvalue()
    steps = [f"p = render({seed}, {style!r}, 24)"]
    if flip in _FLIPS:
        steps.append(_FLIPS[flip])
    if shape != (24, 24):
        steps.append(f"p = p.reshape({shape[0]}, {shape[1]}, 3)")
    steps.append(f"Image.fromarray(p).save(f, 'PNG', compress_level={level})")
    size = f"{shape[1]} wide x {shape[0]} high"  # as the header says: width first
    _PNG_CODE[data] = f"<PNG {size}, made by " + "; ".join(steps) + ">"
    return data


def _png_sub(seed: int) -> bytes:
    """``render(seed, 'ink', 24)`` as a PNG whose every row uses filter 1 (Sub:
    each byte stored minus the byte one pixel to its left), written by hand. Pillow
    picks other filters, so the compressed data (IDAT) differ; the pixels do not."""
    import zlib

    from refimpl.art import render

    pixels = render(seed, "ink", 24)
    height, width, _ = pixels.shape
    raw = bytearray()
    for row in pixels.astype(np.int16).reshape(height, width * 3):
        left = np.concatenate([np.zeros(3, np.int16), row[:-3]])
        raw += b"\x01" + ((row - left) % 256).astype(np.uint8).tobytes()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )
    _PNG_CODE[data] = (
        f"<PNG 24x24 pixels: render({seed}, 'ink', 24) written by hand with PNG "
        "filter 1 (Sub) on every row>"
    )
    return data


def _png_solid(width: int, height: int) -> bytes:
    """One colour everywhere: shapes that numpy broadcasts against each other."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 90)).save(buf, format="PNG")
    data = buf.getvalue()
    _PNG_CODE[data] = (
        f"<PNG {width}x{height} pixels, made by Image.new('RGB', ({width}, {height}), "
        "(200, 30, 90)).save(f, 'PNG')>"
    )
    return data


def _png_cases() -> list[tuple]:
    return [
        (_png(1, 9), _png(1, 9)),
        (_png(1, 9), _png(1, 1)),
        (_png(1, 9), _png(2, 9)),
        (_png(1, 6), _png(1, 6, flip=True)),
        (_png(3, 0), _png(3, 9)),
        (_png(1, 9), _png(1, 9, shape=(12, 48))),  # same bytes, another shape
        (_png(2, 6, shape=(48, 12)), _png(2, 1, shape=(48, 12))),
        (_png(4, 6), _png(4, 6, flip="late")),  # differs after the first 1000 bytes
        (_png(5, 9), _png(5, 9, flip="swap")),  # same colours, two pixels moved
        # width and height swapped: the same bytes, the same sorted shape
        (_png(1, 9, shape=(12, 48)), _png(1, 9, shape=(48, 12))),
        (
            _png(6, 9, style="sunset"),
            _png(6, 9, "rb", style="sunset"),
        ),  # red and blue swapped
        (_png(7, 9), _png(7, 9, flip="row")),  # two pixels swapped within a row
        # the same pixels, filtered another way: another IDAT, the same image
        (_png(1, 9), _png_sub(1)),
        (_png(8, 9), _png(8, 9, flip="T")),  # a square image and its transpose
        # one colour in shapes that broadcast: (1, 24, 3) == (24, 24, 3) has no error
        (_png_solid(24, 1), _png_solid(24, 24)),
        (_png_solid(24, 1), _png_solid(1, 24)),
    ]


class _BoolCheck(FunctionCheck):
    """A FunctionCheck that takes a numpy bool (``(a == b).all()``) as a bool."""

    def _run(self, answer: Any) -> None:
        def as_bool(*args: Any) -> Any:
            got = answer(*args)
            kind = type(got)
            is_numpy_bool = kind.__module__ == "numpy" and kind.__name__ in (
                "bool",
                "bool_",
            )
            return bool(got) if is_numpy_bool else got

        super()._run(as_bool if callable(answer) else answer)


def _show_pngs(args: tuple) -> str:
    """Each PNG as the code that made it (so it can be rebuilt), else its size and
    byte count, read from its header."""
    parts = []
    for data in args:
        if isinstance(data, bytes) and data in _PNG_CODE:
            parts.append(_PNG_CODE[data])
            continue
        width, height = struct.unpack(">II", data[16:24])
        parts.append(f"<PNG {width}x{height} pixels, {len(data)} bytes>")
    return ", ".join(parts)


same_image = _BoolCheck(
    "10.5 same_image",
    reference=_same_image,
    cases=_png_cases,
    show=_show_pngs,
    hints=[
        "Two PNG files can hold the same pixels with different bytes (another zlib, "
        "another compression level).",
        "Decode both with `from_png` and compare the pixels, not the files. The raw "
        "bytes (and so pixel_sha256) do not hold the shape: compare that too.",
        "`a.shape == b.shape and pixel_sha256(a) == pixel_sha256(b)`, or "
        "`numpy.array_equal(a, b)`",
    ],
    wrong=[
        lambda a, b: a == b,
        lambda a, b: len(a) == len(b),
        lambda a, b: _np_equal(a, b),
        _hash_only,
        _bytes_only,
        _prefix_only,
        lambda a, b: hashlib.sha256(a).digest() == hashlib.sha256(b).digest(),
        _same_mean,
        _same_sorted,
        _same_sum,
        _same_sorted_shape,
        _channel_means,  # the average of a pixel's channels, not the channels
        _row_sums,  # row sums: blind to pixels moved within a row
        _same_idat,
        _same_up_to_transpose,
        _same_broadcast,
    ],
)
