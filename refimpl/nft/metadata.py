"""Token metadata JSON: EIP-721's schema, OpenSea's ``attributes`` and AI-art fields.

EIP-721 ("ERC721 Metadata JSON Schema") defines ``name``, ``description`` and ``image``
(a URI to an ``image/*`` resource). Marketplaces add ``attributes``
(``[{"trait_type", "value", "display_type"?, "max_value"?}]``), ``external_url``,
``background_color`` (6 hex digits, no ``#``), ... The course adds what makes an AI
artwork checkable (in the spirit of ERC-7007's ``prompt``/``aigc_data``): ``model``,
``seed``, ``style`` (or ``prompt``) and the ``provenance`` record of ``refimpl.art``.

Metadata is stored as canonical JSON bytes (sorted keys, no spaces, UTF-8), so it has
one CID. :func:`parse_metadata` validates on the way in; it parses with
:func:`refimpl.boundedjson.loads` (at most 1 MiB and 64 levels deep, so a hostile
document cannot exhaust the stack) and refuses ``NaN``/``Infinity``, which are not
JSON. Introduced in lesson 11.
"""

from __future__ import annotations

import json
import re
from typing import Any

from refimpl import boundedjson

from .cid import is_cid_v1
from .errors import MetadataError

__all__ = [
    "REQUIRED_FIELDS",
    "ipfs_uri",
    "cid_from_uri",
    "build_metadata",
    "metadata_bytes",
    "parse_metadata",
    "validate_metadata",
]

#: Fields every course token has (EIP-721's three, attributes, and the AI fields).
REQUIRED_FIELDS = ("name", "description", "image", "attributes", "model", "seed")
_DISPLAY_TYPES = {"number", "boost_number", "boost_percentage", "date"}
_HEX6 = re.compile(r"[0-9a-fA-F]{6}")


def ipfs_uri(cid: str) -> str:
    """``ipfs://<cid>``, the URI form an NFT's ``image`` and ``tokenURI`` use."""
    if not is_cid_v1(cid):
        raise MetadataError(f"not a raw sha2-256 CIDv1: {cid!r}")
    return "ipfs://" + cid


def cid_from_uri(uri: str) -> str:
    """The CID of an ``ipfs://<cid>`` URI (MetadataError otherwise)."""
    if not isinstance(uri, str) or not uri.startswith("ipfs://"):
        raise MetadataError(f"expected an ipfs://<cid> URI, got {uri!r}")
    cid = uri[len("ipfs://") :]
    if not is_cid_v1(cid):
        raise MetadataError(f"{uri!r} does not hold a raw sha2-256 CIDv1")
    return cid


def build_metadata(
    *,
    name: str,
    description: str,
    image_cid: str,
    model: str,
    seed: int,
    style: str | None = None,
    prompt: str | None = None,
    attributes: list[dict[str, Any]] | None = None,
    provenance: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A validated metadata dict for one AI artwork (lesson 11)."""
    if attributes is not None and not isinstance(attributes, list | tuple):
        raise MetadataError("attributes must be a list of objects")
    md: dict[str, Any] = {
        "name": name,
        "description": description,
        "image": ipfs_uri(image_cid),
        "attributes": list(attributes or []),
        "model": model,
        "seed": seed,
    }
    if style is not None:
        md["style"] = style
    if prompt is not None:
        md["prompt"] = prompt
    if provenance is not None:
        md["provenance"] = provenance
    md.update(extra)
    validate_metadata(md)
    return md


def metadata_bytes(md: dict[str, Any]) -> bytes:
    """Canonical JSON bytes of validated metadata (the bytes whose CID is the URI)."""
    validate_metadata(md)
    try:
        text = json.dumps(
            md,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as e:  # a set, an object, NaN ... in an extra field
        raise MetadataError(f"metadata is not JSON-serialisable: {e}") from None
    return text.encode("utf-8")


def parse_metadata(data: bytes | str, image_cid: str | None = None) -> dict[str, Any]:
    """Decode and validate metadata JSON; ``image_cid`` pins the image it must name.

    Raises :class:`MetadataError` (also a ValueError) with the reason: not UTF-8,
    not JSON, not an object, a missing/mistyped field, a bad attribute, or an image
    (or provenance record) pointing at a different CID. Introduced in lesson 11.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise MetadataError(f"metadata is not UTF-8: {e}") from None
    if not isinstance(data, str):
        raise MetadataError("metadata must be JSON bytes or text")
    try:
        md = boundedjson.loads(data, parse_constant=_no_constant)
    except boundedjson.JSONLimitError as e:
        raise MetadataError(f"metadata refused: {e}") from None
    except ValueError as e:  # JSONDecodeError, or NaN/Infinity
        raise MetadataError(f"metadata is not valid JSON: {e}") from None
    validate_metadata(md, image_cid)
    return md


def validate_metadata(md: Any, image_cid: str | None = None) -> None:
    """Raise MetadataError unless ``md`` is a complete, consistent metadata object."""
    if not isinstance(md, dict):
        raise MetadataError("metadata must be a JSON object")
    try:
        boundedjson.check_depth(md)
    except boundedjson.JSONLimitError as e:
        raise MetadataError(f"metadata refused: {e}") from None
    missing = [f for f in REQUIRED_FIELDS if f not in md]
    if missing:
        raise MetadataError(f"metadata misses required field(s): {', '.join(missing)}")
    for f in ("name", "description", "image", "model"):
        if not isinstance(md[f], str):
            raise MetadataError(f"field {f!r} must be a string")
    if not md["name"]:
        raise MetadataError("field 'name' is empty")
    if "style" not in md and "prompt" not in md:
        raise MetadataError("metadata misses required field: style or prompt")
    for f in ("style", "prompt"):
        if f in md and not isinstance(md[f], str):
            raise MetadataError(f"field {f!r} must be a string")
    seed = md["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise MetadataError("field 'seed' must be a non-negative integer")
    cid = cid_from_uri(md["image"])
    if image_cid is not None and cid != image_cid:
        raise MetadataError(
            f"image points at {cid}, not at the minted image {image_cid}"
        )
    _check_attributes(md["attributes"])
    if "background_color" in md and not (
        isinstance(md["background_color"], str)
        and _HEX6.fullmatch(md["background_color"])
    ):
        raise MetadataError("background_color must be 6 hex digits without '#'")
    prov = md.get("provenance")
    if prov is not None:
        if not isinstance(prov, dict):
            raise MetadataError("field 'provenance' must be an object")
        if "cid" in prov and prov["cid"] != cid:
            raise MetadataError(f"provenance names image {prov['cid']}, not {cid}")
        if "seed" in prov and prov["seed"] != seed:
            raise MetadataError(
                f"provenance seed {prov['seed']!r} != metadata seed {seed!r}"
            )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_attributes(attrs: Any) -> None:
    if not isinstance(attrs, list):
        raise MetadataError("field 'attributes' must be a list")
    for i, a in enumerate(attrs):
        if not isinstance(a, dict) or "value" not in a:
            raise MetadataError(f"attribute {i} must be an object with a 'value'")
        if "trait_type" in a and not isinstance(a["trait_type"], str):
            raise MetadataError(f"attribute {i}: trait_type must be a string")
        v = a["value"]
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise MetadataError(f"attribute {i}: value must be a string or a number")
        dt = a.get("display_type")
        if dt is not None:
            if dt not in _DISPLAY_TYPES:
                raise MetadataError(f"attribute {i}: unknown display_type {dt!r}")
            if isinstance(v, str):
                raise MetadataError(f"attribute {i}: display_type {dt} needs a number")
            if dt == "date" and not isinstance(v, int):
                raise MetadataError(f"attribute {i}: a date is unix seconds (an int)")
