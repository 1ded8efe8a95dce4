"""Checks for lesson 10, generative art (exercises/10_generative_art.ipynb).

Expected values are computed lazily: importing this module costs nothing heavy.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
from typing import Any

from refimpl.course import FunctionCheck, Wrong

__all__ = ["cppn_pixel", "pixel_axis", "quantize_channel", "same_image", "word_to_unit"]


# 10.1 ------------------------------------------------------------------------------
def _word_to_unit(word: bytes) -> float:
    return (int.from_bytes(word, "big") >> 11) * 2.0**-53


def _word_cases() -> list[tuple]:
    words = [b"\x00" * 8, b"\xff" * 8, b"\x80" + b"\x00" * 7, b"\x00" * 7 + b"\xff"]
    words += [hashlib.sha256(bytes([i])).digest()[:8] for i in range(4)]
    return [(w,) for w in words]


word_to_unit = FunctionCheck(
    "10.1 word_to_unit",
    reference=_word_to_unit,
    cases=_word_cases,
    hints=[
        "Read the 8 bytes as one big-endian integer, then keep only its top 53 bits.",
        "`int.from_bytes(word, 'big') >> 11` is an integer below 2**53.",
        "Multiply that integer by `2.0 ** -53`: exact, and always below 1.",
    ],
    solution=(
        "def word_to_unit(word):\n"
        "    return (int.from_bytes(word, 'big') >> 11) * 2.0 ** -53"
    ),
    wrong=[
        lambda w: int.from_bytes(w, "big") / 2**64,
        lambda w: (int.from_bytes(w, "little") >> 11) * 2.0**-53,
    ],
)


# 10.2 ------------------------------------------------------------------------------
def _pixel_axis(n: int) -> list[float]:
    return [(2.0 * j + 1.0) / n - 1.0 for j in range(n)]


pixel_axis = FunctionCheck(
    "10.2 pixel_axis",
    reference=_pixel_axis,
    cases=[(1,), (2,), (4,), (5,), (16,)],
    hints=[
        "Each value is the centre of a pixel: the n pixels split [-1, 1] evenly.",
        "Pixel j covers [-1 + 2j/n, -1 + 2(j+1)/n]; its centre is halfway.",
        "Compute it exactly as `(2.0 * j + 1.0) / n - 1.0` for j in range(n).",
    ],
    solution=(
        "def pixel_axis(n):\n    return [(2.0 * j + 1.0) / n - 1.0 for j in range(n)]"
    ),
    wrong=[
        lambda n: [-1.0 + 2.0 * j / max(n - 1, 1) for j in range(n)],
        lambda n: [(2.0 * j) / n - 1.0 for j in range(n)],
    ],
)


# 10.3 ------------------------------------------------------------------------------
def _quantize_channel(v: float) -> int:
    return int(math.floor(min(max(v, 0.0), 1.0) * 255.0 + 0.5))


quantize_channel = FunctionCheck(
    "10.3 quantize_channel",
    reference=_quantize_channel,
    cases=[(0.0,), (1.0,), (0.5,), (126.5 / 255,), (0.3,), (-0.2,), (1.3,), (0.999,)],
    hints=[
        "Clamp v into [0, 1] first, then scale to 0..255 and round half up.",
        "Python's round() rounds half to even (round(126.5) is 126): use "
        "floor(x + 0.5).",
        "`int(math.floor(min(max(v, 0.0), 1.0) * 255.0 + 0.5))`",
    ],
    solution=(
        "def quantize_channel(v):\n"
        "    v = min(max(v, 0.0), 1.0)\n"
        "    return int(math.floor(v * 255.0 + 0.5))"
    ),
    wrong=[
        lambda v: round(min(max(v, 0.0), 1.0) * 255),
        lambda v: int(min(max(v, 0.0), 1.0) * 255),
        lambda v: int(math.floor(v * 255.0 + 0.5)),
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
    return [
        ([0.0, 0.0], small),
        ([0.5, -0.25], small),
        ([0.1, 0.2, 0.3, 0.5, -0.5, 1.0, 0.0], layers),
        ([-0.9, 0.9, 1.27, 0.0, 0.0, 0.0, 0.0], layers),
    ]


def _close(got: Any, expected: list[float], tol: float = 1e-9) -> bool:
    return len(got) == len(expected) and all(
        math.isclose(g, e, rel_tol=tol, abs_tol=tol * 1e-3)
        for g, e in zip(got, expected, strict=True)
    )


class _Float64Check(FunctionCheck):
    """A FunctionCheck that says so when an answer is right only to float32 digits."""

    def _run(self, answer: Any) -> None:
        last: list[tuple[tuple, Any]] = []

        def recorded(*args: Any) -> Any:
            got = answer(*args)
            last[:] = [(args, got)]
            return got

        try:
            super()._run(recorded if callable(answer) else answer)
        except Wrong as wrong:
            if last:
                args, got = last[0]
                try:
                    near = _close(got, self.reference(*args), tol=1e-5)
                except Exception:
                    near = False
                if near:
                    raise Wrong(
                        f"{wrong}; it is close, but only to about 7 digits, the "
                        "precision of float32: compute in float64 (Python floats)"
                    ) from None
            raise


cppn_pixel = _Float64Check(
    "10.4 cppn_pixel",
    reference=_cppn_pixel,
    cases=_cppn_cases,
    compare=_close,
    hints=[
        "Each layer computes W·h + b (one sum per row of W); tanh after every layer "
        "but the last, then a sigmoid gives the colour.",
        "For a row of W and the vector h: `sum(w * x for w, x in zip(row, h)) + b`, "
        "in Python floats (float64); float32 is not precise enough.",
        "The last layer has no tanh: apply `1 / (1 + math.exp(-v))` to its outputs.",
    ],
    solution=(
        "def cppn_pixel(inputs, layers):\n"
        "    h = list(inputs)\n"
        "    for k, (w, b) in enumerate(layers):\n"
        "        h = [sum(wi * hi for wi, hi in zip(row, h)) + bj\n"
        "             for row, bj in zip(w, b)]\n"
        "        if k < len(layers) - 1:\n"
        "            h = [math.tanh(v) for v in h]\n"
        "    return [1 / (1 + math.exp(-v)) for v in h]"
    ),
    wrong=[
        lambda i, layers: _cppn_pixel(i, [(w, [0.0] * len(b)) for w, b in layers]),
        lambda i, layers: _cppn_pixel(i, layers, tanh_last=True),
        lambda i, layers: [float(_float32(v)) for v in _cppn_pixel(i, layers)],
    ],
)


# 10.5 ------------------------------------------------------------------------------
def _same_image(png_a: bytes, png_b: bytes) -> bool:
    from refimpl.art import from_png, pixel_sha256

    return pixel_sha256(from_png(png_a)) == pixel_sha256(from_png(png_b))


def _np_equal(png_a: bytes, png_b: bytes) -> object:
    """A wrong answer that returns a numpy bool: compares only the first row."""
    from refimpl.art import from_png

    return (from_png(png_a)[0] == from_png(png_b)[0]).all()


def _png(seed: int, level: int, flip: bool = False) -> bytes:
    from PIL import Image

    from refimpl.art import render

    pixels = render(seed, "ink", 24)
    if flip:
        pixels[3, 4, 1] ^= 1
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buf, format="PNG", compress_level=level)
    return buf.getvalue()


def _png_cases() -> list[tuple]:
    return [
        (_png(1, 9), _png(1, 9)),
        (_png(1, 9), _png(1, 1)),
        (_png(1, 9), _png(2, 9)),
        (_png(1, 6), _png(1, 6, flip=True)),
        (_png(3, 0), _png(3, 9)),
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


same_image = _BoolCheck(
    "10.5 same_image",
    reference=_same_image,
    cases=_png_cases,
    hints=[
        "Two PNG files can hold the same pixels with different bytes (another zlib, "
        "another compression level).",
        "Decode both with `from_png` and compare the pixels, not the files.",
        "`pixel_sha256(from_png(a)) == pixel_sha256(from_png(b))`",
    ],
    solution=(
        "def same_image(png_a, png_b):\n"
        "    return pixel_sha256(from_png(png_a)) == pixel_sha256(from_png(png_b))"
    ),
    wrong=[
        lambda a, b: a == b,
        lambda a, b: len(a) == len(b),
        lambda a, b: _np_equal(a, b),
    ],
)
