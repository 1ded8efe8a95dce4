"""Numbers from SHA-256: the same on every machine, unlike ``torch.randn``.

Introduced in lesson 10. SHA-256 (FIPS 180-4) run in counter mode turns a text key
into as many bytes as we like; each 8 bytes become one float64 in ``[0, 1)`` by
keeping the top 53 bits (``(w >> 11) * 2**-53``), which is exact in IEEE 754. So the
numbers depend only on the key, never on the CPU, the BLAS or the torch version.
"""

from __future__ import annotations

import hashlib
import numbers

import numpy as np

from refimpl.art.arguments import check_int
from refimpl.art.errors import ArtError

__all__ = ["MAX_HASH_BYTES", "hash_bytes", "hash_key", "hash_normal", "hash_uniform"]

DOMAIN = "chainmind/art/v1"
MAX_HASH_BYTES = 2**26  # 64 MiB per call; a CPPN layer needs about 8 KiB


def hash_key(*parts: object) -> bytes:
    """The key for one use of randomness: ``"chainmind/art/v1|part|part|..."``.

    Parts are strings (without ``|``, so two different lists of parts never give one
    key) or integers (written in decimal), joined by ``|``.
    """
    texts = []
    for part in parts:
        if isinstance(part, str):
            if "|" in part:
                raise ArtError(f"a key part may not contain '|', got {part!r}")
            try:
                part.encode("utf-8")
            except UnicodeEncodeError:
                raise ArtError(f"a key part must be valid text, got {part!r}") from None
            texts.append(part)
        elif isinstance(part, numbers.Integral) and not isinstance(part, bool):
            if abs(int(part)) >= 2**256:
                raise ArtError("an integer key part must be below 2**256 in size")
            texts.append(str(int(part)))
        else:
            raise ArtError(
                f"a key part is a str or an int, got {type(part).__name__} {part!r}"
            )
    return "|".join([DOMAIN, *texts]).encode("utf-8")


def _check_key(key: object) -> bytes:
    if not isinstance(key, bytes | bytearray):
        raise ArtError(f"a key is bytes (see hash_key), got {type(key).__name__}")
    return bytes(key)


def hash_bytes(key: bytes, n: int) -> bytes:
    """``n`` bytes: ``sha256(key || i)`` for i = 0, 1, ... (i as 4 big-endian bytes).

    ``key`` is bytes and ``n`` an int in ``0..MAX_HASH_BYTES``.
    """
    key, n = _check_key(key), check_int(n, "n", 0, MAX_HASH_BYTES, "bytes")
    blocks = (n + 31) // 32
    out = b"".join(
        hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range(blocks)
    )
    return out[:n]


def hash_uniform(key: bytes, n: int) -> np.ndarray:
    """``n`` float64 values in ``[0, 1)``, exact functions of ``key``."""
    key, n = _check_key(key), check_int(n, "n", 0, MAX_HASH_BYTES // 8, "values")
    words = np.frombuffer(hash_bytes(key, 8 * n), dtype=">u8")
    return (words >> np.uint64(11)).astype(np.float64) * 2.0**-53


def hash_normal(key: bytes, n: int) -> np.ndarray:
    """``n`` roughly standard-normal float64 values (Irwin-Hall: 12 uniforms - 6).

    Only additions, so the result is exact on every machine; ``log``/``cos`` of the
    Box-Muller method come from the platform's maths library and may differ by an ulp.
    Values lie in ``[-6, 6)``; mean 0, variance 1.
    """
    key, n = _check_key(key), check_int(n, "n", 0, MAX_HASH_BYTES // 96, "values")
    u = hash_uniform(key, 12 * n).reshape(n, 12)
    total = np.zeros(n, dtype=np.float64)
    for k in range(12):  # a fixed order of additions
        total = total + u[:, k]
    return total - 6.0
