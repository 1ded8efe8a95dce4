"""Fast hashing helpers (hashlib): the double hash Bitcoin uses, and HASH160.

:func:`sha256d` is what blocks, transactions and Merkle trees use everywhere in the
course; :func:`refimpl.crypto.sha256.sha256` is the slow, readable twin.
Introduced in lesson 01 (sha256d) and lesson 02 (hash160).
"""

from __future__ import annotations

import hashlib

from .ripemd160 import ripemd160 as _ripemd160_py

__all__ = ["sha256d", "hash160", "ripemd160"]


def sha256d(data: bytes) -> bytes:
    """SHA-256(SHA-256(data)), in internal byte order (Bitcoin's ``Hash``).

    Bitcoin displays such hashes byte-reversed (``sha256d(x)[::-1].hex()``).
    Introduced in lesson 01.
    """
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _hashlib_ripemd160_works() -> bool:
    try:
        hashlib.new("ripemd160", b"")
    except (ValueError, TypeError):
        return False
    return True


_HAVE_RIPEMD = _hashlib_ripemd160_works()


def ripemd160(data: bytes) -> bytes:
    """RIPEMD-160 of ``data``: hashlib's when OpenSSL offers it, else pure Python."""
    if _HAVE_RIPEMD:
        return hashlib.new("ripemd160", data).digest()
    return _ripemd160_py(data)


def hash160(data: bytes) -> bytes:
    """HASH160 = RIPEMD-160(SHA-256(data)), 20 bytes. Introduced in lesson 02."""
    return ripemd160(hashlib.sha256(data).digest())
