"""Numbers from SHA-256: the same on every machine, unlike ``torch.randn``.

Introduced in lesson 10. SHA-256 (FIPS 180-4) run in counter mode turns a text key
into as many bytes as we like; each 8 bytes become one float64 in ``[0, 1)`` by
keeping the top 53 bits (``(w >> 11) * 2**-53``), which is exact in IEEE 754. So the
numbers depend only on the key, never on the CPU, the BLAS or the torch version.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["hash_bytes", "hash_key", "hash_normal", "hash_uniform"]

DOMAIN = "chainmind/art/v1"


def hash_key(*parts: object) -> bytes:
    """The key for one use of randomness: ``"chainmind/art/v1|part|part|..."``.

    Parts are written with ``str`` (ints in decimal), joined by ``|``.
    """
    return "|".join([DOMAIN, *(str(p) for p in parts)]).encode("utf-8")


def hash_bytes(key: bytes, n: int) -> bytes:
    """``n`` bytes: ``sha256(key || i)`` for i = 0, 1, ... (i as 4 big-endian bytes)."""
    blocks = (n + 31) // 32
    out = b"".join(
        hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range(blocks)
    )
    return out[:n]


def hash_uniform(key: bytes, n: int) -> np.ndarray:
    """``n`` float64 values in ``[0, 1)``, exact functions of ``key``."""
    words = np.frombuffer(hash_bytes(key, 8 * n), dtype=">u8")
    return (words >> np.uint64(11)).astype(np.float64) * 2.0**-53


def hash_normal(key: bytes, n: int) -> np.ndarray:
    """``n`` roughly standard-normal float64 values (Irwin-Hall: 12 uniforms - 6).

    Only additions, so the result is exact on every machine; ``log``/``cos`` of the
    Box-Muller method come from the platform's maths library and may differ by an ulp.
    Values lie in ``[-6, 6)``; mean 0, variance 1.
    """
    u = hash_uniform(key, 12 * n).reshape(n, 12)
    total = np.zeros(n, dtype=np.float64)
    for k in range(12):  # a fixed order of additions
        total = total + u[:, k]
    return total - 6.0
