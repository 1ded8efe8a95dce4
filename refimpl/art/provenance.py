"""Provenance: a record of how an image was made, and a check that re-renders it.

Introduced in lesson 10 (used again in lessons 11-12). A :class:`ProvenanceRecord`
names everything the pixels depend on: the generator's code (SHA-256 of its source
modules), its weights (SHA-256 of the arrays), the style, seed, size and dtype; and the
results: the raw-pixel SHA-256 (the source of truth) and the PNG file's SHA-256.
Library versions are kept for information. ``cid`` is left empty here and filled in by
``refimpl.nft`` (art does not depend on nft).

:func:`verify_provenance` re-renders from the record and says, with reasons, whether
everything still matches. Editing any generator module (even a comment) changes the
code hash, and verification then reports it: the code is part of the claim.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import PIL
import torch

from refimpl import boundedjson
from refimpl.art import arguments, cppn, decoder, hashrand, pixels, renderer, shapes
from refimpl.art.arguments import check_seed
from refimpl.art.cppn import cppn_weights
from refimpl.art.decoder import MODEL_NAME, TrainedModel, check_model, load_model
from refimpl.art.errors import ArtError
from refimpl.art.modelfile import weights_sha256
from refimpl.art.pixels import check_pixels, pixel_sha256
from refimpl.art.png import from_png, to_png

__all__ = [
    "Artwork",
    "ProvenanceRecord",
    "VerifyResult",
    "code_sha256",
    "generator_weights_sha256",
    "library_versions",
    "make_artwork",
    "verify_provenance",
]

DTYPE = "float64"
_COMMON = (arguments, hashrand, pixels, renderer)
_MODULES = {"cppn": (*_COMMON, cppn), "trained": (*_COMMON, shapes, decoder)}


def code_sha256(style: str) -> str:
    """Hex SHA-256 of the source of the modules that produce ``style``'s pixels.

    For each module in a fixed order: ``name\\n``, then its text (UTF-8, ``\\r\\n``
    turned into ``\\n`` so a Windows checkout hashes the same). Changing the code
    changes the hash. ``style`` is one of :data:`refimpl.art.STYLES`.
    """
    kind = "trained" if renderer.check_style(style) == MODEL_NAME else "cppn"
    h = hashlib.sha256()
    for module in _MODULES[kind]:
        text = Path(module.__file__).read_text(encoding="utf-8").replace("\r\n", "\n")
        h.update(f"{module.__name__}\n".encode())
        h.update(text.encode("utf-8"))
    return h.hexdigest()


def generator_weights_sha256(
    seed: int, style: str, model: TrainedModel | None = None
) -> str:
    """Hex SHA-256 of the numbers the generator uses for ``(style, seed)``.

    A CPPN's weights come from the seed, so this hashes ``layerK.weight``,
    ``layerK.bias`` and ``latent`` for that seed; the trained model's weights are the
    same for every seed (:attr:`TrainedModel.weights_sha256`).
    """
    seed, style = check_seed(seed), renderer.check_style(style)
    model = check_model(model)
    if style == MODEL_NAME:
        return (model or load_model()).weights_sha256
    arrays = {"latent": cppn.cppn_latent(seed, style)}
    for k, (w, b) in enumerate(cppn_weights(seed, style)):
        arrays[f"layer{k}.weight"], arrays[f"layer{k}.bias"] = w, b
    return weights_sha256(arrays)


def library_versions() -> dict[str, str]:
    """Versions of what the pixels pass through: python, torch, numpy, pillow."""
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pillow": PIL.__version__,
    }


@dataclass(frozen=True)
class ProvenanceRecord:
    """How one image was made. All hashes are lowercase hex SHA-256.

    ``pixel_sha256`` hashes the raw ``(size, size, 3)`` uint8 pixels and is the source
    of truth; ``png_sha256`` hashes one PNG encoding of them (zlib-dependent).
    """

    style: str
    seed: int
    size: int
    dtype: str
    code_sha256: str
    weights_sha256: str
    pixel_sha256: str
    png_sha256: str
    versions: dict[str, str] = field(default_factory=dict, hash=False)
    cid: str | None = None
    record_version: int = 1

    def __post_init__(self) -> None:
        """Refuse mistyped fields (ranges and hashes are judged by verification)."""
        for name in ("seed", "size", "record_version"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ArtError(f"provenance field {name!r} must be an int")
        texts = ("style", "dtype", "code_sha256", "weights_sha256", "pixel_sha256")
        for name in (*texts, "png_sha256"):
            if not isinstance(getattr(self, name), str):
                raise ArtError(f"provenance field {name!r} must be a str")
        if not isinstance(self.versions, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.versions.items()
        ):
            raise ArtError(
                "provenance field 'versions' must map names to version strings"
            )
        if self.cid is not None and not isinstance(self.cid, str):
            raise ArtError("provenance field 'cid' must be a str or null")

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (JSON-ready)."""
        return asdict(self)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no spaces."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProvenanceRecord:
        """Build a record from a dict, refusing missing, unknown or mistyped fields."""
        if not isinstance(data, dict):
            raise ArtError(f"a provenance record is a dict, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        required = names - {"versions", "cid", "record_version"}
        missing, unknown = required - data.keys(), data.keys() - names
        if missing or unknown:
            raise ArtError(
                f"bad provenance record: missing {sorted(missing)}, "
                f"unknown {sorted(unknown, key=repr)}"
            )
        return cls(**data)  # __post_init__ checks the types

    @classmethod
    def from_json(cls, text: str) -> ProvenanceRecord:
        """Parse :meth:`to_json` output (invalid JSON is an :class:`ArtError`).

        Parsed with :func:`refimpl.boundedjson.loads` (size and depth bounded).
        """
        try:
            data = boundedjson.loads(text)
        except boundedjson.JSONLimitError as error:
            raise ArtError(f"provenance record refused: {error}") from None
        except (TypeError, ValueError) as error:
            raise ArtError(f"provenance record is not valid JSON: {error}") from None
        return cls.from_dict(data)


@dataclass(frozen=True, eq=False)
class Artwork:
    """An image with its PNG bytes and provenance record."""

    pixels: np.ndarray
    png: bytes
    record: ProvenanceRecord

    def __post_init__(self) -> None:
        check_pixels(self.pixels)
        if not isinstance(self.png, bytes):
            raise ArtError(f"an artwork's png is bytes, got {type(self.png).__name__}")
        if not isinstance(self.record, ProvenanceRecord):
            raise ArtError("an artwork's record is a ProvenanceRecord")


def make_artwork(
    seed: int,
    style: str = "classic",
    size: int = 256,
    *,
    model: TrainedModel | None = None,
) -> Artwork:
    """Render ``(style, seed, size)``, encode the PNG, write the provenance record."""
    seed, style, size = renderer.check_request(seed, style, size)
    model = check_model(model)
    image = renderer.render(seed, style, size, model=model)
    png = to_png(image)
    record = ProvenanceRecord(
        style=style,
        seed=seed,
        size=size,
        dtype=DTYPE,
        code_sha256=code_sha256(style),
        weights_sha256=generator_weights_sha256(seed, style, model),
        pixel_sha256=pixel_sha256(image),
        png_sha256=hashlib.sha256(png).hexdigest(),
        versions=library_versions(),
    )
    return Artwork(image, png, record)


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` is true when nothing failed; ``reasons`` say what did, ``notes`` add
    harmless differences (library versions, a PNG re-encoded by another zlib)."""

    ok: bool
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.ok, bool):
            raise ArtError(f"ok is a bool, got {type(self.ok).__name__}")
        for name in ("reasons", "notes"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or any(
                not isinstance(v, str) for v in value
            ):
                raise ArtError(f"{name} is a tuple of str")

    def __bool__(self) -> bool:
        return self.ok


def verify_provenance(
    record: ProvenanceRecord,
    png: bytes | None = None,
    *,
    model: TrainedModel | None = None,
) -> VerifyResult:
    """Re-render from ``record`` and compare; with ``png``, also check that file.

    Fails (with a reason each) when the record is malformed, the generator code or
    weights hash differ, the re-rendered pixels differ from ``pixel_sha256``, or the
    given PNG is not the recorded file or does not hold the recorded pixels. A
    ``record`` that is not a :class:`ProvenanceRecord`, or ``png`` that is not bytes,
    is an :class:`ArtError`.
    """
    if not isinstance(record, ProvenanceRecord):
        raise ArtError(
            f"verify_provenance needs a ProvenanceRecord, got {type(record).__name__}"
        )
    if png is not None and not isinstance(png, bytes | bytearray | memoryview):
        raise ArtError(f"png must be PNG bytes, got {type(png).__name__}")
    if png is not None:
        png = bytes(png)
    model = check_model(model)
    reasons: list[str] = []
    notes: list[str] = []
    try:
        seed, style, size = renderer.check_request(
            record.seed, record.style, record.size
        )
    except ArtError as error:
        return VerifyResult(False, (f"record cannot be re-rendered: {error}",))
    if record.dtype != DTYPE:
        reasons.append(f"dtype is {record.dtype!r}; this generator renders in {DTYPE}")
    if record.code_sha256 != code_sha256(style):
        reasons.append("generator code hash differs: the code is not the recorded code")
    weights = generator_weights_sha256(seed, style, model)
    if record.weights_sha256 != weights:
        reasons.append(
            f"weights hash differs: recorded {record.weights_sha256[:12]}..., "
            f"re-derived {weights[:12]}..."
        )
    image = renderer.render(seed, style, size, model=model)
    if pixel_sha256(image) != record.pixel_sha256:
        reasons.append("re-rendered pixels differ from the recorded pixel_sha256")
    if png is not None:
        if hashlib.sha256(png).hexdigest() != record.png_sha256:
            reasons.append("the PNG file is not the recorded file (png_sha256 differs)")
        try:
            if pixel_sha256(from_png(png)) != record.pixel_sha256:
                reasons.append("the PNG's pixels differ from the recorded pixel_sha256")
        except ArtError as error:
            reasons.append(f"the PNG cannot be decoded: {error}")
    elif hashlib.sha256(to_png(image)).hexdigest() != record.png_sha256:
        notes.append("re-encoding gives another PNG file (zlib differs); pixels decide")
    for name, version in library_versions().items():
        if record.versions.get(name, version) != version:
            notes.append(f"{name} {record.versions[name]} recorded, {version} here")
    return VerifyResult(not reasons, tuple(reasons), tuple(notes))
