"""A CPPN: a small network that maps pixel coordinates to a colour.

Introduced in lesson 10. A *compositional pattern-producing network* (Stanley, 2007)
is an MLP evaluated at every pixel: the input is ``(x, y, r)`` (plus a latent vector
``z``), the output is an RGB colour. Its weights here come from SHA-256 of
``(style, seed, layer)`` (see :mod:`refimpl.art.hashrand`), so anyone holding the seed
re-renders exactly the same image.

Bit-exactness: all arithmetic is float64; the colour in ``[0, 1]`` is then quantised to
uint8 by :func:`refimpl.art.pixels.quantize`. Different CPUs or BLAS libraries may sum
in another order and change the last bit of a float64 (about 1e-16), but that moves a
uint8 only if the value sits within 1e-13 of a rounding boundary: a chance of order
1e-13 per channel. In float32 (error ~1e-7) the same chance is ~1e-5 per channel, which
is why a float32 render differs on a few of 200k channels across machines.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from refimpl.art.arguments import check_seed, check_size
from refimpl.art.errors import ArtError
from refimpl.art.hashrand import hash_key, hash_normal, hash_uniform
from refimpl.art.pixels import quantize, quantize_value

__all__ = [
    "CPPN_STYLES",
    "CppnStyle",
    "check_cppn_style",
    "cppn_forward",
    "cppn_latent",
    "cppn_inputs",
    "cppn_weights",
    "render_cppn",
    "render_cppn_loop",
]

TWO_PI = 2.0 * math.pi
CHUNK = 65536  # pixels per forward pass: bounds memory, does not change the result
ACTIVATIONS = ("tanh", "sin", "gauss")
MAX_WIDTH = 1024  # neurons per layer and latent values: keeps weights in hash range


def _real(value: object) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


@dataclass(frozen=True)
class CppnStyle:
    """How a CPPN style is built.

    ``activations`` has one entry per hidden layer (``tanh``, ``sin`` or ``gauss`` =
    ``exp(-x*x)``). With ``palette=None`` the net outputs RGB through a sigmoid;
    otherwise it outputs one value ``t`` (sigmoid) coloured by the cosine palette
    ``a + b * cos(2*pi*(c*t + d))`` per channel, ``palette = (a, b, c, d)``.
    """

    name: str
    activations: tuple[str, ...]
    width: int = 32
    zoom: float = 1.0
    gain: float = 1.0
    palette: tuple[tuple[float, float, float], ...] | None = None
    latent: int = 4

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "|" in self.name:
            raise ArtError(
                f"a style name is a non-empty str without '|', {self.name!r}"
            )
        if (
            not isinstance(self.activations, tuple)
            or not self.activations
            or any(a not in ACTIVATIONS for a in self.activations)
        ):
            raise ArtError(
                f"activations is a non-empty tuple of {list(ACTIVATIONS)}, "
                f"got {self.activations!r}"
            )
        for name, low in (("width", 1), ("latent", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ArtError(f"{name} must be an int, got {value!r}")
            if not low <= value <= MAX_WIDTH:
                raise ArtError(f"{name} must be in {low}..{MAX_WIDTH}, got {value}")
        for name in ("zoom", "gain"):
            if not _real(getattr(self, name)) or getattr(self, name) <= 0:
                raise ArtError(f"{name} must be a finite number > 0")
        if self.palette is not None and not (
            isinstance(self.palette, tuple)
            and len(self.palette) == 4
            and all(
                isinstance(row, tuple) and len(row) == 3 and all(map(_real, row))
                for row in self.palette
            )
        ):
            raise ArtError("a palette is None or four (r, g, b) tuples of numbers")


CPPN_STYLES: dict[str, CppnStyle] = {
    s.name: s
    for s in [
        CppnStyle("classic", ("tanh",) * 5, zoom=2.0, gain=2.5),
        CppnStyle(
            "sunset",
            ("sin", "tanh", "sin", "tanh"),
            zoom=1.5,
            gain=2.2,
            palette=(
                (0.5, 0.5, 0.5),
                (0.5, 0.5, 0.5),
                (1.5, 1.5, 1.5),
                (0.0, 0.1, 0.2),
            ),
        ),
        CppnStyle(
            "ocean",
            ("sin",) * 4,
            zoom=1.5,
            gain=2.0,
            palette=(
                (0.2, 0.5, 0.6),
                (0.2, 0.4, 0.4),
                (2.0, 1.0, 1.0),
                (0.0, 0.25, 0.25),
            ),
        ),
        CppnStyle(
            "neon",
            ("gauss", "tanh", "gauss", "tanh"),
            zoom=1.5,
            gain=2.0,
            palette=(
                (0.5, 0.5, 0.5),
                (0.5, 0.5, 0.5),
                (2.0, 1.0, 0.0),
                (0.5, 0.2, 0.25),
            ),
        ),
        CppnStyle(
            "ink",
            ("tanh", "gauss", "tanh"),
            width=24,
            zoom=2.0,
            gain=2.5,
            palette=(
                (0.5, 0.5, 0.5),
                (0.5, 0.5, 0.5),
                (1.0, 1.0, 1.0),
                (0.0, 0.0, 0.0),
            ),
        ),
    ]
}

_TORCH_ACT = {  # in place: the forward pass allocates one new tensor per layer
    "tanh": torch.Tensor.tanh_,
    "sin": torch.Tensor.sin_,
    "gauss": lambda x: x.square_().neg_().exp_(),
}
_MATH_ACT = {
    "tanh": math.tanh,
    "sin": math.sin,
    "gauss": lambda x: math.exp(-(x * x)),
}


def check_cppn_style(style: object) -> CppnStyle:
    """The :class:`CppnStyle` named ``style``; any other value is an ``ArtError``."""
    if not isinstance(style, str) or style not in CPPN_STYLES:
        names = list(CPPN_STYLES)
        raise ArtError(f"unknown CPPN style {style!r}; choose one of {names}")
    return CPPN_STYLES[style]


def _dims(spec: CppnStyle) -> list[int]:
    """Layer widths: inputs ``x, y, r, z...``, the hidden layers, the outputs."""
    n_out = 3 if spec.palette is None else 1
    return [3 + spec.latent] + [spec.width] * len(spec.activations) + [n_out]


def cppn_weights(seed: int, style: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The layers ``[(W, b), ...]`` (float64, ``W`` is out x in) for ``(style, seed)``.

    Layer ``k`` draws from the key ``(style, seed, "layer", k)``: ``W`` uniform in
    ``±gain*sqrt(3/fan_in)`` (variance gain^2/fan_in), ``b`` uniform in ``±gain/2``.
    """
    seed, spec = check_seed(seed), check_cppn_style(style)
    dims = _dims(spec)
    layers = []
    for k, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:], strict=True)):
        u = hash_uniform(hash_key(style, seed, "layer", k), fan_out * (fan_in + 1))
        bound = spec.gain * math.sqrt(3.0 / fan_in)
        w = (2.0 * u[: fan_out * fan_in] - 1.0) * bound
        b = (2.0 * u[fan_out * fan_in :] - 1.0) * (spec.gain * 0.5)
        layers.append((w.reshape(fan_out, fan_in), b))
    return layers


def cppn_latent(seed: int, style: str) -> np.ndarray:
    """The latent ``z`` for ``(style, seed)``: near-normal values from SHA-256."""
    seed = check_seed(seed)
    check_cppn_style(style)
    return hash_normal(hash_key(style, seed, "latent"), CPPN_STYLES[style].latent)


def _axis(size: int) -> torch.Tensor:
    """Pixel centres in ``(-1, 1)``: ``(2j + 1) / size - 1`` for j = 0..size-1."""
    j = torch.arange(size, dtype=torch.float64)
    return (2.0 * j + 1.0) / size - 1.0


def cppn_inputs(seed: int, style: str, size: int) -> torch.Tensor:
    """The per-pixel inputs ``[x, y, r, z...]`` (size*size rows, row-major, y down).

    ``x, y, r`` are multiplied by the style's zoom; ``z`` is the same for every pixel.
    """
    seed, spec, size = check_seed(seed), check_cppn_style(style), check_size(size)
    axis = _axis(size)
    y, x = torch.meshgrid(axis, axis, indexing="ij")
    r = torch.sqrt(x * x + y * y)
    coords = torch.stack([x, y, r], dim=-1).reshape(-1, 3) * spec.zoom
    z = torch.from_numpy(cppn_latent(seed, style)).expand(coords.shape[0], -1)
    return torch.cat([coords, z], dim=1)


def cppn_forward(
    inputs: torch.Tensor, layers: list[tuple[np.ndarray, np.ndarray]], style: str
) -> torch.Tensor:
    """Colours in ``[0, 1]`` (float64, rows x 3) for rows of inputs.

    ``inputs`` is a float64 tensor (rows x ``3 + latent``); ``layers`` are the style's
    float64 ``(W, b)`` numpy pairs, shaped as :func:`cppn_weights` makes them.
    """
    spec = check_cppn_style(style)
    _check_forward(inputs, layers, spec)
    h = inputs
    acts = [_TORCH_ACT[a] for a in spec.activations]
    for k, (w, b) in enumerate(layers):
        h = torch.addmm(torch.from_numpy(b), h, torch.from_numpy(w).T)
        if k < len(acts):
            acts[k](h)
    t = torch.sigmoid_(h)
    if spec.palette is None:
        return t
    a, bb, c, d = (torch.tensor(p, dtype=torch.float64) for p in spec.palette)
    return a + bb * torch.cos(TWO_PI * (c * t + d))


def _check_forward(inputs: object, layers: object, spec: CppnStyle) -> None:
    dims = _dims(spec)
    if (
        not isinstance(inputs, torch.Tensor)
        or inputs.dtype != torch.float64
        or inputs.ndim != 2
        or inputs.shape[1] != dims[0]
    ):
        got = (
            f"{inputs.dtype} of shape {tuple(inputs.shape)}"
            if isinstance(inputs, torch.Tensor)
            else type(inputs).__name__
        )
        raise ArtError(
            f"inputs must be a float64 tensor of shape (rows, {dims[0]}), got {got}"
        )
    if not isinstance(layers, Sequence) or len(layers) != len(dims) - 1:
        raise ArtError(f"style {spec.name!r} needs a list of {len(dims) - 1} (W, b)")
    for k, pair in enumerate(layers):
        shapes = ((dims[k + 1], dims[k]), (dims[k + 1],))
        if not (
            isinstance(pair, Sequence)
            and len(pair) == 2
            and all(
                isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == sh
                for a, sh in zip(pair, shapes, strict=True)
            )
        ):
            raise ArtError(
                f"layer {k} must be float64 numpy arrays (W, b) of shapes "
                f"{shapes[0]} and {shapes[1]}"
            )


def render_cppn(seed: int, style: str, size: int) -> np.ndarray:
    """The image as a ``(size, size, 3)`` uint8 array (vectorised torch, float64).

    This is the fast path; :func:`render_cppn_loop` is the same maths one pixel at a
    time in plain Python. Bad input is refused as in :func:`refimpl.art.render`.
    """
    seed, size = check_seed(seed), check_size(size)
    check_cppn_style(style)
    layers = cppn_weights(seed, style)
    inputs = cppn_inputs(seed, style, size)
    with torch.no_grad():
        parts = [
            quantize(cppn_forward(inputs[i : i + CHUNK], layers, style))
            for i in range(0, inputs.shape[0], CHUNK)
        ]
    return np.concatenate(parts).reshape(size, size, 3)


def render_cppn_loop(seed: int, style: str, size: int) -> np.ndarray:
    """The same image, computed pixel by pixel with Python floats and ``math``.

    Slow (about 1000x), but it shares nothing with torch except the weights: if it
    agrees with :func:`render_cppn` the vectorised code is right.
    """
    seed, spec, size = check_seed(seed), check_cppn_style(style), check_size(size)
    layers = [(w.tolist(), b.tolist()) for w, b in cppn_weights(seed, style)]
    z = cppn_latent(seed, style).tolist()
    acts = [_MATH_ACT[a] for a in spec.activations]
    out = np.zeros((size, size, 3), dtype=np.uint8)
    for i in range(size):
        y = (2.0 * i + 1.0) / size - 1.0
        for j in range(size):
            x = (2.0 * j + 1.0) / size - 1.0
            r = math.sqrt(x * x + y * y)
            h = [x * spec.zoom, y * spec.zoom, r * spec.zoom, *z]
            for k, (w, b) in enumerate(layers):
                h = [
                    sum(wi * hi for wi, hi in zip(row, h, strict=True)) + bj
                    for row, bj in zip(w, b, strict=True)
                ]
                if k < len(acts):
                    h = [acts[k](v) for v in h]
            t = [1.0 / (1.0 + math.exp(-v)) for v in h]
            if spec.palette is not None:
                a, bb, c, d = spec.palette
                t = [
                    a[ch] + bb[ch] * math.cos(TWO_PI * (c[ch] * t[0] + d[ch]))
                    for ch in range(3)
                ]
            out[i, j] = [quantize_value(v) for v in t]
    return out
