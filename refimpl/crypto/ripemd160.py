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

# §3 of the paper defines the 80 steps' tables from two small ones. Word order: in
# round k (k = 0..4) the left line reads word X[rho^k(i)] at its step i, the right
# line X[rho^k(pi(i))], with rho below and pi(i) = 9i + 5 mod 16.
_RHO = (7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8)
# Shifts: in round k, word X[i] is rotated left by _SHIFT[k][i], in both lines.
_SHIFT = (
    (11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8),
    (12, 13, 11, 15, 6, 9, 9, 7, 12, 15, 11, 13, 7, 8, 7, 7),
    (13, 15, 14, 11, 7, 7, 6, 8, 13, 14, 13, 12, 5, 5, 6, 9),
    (14, 11, 12, 14, 8, 6, 5, 5, 15, 12, 15, 14, 9, 9, 8, 6),
    (15, 12, 13, 13, 9, 5, 8, 6, 14, 11, 12, 11, 8, 6, 5, 5),
)


def _word_order(first: list[int]) -> tuple[int, ...]:
    """The word read at each of one line's 80 steps: ``first`` in round 0, then
    rho applied once more in each later round."""
    order: list[int] = []
    words = first
    for _ in range(5):
        order += words
        words = [_RHO[i] for i in words]
    return tuple(order)


# Appendix A's tables, step j = 0..79: words r(j), r'(j) and shifts s(j), s'(j).
_R = _word_order(list(range(16)))
_RP = _word_order([(9 * i + 5) % 16 for i in range(16)])
_S = tuple(_SHIFT[j // 16][_R[j]] for j in range(80))
_SP = tuple(_SHIFT[j // 16][_RP[j]] for j in range(80))
# Constants: the integer parts of 2**30 times the square roots of 0, 2, 3, 5, 7
# (left) and the cube roots of 2, 3, 5, 7, 0 (right).
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
