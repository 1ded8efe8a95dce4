"""PNG bytes for display and for content addressing (pillow).

Introduced in lesson 10. :func:`to_png` writes only the critical IHDR, IDAT and IEND
chunks of the PNG specification (W3C PNG, 3rd ed., §5.6; no tIME, no text, no gAMA),
so the same pixels give the same file *for a given zlib*: the compressed IDAT depends
on the zlib (or zlib-ng) build inside pillow. That is why a provenance record's source
of truth is the raw-pixel SHA-256 (:func:`refimpl.art.pixels.pixel_sha256`); the PNG's
own SHA-256 (and the CID that lesson 11 builds from it) names one particular file.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from refimpl.art.errors import ArtError
from refimpl.art.pixels import pixel_sha256

__all__ = ["COMPRESS_LEVEL", "from_png", "to_png"]

COMPRESS_LEVEL = 6  # pillow's default: level 9 is ~10x slower for ~7% less


def to_png(pixels: np.ndarray) -> bytes:
    """Encode a ``(h, w, 3)`` uint8 array as an 8-bit RGB PNG, without metadata."""
    pixel_sha256(pixels)  # validates dtype and shape
    buffer = io.BytesIO()
    image = Image.fromarray(np.ascontiguousarray(pixels), mode="RGB")
    image.save(buffer, format="PNG", compress_level=COMPRESS_LEVEL, optimize=False)
    return buffer.getvalue()


def from_png(data: bytes) -> np.ndarray:
    """Decode PNG bytes to a ``(h, w, 3)`` uint8 array (other modes are refused)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.mode != "RGB":
                raise ArtError(
                    f"expected an 8-bit RGB PNG, got {image.format} "
                    f"in mode {image.mode}"
                )
            return np.asarray(image).copy()
    except ArtError:
        raise
    except Exception as error:  # pillow raises several kinds for a damaged file
        raise ArtError(f"not a readable PNG: {error}") from None
