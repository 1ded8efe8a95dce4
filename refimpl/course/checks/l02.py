"""Checks for lesson 02 (keys and signatures): curve points, SEC 1, addresses, ECDSA."""

from __future__ import annotations

import hashlib

from refimpl.course import Check, FunctionCheck, Wrong
from refimpl.course.feedback import call_learner, describe_mismatch, reject_stub

__all__ = ["ec_add", "compress", "address", "verify", "low_s"]

# secp256k1 (SEC 2 §2.4.1)
_P = 2**256 - 2**32 - 977
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def _add(p1: tuple[int, int], p2: tuple[int, int]) -> tuple[int, int]:
    """Affine addition (p1 != -p2), doubling when p1 == p2."""
    if p1 == p2:
        lam = 3 * p1[0] * p1[0] * pow(2 * p1[1], -1, _P) % _P
    else:
        lam = (p2[1] - p1[1]) * pow(p2[0] - p1[0], -1, _P) % _P
    x3 = (lam * lam - p1[0] - p2[0]) % _P
    return x3, (lam * (p1[0] - x3) - p1[1]) % _P


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


# -- 02.1 ec_add -------------------------------------------------------------------
def _wrong_add_chord_always(p1, p2):
    lam = (p2[1] - p1[1]) * pow((p2[0] - p1[0]) or 1, -1, _P) % _P
    x3 = (lam * lam - p1[0] - p2[0]) % _P
    return x3, (lam * (p1[0] - x3) - p1[1]) % _P


def _wrong_add_no_negate(p1, p2):
    x3, y3 = _add(p1, p2)
    return x3, (_P - y3) % _P  # the third intersection point, not its mirror


def _wrong_add_mod_n(p1, p2):
    if p1 == p2:
        lam = 3 * p1[0] * p1[0] * pow(2 * p1[1], -1, _N) % _N
    else:
        lam = (p2[1] - p1[1]) * pow(p2[0] - p1[0], -1, _N) % _N
    x3 = (lam * lam - p1[0] - p2[0]) % _P
    return x3, (lam * (p1[0] - x3) - p1[1]) % _P


ec_add = FunctionCheck(
    "02.1 ec_add",
    reference=_add,
    cases=lambda: [
        (_pt(1), _pt(2)),
        (_pt(1), _pt(1)),
        (_pt(2), _pt(3)),
        (_pt(7), _pt(11)),
        (_pt(5), _pt(5)),
    ],
    hints=[
        "Two cases: different points use the slope of the line through them; equal "
        "points use the slope of the tangent. All arithmetic is modulo p.",
        "Chord: λ = (y2 - y1) / (x2 - x1); tangent: λ = 3·x1² / (2·y1). Divide by "
        "multiplying with pow(d, -1, P). Then x3 = λ² - x1 - x2, y3 = λ(x1 - x3) - y1.",
        "if p1 == p2: lam = 3*x1*x1 * pow(2*y1, -1, P) % P\n"
        "else: lam = (y2 - y1) * pow(x2 - x1, -1, P) % P\n"
        "x3 = (lam*lam - x1 - x2) % P; y3 = (lam*(x1 - x3) - y1) % P",
    ],
    solution=(
        "def ec_add(p1, p2):\n"
        "    (x1, y1), (x2, y2) = p1, p2\n"
        "    if p1 == p2:\n"
        "        lam = 3 * x1 * x1 * pow(2 * y1, -1, P) % P\n"
        "    else:\n"
        "        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P\n"
        "    x3 = (lam * lam - x1 - x2) % P\n"
        "    return x3, (lam * (x1 - x3) - y1) % P"
    ),
    wrong=[_wrong_add_chord_always, _wrong_add_no_negate, _wrong_add_mod_n],
)


# -- 02.2 compress -----------------------------------------------------------------
def _compress(point: tuple[int, int]) -> bytes:
    return bytes([2 + (point[1] & 1)]) + point[0].to_bytes(32, "big")


compress = FunctionCheck(
    "02.2 compress",
    reference=_compress,
    cases=lambda: [(_pt(1),), (_pt(2),), (_pt(3),), (_pt(6),)],
    hints=[
        "SEC 1 §2.3.3: one prefix byte, then x as 32 big-endian bytes (33 in all).",
        "The prefix says which of the two possible y values it is: 0x02 if y is "
        "even, 0x03 if y is odd.",
        "bytes([2 + (y & 1)]) + x.to_bytes(32, 'big')",
    ],
    solution=(
        "def compress(point):\n"
        "    x, y = point\n"
        "    return bytes([2 + (y & 1)]) + x.to_bytes(32, 'big')"
    ),
    wrong=[
        lambda pt: b"\x02" + pt[0].to_bytes(32, "big"),  # always 'even'
        lambda pt: bytes([3 - (pt[1] & 1)]) + pt[0].to_bytes(32, "big"),  # inverted
        lambda pt: bytes([2 + (pt[1] & 1)]) + pt[0].to_bytes(32, "little"),
        lambda pt: b"\x04" + pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big"),
    ],
)


# -- 02.3 address ------------------------------------------------------------------
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

# Public vectors: SEC 1 public key -> Bitcoin P2PKH address (private keys 1, 2, 3;
# the uncompressed key 1 and the key Bitcoin's genesis coinbase pays).
_KNOWN = {
    "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798":
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
    "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5":
        "1cMh228HTCiwS8ZsaakH8A8wze1JR5ZsP",
    "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9":
        "1CUNEBjYrCn2y1SdiUMohaKUi4wpP326Lb",
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8":
        "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm",
    "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
    "49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f":
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
}  # fmt: skip


def _address(pubkey: bytes) -> str:
    return _KNOWN[pubkey.hex()]


def _b58(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), ""
    while n:
        n, rem = divmod(n, 58)
        out = _B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + out


def _ripemd160(data: bytes) -> bytes:
    try:
        return hashlib.new("ripemd160", data).digest()
    except ValueError:  # pragma: no cover - OpenSSL without RIPEMD-160
        from refimpl.crypto.ripemd160 import ripemd160

        return ripemd160(data)


def _wrong_address(pubkey: bytes, *, version: bytes = b"\x00", double: bool = True):
    h160 = _ripemd160(hashlib.sha256(pubkey).digest())
    payload = version + h160
    check = hashlib.sha256(payload).digest()
    if double:
        check = hashlib.sha256(check).digest()
    return _b58(payload + check[:4])


address = FunctionCheck(
    "02.3 address",
    reference=_address,
    cases=[(bytes.fromhex(k),) for k in _KNOWN],
    hints=[
        "Bitcoin's P2PKH address: hash the public key, put a version byte in front, "
        "append a checksum, write it in Base58.",
        "payload = b'\\x00' + hash160(pubkey), where hash160 is RIPEMD-160 of "
        "SHA-256. The checksum is the first 4 bytes of sha256d(payload).",
        "b58encode(payload + sha256d(payload)[:4]), with b58encode from the lesson "
        "(leading zero bytes become '1's).",
    ],
    solution=(
        "def address(pubkey):\n"
        "    payload = b'\\x00' + hash160(pubkey)\n"
        "    return b58encode(payload + sha256d(payload)[:4])"
    ),
    wrong=[
        lambda pk: _wrong_address(pk, version=b""),  # no version byte
        lambda pk: _wrong_address(pk, double=False),  # single-SHA-256 checksum
        lambda pk: _b58(b"\x00" + _ripemd160(pk) + hashlib.sha256(pk).digest()[:4]),
    ],
)


# -- 02.4 verify -------------------------------------------------------------------
def _verify(point: tuple[int, int], z: int, r: int, s: int) -> bool:
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    w = pow(s, -1, _N)
    u1_g = _mul(z * w % _N, _G)
    u2_q = _mul(r * w % _N, point)
    if u1_g is None:
        big_r = u2_q
    elif u2_q is None:
        big_r = u1_g
    elif u1_g[0] == u2_q[0] and u1_g[1] != u2_q[1]:
        return False  # they cancel: R is infinity
    else:
        big_r = _add(u1_g, u2_q)
    return big_r is not None and big_r[0] % _N == r


def _signed_cases() -> list[tuple]:
    from py_ecc.secp256k1 import secp256k1 as ec

    cases = []
    for d, text in ((1, b"Satoshi Nakamoto"), (0xC0FFEE, b"pay 5 to bob")):
        digest = hashlib.sha256(text).digest()
        _, r_int, s_int = ec.ecdsa_raw_sign(digest, d.to_bytes(32, "big"))
        q = _pt(d, f"Q(key {d:#x})")
        other = _pt(d + 1, f"Q(key {d + 1:#x}: not the signer)")
        z = _num(int.from_bytes(digest, "big"), f"z({text.decode()!r})")
        z_bad = _num(z ^ 1, f"z({text.decode()!r}, 1 bit flipped)")
        r, s = _num(r_int, "r"), _num(s_int, "s")
        cases += [
            (q, z, r, s),  # valid
            (q, z_bad, r, s),  # tampered message
            (other, z, r, s),  # wrong key
            (q, z, r, _num(_N - s, "N - s")),  # high-s twin: valid in textbook ECDSA
            (q, z, _num(0, "0"), s),  # r out of range
            (q, z, r, _num(_N, "N")),  # s out of range
        ]
    return cases


def _wrong_verify_compare_s(point, z, r, s):
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    w = pow(s, -1, _N)
    big_r = _add(_mul(z * w % _N, _G), _mul(r * w % _N, point))
    return big_r[0] % _N == s


def _wrong_verify_no_inverse(point, z, r, s):
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    big_r = _add(_mul(z * s % _N, _G), _mul(r * s % _N, point))
    return big_r[0] % _N == r


verify = FunctionCheck(
    "02.4 verify",
    reference=_verify,
    cases=_signed_cases,
    hints=[
        "SEC 1 §4.1.4: reject r or s outside [1, n-1]; then rebuild the nonce point R "
        "from public data only and compare its x coordinate with r.",
        "w = s⁻¹ mod n, u1 = z·w mod n, u2 = r·w mod n, R = u1·G + u2·Q. Scalars are "
        "mod n (the group order), coordinates mod p.",
        "if not (1 <= r < N and 1 <= s < N): return False\n"
        "w = pow(s, -1, N); R = add(multiply(G, z*w % N), multiply(Q, r*w % N))\n"
        "return R[0] % N == r",
    ],
    solution=(
        "def verify(Q, z, r, s):\n"
        "    if not (1 <= r < N and 1 <= s < N):\n"
        "        return False\n"
        "    w = pow(s, -1, N)\n"
        "    R = add(multiply(G, z * w % N), multiply(Q, r * w % N))\n"
        "    return R[0] % N == r"
    ),
    wrong=[
        lambda point, z, r, s: True,
        _wrong_verify_compare_s,
        _wrong_verify_no_inverse,
        lambda point, z, r, s: _verify(point, z, r, s) and s <= _N // 2,  # policy
    ],
)


# -- 02.5 low_s --------------------------------------------------------------------
def _low_s(sig: tuple[int, int, int]) -> tuple[int, int, int]:
    r, s, v = sig
    if s > _N // 2:
        return r, _N - s, 27 + ((v - 27) ^ 1)
    return r, s, v


def _low_s_cases() -> list[tuple[str, tuple[int, int, int]]]:
    """(label, signature): the label names r and s, so the feedback stays readable."""
    r = 0x934B1EA10A4B3C1757E2B0C017D0B6143CE3C9A7E6A4A49860D7A6AB210EE3D8
    s = 0x2442CE9D2B916064108014783E923EC36B49743E2FFA1C4496F01A512AAFD9E5
    half = _N // 2
    return [
        ("(r, s, 28)", (r, s, 28)),  # already low: unchanged
        ("(r, N - s, 27)", (r, _N - s, 27)),  # its high twin
        ("(r, N - s, 28)", (r, _N - s, 28)),
        ("(5, N // 2, 27)", (5, half, 27)),  # exactly half is low
        ("(5, N // 2 + 1, 28)", (5, half + 1, 28)),
        ("(7, N - 1, 27)", (7, _N - 1, 27)),
    ]


def _test_low_s(answer: object) -> None:
    """A FunctionCheck whose inputs print by name ("N - s"), not as 78 digits."""
    if not callable(answer):
        kind = type(answer).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise Wrong(
            f"expected a function, got {article} {kind}; pass the function itself, "
            f"without calling it"
        )
    for index, (label, sig) in enumerate(_low_s_cases()):
        call = f"low_s({label})"
        got = call_learner(answer, (sig,), call)
        reject_stub(got, call, first=index == 0)
        expected = _low_s(sig)
        if not (type(got) is tuple and got == expected):
            raise Wrong(f"{call} {describe_mismatch(got, expected)}")


low_s = Check(
    "02.5 low_s",
    _test_low_s,
    right=[_low_s],
    hints=[
        "(r, s) and (r, n - s) are both valid; the low-s rule keeps only the one with "
        "s <= n/2. Replacing s mirrors the nonce point R, so its y flips parity.",
        "If s > n // 2: use n - s and swap v between 27 and 28. Otherwise return the "
        "signature unchanged.",
        "if s > N // 2: return (r, N - s, 55 - v)\nreturn (r, s, v)",
    ],
    solution=(
        "def low_s(sig):\n"
        "    r, s, v = sig\n"
        "    if s > N // 2:\n"
        "        return (r, N - s, 55 - v)   # 27 <-> 28\n"
        "    return (r, s, v)"
    ),
    wrong=[
        lambda sig: (sig[0], _N - sig[1], sig[2]) if sig[1] > _N // 2 else sig,
        lambda sig: (sig[0], _N - sig[1], 55 - sig[2]),  # always flips
        lambda sig: (sig[0], min(sig[1], _N - sig[1]), sig[2]),
        lambda sig: (sig[0], sig[1] % (_N // 2), sig[2]),
    ],
)
