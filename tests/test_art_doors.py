"""Every public door of ``refimpl.art`` refuses bad input with an ``ArtError``.

Issue 14 (types at every public door): before, ``render(0, model="x")`` raised
``AttributeError``, ``quantize("x")`` ``AttributeError``, ``hash_uniform("x", 1)``
``TypeError``, a weights file whose header claims 2**40 floats ``MemoryError``, and so
on. Each case below names the door, the bad input and the reason the error must give;
the last test makes sure no public callable of any ``refimpl.art`` module is left out.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import os
import pkgutil
import struct
import zipfile
import zlib

import numpy as np
import pytest
import torch

import refimpl.art as art
from refimpl.art import (
    arguments,
    cppn,
    decoder,
    gallery,
    hashrand,
    modelfile,
    pixels,
    png,
    renderer,
    shapes,
)
from refimpl.art.errors import ArtError


@pytest.fixture(scope="module")
def record():
    return art.make_artwork(5, "ink", 8).record


@pytest.fixture(scope="module")
def shipped():
    return modelfile.read_weights(decoder.SHIPPED_WEIGHTS)


def _params(**change):
    return dict(shapes.shape_params_from_seed(1), **change)


def _npz(tmp_path, members: dict[str, bytes]):
    path = tmp_path / "w.npz"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def _npy_header(descr: str, shape: tuple) -> bytes:
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    text += " " * (118 - len(text) - 1) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


def _png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR claims ``width x height`` over a tiny IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" + bytes(3 * width))  # one row of a claimed many
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def _fifo(tmp_path):
    path = tmp_path / "pipe.npz"
    os.mkfifo(path)
    return path


F64 = torch.float64
CODE = shapes.CODE_SIZE

# (door, call, reason): ``call`` gets pytest's tmp_path and the fixtures as a dict.
CASES = [
    # hashrand
    ("hashrand.hash_key", lambda f: hashrand.hash_key("a|b"), "may not contain '|'"),
    ("hashrand.hash_key", lambda f: hashrand.hash_key(1.5), "a str or an int"),
    ("hashrand.hash_key", lambda f: hashrand.hash_key(True), "a str or an int"),
    ("hashrand.hash_key", lambda f: hashrand.hash_key(None), "a str or an int"),
    ("hashrand.hash_key", lambda f: hashrand.hash_key("\ud800"), "valid text"),
    ("hashrand.hash_key", lambda f: hashrand.hash_key(10**5000), "below 2\\*\\*256"),
    ("hashrand.hash_bytes", lambda f: hashrand.hash_bytes("k", 4), "key is bytes"),
    ("hashrand.hash_bytes", lambda f: hashrand.hash_bytes(b"k", -1), "n must be in"),
    ("hashrand.hash_bytes", lambda f: hashrand.hash_bytes(b"k", 2.0), "must be an int"),
    ("hashrand.hash_bytes", lambda f: hashrand.hash_bytes(b"k", 2**40), "0..67108864"),
    ("hashrand.hash_uniform", lambda f: hashrand.hash_uniform("x", 1), "key is bytes"),
    ("hashrand.hash_uniform", lambda f: hashrand.hash_uniform(b"x", -1), "n must be"),
    ("hashrand.hash_uniform", lambda f: hashrand.hash_uniform(b"x", 1.0), "an int"),
    ("hashrand.hash_uniform", lambda f: hashrand.hash_uniform(b"x", 2**60), "n must"),
    ("hashrand.hash_normal", lambda f: hashrand.hash_normal(5, 1), "key is bytes"),
    ("hashrand.hash_normal", lambda f: hashrand.hash_normal(b"x", -3), "n must be in"),
    ("hashrand.hash_normal", lambda f: hashrand.hash_normal(b"x", 0.5), "an int"),
    ("hashrand.hash_normal", lambda f: hashrand.hash_normal(b"x", 10**9), "n must"),
    # pixels and png
    ("pixels.quantize", lambda f: pixels.quantize("x"), "floating-point torch"),
    ("pixels.quantize", lambda f: pixels.quantize(np.zeros(3)), "floating-point torch"),
    ("pixels.quantize", lambda f: pixels.quantize(torch.ones(3, dtype=int)), "int64"),
    ("pixels.quantize", lambda f: pixels.quantize(torch.tensor([0.1, np.nan])), "NaN"),
    ("pixels.quantize_value", lambda f: pixels.quantize_value("0.5"), "real number"),
    ("pixels.quantize_value", lambda f: pixels.quantize_value(None), "real number"),
    ("pixels.quantize_value", lambda f: pixels.quantize_value(True), "real number"),
    ("pixels.quantize_value", lambda f: pixels.quantize_value(np.nan), "real number"),
    ("pixels.check_pixels", lambda f: pixels.check_pixels([[[1, 2, 3]]]), "numpy"),
    ("pixels.pixel_sha256", lambda f: pixels.pixel_sha256("x"), "got str"),
    (
        "pixels.pixel_sha256",
        lambda f: pixels.pixel_sha256(np.zeros((0, 4, 3), np.uint8)),
        "at least one pixel",
    ),
    ("png.to_png", lambda f: png.to_png(np.zeros((4, 4, 3))), "float64"),
    ("png.to_png", lambda f: png.to_png(np.zeros((4, 4), np.uint8)), "shape"),
    ("png.to_png", lambda f: png.to_png(np.zeros((4, 0, 3), np.uint8)), "one pixel"),
    ("png.to_png", lambda f: png.to_png(None), "got NoneType"),
    ("png.from_png", lambda f: png.from_png("x"), "must be bytes"),
    (
        "png.from_png",
        lambda f: png.from_png(_png_claiming(12000, 12000)),
        "12000 x 12000 PNG has more than the 16777216 pixels",
    ),
    (
        "png.from_png",
        lambda f: png.from_png(_png_claiming(2**24 + 1, 1)),
        "more than the 16777216 pixels",
    ),
    # renderer
    ("renderer.render", lambda f: art.render(0, model="x"), "TrainedModel"),
    ("renderer.render", lambda f: art.render(0, "classic", 8, model=1), "TrainedModel"),
    ("renderer.render", lambda f: art.render("0"), "seed must be an int"),
    ("renderer.render_png", lambda f: art.render_png(0, "x"), "unknown style"),
    ("renderer.render_png", lambda f: art.render_png(0, size=0), "size must be in"),
    ("renderer.check_request", lambda f: renderer.check_request(0, "x", 8), "style"),
    ("renderer.check_style", lambda f: renderer.check_style(["classic"]), "style"),
    # arguments
    ("arguments.check_seed", lambda f: arguments.check_seed(2**64), "seed must be in"),
    ("arguments.check_size", lambda f: arguments.check_size(2.0), "size must be an"),
    ("arguments.check_int", lambda f: arguments.check_int("3", "n", 0, 9), "n must be"),
    # cppn
    ("cppn.render_cppn", lambda f: cppn.render_cppn(1, "shapes", 8), "CPPN style"),
    ("cppn.render_cppn", lambda f: cppn.render_cppn(-1, "ink", 8), "seed must be in"),
    ("cppn.render_cppn", lambda f: cppn.render_cppn(1, "ink", 0), "size must be in"),
    ("cppn.render_cppn", lambda f: cppn.render_cppn(1.0, "ink", 4), "seed must be an"),
    ("cppn.render_cppn_loop", lambda f: cppn.render_cppn_loop(1, None, 2), "style"),
    ("cppn.render_cppn_loop", lambda f: cppn.render_cppn_loop(1, "ink", -2), "size"),
    ("cppn.cppn_weights", lambda f: cppn.cppn_weights(1, "nope"), "CPPN style"),
    ("cppn.cppn_weights", lambda f: cppn.cppn_weights("1", "ink"), "seed must be"),
    ("cppn.cppn_latent", lambda f: cppn.cppn_latent(2**64, "ink"), "seed must be in"),
    ("cppn.cppn_latent", lambda f: cppn.cppn_latent(1, 3), "CPPN style"),
    ("cppn.cppn_inputs", lambda f: cppn.cppn_inputs(1, "ink", 2**20), "size must be"),
    ("cppn.check_cppn_style", lambda f: cppn.check_cppn_style("shapes"), "CPPN"),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(
            torch.zeros(2, 7), cppn.cppn_weights(1, "classic"), "classic"
        ),
        "float64 tensor of shape \\(rows, 7\\)",
    ),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(
            np.zeros((2, 7)), cppn.cppn_weights(1, "classic"), "classic"
        ),
        "got ndarray",
    ),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(torch.zeros(2, 7, dtype=F64), [], "classic"),
        "list of 6",
    ),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(
            torch.zeros(2, 7, dtype=F64), cppn.cppn_weights(1, "ink"), "classic"
        ),
        "list of 6",
    ),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(
            torch.zeros(2, 7, dtype=F64),
            [(w.astype(np.float32), b) for w, b in cppn.cppn_weights(1, "classic")],
            "classic",
        ),
        "layer 0 must be float64",
    ),
    (
        "cppn.cppn_forward",
        lambda f: cppn.cppn_forward(
            torch.zeros(2, 7, dtype=F64), cppn.cppn_weights(1, "classic"), "shapes"
        ),
        "CPPN style",
    ),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ("relu",)), "activations"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ["tanh"]), "activations"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("a|b", ("tanh",)), "style name"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ("sin",), width=0), "width"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ("sin",), latent=-1), "latent"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ("sin",), zoom=np.inf), "zoom"),
    ("cppn.CppnStyle", lambda f: cppn.CppnStyle("x", ("sin",), gain="2"), "gain"),
    (
        "cppn.CppnStyle",
        lambda f: cppn.CppnStyle("x", ("sin",), palette=((1.0, 2.0),) * 4),
        "palette",
    ),
    # the trained decoder and its weights files
    ("decoder.render_trained", lambda f: decoder.render_trained(1, 8, "m"), "Trained"),
    ("decoder.render_trained", lambda f: decoder.render_trained("1", 8), "seed must"),
    ("decoder.render_trained", lambda f: decoder.render_trained(1, 0), "size must be"),
    ("decoder.shapes_code", lambda f: decoder.shapes_code(-1), "seed must be in"),
    ("decoder.check_model", lambda f: decoder.check_model("shapes"), "TrainedModel"),
    ("decoder.load_model", lambda f: decoder.load_model(5), "str, a Path or None"),
    ("decoder.load_model", lambda f: decoder.load_model(f["tmp"]), "cannot read"),
    ("decoder.TrainedModel", lambda f: decoder.TrainedModel("x"), "dict of array"),
    (
        "decoder.TrainedModel",
        lambda f: decoder.TrainedModel(
            {k: v.tolist() for k, v in f["shipped"].items()}
        ),
        "numeric numpy array",
    ),
    (
        "decoder.TrainedModel",
        lambda f: decoder.TrainedModel(
            {k: v.astype(np.int64) for k, v in f["shipped"].items()}
        ),
        "finite floating-point",
    ),
    (
        "decoder.TrainedModel",
        lambda f: decoder.TrainedModel(
            dict(f["shipped"], **{"out.bias": np.full(3, np.nan, np.float32)})
        ),
        "finite floating-point",
    ),
    (
        "decoder.TrainedModel.generate",
        lambda f: art.load_model().generate(torch.zeros(1, 3)),
        f"\\(n >= 1, {CODE}\\)",
    ),
    (
        "decoder.TrainedModel.generate",
        lambda f: art.load_model().generate(torch.zeros(0, CODE)),
        "n >= 1",
    ),
    (
        "decoder.TrainedModel.generate",
        lambda f: art.load_model().generate(np.zeros((1, CODE))),
        "got ndarray",
    ),
    (
        "decoder.ShapesDecoder",
        lambda f: decoder.ShapesDecoder()(torch.zeros(1, CODE, dtype=F64)),
        "torch.float32 tensor",
    ),
    (
        "decoder.ShapesDecoder",
        lambda f: decoder.ShapesDecoder()(torch.zeros(CODE)),
        "shape \\(n >= 1",
    ),
    ("modelfile.weights_sha256", lambda f: modelfile.weights_sha256([1]), "dict"),
    (
        "modelfile.weights_sha256",
        lambda f: modelfile.weights_sha256({"a": np.array([object()])}),
        "numeric numpy array: object",
    ),
    (
        "modelfile.weights_sha256",
        lambda f: modelfile.weights_sha256({"a\nb": np.zeros(1)}),
        "array name",
    ),
    (
        "modelfile.write_weights",
        lambda f: modelfile.write_weights(f["tmp"] / "w.npz", {"../x": np.zeros(1)}),
        "array name",
    ),
    (
        "modelfile.write_weights",
        lambda f: modelfile.write_weights(f["tmp"] / "no" / "w.npz", {"a": np.ones(1)}),
        "cannot write weights file",
    ),
    (
        "modelfile.write_weights",
        lambda f: modelfile.write_weights(None, {"a": np.ones(1)}),
        "str or Path",
    ),
    ("modelfile.read_weights", lambda f: modelfile.read_weights(b"w.npz"), "str or"),
    ("modelfile.read_weights", lambda f: modelfile.read_weights(f["tmp"]), "no such"),
    (
        "modelfile.read_weights",
        lambda f: modelfile.read_weights(_fifo(f["tmp"])),  # would block in open()
        "no such file",
    ),
    (
        "modelfile.read_weights",
        lambda f: modelfile.read_weights(
            _npz(f["tmp"], {"a.npy": _npy_header("<f8", (2**40,)) + bytes(16)})
        ),
        "does not match its data size",
    ),
    (
        "modelfile.read_weights",
        lambda f: modelfile.read_weights(
            _npz(f["tmp"], {"a.npy": _npy_header("|O", (1,)) + bytes(8)})
        ),
        "cannot read weights file",
    ),
    (
        "modelfile.read_weights",
        lambda f: modelfile.read_weights(_npz(f["tmp"], {"a.txt": b"hello"})),
        "not a .npy array",
    ),
    # shapes
    (
        "shapes.shape_params_from_seed",
        lambda f: shapes.shape_params_from_seed("1"),
        "seed must be an int",
    ),
    ("shapes.draw_shapes", lambda f: shapes.draw_shapes({"kind": [0]}), "exactly"),
    ("shapes.draw_shapes", lambda f: shapes.draw_shapes(_params(), 0), "size must"),
    (
        "shapes.draw_shapes",
        lambda f: shapes.draw_shapes(_params(kind=[0])),
        "'kind' must be a 1-D numpy array",
    ),
    (
        "shapes.draw_shapes",
        lambda f: shapes.draw_shapes(_params(cx=np.zeros(2))),
        "same length",
    ),
    (
        "shapes.draw_shapes",
        lambda f: shapes.draw_shapes(_params(angle=np.array([np.nan]))),
        "'angle' must hold finite numbers",
    ),
    (
        "shapes.encode_shapes",
        lambda f: shapes.encode_shapes(_params(foreground=np.array([6]))),
        "'foreground' must hold integers in 0..5",
    ),
    (
        "shapes.encode_shapes",
        lambda f: shapes.encode_shapes(_params(kind=np.array([0.0]))),
        "'kind' must hold integers",
    ),
    ("shapes.make_shapes", lambda f: shapes.make_shapes(-1, 0), "n must be in"),
    ("shapes.make_shapes", lambda f: shapes.make_shapes(2, None), "seed must be an"),
    ("shapes.make_shapes", lambda f: shapes.make_shapes(2, -1), "seed must be in"),
    ("shapes.make_shapes", lambda f: shapes.make_shapes(2, 0, 0), "size must be in"),
    ("shapes.make_shapes", lambda f: shapes.make_shapes(10**6, 0), "pixels per call"),
    # provenance
    ("provenance.code_sha256", lambda f: art.code_sha256("nope"), "unknown style"),
    ("provenance.code_sha256", lambda f: art.code_sha256(None), "unknown style"),
    (
        "provenance.generator_weights_sha256",
        lambda f: art.generator_weights_sha256(1, "shapes", "m"),
        "TrainedModel",
    ),
    (
        "provenance.generator_weights_sha256",
        lambda f: art.generator_weights_sha256(1, "nope"),
        "unknown style",
    ),
    (
        "provenance.generator_weights_sha256",
        lambda f: art.generator_weights_sha256(-1, "ink"),
        "seed must be in",
    ),
    ("provenance.make_artwork", lambda f: art.make_artwork(1, model="m"), "Trained"),
    (
        "provenance.verify_provenance",
        lambda f: art.verify_provenance(f["record"], model="m"),
        "TrainedModel",
    ),
    (
        "provenance.verify_provenance",
        lambda f: art.verify_provenance(f["record"].to_dict()),
        "needs a ProvenanceRecord",
    ),
    (
        "provenance.verify_provenance",
        lambda f: art.verify_provenance(f["record"], "png"),
        "png must be PNG bytes",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: dataclasses.replace(f["record"], versions=["torch"]),
        "versions",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: dataclasses.replace(f["record"], seed="5"),
        "'seed' must be an int",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: dataclasses.replace(f["record"], size=True),
        "'size' must be an int",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: dataclasses.replace(f["record"], pixel_sha256=b"00"),
        "'pixel_sha256' must be a str",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: dataclasses.replace(f["record"], cid=3),
        "'cid' must be a str or null",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: art.ProvenanceRecord.from_dict([1]),
        "is a dict",
    ),
    (
        "provenance.ProvenanceRecord",
        lambda f: art.ProvenanceRecord.from_json(b"\xff"),
        "not valid JSON",
    ),
    (
        "provenance.Artwork",
        lambda f: art.Artwork(np.zeros((2, 2, 3)), b"", f["record"]),
        "uint8",
    ),
    (
        "provenance.Artwork",
        lambda f: art.Artwork(np.zeros((2, 2, 3), np.uint8), "png", f["record"]),
        "png is bytes",
    ),
    (
        "provenance.Artwork",
        lambda f: art.Artwork(np.zeros((2, 2, 3), np.uint8), b"", {}),
        "ProvenanceRecord",
    ),
    ("provenance.VerifyResult", lambda f: art.VerifyResult(1), "ok is a bool"),
    ("provenance.VerifyResult", lambda f: art.VerifyResult(False, ["x"]), "tuple"),
    # gallery
    ("gallery.gallery", lambda f: gallery.gallery(seed=1000), "slider's range"),
    ("gallery.gallery", lambda f: gallery.gallery(style="x"), "unknown style"),
    ("gallery.gallery", lambda f: gallery.gallery(size=0), "size must be in"),
]

# Public callables that take no input, or only types (nothing to refuse).
NO_INPUT = {
    "errors.ArtError",  # the exception itself
    "provenance.library_versions",  # no arguments
}


@pytest.mark.parametrize(
    ("door", "call", "reason"),
    CASES,
    ids=[f"{door}-{i}" for i, (door, _, _) in enumerate(CASES)],
)
def test_bad_input_is_an_art_error_with_a_reason(
    door, call, reason, tmp_path, record, shipped
):
    fixtures = {"tmp": tmp_path, "record": record, "shipped": shipped}
    with pytest.raises(ArtError, match=reason) as info:
        call(fixtures)
    assert isinstance(info.value, ValueError)


def test_every_public_callable_has_a_door_case():
    covered = {door.split(".")[0] + "." + door.split(".")[1] for door, _, _ in CASES}
    missing = []
    for info in pkgutil.iter_modules(art.__path__):
        module = importlib.import_module(f"refimpl.art.{info.name}")
        for name in module.__all__:
            obj = getattr(module, name)
            defined_here = (
                getattr(obj, "__module__", module.__name__) == module.__name__
            )
            key = f"{info.name}.{name}"
            if callable(obj) and defined_here and key not in NO_INPUT | covered:
                missing.append(key)
    assert missing == []


# -- nothing changes when a door refuses; valid input is unchanged ------------------
def test_refused_weights_write_leaves_no_file(tmp_path):
    target = tmp_path / "w.npz"
    with pytest.raises(ArtError):
        modelfile.write_weights(target, {"a": np.zeros(1), "b": np.array([None])})
    assert not target.exists()


def test_read_weights_reads_what_numpy_reads(shipped):
    with np.load(decoder.SHIPPED_WEIGHTS, allow_pickle=False) as npz:
        numpy_read = {name: npz[name] for name in npz.files}
    assert shipped.keys() == numpy_read.keys()
    for name, value in numpy_read.items():
        assert shipped[name].dtype == value.dtype
        assert np.array_equal(shipped[name], value) and shipped[name].flags.writeable
    assert modelfile.weights_sha256(shipped) == decoder.SHIPPED_WEIGHTS_SHA256


def test_fortran_ordered_weights_round_trip(tmp_path):
    f = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    modelfile.write_weights(tmp_path / "f.npz", {"f": f})
    back = modelfile.read_weights(tmp_path / "f.npz")["f"]
    assert np.array_equal(back, f)
    assert modelfile.weights_sha256({"f": back}) == modelfile.weights_sha256({"f": f})


def test_equivalent_valid_arguments_give_the_same_numbers():
    key = hashrand.hash_key("ink", np.int64(3), "layer", 0)
    assert key == hashrand.hash_key("ink", 3, "layer", 0)
    assert np.array_equal(
        hashrand.hash_uniform(bytearray(key), np.int32(5)),
        hashrand.hash_uniform(key, 5),
    )
    assert (
        hashrand.hash_bytes(key, 0) == b"" and hashrand.hash_uniform(key, 0).size == 0
    )
    assert hashrand.hash_normal(key, 0).shape == (0,)


def test_quantize_of_a_tensor_that_requires_grad():
    colours = torch.tensor([0.0, 0.5, 1.0], dtype=F64, requires_grad=True)
    assert pixels.quantize(colours).tolist() == [0, 128, 255]
    assert pixels.quantize(torch.tensor([0.5], dtype=torch.float32)).tolist() == [128]
    assert pixels.quantize_value(10**400) == 255 and pixels.quantize_value(-np.inf) == 0


def test_direct_calls_match_render():
    assert np.array_equal(
        cppn.render_cppn(np.uint64(7), "ocean", 16), art.render(7, "ocean", 16)
    )
    assert np.array_equal(decoder.render_trained(7, 16), art.render(7, "shapes", 16))
    model = art.load_model()
    assert np.array_equal(
        art.render(7, "shapes", 16, model=model), art.render(7, "shapes", 16)
    )
    assert np.array_equal(art.render(7, "ink", 8, model=model), art.render(7, "ink", 8))


def test_every_cppn_style_and_the_lessons_own_layers_pass_the_doors():
    for name, style in cppn.CPPN_STYLES.items():
        assert dataclasses.replace(style) == style
        inputs = cppn.cppn_inputs(2, name, 4)
        layers = [(w.copy(), b.copy()) for w, b in cppn.cppn_weights(2, name)]
        assert cppn.cppn_forward(inputs, layers, name).shape == (16, 3)


def test_shapes_params_pass_their_doors():
    pictures, codes = shapes.make_shapes(3, np.int64(2), 8)
    assert pictures.shape == (3, 3, 8, 8) and codes.shape == (3, CODE)
    empty_pictures, empty_codes = shapes.make_shapes(0, 0)
    assert empty_pictures.shape == (0, 3, 16, 16) and empty_codes.shape == (0, CODE)
    params = shapes.shape_params_from_seed(4)
    assert np.array_equal(shapes.encode_shapes(params), decoder.shapes_code(4))
