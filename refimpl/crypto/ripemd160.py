"""RIPEMD-160, pure Python: the fallback for systems whose hashlib lacks it.

Some OpenSSL 3 builds ship without RIPEMD-160 in the default provider, and
Bitcoin addresses need it (HASH160 = RIPEMD-160(SHA-256(x))). This follows
Dobbertin, Bosselaers and Preneel, *RIPEMD-160: A strengthened version of RIPEMD*
(1996), §3 and Appendix A. Used by :func:`refimpl.crypto.hashing.hash160`; met in
lesson 02.
"""

from __future__ import annotations

__all__ = ["ripemd160"]

_M = 0xFFFFFFFF

# Appendix A: word order r, r' and rotation amounts s, s' for the 80 steps.
_R = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
    3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
    1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
    4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
)  # fmt: skip
_RP = (
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
    6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
    15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
    8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
    12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
)  # fmt: skip
_S = (
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
    7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
    11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
    11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
    9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
)  # fmt: skip
_SP = (
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
    9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
    9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
    15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
    8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
)  # fmt: skip
_K = (0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xA953FD4E)
_KP = (0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, 0x00000000)


def _f(j: int, x: int, y: int, z: int) -> int:
    if j < 16:
        return x ^ y ^ z
    if j < 32:
        return (x & y) | (~x & z)
    if j < 48:
        return ((x | ~y) & _M) ^ z
    if j < 64:
        return (x & z) | (y & ~z)
    return x ^ ((y | ~z) & _M)


def _rol(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & _M


def _compress(h: list[int], block: bytes) -> None:
    x = [int.from_bytes(block[i : i + 4], "little") for i in range(0, 64, 4)]
    a, b, c, d, e = h
    ap, bp, cp, dp, ep = h
    for j in range(80):
        t = _rol((a + _f(j, b, c, d) + x[_R[j]] + _K[j // 16]) & _M, _S[j]) + e
        a, e, d, c, b = e, d, _rol(c, 10), b, t & _M
        t = _rol((ap + _f(79 - j, bp, cp, dp) + x[_RP[j]] + _KP[j // 16]) & _M, _SP[j])
        ap, ep, dp, cp, bp = ep, dp, _rol(cp, 10), bp, (t + ep) & _M
    h[:] = [
        (h[1] + c + dp) & _M,
        (h[2] + d + ep) & _M,
        (h[3] + e + ap) & _M,
        (h[4] + a + bp) & _M,
        (h[0] + b + cp) & _M,
    ]


def ripemd160(data: bytes) -> bytes:
    """RIPEMD-160 digest (20 bytes) of ``data``; equals hashlib's where it exists."""
    data = bytes(data)
    length_bits = (8 * len(data)) & 0xFFFFFFFFFFFFFFFF
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64)
    padded += length_bits.to_bytes(8, "little")
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    for i in range(0, len(padded), 64):
        _compress(h, padded[i : i + 64])
    return b"".join(w.to_bytes(4, "little") for w in h)
