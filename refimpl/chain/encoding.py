"""Byte-level helpers shared by transactions and blocks: Bitcoin's CompactSize.

A reader that refuses anything non-canonical (non-minimal CompactSize, bytes left
over), so that one object has exactly one serialization.
Introduced in lesson 03.
"""

from __future__ import annotations

__all__ = ["write_compact_size", "Reader"]


def write_compact_size(n: int) -> bytes:
    """Bitcoin's CompactSize (serialize.h ``WriteCompactSize``)."""
    if n < 0:
        raise ValueError("CompactSize must be >= 0")
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


class Reader:
    """Consume bytes front to back; raise ``error(reason)`` on anything wrong."""

    def __init__(self, data: bytes, error: type[Exception], what: str) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise error(f"malformed {what}: expected bytes, got {type(data).__name__}")
        self.data = bytes(data)
        self.pos = 0
        self.error = error
        self.what = what

    def fail(self, reason: str) -> Exception:
        return self.error(f"malformed {self.what}: {reason}")

    def take(self, n: int, field: str) -> bytes:
        if self.pos + n > len(self.data):
            raise self.fail(f"truncated in {field}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint(self, size: int, field: str) -> int:
        return int.from_bytes(self.take(size, field), "little")

    def compact_size(self, field: str) -> int:
        """ReadCompactSize with Bitcoin's 'non-canonical ReadCompactSize()' check."""
        first = self.uint(1, field)
        if first < 0xFD:
            return first
        size, floor = {0xFD: (2, 0xFD), 0xFE: (4, 0x10000), 0xFF: (8, 0x100000000)}[
            first
        ]
        n = self.uint(size, field)
        if n < floor:
            raise self.fail(f"non-canonical length in {field}")
        return n

    def done(self) -> None:
        if self.pos != len(self.data):
            raise self.fail(f"{len(self.data) - self.pos} unexpected trailing bytes")
