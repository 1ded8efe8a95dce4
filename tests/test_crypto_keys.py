"""secp256k1 keys, ECDSA sign/verify/recover, SEC 1 encodings, addresses (lesson 02)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.crypto import (
    CURVE_ORDER,
    PrivateKey,
    PublicKey,
    Signature,
    address_checksum_ok,
    is_valid_address,
    p2pkh_address,
)
from refimpl.crypto.address import ALPHABET, b58check_decode, b58decode, b58encode

N = CURVE_ORDER
P = 2**256 - 2**32 - 977
# Public vectors shipped with the tests (each entry names its source).
SHARED = json.loads(
    (Path(__file__).parent / "vectors" / "chain_public.json").read_text()
)

# Known private key -> compressed public key -> P2PKH address (public data: the
# generator, 2G, 3G; addresses as Bitcoin shows them, e.g. bitcoinjs-lib fixtures).
KNOWN = [
    (1, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
     "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm"),
    (2, "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5",
     "1cMh228HTCiwS8ZsaakH8A8wze1JR5ZsP", "1LagHJk2FyCV2VzrNHVqg3gYG4TSYwDV4m"),
    (3, "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
     "1CUNEBjYrCn2y1SdiUMohaKUi4wpP326Lb", None),
]  # fmt: skip

# RFC 6979 deterministic ECDSA on secp256k1 with SHA-256, low-s form
# (bitcointalk topic 285142 vectors, as in trezor-crypto and CoreBitcoin tests).
_DISEASE = (
    "There is a computer disease that anybody who works with computers knows about. "
    "It's a very serious disease and it interferes completely with the work. The "
    "trouble with computers is that you 'play' with them!"
)
RFC6979 = [
    (1, "Satoshi Nakamoto",
     "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8",
     "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"),
    (1, "All those moments will be lost in time, like tears in rain. Time to die...",
     "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b",
     "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21"),
    (N - 1, "Satoshi Nakamoto",
     "fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0",
     "6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5"),
    (0xF8B8AF8CE3C7CCA5E300D33939540C10D45CE001B8F252BFBC57BA0342904181, "Alan Turing",
     "7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c",
     "58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea"),
    (0xE91671C46231F833A6406CCBEA0E3E392C76C167BAC1CB013F6F1013980455C2, _DISEASE,
     "b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b",
     "279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6"),
]  # fmt: skip


def h(msg: str) -> bytes:
    return hashlib.sha256(msg.encode()).digest()


@pytest.fixture(scope="module")
def signed():
    key = PrivateKey(0xC0FFEE)
    msg = h("pay 5 to bob")
    return key, msg, key.sign(msg)


@pytest.mark.parametrize(("d", "pub", "addr", "addr_u"), KNOWN)
def test_known_keys_and_addresses(d, pub, addr, addr_u) -> None:
    key = PrivateKey(d).public_key
    assert key.to_bytes().hex() == pub
    assert key.address == addr
    assert PublicKey.from_bytes(bytes.fromhex(pub)) == key
    assert PublicKey.from_bytes(key.to_bytes(compressed=False)) == key
    if addr_u:
        assert p2pkh_address(key.to_bytes(compressed=False)) == addr_u


def test_shared_public_key_vectors() -> None:
    for case in SHARED["secp256k1_public_keys"]:
        key = PrivateKey(int(case["private_key_hex"], 16)).public_key
        assert key.to_bytes(True).hex() == case["public_key_compressed"]
        assert key.to_bytes(False).hex() == case["public_key_uncompressed"]
        assert key.point == (int(case["x_hex"], 16), int(case["y_hex"], 16))


def test_shared_rfc6979_vector() -> None:
    for case in SHARED["ecdsa_rfc6979_sha256"]["cases"]:
        key = PrivateKey(int(case["private_key_hex"], 16))
        digest = hashlib.sha256(case["message_ascii"].encode()).digest()
        assert digest.hex() == case["message_hash_sha256"]
        sig = key.sign(digest)
        assert (sig.r, sig.s) == (int(case["r"], 16), int(case["s_low"], 16))
        assert sig.v == case["py_ecc_v"] and sig.recovery_id == case["recovery_id"]
        assert key.public_key.verify(digest, sig)
        high = Signature(sig.r, int(case["s_high_equivalent"], 16), 55 - sig.v)
        assert not key.public_key.verify(digest, high)  # valid ECDSA, but high-s


def test_genesis_coinbase_address() -> None:
    # Bitcoin's genesis coinbase pays this uncompressed key; Bitcoin shows its
    # P2PKH address as 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.
    pub = bytes.fromhex(
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4c"
        "ef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"
    )
    key = PublicKey.from_bytes(pub)
    assert p2pkh_address(key.to_bytes(compressed=False)) == (
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    )


@pytest.mark.parametrize(("d", "msg", "r", "s"), RFC6979)
def test_rfc6979_vectors(d: int, msg: str, r: str, s: str) -> None:
    key = PrivateKey(d)
    sig = key.sign(h(msg))
    assert (sig.r, sig.s) == (int(r, 16), int(s, 16))
    assert sig.is_low_s
    assert key.public_key.verify(h(msg), sig)
    assert sig.recover(h(msg)) == key.public_key
    assert key.sign(h(msg)) == sig  # deterministic


def test_signature_serialization_roundtrip(signed) -> None:
    _, _, sig = signed
    raw = sig.serialize()
    assert len(raw) == 65 and raw[-1] == sig.v
    assert Signature.parse(raw) == sig
    short = Signature(sig.r, sig.s)
    assert short.serialize() == raw[:64] and Signature.parse(raw[:64]) == short
    for bad in (raw[:-2], raw + b"\x00", raw[:64] + b"\x1d", bytes(65), bytes(64),
                b"\xff" * 32 + raw[32:], "ab" * 65):  # fmt: skip
        with pytest.raises(ValueError):
            Signature.parse(bad)  # type: ignore[arg-type]


def test_verify_rejects_tampering(signed) -> None:
    key, msg, sig = signed
    pub = key.public_key
    assert pub.verify(msg, sig)
    assert not pub.verify(h("pay 6 to bob"), sig)  # tampered message
    assert not PrivateKey(0xBEEF).public_key.verify(msg, sig)  # wrong key
    assert not pub.verify(msg, Signature(sig.r, sig.s, 55 - sig.v))  # wrong v
    assert not pub.verify(msg, Signature(sig.r + 1, sig.s, sig.v))
    assert not pub.verify(msg, Signature(sig.r, sig.s + 1, sig.v))
    assert not pub.verify(msg, Signature(sig.r, N - sig.s, 55 - sig.v))  # high-s twin
    # without v, (r, s) alone is checked; tampering still fails
    assert pub.verify(msg, Signature(sig.r, sig.s))
    assert not pub.verify(h("pay 6 to bob"), Signature(sig.r, sig.s))
    assert not pub.verify(msg, Signature(sig.r, N - sig.s))


@pytest.mark.parametrize(
    "bad_sig",
    [
        Signature(0, 1, 27),
        Signature(1, 0, 27),
        Signature(N, 1, 27),
        Signature(1, N, 27),
        Signature(-1, 1, 27),
        Signature(1, 1, 29),
        Signature(1, 1, 0),
        Signature(1.0, 1, 27),  # type: ignore[arg-type]
        Signature(1, True, 27),  # type: ignore[arg-type]
        Signature("1", 1, 27),  # type: ignore[arg-type]
        None,
        b"\x00" * 65,
        (1, 1, 27),
    ],
)
def test_verify_malformed_signature_is_false(signed, bad_sig) -> None:
    key, msg, _ = signed
    assert key.public_key.verify(msg, bad_sig) is False


@pytest.mark.parametrize(
    "bad_hash", [b"", b"\x00" * 31, b"\x00" * 33, "a" * 32, None, 5]
)
def test_verify_malformed_hash_is_false(signed, bad_hash) -> None:
    key, _, sig = signed
    assert key.public_key.verify(bad_hash, sig) is False


def test_high_s_rejected_even_though_textbook_valid(signed) -> None:
    key, msg, sig = signed
    twin = Signature(sig.r, N - sig.s, 55 - sig.v)
    assert not twin.is_low_s
    # the malleated twin recovers the same key: it IS a valid textbook signature
    assert twin.recover(msg) == key.public_key
    assert not key.public_key.verify(msg, twin)


def test_sign_bad_input() -> None:
    key = PrivateKey(7)
    for bad in (b"", b"\x00" * 31, b"\x00" * 33, "x" * 32, None):
        with pytest.raises(ValueError):
            key.sign(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", [0, -1, N, N + 1, 2**256, 1.0, True, "1", None])
def test_private_key_range(secret) -> None:
    with pytest.raises(ValueError):
        PrivateKey(secret)


def test_private_key_repr_hides_secret() -> None:
    key = PrivateKey(0xDEADBEEF)
    assert "deadbeef" not in repr(key).lower() and str(0xDEADBEEF) not in repr(key)
    assert key == PrivateKey(0xDEADBEEF) and key != PrivateKey(5)


def test_public_key_from_bytes_rejects_malformed() -> None:
    good = PrivateKey(5).public_key
    comp, unc = good.to_bytes(True), good.to_bytes(False)
    x_off_curve = 5  # x^3 + 7 = 132 is not a square mod p
    assert pow(132, (P - 1) // 2, P) != 1
    bad = [
        b"",
        b"\x00",  # point at infinity
        comp[:-1],
        comp + b"\x00",
        b"\x04" + comp[1:],  # wrong prefix for the length
        b"\x05" + comp[1:],
        b"\x06" + unc[1:],  # hybrid encoding, not accepted
        b"\x02" + x_off_curve.to_bytes(32, "big"),
        b"\x02" + P.to_bytes(32, "big"),  # x >= p
        unc[:-1] + bytes([unc[-1] ^ 1]),  # y off the curve
        b"\x04" + P.to_bytes(32, "big") + unc[33:],
        unc[:-1],
        "02" * 33,
    ]
    for b in bad:
        with pytest.raises(ValueError):
            PublicKey.from_bytes(b)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        PublicKey((1, 2))
    with pytest.raises(ValueError):
        PublicKey((0, 0))


def test_compressed_parity_prefix() -> None:
    for d in range(1, 9):
        key = PrivateKey(d).public_key
        comp = key.to_bytes()
        assert comp[0] == 2 + (key.point[1] & 1)
        assert PublicKey.from_bytes(comp).point == key.point


def test_recover_bad_input(signed) -> None:
    key, msg, sig = signed
    assert sig.recover(msg) == key.public_key
    with pytest.raises(ValueError):
        sig.recover(b"\x00" * 31)
    with pytest.raises(ValueError):
        Signature(0, sig.s, sig.v).recover(msg)
    with pytest.raises(ValueError):
        Signature(sig.r, sig.s, 3).recover(msg)
    with pytest.raises(ValueError):
        Signature(sig.r, sig.s).recover(msg)
    # an r that is no curve x coordinate (x^3 + 7 not a square): nothing to recover
    with pytest.raises(ValueError):
        Signature(5, sig.s, 27).recover(msg)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, N - 1), st.binary(min_size=32, max_size=32))
def test_sign_verify_recover_property(secret: int, digest: bytes) -> None:
    key = PrivateKey(secret)
    sig = key.sign(digest)
    assert sig.is_low_s and sig.v in (27, 28)
    assert key.public_key.verify(digest, sig)
    assert sig.recover(digest) == key.public_key
    flipped = bytes([digest[0] ^ 1]) + digest[1:]
    assert not key.public_key.verify(flipped, sig)


BASE58 = [  # Bitcoin Core src/test/data/base58_encode_decode.json
    ("", ""), ("61", "2g"), ("626262", "a3gV"), ("636363", "aPEr"),
    ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647",
     "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ("516b6fcd0f", "ABnLTmg"), ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
    ("572e4794", "3EFU7m"), ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
    ("10c8511e", "Rt5zm"), ("00000000000000000000", "1111111111"),
]  # fmt: skip


@pytest.mark.parametrize(("hexdata", "text"), BASE58)
def test_base58_vectors(hexdata: str, text: str) -> None:
    assert b58encode(bytes.fromhex(hexdata)) == text
    assert b58decode(text).hex() == hexdata


def test_address_checksum_catches_every_single_typo() -> None:
    addr = PrivateKey(1).public_key.address
    assert is_valid_address(addr) and address_checksum_ok(addr)
    caught = 0
    for i in range(len(addr)):
        for c in ALPHABET:
            if c == addr[i]:
                continue
            typo = addr[:i] + c + addr[i + 1 :]
            assert not address_checksum_ok(typo) and not is_valid_address(typo)
            caught += 1
    assert caught == len(addr) * (len(ALPHABET) - 1)
    # swapped neighbours
    for i in range(len(addr) - 1):
        if addr[i] != addr[i + 1]:
            swapped = addr[:i] + addr[i + 1] + addr[i] + addr[i + 2 :]
            assert not is_valid_address(swapped)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "1",
        "0BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
        "11BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM",
        None,
        12,
        b"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    ],  # fmt: skip
)
def test_is_valid_address_rejects(bad) -> None:
    assert is_valid_address(bad) is False


def test_p2sh_address_has_good_checksum_but_is_not_p2pkh() -> None:
    # A real P2SH address (version 0x05): checksum fine, not an account address.
    p2sh = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
    assert address_checksum_ok(p2sh)
    assert b58check_decode(p2sh)[0] == 5
    assert not is_valid_address(p2sh)


def test_address_is_plain_str_and_hashable() -> None:
    a = PrivateKey(1).public_key.address
    assert type(a) is str
    assert {a: 1}[PrivateKey(1).public_key.address] == 1


@settings(max_examples=60, deadline=None)
@given(st.integers(1, N - 1), st.integers(1, N - 1), st.sampled_from([27, 28, None]))
def test_signature_serialize_parse_roundtrip(r: int, s: int, v) -> None:
    sig = Signature(r, s, v)
    assert Signature.parse(sig.serialize()) == sig


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=70))
def test_parsers_raise_only_value_error(data: bytes) -> None:
    for parse in (Signature.parse, PublicKey.from_bytes):
        try:
            parse(data)
        except ValueError:
            pass


@settings(max_examples=25, deadline=None)
@given(
    st.binary(min_size=30, max_size=34),
    st.integers(-(2**257), 2**257),
    st.integers(-(2**257), 2**257),
    st.integers(-5, 300),
)
def test_verify_never_raises(digest: bytes, r: int, s: int, v: int) -> None:
    pub = PrivateKey(3).public_key
    assert pub.verify(digest, Signature(r, s, v)) in (True, False)
