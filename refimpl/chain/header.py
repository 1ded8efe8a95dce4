"""The 80-byte block header, Bitcoin's layout byte for byte.

``version`` int32 | ``prev_hash`` 32 bytes | ``merkle_root`` 32 bytes |
``timestamp`` uint32 | ``bits`` uint32 | ``nonce`` uint32, integers
little-endian, hashes in internal byte order (Bitcoin Core primitives/block.h
``CBlockHeader``). The block hash is ``sha256d`` of these 80 bytes; Bitcoin shows
it byte-reversed. Introduced in lesson 04.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace

from refimpl.crypto import sha256d

from .errors import InvalidBlock

__all__ = ["BlockHeader", "HEADER_SIZE"]

HEADER_SIZE = 80
_LAYOUT = struct.Struct("<i32s32sIII")


@dataclass(frozen=True)
class BlockHeader:
    """A block header (Bitcoin's ``CBlockHeader``). Introduced in lesson 04."""

    version: int
    prev_hash: bytes
    merkle_root: bytes
    timestamp: int
    bits: int
    nonce: int

    def __post_init__(self) -> None:
        for name in ("prev_hash", "merkle_root"):
            value = getattr(self, name)
            if isinstance(value, (bytearray, memoryview)):
                object.__setattr__(self, name, bytes(value))  # never keep a buffer
            elif not isinstance(value, bytes):
                raise InvalidBlock(
                    f"{name} must be 32 bytes, not {type(value).__name__}"
                )
        for name in ("version", "timestamp", "bits", "nonce"):
            value = getattr(self, name)
            if type(value) is not int:
                raise InvalidBlock(
                    f"header {name} must be an int, not {type(value).__name__}"
                )

    def serialize(self) -> bytes:
        """The 80 bytes that are hashed and sent."""
        if len(self.prev_hash) != 32 or len(self.merkle_root) != 32:
            raise InvalidBlock("prev_hash and merkle_root must be 32 bytes each")
        try:
            return _LAYOUT.pack(
                self.version,
                bytes(self.prev_hash),
                bytes(self.merkle_root),
                self.timestamp,
                self.bits,
                self.nonce,
            )
        except struct.error as e:
            raise InvalidBlock(f"header field out of range: {e}") from None

    @classmethod
    def parse(cls, data: bytes) -> BlockHeader:
        """Inverse of ``serialize``; InvalidBlock unless exactly 80 bytes."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != HEADER_SIZE:
            n = len(data) if isinstance(data, (bytes, bytearray)) else "non-bytes"
            raise InvalidBlock(f"malformed header: expected 80 bytes, got {n}")
        return cls(*_LAYOUT.unpack(bytes(data)))

    def hash(self) -> bytes:
        """sha256d of the 80 bytes, internal byte order."""
        return sha256d(self.serialize())

    def hash_hex(self) -> str:
        """The hash as block explorers show it (byte-reversed hex)."""
        return self.hash()[::-1].hex()

    def with_nonce(self, nonce: int) -> BlockHeader:
        """A copy with another nonce."""
        return replace(self, nonce=nonce)
