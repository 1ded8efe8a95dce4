"""SHA-256 from scratch, following FIPS 180-4 step by step.

Pure Python, no hashlib: this module is what lesson 01 builds, one piece per cell.
It is slow (about 3,000 short messages a second); code that needs speed uses
:func:`refimpl.crypto.hashing.sha256d`, which calls hashlib. Introduced in lesson 01.

Section numbers refer to FIPS PUB 180-4, *Secure Hash Standard* (August 2015).
"""

from __future__ import annotations

__all__ = [
    "K",
    "H0",
    "rotr",
    "ch",
    "maj",
    "big_sigma0",
    "big_sigma1",
    "small_sigma0",
    "small_sigma1",
    "pad",
    "blocks",
    "schedule",
    "compress",
    "sha256",
]

MASK32 = 0xFFFFFFFF

# §4.2.2: the first 32 bits of the fractional parts of the cube roots of the
# first 64 primes.
K: tuple[int, ...] = (
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1,
    0x923F82A4, 0xAB1C5ED5, 0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3,
    0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174, 0xE49B69C1, 0xEFBE4786,
    0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147,
    0x06CA6351, 0x14292967, 0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13,
    0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85, 0xA2BFE8A1, 0xA81A664B,
    0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A,
    0x5B9CCA4F, 0x682E6FF3, 0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208,
    0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
)  # fmt: skip

# §5.3.3: the first 32 bits of the fractional parts of the square roots of the
# first 8 primes.
H0: tuple[int, ...] = (
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
)  # fmt: skip


def rotr(x: int, n: int) -> int:
    """Rotate the 32-bit word ``x`` right by ``n`` bits (FIPS 180-4 §3.2, ROTR)."""
    return ((x >> n) | (x << (32 - n))) & MASK32


def ch(x: int, y: int, z: int) -> int:
    """Choose: each bit of ``x`` picks ``y``'s bit (1) or ``z``'s (0). §4.1.2 (4.2)."""
    return (x & y) ^ (~x & z)


def maj(x: int, y: int, z: int) -> int:
    """Majority of the three bits at each position. FIPS 180-4 §4.1.2 (4.3)."""
    return (x & y) ^ (x & z) ^ (y & z)


def big_sigma0(x: int) -> int:
    """Σ0(x) = ROTR²(x) ⊕ ROTR¹³(x) ⊕ ROTR²²(x). FIPS 180-4 §4.1.2 (4.4)."""
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)


def big_sigma1(x: int) -> int:
    """Σ1(x) = ROTR⁶(x) ⊕ ROTR¹¹(x) ⊕ ROTR²⁵(x). FIPS 180-4 §4.1.2 (4.5)."""
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25)


def small_sigma0(x: int) -> int:
    """σ0(x) = ROTR⁷(x) ⊕ ROTR¹⁸(x) ⊕ SHR³(x). FIPS 180-4 §4.1.2 (4.6)."""
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)


def small_sigma1(x: int) -> int:
    """σ1(x) = ROTR¹⁷(x) ⊕ ROTR¹⁹(x) ⊕ SHR¹⁰(x). FIPS 180-4 §4.1.2 (4.7)."""
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10)


def pad(message: bytes) -> bytes:
    """Pad ``message`` to a multiple of 64 bytes (FIPS 180-4 §5.1.1).

    Append the bit 1 (the byte 0x80), then k zero bits with
    ``len + 1 + k ≡ 448 (mod 512)`` bits, then the message length in bits as a
    64-bit big-endian integer. A 55-byte message fits in one block; 56 bytes
    needs two. Introduced in lesson 01.
    """
    length_bits = len(message) * 8
    zeros = (55 - len(message)) % 64
    return message + b"\x80" + b"\x00" * zeros + length_bits.to_bytes(8, "big")


def blocks(padded: bytes) -> list[bytes]:
    """Split a padded message into 512-bit blocks M(1)..M(N) (FIPS 180-4 §5.2.1)."""
    if len(padded) % 64:
        raise ValueError("padded message length must be a multiple of 64 bytes")
    return [padded[i : i + 64] for i in range(0, len(padded), 64)]


def schedule(block: bytes) -> list[int]:
    """The message schedule W0..W63 of one 64-byte block (FIPS 180-4 §6.2.2 step 1).

    W0..W15 are the block's sixteen big-endian 32-bit words; each later word is
    ``σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]`` modulo 2³². Introduced in
    lesson 01.
    """
    if len(block) != 64:
        raise ValueError("a SHA-256 block is exactly 64 bytes")
    w = [int.from_bytes(block[i : i + 4], "big") for i in range(0, 64, 4)]
    for t in range(16, 64):
        s1 = small_sigma1(w[t - 2])
        s0 = small_sigma0(w[t - 15])
        w.append((s1 + w[t - 7] + s0 + w[t - 16]) & MASK32)
    return w


def compress(state: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    """Process one block: H(i) = H(i-1) + 64 rounds on H(i-1) (FIPS 180-4 §6.2.2).

    ``state`` is the eight 32-bit words H0..H7; the result is the next eight.
    Steps 2-4 of §6.2.2: initialise a..h from the state, run 64 rounds with
    T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t] and T2 = Σ0(a) + Maj(a,b,c), then add
    the working variables back into the state. Introduced in lesson 01.
    """
    w = schedule(block)
    a, b, c, d, e, f, g, h = state
    for t in range(64):
        t1 = (h + big_sigma1(e) + ch(e, f, g) + K[t] + w[t]) & MASK32
        t2 = (big_sigma0(a) + maj(a, b, c)) & MASK32
        h, g, f, e = g, f, e, (d + t1) & MASK32
        d, c, b, a = c, b, a, (t1 + t2) & MASK32
    return tuple(
        (x + y) & MASK32 for x, y in zip(state, (a, b, c, d, e, f, g, h), strict=True)
    )


def sha256(data: bytes) -> bytes:
    """SHA-256 of ``data`` (FIPS 180-4 §6.2): pad, compress each block, concatenate.

    Equals ``hashlib.sha256(data).digest()`` (the tests check it). Introduced in
    lesson 01.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("sha256 takes bytes")
    state = H0
    for block in blocks(pad(bytes(data))):
        state = compress(state, block)
    return b"".join(word.to_bytes(4, "big") for word in state)
