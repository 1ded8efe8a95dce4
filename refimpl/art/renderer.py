"""One entry point for every generator: ``render(seed, style, size)``.

Introduced in lesson 10. Styles are the hash-weighted CPPNs of
:mod:`refimpl.art.cppn` and the trained ``"shapes"`` model of
:mod:`refimpl.art.decoder`. Input is checked before any work; bad input raises
:class:`refimpl.art.errors.ArtError` (a ``ValueError``) saying why.
"""

from __future__ import annotations

import numpy as np

from refimpl.art.arguments import MAX_SEED, MAX_SIZE, check_seed, check_size
from refimpl.art.cppn import CPPN_STYLES, render_cppn
from refimpl.art.decoder import MODEL_NAME, TrainedModel, check_model, render_trained
from refimpl.art.errors import ArtError
from refimpl.art.png import to_png

__all__ = [
    "MAX_SEED",
    "MAX_SIZE",
    "STYLES",
    "check_request",
    "check_style",
    "render",
    "render_png",
]

STYLES: tuple[str, ...] = (*CPPN_STYLES, MODEL_NAME)


def check_style(style: object) -> str:
    """``style`` if it is one of :data:`STYLES`."""
    if not isinstance(style, str) or style not in STYLES:
        raise ArtError(f"unknown style {style!r}; choose one of {list(STYLES)}")
    return style


def check_request(seed: object, style: object, size: object) -> tuple[int, str, int]:
    """Validate ``(seed, style, size)``; return them as plain ``(int, str, int)``.

    A seed is an integer in ``0..2**64-1`` (not a bool, float or string); a style is
    one of :data:`STYLES`; a size is an integer in ``1..MAX_SIZE``.
    """
    return check_seed(seed), check_style(style), check_size(size)


def render(
    seed: int,
    style: str = "classic",
    size: int = 256,
    *,
    model: TrainedModel | None = None,
) -> np.ndarray:
    """The image for ``(style, seed)`` as a ``(size, size, 3)`` uint8 array.

    Bit-exact: the same arguments give the same pixels on any CPU (float64 maths, then
    ``floor(clamp(v, 0, 1) * 255 + 0.5)``). ``model`` replaces the shipped weights of
    the ``"shapes"`` style (other styles ignore it); it is a :class:`TrainedModel`.
    """
    seed, style, size = check_request(seed, style, size)
    model = check_model(model)
    if style == MODEL_NAME:
        return render_trained(seed, size, model)
    return render_cppn(seed, style, size)


def render_png(seed: int, style: str = "classic", size: int = 256) -> bytes:
    """``render`` then :func:`refimpl.art.png.to_png`."""
    return to_png(render(seed, style, size))
