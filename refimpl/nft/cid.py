"""Content identifiers: IPFS CIDv1 with the raw codec and a sha2-256 multihash.

A CID is ``multibase(version ‖ codec ‖ multihash)``: here ``"b"`` (base32, lower case,
no padding) + base32(``0x01 0x55 0x12 0x20`` ‖ sha256(data)). It is always 59 characters
and starts ``bafkrei``. Specs: multiformats CID (cid.md), multicodec table (raw = 0x55,
sha2-256 = 0x12), multibase (``b`` = rfc4648 base32 lower). Standard library only.
Introduced in lesson 11.
"""

from __future__ import annotations

import base64
import hashlib

from .errors import InvalidArgument, InvalidCID

__all__ = ["cid_v1", "cid_from_sha256", "sha256_from_cid", "is_cid_v1", "CID_PREFIX"]

#: version 1, multicodec raw (0x55), multihash sha2-256 (0x12), digest length 32 (0x20)
CID_PREFIX = bytes([0x01, 0x55, 0x12, 0x20])


def cid_from_sha256(digest: bytes) -> str:
    """The raw CIDv1 string whose multihash holds this 32-byte sha256 digest.

    Introduced in lesson 11.
    """
    if not isinstance(digest, bytes | bytearray) or len(digest) != 32:
        raise InvalidCID("a sha2-256 digest is exactly 32 bytes")
    b32 = base64.b32encode(CID_PREFIX + bytes(digest)).decode("ascii")
    return "b" + b32.lower().rstrip("=")


def cid_v1(data: bytes) -> str:
    """IPFS CIDv1 of ``data`` (raw codec 0x55, sha2-256, base32 lower multibase 'b').

    ``cid_v1(b"hello world") ==
    "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"``, the value that
    ``ipfs add --raw-leaves --cid-version 1`` prints. Introduced in lesson 11.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidArgument(f"cid_v1 needs bytes, got {type(data).__name__}")
    return cid_from_sha256(hashlib.sha256(data).digest())


def sha256_from_cid(cid: str) -> bytes:
    """The sha256 digest inside a raw sha2-256 CIDv1 string; InvalidCID otherwise.

    (:class:`~refimpl.nft.errors.InvalidCID` is also a ``ValueError``.)

    Introduced in lesson 11.
    """
    if not isinstance(cid, str) or not cid.startswith("b") or len(cid) != 59:
        raise InvalidCID(f"not a raw sha2-256 CIDv1 in base32: {cid!r:.80}")
    body = cid[1:]
    if body != body.lower():
        raise InvalidCID(f"multibase 'b' is lower-case base32: {cid!r}")
    try:
        raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    except ValueError:  # binascii.Error
        raise InvalidCID(f"not base32: {cid!r}") from None
    if raw[:4] != CID_PREFIX or len(raw) != 36:
        raise InvalidCID(f"not CIDv1/raw/sha2-256: {cid!r}")
    if cid_from_sha256(raw[4:]) != cid:  # non-canonical trailing bits
        raise InvalidCID(f"non-canonical base32: {cid!r}")
    return raw[4:]


def is_cid_v1(cid: object) -> bool:
    """True when ``cid`` is a well-formed raw sha2-256 CIDv1 string. Lesson 11."""
    try:
        sha256_from_cid(cid)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True
