"""Procedurally drawn pictures: discs, squares and stripes (numpy only).

Introduced in lesson 10. The trained model of :mod:`refimpl.art.decoder` learned to
paint these from their description: ``scripts/train_art_model.py`` calls
:func:`make_shapes` with a fixed seed for its training set.
"""

from __future__ import annotations

import math

import numpy as np

from refimpl.art.arguments import MAX_SEED, check_int, check_seed, check_size
from refimpl.art.errors import ArtError
from refimpl.art.hashrand import hash_key, hash_uniform

__all__ = [
    "CODE_SIZE",
    "MAX_SET_PIXELS",
    "PALETTE",
    "SHAPE_KINDS",
    "ShapeParams",
    "draw_shapes",
    "encode_shapes",
    "make_shapes",
    "shape_params_from_seed",
]

SHAPE_KINDS = ("disc", "square", "stripes")
PALETTE = np.array(  # six colours; a picture's shape and background always differ
    [
        [0.09, 0.11, 0.20],
        [0.95, 0.92, 0.82],
        [0.90, 0.30, 0.25],
        [0.20, 0.60, 0.85],
        [0.98, 0.75, 0.20],
        [0.30, 0.70, 0.40],
    ]
)
CODE_SIZE = len(SHAPE_KINDS) + 2 * len(PALETTE) + 6
MAX_SET_PIXELS = 2**22  # pictures x size x size per call: 16,384 pictures of 16 x 16
_CHOICES = {
    "kind": len(SHAPE_KINDS),
    "background": len(PALETTE),
    "foreground": len(PALETTE),
}
_NUMBERS = ("cx", "cy", "extent", "angle", "frequency")

ShapeParams = dict[str, np.ndarray]
"""Arrays of length n: kind, background, foreground (ints), cx, cy, extent, angle,
frequency (floats)."""


def _from_uniforms(u: np.ndarray) -> ShapeParams:
    """Map uniforms in [0, 1) (n x 8) to shape parameters (exact arithmetic only)."""
    n_col = len(PALETTE)
    background = np.floor(u[:, 1] * n_col).astype(np.int64)
    step = 1 + np.floor(u[:, 2] * (n_col - 1)).astype(np.int64)
    return {
        "kind": np.floor(u[:, 0] * len(SHAPE_KINDS)).astype(np.int64),
        "background": background,
        "foreground": (background + step) % n_col,
        "cx": u[:, 3] - 0.5,
        "cy": u[:, 4] - 0.5,
        "extent": 0.2 + 0.4 * u[:, 5],
        "angle": math.pi * u[:, 6],
        "frequency": 1.5 + 1.5 * u[:, 7],
    }


def shape_params_from_seed(seed: int) -> ShapeParams:
    """The one picture description (n = 1) that ``seed`` names, from SHA-256."""
    seed = check_seed(seed)
    return _from_uniforms(hash_uniform(hash_key("shapes", seed, "params"), 8)[None])


def _check_params(params: object) -> int:
    """The number of pictures ``n`` that well-formed parameters describe.

    A dict with exactly the eight keys, each a 1-D numpy array of one length ``n``:
    integer choices in range for kind and colours, finite real numbers for the rest.
    """
    keys = [*_CHOICES, *_NUMBERS]
    if not isinstance(params, dict) or set(params) != set(keys):
        raise ArtError(f"shape parameters are a dict with exactly the keys {keys}")
    lengths = set()
    for key in keys:
        value = params[key]
        if not isinstance(value, np.ndarray) or value.ndim != 1:
            raise ArtError(f"shape parameter {key!r} must be a 1-D numpy array")
        lengths.add(len(value))
        if key in _CHOICES:
            if value.dtype.kind not in "iu" or not np.all(
                (value >= 0) & (value < _CHOICES[key])
            ):
                raise ArtError(
                    f"shape parameter {key!r} must hold integers in "
                    f"0..{_CHOICES[key] - 1}"
                )
        elif value.dtype.kind not in "iuf" or not np.all(np.isfinite(value)):
            raise ArtError(f"shape parameter {key!r} must hold finite numbers")
    if len(lengths) != 1:
        raise ArtError("shape parameters must all have the same length")
    return lengths.pop()


def _check_set(n: int, size: object) -> int:
    size = check_size(size)
    if n * size * size > MAX_SET_PIXELS:
        raise ArtError(
            f"{n} pictures of {size} x {size} exceed {MAX_SET_PIXELS} pixels per call"
        )
    return size


def draw_shapes(params: ShapeParams, size: int = 16) -> np.ndarray:
    """Draw pictures ``(n, 3, size, size)`` float32 in ``[0, 1]`` from parameters."""
    size = _check_set(_check_params(params), size)
    kind = params["kind"][:, None, None]
    axis = (2.0 * np.arange(size) + 1.0) / size - 1.0
    y, x = np.meshgrid(axis, axis, indexing="ij")
    dx = x - params["cx"][:, None, None]
    dy = y - params["cy"][:, None, None]
    extent = params["extent"][:, None, None]
    angle = params["angle"][:, None, None]
    disc = dx**2 + dy**2 < extent**2
    square = np.maximum(np.abs(dx), np.abs(dy)) < extent * 0.8
    along = dx * np.cos(angle) + dy * np.sin(angle)
    stripes = np.sin(np.pi * params["frequency"][:, None, None] * along) > 0
    mask = np.where(kind == 0, disc, np.where(kind == 1, square, stripes))[:, None]
    back = PALETTE[params["background"]][:, :, None, None]
    fore = PALETTE[params["foreground"]][:, :, None, None]
    return np.where(mask, fore, back).astype(np.float32)


def encode_shapes(params: ShapeParams) -> np.ndarray:
    """The model's input code (n x CODE_SIZE, float64): one-hot kind, background and
    foreground colour, then cx, cy, extent, cos(angle), sin(angle), frequency / 3."""
    n = _check_params(params)
    eye_k, eye_c = np.eye(len(SHAPE_KINDS)), np.eye(len(PALETTE))
    angle = params["angle"]
    cos = np.array([math.cos(a) for a in angle], dtype=np.float64)
    sin = np.array([math.sin(a) for a in angle], dtype=np.float64)
    columns = [
        eye_k[params["kind"]],
        eye_c[params["background"]],
        eye_c[params["foreground"]],
        np.stack(
            [params["cx"], params["cy"], params["extent"], cos, sin],
            axis=1,
        ),
        (params["frequency"] / 3.0).reshape(n, 1),
    ]
    return np.concatenate(columns, axis=1)


def make_shapes(n: int, seed: int, size: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """A training set: ``n`` pictures ``(n, 3, size, size)`` and their codes.

    numpy's PCG64 (``default_rng(seed)``) draws the descriptions, so the set is the same
    on every machine. At most :data:`MAX_SET_PIXELS` pixels (``n * size * size``).
    """
    n = check_int(n, "n", 0, MAX_SET_PIXELS, "pictures")
    seed = check_int(seed, "seed", 0, MAX_SEED)
    size = _check_set(n, size)
    u = np.random.default_rng(seed).random((n, 8))
    params = _from_uniforms(u)
    return draw_shapes(params, size), encode_shapes(params).astype(np.float32)
