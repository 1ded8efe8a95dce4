"""Account addresses: Bitcoin's P2PKH Base58Check, byte for byte.

An address is ``Base58Check(0x00 || HASH160(compressed SEC 1 public key))``, the
same string Bitcoin shows for that key (private key 1 gives
``1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH``). The last 4 payload bytes are the first
4 bytes of ``sha256d(version || hash160)``, so a typo is caught with
probability about 1 - 2**-32. Addresses are plain ``str`` (usable as dict keys).
References: Bitcoin wiki "Base58Check encoding", Bitcoin Core ``src/base58.cpp``.
Introduced in lesson 02.
"""

from __future__ import annotations

from .hashing import hash160, sha256d

__all__ = [
    "ALPHABET",
    "P2PKH_VERSION",
    "MAX_BASE58CHECK_CHARS",
    "b58encode",
    "b58decode",
    "b58check_encode",
    "b58check_decode",
    "p2pkh_address",
    "address_checksum_ok",
    "is_valid_address",
]

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
P2PKH_VERSION = 0x00
MAX_BASE58CHECK_CHARS = 128
"""Longest Base58Check text we decode. Base58 decoding is quadratic in the length
(one big-number multiply per character), so a long string is refused up front; the
longest Base58Check strings in use, extended keys, are 111 characters."""


def b58encode(data: bytes) -> str:
    """Base58 of ``data``; each leading zero byte becomes a leading '1'."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(ALPHABET[rem])
    pad = len(data) - len(data.lstrip(b"\x00"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; ValueError on a character outside the alphabet."""
    if not isinstance(text, str):
        raise ValueError("base58 text must be a str")
    n = 0
    for c in text:
        if c not in _INDEX:
            raise ValueError(f"invalid base58 character {c!r}")
        n = n * 58 + _INDEX[c]
    pad = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\x00" * pad + body


def b58check_encode(payload: bytes) -> str:
    """Base58 of ``payload || sha256d(payload)[:4]`` (Base58Check)."""
    return b58encode(payload + sha256d(payload)[:4])


def b58check_decode(text: str) -> bytes:
    """The payload of a Base58Check string; ValueError if malformed or mistyped
    (or longer than :data:`MAX_BASE58CHECK_CHARS`)."""
    if isinstance(text, str) and len(text) > MAX_BASE58CHECK_CHARS:
        raise ValueError(
            f"base58check string longer than {MAX_BASE58CHECK_CHARS} characters"
        )
    raw = b58decode(text)
    if len(raw) < 5:
        raise ValueError("base58check string too short")
    payload, checksum = raw[:-4], raw[-4:]
    if sha256d(payload)[:4] != checksum:
        raise ValueError("base58check checksum mismatch (a typo?)")
    return payload


def p2pkh_address(sec_pubkey: bytes) -> str:
    """Bitcoin P2PKH address of a SEC 1 encoded public key (33 or 65 bytes).

    The compressed and uncompressed encodings of one key give different
    addresses, as in Bitcoin. Introduced in lesson 02.
    """
    return b58check_encode(bytes([P2PKH_VERSION]) + hash160(sec_pubkey))


def address_checksum_ok(address: str) -> bool:
    """True if ``address`` is Base58 whose 4-byte checksum matches (any version).

    Never raises; anything that is not a str of at most
    :data:`MAX_BASE58CHECK_CHARS` characters gives False at once (bounded time).
    """
    if not isinstance(address, str) or len(address) > MAX_BASE58CHECK_CHARS:
        return False
    try:
        b58check_decode(address)
    except ValueError:
        return False
    return True


def is_valid_address(address: object) -> bool:
    """True for a well-formed P2PKH address: checksum, version 0x00, 20-byte hash.

    Never raises: anything that is not such a string gives False.
    """
    if not isinstance(address, str) or not 26 <= len(address) <= 35:
        return False
    try:
        payload = b58check_decode(address)
    except ValueError:
        return False
    if len(payload) != 21 or payload[0] != P2PKH_VERSION:
        return False
    return b58check_encode(payload) == address  # one spelling per address
