"""Tests for refimpl.art: bit-exact rendering, PNG, provenance and bad input."""

from __future__ import annotations

import dataclasses
import hashlib
import struct

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import refimpl.art as art
from refimpl.art import cppn, decoder, modelfile
from refimpl.art.hashrand import hash_bytes, hash_key, hash_normal, hash_uniform
from refimpl.art.pixels import quantize, quantize_value

# Regression vectors: raw-pixel sha256 of render(seed, style, size), computed once with
# this code and pinned. A change means every minted image would re-render differently.
PINNED = {
    (
        "classic",
        0,
        64,
    ): "9cae8e42f86810f8715d99aa8fb6381ada1dc709b7e89634d7b7d1eef0e08163",
    (
        "classic",
        2**64 - 1,
        32,
    ): "d4814a54505175089910e7b73ab18b95593191b9e5ab34d06a9a45c337eeb690",
    (
        "sunset",
        0,
        64,
    ): "6536489cdfd0a82d30667ed59bd5f9ffe03b093be68b9821f099378271c0d923",
    (
        "sunset",
        2**64 - 1,
        32,
    ): "102628105d97a93180b467a294295da7cbfb92e8eb7c7d365ff54afbc1ddcd46",
    (
        "ocean",
        0,
        64,
    ): "351e7356e771ce9c4b1118f070efa3701f51b7ec8336760c3f93a6bfe00c7201",
    (
        "ocean",
        2**64 - 1,
        32,
    ): "3b0caf914daf1c81faf163857f6ef868a011b8b8c01fd26607f9232a2bd1d0eb",
    ("neon", 0, 64): "7d6a44fcb02e2a19d60b0efa0033584fb2e16b551dcde343536fc8834ab40544",
    (
        "neon",
        2**64 - 1,
        32,
    ): "76c0c492c22095d9d76c7f21f4149a38e68335a8af9907cb198a42539e0ac9ef",
    ("ink", 0, 64): "3bf6870de3932e4d93f117458fe1ccd1d1223aa31a4ba70237e41f2eea5c4b7e",
    (
        "ink",
        2**64 - 1,
        32,
    ): "86fd3e97ec6dbd98741d4dbf256e2652bc719c402752a4e3b5a2ce0143317222",
    (
        "shapes",
        0,
        64,
    ): "5f0171e6846796afcd33d10d1beecafbaba8bdcaad20d567cf9e26d09f0c332e",
    (
        "shapes",
        2**64 - 1,
        32,
    ): "07cbbb84c2b1771da3cc818c15ff10bd3b467be056285e48d985317713b8d621",
    (
        "classic",
        1,
        256,
    ): "ad008366edec0f9962634f66350d83d2dfa9bac228d82ece6b10373e07f927d7",
}
# sha256 of the shipped weights file's bytes (the writer is deterministic)
SHIPPED_FILE_SHA256 = "2fec8589fd65227ffb31e3770e3619653fd2dfb7fa431fbff386d8d75553636e"


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# -- numbers from hashes --------------------------------------------------------------
def test_hash_bytes_is_sha256_in_counter_mode():
    key = b"k"
    expected = hashlib.sha256(key + b"\0\0\0\0").digest()
    expected += hashlib.sha256(key + b"\0\0\0\1").digest()
    assert hash_bytes(key, 40) == expected[:40]


def test_hash_uniform_keeps_top_53_bits():
    key = hash_key("classic", 5, "layer", 0)
    assert key == b"chainmind/art/v1|classic|5|layer|0"
    word = int.from_bytes(hashlib.sha256(key + b"\0\0\0\0").digest()[:8], "big")
    u = hash_uniform(key, 3)
    assert u.dtype == np.float64 and u[0] == (word >> 11) * 2.0**-53
    assert np.all((u >= 0) & (u < 1))


def test_hash_normal_is_twelve_uniforms_minus_six():
    key = b"z"
    u = hash_uniform(key, 24).reshape(2, 12)
    expected = [sum(float(v) for v in row) - 6.0 for row in u]
    assert hash_normal(key, 2).tolist() == expected


# -- quantisation ---------------------------------------------------------------------
def test_quantize_rounds_half_up_after_clamping():
    values = torch.tensor(
        [-1.0, 0.0, 0.49 / 255, 0.5 / 255, 1.0 - 0.51 / 255, 1.0, 7.0],
        dtype=torch.float64,
    )
    assert quantize(values).tolist() == [0, 0, 0, 1, 254, 255, 255]
    assert [quantize_value(float(v)) for v in values] == quantize(values).tolist()


# -- rendering ------------------------------------------------------------------------
@pytest.mark.parametrize("style", art.STYLES)
def test_render_shape_dtype_and_repeatable(style):
    a = art.render(3, style, 40)
    assert a.shape == (40, 40, 3) and a.dtype == np.uint8
    assert np.array_equal(a, art.render(3, style, 40))
    assert a.std() > 0  # not a flat image


@pytest.mark.parametrize("style", art.STYLES)
def test_one_and_two_threads_give_identical_pixels(style):
    torch.set_num_threads(1)
    one = art.render(11, style, 128)
    torch.set_num_threads(2)
    two = art.render(11, style, 128)
    assert np.array_equal(one, two)


@pytest.mark.parametrize("style", list(art.CPPN_STYLES))
def test_vectorised_render_equals_per_pixel_python_loop(style):
    assert np.array_equal(art.render(21, style, 9), art.render_cppn_loop(21, style, 9))


def test_chunked_forward_equals_one_pass(monkeypatch):
    whole = art.render(4, "neon", 64)
    monkeypatch.setattr(cppn, "CHUNK", 1000)
    assert np.array_equal(art.render(4, "neon", 64), whole)


def test_seeds_and_styles_give_different_images():
    hashes = {
        art.pixel_sha256(art.render(s, st, 32)) for s in (0, 1) for st in art.STYLES
    }
    assert len(hashes) == 2 * len(art.STYLES)


def test_trained_model_upscales_by_nearest_neighbour():
    small = art.render(9, "shapes", 16)
    big = art.render(9, "shapes", 64)
    assert np.array_equal(big, small.repeat(4, axis=0).repeat(4, axis=1))


@pytest.mark.parametrize(("style", "seed", "size"), sorted(PINNED))
def test_pinned_pixel_hashes(style, seed, size):
    assert art.pixel_sha256(art.render(seed, style, size)) == PINNED[style, seed, size]


# -- PNG ------------------------------------------------------------------------------
def _chunk_types(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    types, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        types.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return types


@pytest.mark.parametrize("style", art.STYLES)
def test_png_round_trip_and_no_metadata(style):
    pixels = art.render(5, style, 48)
    png = art.to_png(pixels)
    assert np.array_equal(art.from_png(png), pixels)
    assert png == art.to_png(pixels)
    assert set(_chunk_types(png)) == {b"IHDR", b"IDAT", b"IEND"}


def test_from_png_refuses_damaged_or_non_rgb():
    png = art.render_png(1, "ink", 16)
    with pytest.raises(art.ArtError, match="not a readable PNG"):
        art.from_png(png[: len(png) // 2])
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("L", (4, 4)).save(buf, format="PNG")
    with pytest.raises(art.ArtError, match="RGB"):
        art.from_png(buf.getvalue())


def test_pixel_sha256_refuses_wrong_arrays():
    with pytest.raises(art.ArtError):
        art.pixel_sha256(np.zeros((4, 4, 3), dtype=np.float64))
    with pytest.raises(art.ArtError):
        art.pixel_sha256(np.zeros((4, 4), dtype=np.uint8))


# -- bad input ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seed", "style", "size", "reason"),
    [
        (1, "classic", 0, "size must be in"),
        (1, "classic", -5, "size must be in"),
        (1, "classic", art.MAX_SIZE + 1, "size must be in"),
        (1, "classic", 8.0, "size must be an int"),
        (1, "classic", True, "size must be an int"),
        (1, "picasso", 8, "unknown style"),
        (1, None, 8, "unknown style"),
        (1.5, "classic", 8, "seed must be an int"),
        ("7", "classic", 8, "seed must be an int"),
        (False, "classic", 8, "seed must be an int"),
        (-1, "classic", 8, "seed must be in"),
        (2**64, "classic", 8, "seed must be in"),
    ],
)
def test_bad_input_is_a_value_error_with_a_reason(seed, style, size, reason):
    with pytest.raises(art.ArtError, match=reason) as info:
        art.render(seed, style, size)
    assert isinstance(info.value, ValueError)
    with pytest.raises(art.ArtError, match=reason):
        art.make_artwork(seed, style, size)


def test_numpy_integer_seed_is_accepted_as_int():
    record = art.make_artwork(np.int64(3), "ink", 8).record
    assert type(record.seed) is int and record.seed == 3


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, art.MAX_SEED), size=st.integers(1, 6))
def test_any_valid_request_renders(seed, size):
    a = art.render(seed, "sunset", size)
    assert a.shape == (size, size, 3) and np.array_equal(
        a, art.render(seed, "sunset", size)
    )


# -- weights --------------------------------------------------------------------------
def test_weights_file_is_deterministic_and_hash_is_container_free(tmp_path):
    arrays = {"b": np.arange(3, dtype=np.float32), "a": np.ones((2, 2))}
    modelfile.write_weights(tmp_path / "x.npz", arrays)
    modelfile.write_weights(tmp_path / "y.npz", dict(reversed(list(arrays.items()))))
    assert (tmp_path / "x.npz").read_bytes() == (tmp_path / "y.npz").read_bytes()
    back = modelfile.read_weights(tmp_path / "x.npz")
    assert modelfile.weights_sha256(back) == modelfile.weights_sha256(arrays)
    changed = dict(arrays, b=np.array([0, 1, 2.5], dtype=np.float32))
    assert modelfile.weights_sha256(changed) != modelfile.weights_sha256(arrays)


def test_read_weights_refuses_a_damaged_file(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(art.ArtError, match="cannot read weights"):
        modelfile.read_weights(tmp_path / "bad.npz")
    with pytest.raises(art.ArtError, match="cannot read weights"):
        modelfile.read_weights(tmp_path / "missing.npz")


def test_shipped_weights_are_small_and_pinned():
    data = decoder.SHIPPED_WEIGHTS.read_bytes()
    assert len(data) < 500_000
    assert hashlib.sha256(data).hexdigest() == SHIPPED_FILE_SHA256
    assert art.load_model().weights_sha256 == decoder.SHIPPED_WEIGHTS_SHA256


def test_tampered_shipped_file_is_refused(tmp_path, monkeypatch):
    arrays = modelfile.read_weights(decoder.SHIPPED_WEIGHTS)
    arrays["out.bias"] = arrays["out.bias"] + np.float32(0.25)
    modelfile.write_weights(tmp_path / "shapes_decoder.npz", arrays)
    monkeypatch.setattr(decoder, "SHIPPED_WEIGHTS", tmp_path / "shapes_decoder.npz")
    decoder._shipped_model.cache_clear()
    try:
        with pytest.raises(art.ArtError, match="the file was changed"):
            art.load_model()
    finally:
        decoder._shipped_model.cache_clear()


def test_weights_of_the_wrong_shape_are_refused(tmp_path):
    modelfile.write_weights(tmp_path / "w.npz", {"fc.weight": np.zeros((2, 2))})
    with pytest.raises(art.ArtError, match="do not fit"):
        art.load_model(tmp_path / "w.npz")


# -- provenance -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def artworks():
    torch.set_num_threads(1)
    return {style: art.make_artwork(12, style, 64) for style in ("classic", "shapes")}


@pytest.mark.parametrize("style", ["classic", "shapes"])
def test_fresh_artwork_verifies(artworks, style):
    work = artworks[style]
    result = art.verify_provenance(work.record, work.png)
    assert result.ok and bool(result) and result.reasons == ()
    assert work.record.pixel_sha256 == art.pixel_sha256(work.pixels)
    assert work.record.png_sha256 == hashlib.sha256(work.png).hexdigest()
    assert work.record.cid is None and work.record.dtype == "float64"
    assert set(work.record.versions) == {"python", "torch", "numpy", "pillow"}


def test_record_json_round_trip(artworks):
    record = artworks["classic"].record
    assert art.ProvenanceRecord.from_json(record.to_json()) == record
    with_cid = dataclasses.replace(record, cid="bafkrei-example")
    assert art.ProvenanceRecord.from_json(with_cid.to_json()) == with_cid


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"seed": 13}, "weights hash differs"),
        ({"seed": 13}, "re-rendered pixels differ"),
        ({"weights_sha256": "00" * 32}, "weights hash differs"),
        ({"pixel_sha256": "00" * 32}, "re-rendered pixels differ"),
        ({"code_sha256": "00" * 32}, "generator code hash differs"),
        ({"dtype": "float32"}, "dtype"),
        ({"size": 65}, "re-rendered pixels differ"),
        ({"style": "sunset"}, "re-rendered pixels differ"),
        ({"style": "nope"}, "cannot be re-rendered"),
        ({"seed": -3}, "cannot be re-rendered"),
    ],
)
def test_tampered_record_fails_with_a_reason(artworks, change, reason):
    record = dataclasses.replace(artworks["classic"].record, **change)
    result = art.verify_provenance(record)
    assert not result.ok and not bool(result)
    assert any(reason in r for r in result.reasons), result.reasons


def test_altered_image_fails(artworks):
    work = artworks["classic"]
    pixels = work.pixels.copy()
    pixels[10, 10, 0] ^= 1  # one bit of one channel
    result = art.verify_provenance(work.record, art.to_png(pixels))
    assert not result.ok
    assert any("not the recorded file" in r for r in result.reasons)
    assert any("PNG's pixels differ" in r for r in result.reasons)
    broken = art.verify_provenance(work.record, work.png[:50])
    assert any("cannot be decoded" in r for r in broken.reasons)


def test_altered_trained_weights_fail(artworks, tmp_path):
    arrays = modelfile.read_weights(decoder.SHIPPED_WEIGHTS)
    arrays["out.bias"] = arrays["out.bias"] + np.float32(0.5)
    modelfile.write_weights(tmp_path / "w.npz", arrays)
    other = art.load_model(tmp_path / "w.npz")
    result = art.verify_provenance(artworks["shapes"].record, model=other)
    assert not result.ok
    assert any("weights hash differs" in r for r in result.reasons)
    assert any("re-rendered pixels differ" in r for r in result.reasons)


def test_seed_change_on_trained_model_fails(artworks):
    record = dataclasses.replace(artworks["shapes"].record, seed=99)
    result = art.verify_provenance(record)
    assert result.reasons == (
        "re-rendered pixels differ from the recorded pixel_sha256",
    )


def test_other_library_versions_are_notes_not_failures(artworks):
    record = artworks["classic"].record
    old = dataclasses.replace(record, versions=dict(record.versions, torch="0.0.1"))
    result = art.verify_provenance(old)
    assert result.ok and any("torch 0.0.1 recorded" in n for n in result.notes)


def test_record_from_dict_refuses_bad_fields(artworks):
    data = artworks["classic"].record.to_dict()
    with pytest.raises(art.ArtError, match="missing"):
        art.ProvenanceRecord.from_dict({k: v for k, v in data.items() if k != "seed"})
    with pytest.raises(art.ArtError, match="unknown"):
        art.ProvenanceRecord.from_dict(dict(data, extra=1))
    with pytest.raises(art.ArtError, match="must be an int"):
        art.ProvenanceRecord.from_dict(dict(data, seed="12"))
    with pytest.raises(art.ArtError, match="versions"):
        art.ProvenanceRecord.from_dict(dict(data, versions=["torch"]))
    with pytest.raises(art.ArtError, match="cid"):
        art.ProvenanceRecord.from_dict(dict(data, cid=5))
    with pytest.raises(art.ArtError, match="must be a str"):
        art.ProvenanceRecord.from_dict(dict(data, pixel_sha256=None))
    with pytest.raises(art.ArtError, match="not valid JSON"):
        art.ProvenanceRecord.from_json("{nope")


def test_code_hash_covers_the_generator_modules():
    assert art.code_sha256("classic") == art.code_sha256("ink")
    assert art.code_sha256("classic") != art.code_sha256("shapes")
    assert len(art.code_sha256("shapes")) == 64


# -- gallery --------------------------------------------------------------------------
def test_gallery_widget_renders_and_follows_its_sliders():
    from refimpl.art.gallery import gallery

    box = gallery(seed=3, style="ink", size=32)
    picker, slider, image, label = box.children
    assert art.from_png(image.value).shape == (32, 32, 3)
    assert label.value.startswith("ink #3: pixel sha256 ")
    slider.value = 4
    picker.value = "shapes"
    expected = art.pixel_sha256(art.render(4, "shapes", 32))[:16]
    assert label.value == f"shapes #4: pixel sha256 {expected}..."
    assert np.array_equal(art.from_png(image.value), art.render(4, "shapes", 32))


@settings(max_examples=15, deadline=None)
@given(
    field=st.sampled_from(["weights_sha256", "pixel_sha256", "code_sha256"]),
    position=st.integers(0, 63),
    digit=st.sampled_from("0123456789abcdef"),
)
def test_any_edit_of_a_recorded_hash_fails(artworks, field, position, digit):
    record = artworks["classic"].record
    old = getattr(record, field)
    new = old[:position] + digit + old[position + 1 :]
    result = art.verify_provenance(dataclasses.replace(record, **{field: new}))
    assert result.ok == (new == old)
