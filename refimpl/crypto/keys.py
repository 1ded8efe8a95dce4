"""Keys and ECDSA signatures on secp256k1, built on py-ecc's curve arithmetic.

* :class:`PrivateKey` signs with RFC 6979 deterministic nonces (:func:`rfc6979_nonce`,
  HMAC-SHA256, the digest reduced mod n as §2.3.4 ``bits2octets`` says, so it
  agrees byte for byte with libsecp256k1 and python-ecdsa for every 32-byte digest;
  py-ecc's own ``ecdsa_raw_sign`` skips that reduction), normalised to low-s
  (BIP 62/BIP 146, EIP-2).
* :class:`PublicKey` encodes and parses SEC 1 §2.3.3/§2.3.4 points and *verifies*
  with the textbook ECDSA check of SEC 1 §4.1.4 (py-ecc has no verify).
* :class:`Signature` holds ``r, s, v`` (``v = 27 + recovery id``, py-ecc's and
  Ethereum's convention) and serialises to 65 bytes ``r || s || v``.

Speed: verification computes ``u1·G + u2·Q`` with Shamir's trick (one shared chain
of doublings for both products), a 4-bit window table of ``Q`` cached per key and
an 8-bit table of multiples of ``G`` computed once. It is about 3x faster than
verifying by ``ecdsa_raw_recover`` (see ``benchmarks/bench_crypto.py``).
Introduced in lesson 02.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from py_ecc.secp256k1 import secp256k1 as _ec

from .address import p2pkh_address

__all__ = [
    "CURVE_ORDER",
    "FIELD_PRIME",
    "GENERATOR",
    "is_on_curve",
    "rfc6979_nonces",
    "rfc6979_nonce",
    "PrivateKey",
    "PublicKey",
    "Signature",
]

FIELD_PRIME: int = _ec.P  # p: coordinates live in GF(p)
CURVE_ORDER: int = _ec.N  # n: the number of points; scalars live mod n
GENERATOR: tuple[int, int] = (_ec.Gx, _ec.Gy)  # G (SEC 2 §2.4.1)
_HALF_N = CURVE_ORDER // 2

Jacobian = tuple[int, int, int]


def is_on_curve(point: tuple[int, int]) -> bool:
    """True if ``point = (x, y)`` satisfies y² = x³ + 7 over GF(p) (SEC 2 §2.4.1)."""
    x, y = point
    p = FIELD_PRIME
    return 0 <= x < p and 0 <= y < p and (y * y - x * x * x - 7) % p == 0


def _to_affine(pt: Jacobian) -> tuple[int, int]:
    """Jacobian (X, Y, Z) -> affine (X/Z², Y/Z³); one modular inversion."""
    zi = pow(pt[2], -1, FIELD_PRIME)
    zi2 = zi * zi % FIELD_PRIME
    return pt[0] * zi2 % FIELD_PRIME, pt[1] * zi2 * zi % FIELD_PRIME


def _multiples(point: tuple[int, int], count: int) -> list[Jacobian]:
    """[0·P (unused), 1·P, ..., count·P] as Jacobian points with Z = 1."""
    base = _ec.to_jacobian(point)
    table = [(0, 0, 1), base]
    for _ in range(count - 1):
        table.append(_ec.jacobian_add(table[-1], base))
    return [table[0]] + [(*_to_affine(pt), 1) for pt in table[1:]]


_G_TABLE: list[Jacobian] = []


def _g_table() -> list[Jacobian]:
    """0..255 times G (8-bit window), computed on first use (a few ms)."""
    if not _G_TABLE:
        _G_TABLE.extend(_multiples(GENERATOR, 255))
    return _G_TABLE


def _shamir(u1: int, u2: int, q_table: list[Jacobian]) -> Jacobian:
    """u1·G + u2·Q with one shared doubling chain (Shamir's / Straus' trick).

    Walk the scalars from the top, 4 bits at a time: double 4 times, add the
    window of u2 from Q's table, and after every second window add the byte of u1
    from G's table. 256 doublings and at most 96 additions, instead of two full
    double-and-add ladders.
    """
    g_table = _g_table()
    add, double = _ec.jacobian_add, _ec.jacobian_double
    acc: Jacobian = (0, 0, 1)  # the point at infinity (py-ecc: y == 0)
    for j in range(64):
        if acc[1]:
            acc = double(double(double(double(acc))))
        nibble = (u2 >> (252 - 4 * j)) & 0xF
        if nibble:
            acc = add(acc, q_table[nibble])
        if j & 1:
            byte = (u1 >> (248 - 8 * (j >> 1))) & 0xFF
            if byte:
                acc = add(acc, g_table[byte])
    return acc


def rfc6979_nonces(secret: int, msg_hash: bytes) -> Iterator[int]:
    """The candidate nonces k of RFC 6979 §3.2 for secp256k1 and HMAC-SHA256.

    Step d/f feed ``int2octets(x) || bits2octets(h1)``, where bits2octets (§2.3.4)
    reduces the digest mod n first: a digest >= n is signed as digest - n, as
    libsecp256k1 and python-ecdsa do. Candidates outside [1, n-1] are skipped
    (step h.3); the signer takes the next one if r or s comes out 0.
    Introduced in lesson 02.
    """
    n = CURVE_ORDER
    x = secret.to_bytes(32, "big")
    h1 = (int.from_bytes(msg_hash, "big") % n).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32  # steps b, c

    def mac(key: bytes, data: bytes) -> bytes:
        return hmac.new(key, data, hashlib.sha256).digest()

    k = mac(k, v + b"\x00" + x + h1)  # d
    v = mac(k, v)  # e
    k = mac(k, v + b"\x01" + x + h1)  # f
    v = mac(k, v)  # g
    while True:  # h: qlen = hlen = 256, so one HMAC block per candidate
        v = mac(k, v)
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < n:
            yield candidate
        k = mac(k, v + b"\x00")
        v = mac(k, v)


def rfc6979_nonce(secret: int, msg_hash: bytes) -> int:
    """The first RFC 6979 nonce k (what signing uses unless r or s is 0)."""
    return next(rfc6979_nonces(secret, msg_hash))


@dataclass(frozen=True)
class Signature:
    """An ECDSA signature ``(r, s)`` plus ``v = 27 + recovery id``.

    Serialised as 65 bytes ``r (32, big-endian) || s (32) || v (1)``, the layout
    Ethereum uses for ``eth_sign`` and py-ecc returns as (v, r, s). We chose it over
    DER because it has a fixed length, carries the recovery id, and has exactly
    one encoding per signature. ``v`` may be left out (``Signature(r, s)``, 64
    bytes ``r || s``): verification then checks (r, s) alone; when ``v`` is given
    it must be the right recovery id. Introduced in lesson 02.
    """

    r: int
    s: int
    v: int | None = None

    SIZE = 65

    def __post_init__(self) -> None:
        # an int subclass (an IntEnum, a labelled int) is an int: keep its value as
        # a plain int; a bool, a float or a str stays as given and is refused later
        for name in ("r", "s", "v"):
            object.__setattr__(self, name, _plain_int(getattr(self, name)))

    def serialize(self) -> bytes:
        """65 bytes r || s || v (64 bytes r || s when v is None).

        ValueError if a field is out of range.
        """
        if not (_is_scalar(self.r) and _is_scalar(self.s)):
            raise ValueError("signature r and s must be in [1, n-1]")
        rs = self.r.to_bytes(32, "big") + self.s.to_bytes(32, "big")
        if self.v is None:
            return rs
        if not _is_v(self.v):
            raise ValueError("signature v must be 27 or 28")
        return rs + bytes([self.v])

    @classmethod
    def parse(cls, data: bytes) -> Signature:
        """Inverse of :meth:`serialize` (65 or 64 bytes); ValueError if malformed."""
        if not isinstance(data, (bytes, bytearray)) or len(data) not in (64, 65):
            raise ValueError("a signature is 65 bytes r || s || v (or 64: r || s)")
        v = data[64] if len(data) == 65 else None
        sig = cls(
            int.from_bytes(data[:32], "big"), int.from_bytes(data[32:64], "big"), v
        )
        if not (_is_scalar(sig.r) and _is_scalar(sig.s)):
            raise ValueError("signature r and s must be in [1, n-1]")
        if v is not None and not _is_v(v):
            raise ValueError("signature v must be 27 or 28")
        return sig

    @property
    def recovery_id(self) -> int | None:
        """v - 27: the parity of the y coordinate of the nonce point R."""
        return None if self.v is None else self.v - 27

    @property
    def is_low_s(self) -> bool:
        """True if s <= n/2, the only form our verify accepts (BIP 62, EIP-2)."""
        return _is_scalar(self.s) and self.s <= _HALF_N

    def recover(self, msg_hash: bytes) -> PublicKey:
        """The public key that made this signature over ``msg_hash``.

        SEC 1 §4.1.6 via py-ecc's ``ecdsa_raw_recover``: Q = r⁻¹(sR - zG).
        ValueError if no key can be recovered. Introduced in lesson 02.
        """
        if not _is_hash(msg_hash) or not _is_scalar(self.r) or not _is_scalar(self.s):
            raise ValueError("need a 32-byte hash and r, s in [1, n-1]")
        if not _is_v(self.v):
            raise ValueError("recovery needs v = 27 or 28")
        try:
            point = _ec.ecdsa_raw_recover(bytes(msg_hash), (self.v, self.r, self.s))
        except ValueError as exc:
            raise ValueError("no public key can be recovered from this") from exc
        if not is_on_curve(point) or point == (0, 0):
            raise ValueError("no public key can be recovered from this")
        return PublicKey(point)


def _plain_int(x: object) -> object:
    """``int(x)`` for an int subclass that is not a bool; anything else as it is."""
    if isinstance(x, int) and not isinstance(x, bool) and type(x) is not int:
        return int(x)
    return x


def _is_scalar(x: object) -> bool:
    return type(x) is int and 1 <= x < CURVE_ORDER


def _is_v(v: object) -> bool:
    return type(v) is int and v in (27, 28)


def _is_hash(h: object) -> bool:
    return isinstance(h, (bytes, bytearray)) and len(h) == 32


@dataclass(frozen=True)
class PublicKey:
    """A point Q = d·G on secp256k1 (never the point at infinity).

    Construct from a point ``(x, y)`` (ValueError if off the curve), from SEC 1
    bytes with :meth:`from_bytes`, or as ``PrivateKey(d).public_key``.
    Introduced in lesson 02.
    """

    point: tuple[int, int]

    def __post_init__(self) -> None:
        pt = self.point
        if isinstance(pt, tuple):  # int subclasses as plain ints, as in Signature
            pt = tuple(_plain_int(c) for c in pt)
            object.__setattr__(self, "point", pt)
        ok = isinstance(pt, tuple) and len(pt) == 2 and all(type(c) is int for c in pt)
        if not ok or not is_on_curve(pt):
            raise ValueError("public key point is not on secp256k1")

    def to_bytes(self, compressed: bool = True) -> bytes:
        """SEC 1 §2.3.3: 02/03 || x (33 bytes) or 04 || x || y (65 bytes)."""
        x, y = self.point
        if compressed:
            return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")
        return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicKey:
        """Parse SEC 1 §2.3.4 (compressed or uncompressed); ValueError if malformed.

        Rejects the wrong length or prefix, coordinates >= p, an x with no curve
        point (no square root of x³ + 7) and uncompressed points off the curve.
        """
        if not isinstance(data, (bytes, bytearray)):
            raise ValueError("public key must be bytes")
        data = bytes(data)
        p = FIELD_PRIME
        if len(data) == 33 and data[0] in (2, 3):
            x = int.from_bytes(data[1:], "big")
            if x >= p:
                raise ValueError("public key x coordinate >= p")
            y2 = (x * x * x + 7) % p
            y = pow(y2, (p + 1) // 4, p)  # p ≡ 3 (mod 4): a square root if one exists
            if y * y % p != y2:
                raise ValueError("public key x is not on secp256k1")
            if (y & 1) != (data[0] & 1):
                y = p - y
            return cls((x, y))
        if len(data) == 65 and data[0] == 4:
            x = int.from_bytes(data[1:33], "big")
            y = int.from_bytes(data[33:], "big")
            return cls((x, y))  # __post_init__ checks the range and the curve
        raise ValueError(
            "public key must be 33 bytes (02/03 || x) or 65 (04 || x || y)"
        )

    @cached_property
    def address(self) -> str:
        """Bitcoin P2PKH address of the compressed key, e.g. '1BgGZ9tc...'.

        See :mod:`refimpl.crypto.address`. Introduced in lesson 02.
        """
        return p2pkh_address(self.to_bytes(compressed=True))

    @cached_property
    def _q_table(self) -> list[Jacobian]:
        return _multiples(self.point, 15)

    def verify(self, msg_hash: bytes, sig: Signature) -> bool:
        """ECDSA verification (SEC 1 §4.1.4); never raises, False if anything is off.

        Requires a 32-byte hash, ``1 <= r, s < n``, low-s (s <= n/2) and, unless
        ``v`` is None, ``v`` equal to 27 + the parity of R's y, so each (message,
        key) has one valid encoding.
        Then w = s⁻¹, u1 = z·w, u2 = r·w (mod n), R = u1·G + u2·Q and accept iff R
        is not infinity and x(R) mod n == r. Introduced in lesson 02.
        """
        try:
            r, s, v = sig.r, sig.s, sig.v
        except AttributeError:
            return False
        if not (_is_hash(msg_hash) and _is_scalar(r) and _is_scalar(s)):
            return False
        if s > _HALF_N or not (v is None or _is_v(v)):
            return False
        z = int.from_bytes(msg_hash, "big")
        w = pow(s, -1, CURVE_ORDER)
        u1 = z * w % CURVE_ORDER
        u2 = r * w % CURVE_ORDER
        big_r = _shamir(u1, u2, self._q_table)
        if not big_r[1]:
            return False  # R is the point at infinity
        x, y = _to_affine(big_r)
        if x % CURVE_ORDER != r:
            return False
        return v is None or (v == 27 + (y & 1) and x < CURVE_ORDER)


class PrivateKey:
    """A secret scalar d with 1 <= d < n. Its repr never shows the secret.

    Introduced in lesson 02.
    """

    __slots__ = ("_secret", "_public_key")

    def __init__(self, secret: int) -> None:
        if type(secret) is not int:
            raise ValueError("private key must be an int")
        if not 1 <= secret < CURVE_ORDER:
            raise ValueError("private key must be in [1, n-1]")
        self._secret = secret
        self._public_key: PublicKey | None = None

    @property
    def secret(self) -> int:
        """The scalar d."""
        return self._secret

    def to_bytes(self) -> bytes:
        """d as 32 big-endian bytes (the form py-ecc takes)."""
        return self._secret.to_bytes(32, "big")

    @property
    def public_key(self) -> PublicKey:
        """Q = d·G via py-ecc's ``privtopub`` (computed once, ~1.4 ms)."""
        if self._public_key is None:
            self._public_key = PublicKey(_ec.privtopub(self.to_bytes()))
        return self._public_key

    def sign(self, msg_hash: bytes) -> Signature:
        """Deterministic low-s ECDSA signature of a 32-byte hash (SEC 1 §4.1.3).

        k comes from RFC 6979 (:func:`rfc6979_nonces`); R = k·G, r = x(R) mod n,
        s = k⁻¹(z + r·d) mod n with z the hash as an integer. If s > n/2 we use
        n - s and flip the recovery id (BIP 62 low-s), as libsecp256k1 does, so
        the result is byte-identical to it. ValueError unless ``msg_hash`` is 32
        bytes.
        """
        if not _is_hash(msg_hash):
            raise ValueError("sign takes a 32-byte message hash")
        n = CURVE_ORDER
        z = int.from_bytes(msg_hash, "big")
        d = self._secret
        for k in rfc6979_nonces(d, bytes(msg_hash)):
            x, y = _ec.multiply(GENERATOR, k)
            r = x % n
            if r == 0:
                continue
            s = pow(k, -1, n) * (z + r * d) % n
            if s == 0:
                continue
            recid = y & 1
            if x >= n:  # probability ~2**-128; v cannot say it, so take the next k
                continue
            if s > _HALF_N:
                s, recid = n - s, recid ^ 1
            return Signature(r, s, 27 + recid)
        raise AssertionError("unreachable")  # pragma: no cover

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateKey) and other._secret == self._secret

    def __hash__(self) -> int:
        return hash(("PrivateKey", self._secret))

    def __repr__(self) -> str:
        return f"PrivateKey(<secret>, address={self.public_key.address!r})"
