"""From colours in ``[0, 1]`` to bytes, and the hash that identifies an image.

Introduced in lesson 10. The rounding rule is *round half up after clamping*:
``q = floor(clamp(v, 0, 1) * 255 + 0.5)``, as a uint8. The raw pixels are the bytes of
the ``(height, width, 3)`` uint8 array in row-major RGB order; their SHA-256 is the
image's identity (PNG bytes also depend on the zlib version, the pixels do not).
"""

from __future__ import annotations

import hashlib
import math
import numbers

import numpy as np
import torch

from refimpl.art.errors import ArtError

__all__ = ["check_pixels", "pixel_sha256", "quantize", "quantize_value"]


def quantize(colours: torch.Tensor) -> np.ndarray:
    """float64 colours in ``[0, 1]`` -> uint8 ``floor(clamp(v, 0, 1) * 255 + 0.5)``.

    ``colours`` is a floating-point torch tensor without NaN (a NaN has no colour).
    """
    if not isinstance(colours, torch.Tensor) or not colours.is_floating_point():
        kind = colours.dtype if isinstance(colours, torch.Tensor) else type(colours)
        raise ArtError(f"colours must be a floating-point torch tensor, got {kind}")
    if bool(torch.isnan(colours).any()):
        raise ArtError("colours contain NaN: each colour is a number in [0, 1]")
    q = torch.floor(colours.detach().clamp(0.0, 1.0) * 255.0 + 0.5)
    return q.to(torch.uint8).numpy()


def quantize_value(v: float) -> int:
    """The same rule for one Python float (used by the per-pixel loop)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or v != v:  # NaN
        raise ArtError(f"a colour is a real number in [0, 1], got {v!r}")
    return int(math.floor(min(max(v, 0.0), 1.0) * 255.0 + 0.5))


def check_pixels(pixels: object) -> np.ndarray:
    """``pixels`` in C order if it is a ``(h, w, 3)`` uint8 array with h, w >= 1."""
    if not isinstance(pixels, np.ndarray):
        raise ArtError(
            f"pixels must be a (height, width, 3) uint8 numpy array, "
            f"got {type(pixels).__name__}"
        )
    arr = np.ascontiguousarray(pixels)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3 or arr.size == 0:
        raise ArtError(
            f"pixels must be a (height, width, 3) uint8 array with at least one "
            f"pixel, got {arr.dtype} with shape {arr.shape}"
        )
    return arr


def pixel_sha256(pixels: np.ndarray) -> str:
    """Hex SHA-256 of the raw pixel bytes (uint8, C order, shape ``(h, w, 3)``)."""
    return hashlib.sha256(check_pixels(pixels).tobytes()).hexdigest()
