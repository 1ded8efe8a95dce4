"""``from_png`` accepts only 8-bit, non-interlaced RGB, judged from the file's IHDR.

Pillow cannot write a 16-bit RGB or an interlaced PNG, so those two are assembled here
chunk by chunk (W3C PNG 3rd ed.); the test first shows that Pillow itself opens them as
plain ``RGB`` (the 16-bit one silently reduced to 8 bits), which is the hazard.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from refimpl.art import ArtError, ProvenanceRecord, from_png, to_png


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body))
    )


def _png(width, height, depth, colour, rows: bytes, interlace=0) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def _rgb16(h=2, w=3) -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(16)
    px = rng.integers(0, 65536, size=(h, w, 3), dtype=np.uint16)
    rows = b"".join(b"\x00" + px[y].astype(">u2").tobytes() for y in range(h))
    return _png(w, h, 16, 2, rows), px


def test_16_bit_rgb_is_refused():
    data, px = _rgb16()
    with Image.open(io.BytesIO(data)) as im:  # the hazard: pillow says "RGB"
        assert im.mode == "RGB"
        assert np.array_equal(np.asarray(im), (px >> 8).astype(np.uint8))
    with pytest.raises(ArtError, match="16-bit RGB"):
        from_png(data)


def test_interlaced_rgb_is_refused():
    data = _png(1, 1, 8, 2, b"\x00\x10\x20\x30", interlace=1)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "RGB" and im.getpixel((0, 0)) == (16, 32, 48)
    with pytest.raises(ArtError, match="interlaced"):
        from_png(data)
    same = _png(1, 1, 8, 2, b"\x00\x10\x20\x30")  # the same pixel, not interlaced
    assert from_png(same).tolist() == [[[16, 32, 48]]]


@pytest.mark.parametrize(
    "mode,match",
    [
        ("L", "8-bit greyscale"),
        ("LA", "greyscale \\+ alpha"),
        ("P", "palette"),
        ("RGBA", "8-bit RGBA"),
        ("I;16", "16-bit greyscale"),
        ("1", "1-bit greyscale"),
    ],
)
def test_other_pillow_modes_are_refused(mode, match):
    buf = io.BytesIO()
    Image.new(mode, (4, 3)).save(buf, format="PNG")
    with pytest.raises(ArtError, match=match):
        from_png(buf.getvalue())


def test_8_bit_rgb_round_trips():
    px = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    data = to_png(px)
    assert np.array_equal(from_png(data), px)
    assert np.array_equal(from_png(bytearray(data)), px)
    rows = b"".join(b"\x00" + px[y].tobytes() for y in range(4))
    assert np.array_equal(from_png(_png(5, 4, 8, 2, rows)), px)


def test_damaged_or_foreign_bytes_are_art_errors():
    good = to_png(np.zeros((2, 2, 3), np.uint8))
    bad_crc = good[:29] + bytes([good[29] ^ 1]) + good[30:]
    jpeg = io.BytesIO()
    Image.new("RGB", (2, 2)).save(jpeg, format="JPEG")
    zero = _png(0, 1, 8, 2, b"")
    for data in (b"", good[:20], bad_crc, jpeg.getvalue(), zero, good[:-20]):
        with pytest.raises(ArtError):
            from_png(data)
    for data in (None, "png", 5, np.zeros(3)):
        with pytest.raises(ArtError):
            from_png(data)


# ----- provenance records: bounded JSON and typed keys --------------------------------
@pytest.mark.parametrize(
    "text",
    ["[" * 100 + "]" * 100, '{"a":' * 100 + "1" + "}" * 100, " " * (1 << 20) + "{}"],
)
def test_provenance_from_json_refuses_deep_and_huge(text):
    with pytest.raises(ArtError, match="refused"):
        ProvenanceRecord.from_json(text)


def test_provenance_from_dict_refuses_non_string_keys():
    with pytest.raises(ArtError, match="unknown"):
        ProvenanceRecord.from_dict({1: "x", "style": "classic"})
    with pytest.raises(ArtError):
        ProvenanceRecord.from_json(b"\xff")


def test_wrong_types_at_the_art_doors_are_art_errors():
    from refimpl.art import load_model, make_artwork, verify_provenance, weights_sha256
    from refimpl.art.modelfile import read_weights

    record = make_artwork(1, "classic", 8).record
    for call in (
        lambda: verify_provenance("not a record"),
        lambda: verify_provenance(record.to_dict()),
        lambda: verify_provenance(record, "not bytes"),
        lambda: read_weights(None),
        lambda: load_model(5),
        lambda: weights_sha256([1]),
        lambda: weights_sha256({1: np.zeros(2)}),
    ):
        with pytest.raises(ArtError):
            call()
    assert verify_provenance(record, bytearray(make_artwork(1, "classic", 8).png)).ok
