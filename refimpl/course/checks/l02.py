"""Checks for lesson 02 (keys and signatures): curve points, SEC 1, addresses, ECDSA.

The exercises transfer the lesson: point addition on any short Weierstrass curve,
parsing SEC 1 keys (the inverse of the lesson's encoding), decoding an address back to
its hash160, and the course chain's strict verification rule (low s, right v).
"""

from __future__ import annotations

import hashlib

import numpy as np

from refimpl.course import FunctionCheck
from refimpl.course.checks._bytes import labelled
from refimpl.course.checks._optional import optional_check
from refimpl.course.feedback import args_whole
from refimpl.crypto.address import ALPHABET

__all__ = ["ec_add", "parse_pubkey", "address_hash160", "verify_strict", "low_s"]

# secp256k1 (SEC 2 §2.4.1)
_P = 2**256 - 2**32 - 977
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def _mul(k: int, point: tuple[int, int]) -> tuple[int, int] | None:
    from py_ecc.secp256k1 import secp256k1 as ec

    result = ec.multiply(point, k)
    return None if result[1] == 0 else result


class _NamedPoint(tuple):
    """A point that prints as its name ("2G") in feedback, not as 150 digits."""

    name = ""

    def __repr__(self) -> str:
        return self.name


class _NamedInt(int):
    """An int that prints as its name ("r", "n - s") in feedback."""

    name = ""

    def __repr__(self) -> str:
        return self.name


def _pt(k: int, name: str = "", base: tuple[int, int] = _G) -> _NamedPoint:
    point = _NamedPoint(_mul(k, base))
    point.name = name or (f"{k}G" if k > 1 else "G")
    return point


def _num(value: int, name: str) -> _NamedInt:
    out = _NamedInt(value)
    out.name = name
    return out


# -- 02.1 ec_add on any curve y^2 = x^3 + a x + b --------------------------------
def _add_any(p1, p2, a: int, p: int):
    """The group law on y² = x³ + a·x + b mod p (b is not needed); None is infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    if p1[0] == p2[0] and (p1[1] + p2[1]) % p == 0:
        return None
    return _chord_or_tangent(p1, p2, a, p)


def _chord_or_tangent(p1, p2, a: int, p: int) -> tuple[int, int]:
    """The sum of two finite points that are not each other's mirror."""
    (x1, y1), (x2, y2) = p1, p2
    if p1 == p2:
        lam = (3 * x1 * x1 + a) * pow(2 * y1, -1, p) % p
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return x3, (lam * (x1 - x3) - y1) % p


# NIST P-256 (FIPS 186-4 D.1.2.3): a = -3; its generator.
_P256 = 2**256 - 2**224 + 2**192 + 2**96 - 1
_P256_G = _NamedPoint(
    (
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    )
)
_P256_G.name = "G(P-256)"


def _named(point, name: str) -> _NamedPoint:
    out = _NamedPoint(point)
    out.name = name
    return out


def _ec_add_cases() -> list[tuple]:
    g2 = _named(_add_any(_P256_G, _P256_G, -3, _P256), "2G(P-256)")
    # the primes as their defining expressions, which a learner can type back
    p256 = _num(_P256, "2**256 - 2**224 + 2**192 + 2**96 - 1")
    p_k1 = _num(_P, "2**256 - 2**32 - 977")
    return [
        ((3, 6), (0, 10), 2, 97),  # a toy curve y² = x³ + 2x + 3 mod 97
        ((3, 6), (3, 6), 2, 97),  # doubling: the tangent needs a
        ((3, 6), (3, 91), 2, 97),  # a point plus its mirror
        ((30, 0), (30, 0), 2, 97),  # a vertical tangent: 2P = infinity
        (None, (1, 43), 2, 97),
        ((1, 43), None, 2, 97),
        (None, None, 2, 97),
        ((1, 43), (1, 43), 2, 97),
        (_P256_G, _P256_G, -3, p256),  # NIST P-256: a = -3
        (_P256_G, g2, -3, p256),
        (_pt(1), _pt(1), 0, p_k1),  # secp256k1: a = 0
        (_pt(2), _pt(5), 0, p_k1),
        # y values that cancel (10 + 87 = 97) on two different x: not mirrors
        ((0, 10), (17, 87), 2, 97),
    ]


def _wrong_add_no_a(p1, p2, a, p):
    return _add_any(p1, p2, 0, p)  # the lesson's tangent, secp256k1 only


def _wrong_add_no_infinity(p1, p2, a, p):
    if p1 is None or p2 is None:
        return p1 or p2
    return _chord_or_tangent(p1, p2, a, p)


def _wrong_add_vertical_tangent(p1, p2, a, p):
    if p1 is not None and p1 == p2 and p1[1] == 0:
        return p1  # a point of order 2 doubled is infinity, not itself
    return _add_any(p1, p2, a, p)


def _wrong_add_mirror_same_x(p1, p2, a, p):
    if p1 is not None and p2 is not None and p1[0] == p2[0]:
        return None  # equal x does not always mean P + (-P)
    return _add_any(p1, p2, a, p)


def _wrong_add_mirror_y_only(p1, p2, a, p):
    if p1 is not None and p2 is not None and (p1[1] + p2[1]) % p == 0:
        return None  # the x test forgotten: y1 + y2 = 0 alone is not a mirror
    return _add_any(p1, p2, a, p)


def _wrong_add_no_mod(p1, p2, a, p):
    out = _add_any(p1, p2, a, p)
    if out is None or p1 is None or p2 is None:
        return out
    lam_x = out[0]
    return lam_x, out[1] - p if out[1] > p // 2 else out[1]  # negative y left


ec_add = optional_check(
    "02.1 ec_add",
    reference=_add_any,
    cases=_ec_add_cases,
    show=args_whole,
    hints=[
        "On y² = x³ + a·x + b only the tangent's slope changes: differentiate both "
        "sides. Keep the lesson's special cases for None and for P + (-P).",
        "Tangent: λ = (3·x1² + a) / (2·y1). A point with y = 0 has a vertical tangent: "
        "P + P is the point at infinity (it is P + (-P), since -P = P).",
        "if p1 is None: return p2 ... if x1 == x2 and (y1 + y2) % p == 0: return None\n"
        "if p1 == p2: lam = (3*x1*x1 + a) * pow(2*y1, -1, p) % p",
    ],
    wrong=[
        _wrong_add_no_a,
        _wrong_add_no_infinity,
        _wrong_add_vertical_tangent,
        _wrong_add_mirror_same_x,
        _wrong_add_no_mod,
        _wrong_add_mirror_y_only,
        lambda p1, p2, a, p: _add_any(p1, p2, a, p) and list(_add_any(p1, p2, a, p)),
    ],
)


# -- 02.2 parse_pubkey: the inverse of the lesson's SEC 1 encoding ---------------------
def _parse_pubkey(data: bytes):
    from refimpl.crypto import PublicKey

    try:
        return PublicKey.from_bytes(data).point
    except ValueError:
        return None


def _parse_cases() -> list[tuple]:
    def x32(v: int) -> bytes:
        return v.to_bytes(32, "big")

    g1, g2, g3, g5 = _mul(1, _G), _mul(2, _G), _mul(3, _G), _mul(5, _G)
    x_bad = 5  # x³ + 7 has no square root mod p for x = 5
    return [
        (labelled(b"\x02" + x32(g1[0]), "02 || x(G)"),),
        (labelled(b"\x03" + x32(g1[0]), "03 || x(G)"),),
        (labelled(b"\x03" + x32(g2[0]), "03 || x(2G)"),),
        (labelled(b"\x04" + x32(g3[0]) + x32(g3[1]), "04 || x(3G) || y(3G)"),),
        (labelled(b"\x04" + x32(g3[0]) + x32(_P - g3[1]), "04 || x(3G) || -y(3G)"),),
        (labelled(b"\x02" + x32(x_bad), "02 || 5 (no curve point)"),),
        # the square root pow() returns is odd for x(3G) and x(5G), even for x(G)
        (labelled(b"\x02" + x32(g3[0]), "02 || x(3G)"),),
        (labelled(b"\x03" + x32(g5[0]), "03 || x(5G)"),),
        # n <= x < p is a valid x: the range is p (the field), not n (the order)
        (labelled(b"\x02" + x32(_N), "02 || n (x = n is on the curve)"),),
        (labelled(b"\x04" + x32(_N) + x32(_Y_AT_N), "04 || n || y"),),
        (
            labelled(
                b"\x04" + x32(g3[0]) + x32(g3[1] ^ 1),
                "04 || x(3G) || y(3G) ^ 1 (off the curve)",
            ),
        ),
        (labelled(b"\x06" + x32(g1[0]) + x32(g1[1]), "06 || x(G) || y(G) (hybrid)"),),
        (labelled(b"\x05" + x32(g1[0]), "05 || x(G)"),),
        (labelled(b"\x04" + x32(g1[0]), "04 || x(G) (33 bytes)"),),
        (labelled(b"\x02" + x32(g3[0]) + x32(g3[1]), "02 || x(3G) || y(3G)"),),
        (labelled(b"\x03" + x32(g1[0]) + x32(g1[1]), "03 || x(G) || y(G)"),),
        (labelled(b"\x02" + x32(g1[0])[1:], "02 || 31-byte x"),),
        (labelled(b"\x02" + x32(g1[0]) + b"\x00", "02 || x(G) || 00"),),
        (labelled(b"\x02" + x32(_P + 1), "02 || p + 1"),),
        (labelled(b"", "b''"),),
        # y = 1 + p: the point (x, 1) written with y unreduced (x³ = -6 mod p)
        (labelled(b"\x04" + x32(_CBRT_M6) + x32(_P + 1), "04 || x || p + 1"),),
        # x = 1 + p: the point (1, y) written with x unreduced
        (labelled(b"\x04" + x32(_P + 1) + x32(_Y_AT_1), "04 || p + 1 || y"),),
        (labelled(b"\x04" + x32(g3[0]) + x32(g3[1]) + b"\x00", "04 || x || y || 00"),),
        (labelled(b"\x04" + x32(g3[0]) + x32(g3[1])[:31], "04 || x || 31-byte y"),),
        # prefixes 00 and 01 are not SEC 1's either (only 02, 03, 04)
        (labelled(b"\x00" + x32(g1[0]), "00 || x(G)"),),
        (labelled(b"\x01" + x32(g1[0]), "01 || x(G)"),),
        # 64 bytes, no prefix: a raw x || y (as some libraries keep keys) is no SEC 1
        (labelled(x32(g1[0]) + x32(g1[1]), "x(G) || y(G) (64 bytes, no prefix)"),),
    ]


# (x, 1) and (1, y) are on secp256k1: y and x fit 32 bytes even with p added.
_CBRT_M6 = 0x146D3B65ADD9F54CCCA28533C88E2CBC63F7443E1658783AB41F8EF97C2A10B5
_Y_AT_1 = 0x4218F20AE6C646B363DB68605822FB14264CA8D2587FDD6FBC750D587E76A7EE
# (n, y) is on secp256k1 too: x = n is below p, so it is a valid x.
_Y_AT_N = pow((_N**3 + 7) % _P, (_P + 1) // 4, _P)


def _wrong_parse_raw_64(data):
    # also reads a prefix-less x || y of 64 bytes
    if len(data) == 64:
        x, y = int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big")
        if x < _P and y < _P and (y * y - x**3 - 7) % _P == 0:
            return (x, y)
    return _parse_pubkey(data)


def _wrong_parse_unreduced(data):
    # checks the curve equation mod p, but never that x and y are below p
    if len(data) == 65 and data[0] == 4:
        x, y = int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")
        return (x, y) if (y * y - x**3 - 7) % _P == 0 else None
    return _parse_pubkey(data)


def _wrong_parse_no_length_04(data):
    # slices 04 || x || y without checking that there are exactly 65 bytes
    if data[:1] == b"\x04" and len(data) >= 65:
        return _parse_pubkey(data[:65])
    return _parse_pubkey(data)


def _wrong_parse_no_root_check(data):
    if len(data) == 33 and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big")
        y = pow((x**3 + 7) % _P, (_P + 1) // 4, _P)
        if y & 1 != data[0] & 1:
            y = _P - y
        return (x, y)
    return _parse_pubkey(data)


def _wrong_parse_trust_uncompressed(data):
    if len(data) == 65 and data[0] == 4:
        return (int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big"))
    return _parse_pubkey(data)


def _wrong_parse_parity_flipped(data):
    point = _parse_pubkey(data)
    if point is not None and len(data) == 33:
        return (point[0], _P - point[1])
    return point


def _wrong_parse_any_prefix(data):
    if len(data) == 65 and data[0] in (4, 6, 7):
        return _parse_pubkey(b"\x04" + data[1:])
    return _parse_pubkey(data)


def _wrong_parse_prefix_from_length_only(data):
    if len(data) == 33:
        return _parse_pubkey(bytes([2 + (data[0] & 1)]) + data[1:])
    return _parse_pubkey(data)


def _wrong_parse_04_as_compressed(data):
    # a 33-byte key with prefix 04 read as if it were 02
    if len(data) == 33 and data[0] in (2, 3, 4):
        return _parse_pubkey(bytes([2 if data[0] == 4 else data[0]]) + data[1:])
    return _parse_pubkey(data)


def _wrong_parse_65_any_prefix(data):
    # 65 bytes read as uncompressed whatever the prefix says (02/03 included)
    if len(data) == 65 and data[0] in (2, 3, 4):
        return _parse_pubkey(b"\x04" + data[1:])
    return _parse_pubkey(data)


def _wrong_parse_no_range(data):
    if len(data) == 33 and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big") % _P
        return _parse_pubkey(data[:1] + x.to_bytes(32, "big"))
    return _parse_pubkey(data)


def _wrong_parse_root_always_even(data):
    # takes the root pow() returns as the even one and negates it for 03
    if len(data) == 33 and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big")
        if x >= _P:
            return None
        y = pow((x**3 + 7) % _P, (_P + 1) // 4, _P)
        if y * y % _P != (x**3 + 7) % _P:
            return None
        return (x, _P - y if data[0] == 3 else y)
    return _parse_pubkey(data)


def _wrong_parse_range_n(data):
    # bounds x (and y) by the group order n instead of the field prime p
    if len(data) in (33, 65) and data[0] in (2, 3, 4):
        if int.from_bytes(data[1:33], "big") >= _N:
            return None
        if len(data) == 65 and int.from_bytes(data[33:], "big") >= _N:
            return None
    return _parse_pubkey(data)


parse_pubkey = optional_check(
    "02.2 parse_pubkey",
    reference=_parse_pubkey,
    cases=_parse_cases,
    show=args_whole,
    hints=[
        "SEC 1 §2.3.4: 33 bytes starting 02/03 (compressed) or 65 bytes starting 04 "
        "(uncompressed). Anything else is not a key: return None.",
        "Compressed: x must be < p and x³ + 7 must have a square root (check y*y % p); "
        "pick the root whose parity the prefix names. Uncompressed: x, y < p and "
        "y² = x³ + 7.",
        "y = pow((x**3 + 7) % P, (P + 1) // 4, P); if y * y % P != (x**3 + 7) % P: "
        "return None; if y & 1 != data[0] & 1: y = P - y",
    ],
    wrong=[
        _wrong_parse_no_root_check,
        _wrong_parse_trust_uncompressed,
        _wrong_parse_parity_flipped,
        _wrong_parse_any_prefix,
        _wrong_parse_prefix_from_length_only,
        _wrong_parse_no_range,
        _wrong_parse_unreduced,
        _wrong_parse_no_length_04,
        _wrong_parse_04_as_compressed,
        _wrong_parse_65_any_prefix,
        _wrong_parse_root_always_even,
        _wrong_parse_range_n,
        lambda data: _parse_pubkey(data) and list(_parse_pubkey(data)),
        _wrong_parse_raw_64,
        lambda data: (
            _parse_pubkey(bytes([2 + (data[0] & 1)]) + data[1:])
            if len(data) == 33 and data[0] < 4
            else _parse_pubkey(data)
        ),  # any prefix below 4 read by its parity
    ],
)


# -- 02.3 address_hash160: decode an address back -----------------------------------
def _address_hash160(address: str, versions: tuple[int, ...] = (0x00,)):
    from refimpl.crypto.address import b58check_decode

    try:
        payload = b58check_decode(address)
    except ValueError:
        return None
    if len(payload) != 21 or payload[0] not in versions:
        return None
    return payload[1:]


def _b58check(payload: bytes) -> str:
    from refimpl.crypto.address import b58check_encode

    return b58check_encode(payload)


def _address_cases() -> list[tuple]:
    typo = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMX"
    key1 = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    pay1 = b"\x00" + bytes(range(40, 60))  # its checksum differs only at the end
    return [
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",),  # key 1, compressed
        ("1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm",),  # key 1, uncompressed
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",),  # the genesis key
        (_b58check(bytes(21)),),  # hash160 of all zero bytes
        (_b58check(b"\x00\x00\x00" + bytes(range(1, 19))),),  # two leading zeros
        (_b58check(b"\x00" + b"\xff" * 20),),
        (typo,),  # one character mistyped
        ("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0",),  # '0' is not Base58
        (_b58check(b"\x05" + bytes(range(20))),),  # P2SH version: not P2PKH
        (_b58check(b"\x00" + bytes(range(19))),),  # 19-byte hash
        (_b58check(b"\x00" + bytes(range(21))),),  # 21-byte hash
        (key1[1:],),  # the leading '1' dropped: 24 bytes
        ("1" + key1,),  # one '1' too many: 26 bytes
        (" " + key1,),  # a space is not Base58
        (key1 + "\n",),
        (_b58_raw(pay1 + _sha256d(pay1)[:3] + bytes([_sha256d(pay1)[3] ^ 1])),),
        (
            _b58_raw(
                pay1
                + _sha256d(pay1)[:2]
                + bytes([_sha256d(pay1)[2] ^ 1])
                + _sha256d(pay1)[3:]
            ),
        ),
        ("",),
        # characters Base58 leaves out (0, O, I, l): a typo, not another spelling
        ("l" + key1[1:],),
        (key1[:6] + "O" + key1[7:],),
        (key1[:9] + "I" + key1[10:],),
        (key1[:4] + "0" + key1[5:],),
        # testnet's P2PKH version byte (0x6f, addresses starting m or n): not ours
        (
            _b58check(
                b"\x6f" + bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
            ),
        ),
        # a look-alike inside an address whose checksum still matches once the
        # bad letter reads as -1 or 0; one leading '1' too few or too many
        ("1BgGZ9tcN4rm9KC0Dn7KprQz87SZ26SAMH",),
        ("1cMh228HTCiwS8ZsaakH8A8wze0JR5ZsP",),
        ("111111111111111111114oLvT2",),
        ("1112D2adLM3UKy4Z4giRbReR6gjWuvHUqB",),
    ]


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _b58_raw(raw: bytes) -> str:
    from refimpl.crypto.address import b58encode

    return b58encode(raw)


def _b58decode_no_pad(text: str) -> bytes:
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def _hash160_from_digits(address: str, value) -> bytes | None:
    n = 0
    for c in address:
        n = n * 58 + value(c)
    ones = len(address) - len(address.lstrip("1"))
    raw = bytes(ones) + (n.to_bytes((n.bit_length() + 7) // 8, "big") if n > 0 else b"")
    if len(raw) != 25 or raw[0] != 0 or _sha256d(raw[:21])[:4] != raw[21:]:
        return None
    return raw[1:21]


def _wrong_hash160_testnet_too(address):
    # testnet's version byte accepted beside mainnet's
    return _address_hash160(address, versions=(0x00, 0x6F))


def _wrong_hash160_find(address):
    # str.find gives -1 for a letter Base58 leaves out, and nothing checks it
    return _hash160_from_digits(address, ALPHABET.find)


def _wrong_hash160_unknown_zero(address):
    # a letter Base58 leaves out read as 0
    return _hash160_from_digits(
        address, lambda c: ALPHABET.find(c) if c in ALPHABET else 0
    )


def _wrong_hash160_drops_zero_bytes(address):
    try:
        raw = _b58decode_no_pad(address)
    except ValueError:
        return None
    payload, check = raw[:-4], raw[-4:]
    if (
        len(raw) < 5
        or hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check
    ):
        return None
    return payload[-20:] if len(payload) >= 20 else None


def _wrong_hash160_no_checksum(address):
    from refimpl.crypto.address import b58decode

    try:
        raw = b58decode(address)
    except ValueError:
        return None
    return raw[1:-4] if len(raw) == 25 and raw[0] == 0 else None


def _wrong_hash160_any_version(address):
    from refimpl.crypto.address import b58check_decode

    try:
        payload = b58check_decode(address)
    except ValueError:
        return None
    return payload[1:] if len(payload) == 21 else None


def _wrong_hash160_any_length(address):
    from refimpl.crypto.address import b58check_decode

    try:
        payload = b58check_decode(address)
    except ValueError:
        return None
    return payload[1:] if payload[:1] == b"\x00" else None


def _b58_int(address):
    n = 0
    for c in address:
        if c not in ALPHABET:
            return None
        n = n * 58 + ALPHABET.index(c)
    return n


def _wrong_hash160_fixed_width(address):
    # n.to_bytes(25): the leading '1's are never counted
    n = _b58_int(address)
    if n is None or n >= 2**200:
        return None
    body = n.to_bytes(25, "big")
    if body[0] != 0 or _sha256d(body[:21])[:4] != body[21:]:
        return None
    return body[1:21]


def _wrong_hash160_short_checksum(address):
    # compares 2 of the 4 checksum bytes
    n = _b58_int(address)
    if n is None or n >= 2**200:
        return None
    zeros = len(address) - len(address.lstrip("1"))
    body = bytes(zeros) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(body) != 25 or body[0] != 0 or _sha256d(body[:21])[:2] != body[21:23]:
        return None
    return body[1:21]


address_hash160 = optional_check(
    "02.3 address_hash160",
    reference=_address_hash160,
    cases=_address_cases,
    show=args_whole,
    hints=[
        "Undo the lesson's steps in reverse: Base58 to bytes, split off the 4-byte "
        "checksum, check it, check the version byte, return the 20 bytes.",
        "Each leading '1' is one leading zero byte; int.to_bytes loses them, so add "
        "them back. The decoded bytes must be 25: version 0x00, 20 hash bytes, 4 "
        "checksum bytes equal to sha256d(first 21)[:4].",
        "n = 0; for c in address: if c not in B58: return None; n = n * 58 + "
        "B58.index(c); raw = bytes(number of leading '1's) + n.to_bytes(...)",
    ],
    wrong=[
        _wrong_hash160_drops_zero_bytes,
        _wrong_hash160_no_checksum,
        _wrong_hash160_any_version,
        _wrong_hash160_any_length,
        _wrong_hash160_fixed_width,
        _wrong_hash160_short_checksum,
        lambda a: _address_hash160(a.strip()),  # forgives spaces and newlines
        lambda a: (_address_hash160(a) or b"").hex() or None,  # hex text, not bytes
        _wrong_hash160_find,
        _wrong_hash160_testnet_too,
        _wrong_hash160_unknown_zero,
        # the look-alikes read as digits, as some OCR fix-ups do
        lambda a: _address_hash160(
            a.replace("l", "1").replace("I", "1").replace("O", "o").replace("0", "o")
        ),
    ],
)


# -- 02.4 verify_strict: the course chain's rule ------------------------------------
def _verify_strict(point, z: int, r: int, s: int, v: int) -> bool:
    from refimpl.crypto import PublicKey, Signature

    if not isinstance(v, int) or not 0 <= z < 2**256:
        return False
    try:
        key = PublicKey(tuple(int(c) for c in point))
        sig = Signature(int(r), int(s), int(v))
        return key.verify(int(z).to_bytes(32, "big"), sig)
    except (ValueError, TypeError):
        return False


def _forge_with_s(d: int, k: int, s: int) -> tuple[int, int, int, int]:
    """(z, r, s, v): a valid textbook signature by key d with nonce k and this s."""
    big_r = _mul(k, _G)
    r = big_r[0] % _N
    z = (s * k - r * d) % _N
    return z, r, s, 27 + (big_r[1] & 1)


def _strict_cases() -> list[tuple]:
    from py_ecc.secp256k1 import secp256k1 as ec

    cases = []
    d = 0xC0FFEE
    q = _pt(d, "Q(key 0xc0ffee)")
    digest = hashlib.sha256(b"pay 5 to bob").digest()
    v_int, r_int, s_int = ec.ecdsa_raw_sign(digest, d.to_bytes(32, "big"))
    z = _num(int.from_bytes(digest, "big"), "z('pay 5 to bob')")
    r = _num(r_int, "r")
    if s_int > _N // 2:
        s_int, v_int = _N - s_int, 55 - v_int
    s, v = _num(s_int, "s"), v_int
    half = _N // 2
    z_h, r_h, s_h, v_h = _forge_with_s(d, 12345, half)
    z_h1, r_h1, s_h1, v_h1 = _forge_with_s(d, 12345, half + 1)
    cases += [
        (q, z, r, s, v),  # valid, low s, right v
        (q, z, r, s, 55 - v),  # wrong recovery id
        (q, z, r, _num(_N - s, "N - s"), 55 - v),  # the high twin, its own v
        (q, z, r, _num(_N - s, "N - s"), v),
        (q, _num(z ^ 1, "z ^ 1"), r, s, v),  # tampered message
        (_pt(d + 1, "Q(key 0xc0ffef)"), z, r, s, v),  # someone else's key
        (q, z, _num(0, "0"), s, v),
        (q, z, r, _num(0, "0"), v),  # s = 0 has no inverse: refuse, never raise
        (q, z, _num(0, "0"), _num(0, "0"), v),
        (q, z, _num(_N, "N"), s, v),
        (q, z, r, _num(_N, "N"), v),
        (q, z, r, _num(s + _N, "s + N"), v),  # out of range, same value mod N
        (q, z, _num(r + _N, "r + N"), s, v),  # out of range, same value mod N
        (q, z, r, s, 29),
        (q, _num(z_h, "z1"), _num(r_h, "r1"), _num(s_h, "N // 2"), v_h),  # s = n/2
        (q, _num(z_h1, "z2"), _num(r_h1, "r2"), _num(s_h1, "N // 2 + 1"), v_h1),
    ]
    # R with x = N + 2 (x mod N = 2 = r): Q = R - G, z = r = s = 2 rebuild exactly R.
    # v has room for R.y's parity only, so the chain refuses x(R) >= N (Bitcoin,
    # without v, accepts it).
    x = _N + 2
    y = pow((x**3 + 7) % ec.P, (ec.P + 1) // 4, ec.P)
    q_big = _pt_raw(ec.add((x, y), (_G[0], ec.P - _G[1])), "R - G where x(R) = N + 2")
    two = _num(2, "2")
    cases.append((q_big, two, two, two, 27 + (y & 1)))
    # ... and with the recovery id Ethereum and libsecp256k1 give it (+2 for x >= n)
    cases.append((q_big, two, two, two, 29 + (y & 1)))
    # the same R signed as r = N + 2 (out of range): x(R) == r exactly, and
    # u2 = r·w mod N is unchanged, so only r's upper bound refuses it
    cases.append((q_big, two, _num(x, "N + 2"), two, 27 + (y & 1)))
    # the high twin written as a negative s: -s ≡ N - s, so only s >= 1 refuses it
    cases.append((q, z, r, _num(-s_int, "-s"), 55 - v))
    # a digest above p (and n): z is reduced mod n, the group order, never mod p
    top = b"\xff" * 32
    v_t, r_t, s_t = ec.ecdsa_raw_sign(top, d.to_bytes(32, "big"))
    if s_t > _N // 2:
        s_t, v_t = _N - s_t, 55 - v_t
    z_t = _num(int.from_bytes(top, "big"), "2**256 - 1")
    cases.append((q, z_t, _num(r_t, "r'"), _num(s_t, "s'"), v_t))
    # the right parity written another way: 0/1 (yParity) or 31/32 (Bitcoin's
    # compressed-key message header) are not 27/28
    cases.append((q, z, r, s, v - 27))
    cases.append((q, z, r, s, v + 4))
    return cases


def _pt_raw(point: tuple[int, int], label: str) -> _NamedPoint:
    """A point named by how it was built (no private key behind it)."""
    out = _NamedPoint(point)
    out.name = label
    return out


def _textbook(point, z, r, s) -> bool:
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, z * w % _N), ec.multiply(point, r * w % _N))
    return big_r[1] != 0 and big_r[0] % _N == r


def _parity(point, z, r, s) -> int:
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    return ec.add(ec.multiply(_G, z * w % _N), ec.multiply(point, r * w % _N))[1] & 1


def _wrong_strict_no_range(q, z, r, s, v):
    # the solution without its range check on r and s: pow(0, -1, N) raises
    if s > _N // 2 or v not in (27, 28):
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, z * w % _N), ec.multiply(q, r * w % _N))
    return big_r[0] % _N == r and v == 27 + (big_r[1] & 1)


def _wrong_strict_x_mod_n(q, z, r, s, v):
    # Bitcoin's textbook test R.x mod n == r: accepts an R whose x is n + r
    if not (1 <= r < _N and 1 <= s <= _N // 2) or v not in (27, 28):
        return False
    return _textbook(q, z, r, s) and v == 27 + _parity(q, z, r, s)


def _wrong_strict_r_unbounded(q, z, r, s, v):
    # r's upper bound left out, x(R) compared with r as is: r = N + 2 meets x(R) = N + 2
    if not (1 <= s <= _N // 2):
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, z * w % _N), ec.multiply(q, r * w % _N))
    return big_r[0] == r and v == 27 + (big_r[1] & 1)


def _wrong_strict_s_not_positive(q, z, r, s, v):
    # s = 0 refused, but not a negative s: -s is the high twin N - s in disguise
    if not 1 <= r < _N or s == 0 or s > _N // 2:
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, z * w % _N), ec.multiply(q, r * w % _N))
    return big_r[0] == r and v == 27 + (big_r[1] & 1)


def _wrong_strict_any_v_form(q, z, r, s, v):
    # 27/28, 0/1 and 31/32 all read as the parity
    if not (1 <= r < _N and 1 <= s <= _N // 2):
        return False
    recid = v - 31 if v >= 31 else v - 27 if v >= 27 else v
    return _textbook(q, z, r, s) and recid == _parity(q, z, r, s)


def _wrong_strict_full_recid(q, z, r, s, v):
    # x >= n accepted through the recovery id's second bit instead of refused
    if not (1 <= r < _N and 1 <= s <= _N // 2):
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, z * w % _N), ec.multiply(q, r * w % _N))
    if big_r[0] % _N != r:
        return False
    return v == 27 + (big_r[1] & 1) + 2 * (big_r[0] >= _N)


def _wrong_strict_z_mod_p(q, z, r, s, v):
    # z reduced by p, the field prime, where n, the group order, belongs
    if not (1 <= r < _N and 1 <= s <= _N // 2) or v not in (27, 28):
        return False
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, _N)
    big_r = ec.add(ec.multiply(_G, (z % _P) * w % _N), ec.multiply(q, r * w % _N))
    return big_r[0] == r and v == 27 + (big_r[1] & 1)


verify_strict = FunctionCheck(
    "02.4 verify_strict",
    reference=_verify_strict,
    cases=_strict_cases,
    hints=[
        "Start from the lesson's textbook my_verify (r, s in [1, n-1], "
        "R = u1·G + u2·Q, R.x mod n == r) and add the chain's two rules (section 11).",
        "Low s means s <= N // 2 (N is odd, so N // 2 itself is low). v must be "
        "27 + (R.y & 1) for the R you rebuilt; 27 and 28 are the only valid "
        "values. r = 0 or s = 0 is refused (False), never an error: s = 0 has no "
        "inverse.",
        "if s > N // 2 or v not in (27, 28): return False ... "
        "R = add(multiply(G, z*w % N), multiply(Q, r*w % N)); "
        "return R[0] < N and R[0] % N == r and v == 27 + (R[1] & 1) (an R whose "
        "x is N + r would need a recovery id v has no room for)",
    ],
    wrong=[
        lambda q, z, r, s, v: _textbook(q, z, r, s),  # no low-s, no v
        lambda q, z, r, s, v: _textbook(q, z, r, s) and s <= _N // 2,  # no v check
        lambda q, z, r, s, v: (
            _textbook(q, z, r, s) and s < _N // 2 and v == 27 + _parity(q, z, r, s)
        ),  # s = n/2 rejected
        lambda q, z, r, s, v: (
            _textbook(q, z, r, s) and s <= _N // 2 + 1 and v == 27 + _parity(q, z, r, s)
        ),
        lambda q, z, r, s, v: (
            _textbook(q, z, r, s) and s <= _N // 2 and v == 28 - _parity(q, z, r, s)
        ),  # parity inverted
        lambda q, z, r, s, v: (
            _textbook(q, z, r % _N, s)
            and s <= _N // 2
            and v == 27 + _parity(q, z, r % _N, s)
        ),  # r reduced mod n first: accepts r + N
        lambda q, z, r, s, v: (
            _textbook(q, z, r, s) and v in (27, 28)
        ),  # only the range of v
        _wrong_strict_no_range,
        _wrong_strict_x_mod_n,
        lambda q, z, r, s, v: (
            _textbook(q, z, r, s % _N)
            and s % _N <= _N // 2
            and v == 27 + _parity(q, z, r, s % _N)
        ),  # s reduced mod n first: accepts s + N
        _wrong_strict_r_unbounded,
        _wrong_strict_s_not_positive,
        _wrong_strict_z_mod_p,
        _wrong_strict_any_v_form,
        _wrong_strict_full_recid,
    ],
)


# -- 02.5 low_s: a Bitcoin signature in the chain's form ---------------------------
def _low_s(point, z: int, r: int, s: int) -> tuple[int, int, int]:
    """(r, low s, v): the one form our chain accepts, found by refimpl's verify."""
    from refimpl.crypto import PublicKey, Signature

    r, s = int(r), int(s)
    s_low = min(s, _N - s)
    key = PublicKey(tuple(int(c) for c in point))
    for v in (27, 28):
        if key.verify(int(z).to_bytes(32, "big"), Signature(r, s_low, v)):
            return r, s_low, v
    raise ValueError("not a valid signature")  # pragma: no cover - cases are valid


def _low_s_cases() -> list[tuple]:
    """Valid textbook signatures (no v), low and high s, by keys new to the lesson."""
    from py_ecc.secp256k1 import secp256k1 as ec

    cases = []
    for d, text, name in [
        (0xC0FFEE, b"pay 5 to bob", "pay 5 to bob"),
        (0xBEEF, b"block 7, tx 2", "block 7, tx 2"),
        (2**200 + 12345, b"ChainMind", "ChainMind"),
    ]:
        digest = hashlib.sha256(text).digest()
        _, r, s_ = ec.ecdsa_raw_sign(digest, d.to_bytes(32, "big"))
        q = _pt(d, f"Q(key {d:#x})")
        z = _num(int.from_bytes(digest, "big"), f"z({name!r})")
        low = min(s_, _N - s_)
        cases.append((q, z, _num(r, "r"), _num(low, "s (low)")))
        cases.append((q, z, _num(r, "r"), _num(_N - low, "N - s (high)")))
    d = 0xC0FFEE
    q = _pt(d, f"Q(key {d:#x})")
    for k, s_, name in [
        (12345, _N // 2, "N // 2"),
        (12345, _N // 2 + 1, "N // 2 + 1"),
        (777, _N - 1, "N - 1"),
        (778, 1, "1"),
    ]:
        z, r, s_, _ = _forge_with_s(d, k, s_)
        cases.append((q, _num(z, "z"), _num(r, f"r(k={k})"), _num(s_, name)))
    return cases


def _wrong_low_s_v_before_mirror(q, z, r, s):
    # v from the R of the signature as given: right for low s, wrong for high s
    return (r, min(s, _N - s), 27 + _parity(q, z, r, s))


def _wrong_low_s_lesson_flip(q, z, r, s):
    # the lesson's flip applied to a v computed after mirroring: flips it twice
    s_low = min(s, _N - s)
    v = 27 + _parity(q, z, r, s_low)
    return (r, s_low, 55 - v) if s > _N // 2 else (r, s_low, v)


def _wrong_low_s_at_half(q, z, r, s):
    s = _N - s if s >= _N // 2 else s  # mirrors s = N // 2, which is already low
    return (r, s, 27 + _parity(q, z, r, s))


def _wrong_low_s_v_as_bool(q, z, r, s):
    # the parity itself, not 27 + parity
    s_low = min(s, _N - s)
    return (r, s_low, bool(_parity(q, z, r, s_low)))


def _low_s_numpy_v(q, z, r, s):
    r, s_low, v = _low_s(q, z, r, s)
    return r, s_low, np.int64(v)  # v as a numpy int (a parity read from an array)


def _low_s_numpy_all(q, z, r, s):
    # every part from a numpy array of Python ints (dtype object) and numpy ints
    r, s_low, v = _low_s(q, z, r, s)
    parts = np.array([r, s_low], dtype=object)
    return parts[0], parts[1], np.uint8(v)


def _offset(name: str, diff: int) -> str:
    return name if diff == 0 else f"{name} {'+-'[diff < 0]} {abs(diff)}"


def _n_relative(value: int, args: tuple = ()) -> str:
    """A big int the way the check names its inputs: the input it equals or is near
    ("s (low) + 1", "N - r"), or near N // 2 or N ("N // 2 + 1", "N - 5"), since 78
    decimal digits would hide where it differs; any other one in hex, its first and
    last 16 digits."""
    named = [(a, repr(a)) for a in args if isinstance(a, _NamedInt)]
    for base, name in [*named, (_N // 2, "N // 2"), (_N, "N")]:
        if abs(value - base) < 2**64:
            return _offset(name, value - base)
    for base, name in named:
        if value == _N - base:
            return f"N - {name}"
    sign, digits = ("-", f"{-value:x}") if value < 0 else ("", f"{value:x}")
    if len(digits) <= 40:
        return f"{sign}0x{digits}"
    negative = ", negative" if sign else ""
    return f"{sign}0x{digits[:16]}…{digits[-16:]} ({len(digits)} hex digits{negative})"


def _named_item(item: object, args: tuple) -> object:
    """A big plain int of the learner's answer, named for feedback; anything else
    (small ints, numpy ints, an input returned as it is) as it is."""
    if type(item) is not int or item.bit_length() <= 64:
        return item
    return _num(item, _n_relative(item, args))


class _NamedIntsCheck(FunctionCheck):
    """A FunctionCheck whose messages show the big ints of a returned tuple as the
    inputs are shown ("N // 2 + 1", "N - 1", "r"), never as 78 digits."""

    def _run(self, answer: object) -> None:
        def named(*args: object) -> object:
            got = answer(*args)  # type: ignore[operator]
            if type(got) is tuple:
                return tuple(_named_item(item, args) for item in got)
            return got

        super()._run(named if callable(answer) else answer)


low_s = _NamedIntsCheck(
    "02.5 low_s",
    reference=_low_s,
    cases=_low_s_cases,  # compared exactly: a tuple of three ints (numpy ints too)
    hints=[
        "Two steps: the low twin of s (s <= N // 2 is low; N - s otherwise), and the "
        "recovery id that goes with it. A Bitcoin signature has no v, so you must "
        "rebuild R, exactly as verify_strict does.",
        "v is 27 + (R.y & 1) for the R that verification rebuilds from the LOW s. "
        "Mirroring s mirrors R: the v of the high twin is the other one.",
        "s = min(s, N - s); w = pow(s, -1, N); R = add(multiply(G, z * w % N), "
        "multiply(Q, r * w % N)); return (r, s, 27 + (R[1] & 1))",
    ],
    wrong=[
        _wrong_low_s_v_before_mirror,
        _wrong_low_s_lesson_flip,
        lambda q, z, r, s: (r, min(s, _N - s), 27),  # v guessed
        lambda q, z, r, s: (r, s, 27 + _parity(q, z, r, s)),  # s never mirrored
        # >= at the boundary: exactly n/2 is already low
        _wrong_low_s_at_half,
        lambda q, z, r, s: (r, min(s, _N - s), 28 - _parity(q, z, r, min(s, _N - s))),
        lambda q, z, r, s: list(_low_s(q, z, r, s)),  # a list, not a tuple
        lambda q, z, r, s: (r, min(s, _N - s)),  # v forgotten
        # v as a float (27.0 or 28.0): the text asks for three ints
        lambda q, z, r, s: (lambda t: (t[0], t[1], float(t[2])))(_low_s(q, z, r, s)),
        _wrong_low_s_v_as_bool,
    ],
)
# The type policy: numpy integers are ints (a parity read from a numpy array).
low_s.right += [_low_s_numpy_v, _low_s_numpy_all]


# Right answers built on the course's own API, as lesson 02 shows it (the checks pass
# labelled ints; refimpl.crypto takes any int that is not a bool).
def _strict_by_refimpl(q, z, r, s, v) -> bool:
    from refimpl.crypto import PublicKey, Signature

    if not 0 <= z < 2**256:
        return False
    try:
        return PublicKey(q).verify(z.to_bytes(32, "big"), Signature(r, s, v))
    except ValueError:
        return False


def _low_s_by_recovery(q, z, r, s):
    from refimpl.crypto import Signature

    if s > _N // 2:
        s = _N - s
    for v in (27, 28):
        try:
            if Signature(r, s, v).recover(z.to_bytes(32, "big")).point == tuple(q):
                return (r, s, v)
        except ValueError:
            continue
    return None


verify_strict.right.append(_strict_by_refimpl)
low_s.right.append(_low_s_by_recovery)
