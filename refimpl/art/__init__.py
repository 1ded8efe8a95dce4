"""Generative art that anyone can re-render bit for bit from a seed.

Introduced in lesson 10. ``render(seed, style, size)`` draws an image with a
hash-weighted CPPN (:mod:`refimpl.art.cppn`) or the small trained model
(:mod:`refimpl.art.decoder`); ``to_png`` encodes it; ``make_artwork`` adds a
:class:`ProvenanceRecord` and ``verify_provenance`` re-renders and compares.
"""

from refimpl.art.cppn import CPPN_STYLES, CppnStyle, render_cppn_loop
from refimpl.art.decoder import MODEL_NAME, TrainedModel, load_model
from refimpl.art.errors import ArtError
from refimpl.art.hashrand import hash_key, hash_normal, hash_uniform
from refimpl.art.modelfile import weights_sha256
from refimpl.art.pixels import pixel_sha256, quantize
from refimpl.art.png import from_png, to_png
from refimpl.art.provenance import (
    Artwork,
    ProvenanceRecord,
    VerifyResult,
    code_sha256,
    generator_weights_sha256,
    make_artwork,
    verify_provenance,
)
from refimpl.art.renderer import MAX_SEED, MAX_SIZE, STYLES, render, render_png

__all__ = [
    "CPPN_STYLES",
    "MAX_SEED",
    "MAX_SIZE",
    "MODEL_NAME",
    "STYLES",
    "ArtError",
    "Artwork",
    "CppnStyle",
    "ProvenanceRecord",
    "TrainedModel",
    "VerifyResult",
    "code_sha256",
    "from_png",
    "generator_weights_sha256",
    "hash_key",
    "hash_normal",
    "hash_uniform",
    "load_model",
    "make_artwork",
    "pixel_sha256",
    "quantize",
    "render",
    "render_cppn_loop",
    "render_png",
    "to_png",
    "verify_provenance",
    "weights_sha256",
]
