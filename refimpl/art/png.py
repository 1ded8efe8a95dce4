"""PNG bytes for display and for content addressing (pillow).

Introduced in lesson 10. :func:`to_png` writes only the critical IHDR, IDAT and IEND
chunks of the PNG specification (W3C PNG, 3rd ed., §5.6; no tIME, no text, no gAMA),
so the same pixels give the same file *for a given zlib*: the compressed IDAT depends
on the zlib (or zlib-ng) build inside pillow. That is why a provenance record's source
of truth is the raw-pixel SHA-256 (:func:`refimpl.art.pixels.pixel_sha256`); the PNG's
own SHA-256 (and the CID that lesson 11 builds from it) names one particular file.

:func:`from_png` accepts exactly what :func:`to_png` writes: 8-bit truecolour (RGB),
not interlaced, judged from the file's own IHDR chunk before pillow decodes it
(pillow would silently reduce a 16-bit RGB file to 8 bits, for instance).
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from refimpl.art.errors import ArtError
from refimpl.art.pixels import check_pixels

__all__ = ["COMPRESS_LEVEL", "MAX_PNG_PIXELS", "from_png", "to_png"]

COMPRESS_LEVEL = 6  # pillow's default: level 9 is ~10x slower for ~7% less
MAX_PNG_PIXELS = 2**24  # 4096 x 4096: a 420 KB file can claim 12000 x 12000 (432 MB)

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOUR_TYPES = {
    0: "greyscale",
    2: "RGB",
    3: "palette",
    4: "greyscale + alpha",
    6: "RGBA",
}


def to_png(pixels: np.ndarray) -> bytes:
    """Encode a ``(h, w, 3)`` uint8 array as an 8-bit RGB PNG, without metadata."""
    pixels = check_pixels(pixels)  # a (h, w, 3) uint8 numpy array, else ArtError
    buffer = io.BytesIO()
    image = Image.fromarray(pixels, mode="RGB")
    image.save(buffer, format="PNG", compress_level=COMPRESS_LEVEL, optimize=False)
    return buffer.getvalue()


def from_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB PNG to a ``(h, w, 3)`` uint8 array.

    Everything else is an :class:`ArtError` saying why, judged from the file's IHDR:
    another bit depth (16-bit RGB too), another colour type (grey, palette, alpha),
    interlacing, more than :data:`MAX_PNG_PIXELS` pixels, or bytes that are not a
    readable PNG. The size is judged before anything is decompressed.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ArtError(f"PNG data must be bytes, got {type(data).__name__}")
    data = bytes(data)
    width, height, depth, colour, interlace = _ihdr(data)
    if colour != 2 or depth != 8:
        kind = _COLOUR_TYPES.get(colour, f"colour type {colour}")
        article = "an" if str(depth).startswith(("8", "11", "18")) else "a"
        raise ArtError(
            f"expected an 8-bit RGB PNG, got {article} {depth}-bit {kind} PNG"
        )
    if interlace != 0:
        raise ArtError("expected a non-interlaced PNG, got an interlaced (Adam7) one")
    if width * height > MAX_PNG_PIXELS:
        raise ArtError(
            f"a {width} x {height} PNG has more than the {MAX_PNG_PIXELS} pixels "
            "this package decodes"
        )
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.mode != "RGB" or image.size != (width, height):
                raise ArtError(
                    f"expected an 8-bit RGB PNG, pillow reads mode {image.mode} "
                    f"of size {image.size}"
                )
            return np.asarray(image).copy()
    except ArtError:
        raise
    except Exception as error:  # pillow raises several kinds for a damaged file
        raise ArtError(f"not a readable PNG: {error}") from None


def _ihdr(data: bytes) -> tuple[int, int, int, int, int]:
    """(width, height, bit depth, colour type, interlace) of a well-formed PNG.

    Walks every chunk (W3C PNG 3rd ed. §5.3, §11.2): IHDR first and 13 bytes long,
    at least one IDAT, IEND last with nothing after it, every CRC right. A truncated
    or damaged file is refused here (pillow would decode what it can).
    """
    if data[:8] != _SIGNATURE:
        raise ArtError("not a PNG: the file does not start with the PNG signature")
    pos, kinds, ihdr = 8, [], b""
    while pos < len(data):
        if pos + 12 > len(data):
            raise ArtError(
                "not a readable PNG: the file ends inside a chunk (truncated?)"
            )
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise ArtError(
                "not a readable PNG: the file ends inside a chunk (truncated?)"
            )
        body = data[pos + 8 : end - 4]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            name = kind.decode("latin-1")
            raise ArtError(f"not a readable PNG: chunk {name!r} fails its CRC")
        if not kinds:
            if kind != b"IHDR" or length != 13:
                raise ArtError(
                    "not a readable PNG: the first chunk is not a 13-byte IHDR"
                )
            ihdr = body
        kinds.append(kind)
        pos = end
        if kind == b"IEND":
            break
    if kinds and kinds[-1] == b"IEND" and pos != len(data):
        raise ArtError(
            f"not a readable PNG: {len(data) - pos} bytes after its IEND chunk (a "
            "PNG ends there)"
        )
    if not kinds or kinds[-1] != b"IEND":
        raise ArtError("not a readable PNG: no IEND at the end (truncated?)")
    if b"IDAT" not in kinds:
        raise ArtError("not a readable PNG: no image data (IDAT)")
    width, height, depth, colour, method, filt, interlace = struct.unpack(
        ">IIBBBBB", ihdr
    )
    if width == 0 or height == 0 or method != 0 or filt != 0:
        raise ArtError("not a readable PNG: invalid IHDR (size, compression or filter)")
    return width, height, depth, colour, interlace
