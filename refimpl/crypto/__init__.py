"""Cryptography for the course: hashing (lesson 01), keys and signatures (lesson 02).

Public API::

    from refimpl.crypto import sha256, sha256d, PrivateKey, PublicKey, Signature

``sha256`` is FIPS 180-4 from scratch (no hashlib); ``sha256d`` is the fast double
hash; keys and signatures are secp256k1 ECDSA over py-ecc, with Bitcoin P2PKH
addresses (``PublicKey.address``).
"""

from .address import address_checksum_ok, is_valid_address, p2pkh_address
from .hashing import hash160, sha256d
from .keys import CURVE_ORDER, GENERATOR, PrivateKey, PublicKey, Signature
from .sha256 import sha256

__all__ = [
    "sha256",
    "sha256d",
    "hash160",
    "PrivateKey",
    "PublicKey",
    "Signature",
    "CURVE_ORDER",
    "GENERATOR",
    "p2pkh_address",
    "is_valid_address",
    "address_checksum_ok",
]
