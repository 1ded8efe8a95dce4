"""Issue 14 §4: signing is RFC 6979 byte for byte, for every 32-byte digest.

RFC 6979 §2.3.4 (bits2octets) reduces the digest mod n before it goes into the
HMAC; py-ecc does not, so for a digest >= n it picked another nonce than every
standard signer. The independent reference here is python-ecdsa
(``ecdsa.rfc6979.generate_k`` and ``SigningKey.sign_digest_deterministic``), a
test-only dependency; libsecp256k1 gives the same signatures (it uses the same
nonce and normalises to low-s, as we do).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.crypto import CURVE_ORDER, PrivateKey, Signature
from refimpl.crypto.keys import rfc6979_nonce

ecdsa = pytest.importorskip("ecdsa")
from ecdsa.rfc6979 import generate_k  # noqa: E402

N = CURVE_ORDER


def reference(secret: int, digest: bytes) -> tuple[int, int, int]:
    """(k, r, low-s) from python-ecdsa."""
    k = generate_k(N, secret, hashlib.sha256, digest)
    sk = ecdsa.SigningKey.from_secret_exponent(
        secret, curve=ecdsa.SECP256k1, hashfunc=hashlib.sha256
    )
    r, s = sk.sign_digest_deterministic(
        digest, hashfunc=hashlib.sha256, sigencode=lambda r, s, order: (r, s),
        allow_truncate=True,
    )  # fmt: skip
    return k, r, min(s, N - s)


def ours(secret: int, digest: bytes) -> tuple[int, int, int]:
    sig = PrivateKey(secret).sign(digest)
    return rfc6979_nonce(secret, digest), sig.r, sig.s


def test_published_vector_private_key_1() -> None:
    # The widely used secp256k1 RFC 6979 vector (bitcoinjs, Trezor, python-ecdsa).
    digest = hashlib.sha256(b"Satoshi Nakamoto").digest()
    k = 0x8F8A276C19F4149656B280621E358CCE24F5F52542772691EE69063B74F15D15
    r = 0x934B1EA10A4B3C1757E2B0C017D0B6143CE3C9A7E6A4A49860D7A6AB210EE3D8
    s = 0x2442CE9D2B916064108014783E923EC36B49743E2FFA1C4496F01A512AAFD9E5
    assert ours(1, digest) == (k, r, s) == reference(1, digest)


@pytest.mark.parametrize(
    "z",
    [N, N + 1, N + 12345, 2**256 - 1, 2**256 - 2**128, (N + 2**256) // 2],
    ids=["n", "n+1", "n+12345", "2^256-1", "2^256-2^128", "mid"],
)
@pytest.mark.parametrize("secret", [1, 2, N - 1, 0xC0FFEE, 2**255 + 17])
def test_digests_at_or_above_n_sign_like_the_standard(z: int, secret: int) -> None:
    digest = z.to_bytes(32, "big")
    assert ours(secret, digest) == reference(secret, digest)
    # a digest >= n signs exactly as digest - n (the reduction RFC 6979 asks for)
    low = (z - N).to_bytes(32, "big")
    assert PrivateKey(secret).sign(digest) == PrivateKey(secret).sign(low)
    sig = PrivateKey(secret).sign(digest)
    assert PrivateKey(secret).public_key.verify(digest, sig)
    assert sig.recover(digest) == PrivateKey(secret).public_key


def test_py_ecc_alone_disagrees_above_n() -> None:
    """Why the course signs with its own nonce: py-ecc's differs for such digests."""
    from py_ecc.secp256k1 import secp256k1 as ec

    digest = (N + 1).to_bytes(32, "big")
    key = PrivateKey(7)
    v, r, s = ec.ecdsa_raw_sign(digest, key.to_bytes())
    assert (r, s) != (key.sign(digest).r, key.sign(digest).s)
    assert ec.deterministic_generate_k(digest, key.to_bytes()) != rfc6979_nonce(
        7, digest
    )


@settings(max_examples=60, deadline=None)
@given(
    secret=st.integers(1, N - 1),
    digest=st.one_of(
        st.binary(min_size=32, max_size=32),
        st.integers(N, 2**256 - 1).map(lambda z: z.to_bytes(32, "big")),
    ),
)
def test_random_digests_agree_with_python_ecdsa(secret: int, digest: bytes) -> None:
    assert ours(secret, digest) == reference(secret, digest)
    sig = PrivateKey(secret).sign(digest)
    assert isinstance(sig, Signature) and sig.is_low_s
    assert PrivateKey(secret).public_key.verify(digest, sig)
