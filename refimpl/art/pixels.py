"""From colours in ``[0, 1]`` to bytes, and the hash that identifies an image.

Introduced in lesson 10. The rounding rule is *round half up after clamping*:
``q = floor(clamp(v, 0, 1) * 255 + 0.5)``, as a uint8. The raw pixels are the bytes of
the ``(height, width, 3)`` uint8 array in row-major RGB order; their SHA-256 is the
image's identity (PNG bytes also depend on the zlib version, the pixels do not).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import torch

from refimpl.art.errors import ArtError

__all__ = ["pixel_sha256", "quantize", "quantize_value"]


def quantize(colours: torch.Tensor) -> np.ndarray:
    """float64 colours in ``[0, 1]`` -> uint8 ``floor(clamp(v, 0, 1) * 255 + 0.5)``."""
    q = torch.floor(colours.clamp(0.0, 1.0) * 255.0 + 0.5)
    return q.to(torch.uint8).numpy()


def quantize_value(v: float) -> int:
    """The same rule for one Python float (used by the per-pixel loop)."""
    return int(math.floor(min(max(v, 0.0), 1.0) * 255.0 + 0.5))


def pixel_sha256(pixels: np.ndarray) -> str:
    """Hex SHA-256 of the raw pixel bytes (uint8, C order, shape ``(h, w, 3)``)."""
    arr = np.ascontiguousarray(pixels)
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise ArtError(
            f"pixels must be a (height, width, 3) uint8 array, got "
            f"{arr.dtype} with shape {arr.shape}"
        )
    return hashlib.sha256(arr.tobytes()).hexdigest()
