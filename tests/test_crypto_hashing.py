"""SHA-256 from scratch (FIPS 180-4), sha256d, RIPEMD-160, HASH160 (lessons 01-02)."""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.crypto import hash160, sha256, sha256d
from refimpl.crypto.ripemd160 import ripemd160 as ripemd160_py
from refimpl.crypto.sha256 import H0, compress, pad, schedule

# Public vectors shipped with the tests (each entry names its source).
VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "chain_public.json").read_text()
)

# FIPS 180-2 Appendix B (also in CPython's test_hashlib): message -> SHA-256.
FIPS = [
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ),
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    # FIPS 180-4 example set: the 896-bit two-block message.
    (
        b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        b"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    ),
]


@pytest.mark.parametrize(("msg", "digest"), FIPS)
def test_fips_vectors(msg: bytes, digest: str) -> None:
    assert sha256(msg).hex() == digest
    assert hashlib.sha256(msg).hexdigest() == digest


def test_million_a() -> None:
    # FIPS 180-2 Appendix B.3: one million 'a' (15,625 blocks).
    digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    assert sha256(b"a" * 1_000_000).hex() == digest


def test_shared_sha256_vectors() -> None:
    for case in VECTORS["sha256"]:
        if "message_ascii" in case:
            msg = case["message_ascii"].encode()
        else:
            rep = case["message_repeat"]
            msg = rep["char"].encode() * rep["count"]
        assert len(msg) == case["length_bytes"]
        # the million-'a' vector is hashed from scratch in test_million_a
        ours = sha256(msg) if len(msg) < 10_000 else hashlib.sha256(msg).digest()
        assert ours.hex() == case["sha256"], case["id"]


@pytest.mark.parametrize("n", [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129])
def test_padding_edges_match_hashlib(n: int) -> None:
    msg = bytes((7 * i + n) & 0xFF for i in range(n))
    assert sha256(msg) == hashlib.sha256(msg).digest()
    padded = pad(msg)
    assert len(padded) % 64 == 0
    assert padded[n] == 0x80
    assert int.from_bytes(padded[-8:], "big") == 8 * n
    expected_blocks = 1 if n <= 55 else (n + 9 + 63) // 64
    assert len(padded) // 64 == expected_blocks


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_inputs_match_hashlib(data: bytes) -> None:
    assert sha256(data) == hashlib.sha256(data).digest()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([55, 56, 63, 64, 119, 120]), st.randoms(use_true_random=False))
def test_boundary_lengths_random_content(n: int, rnd) -> None:
    data = bytes(rnd.getrandbits(8) for _ in range(n))
    assert sha256(data) == hashlib.sha256(data).digest()


def test_one_block_by_hand() -> None:
    # compress(H0, pad("abc")) is the whole computation for a one-block message.
    state = compress(H0, pad(b"abc"))
    assert (
        b"".join(w.to_bytes(4, "big") for w in state) == hashlib.sha256(b"abc").digest()
    )
    # FIPS 180-2 Appendix B.1: W[16] for "abc" is 0x61626380 ^ ... ; check shape only.
    w = schedule(pad(b"abc"))
    assert len(w) == 64 and w[0] == 0x61626380 and w[15] == 0x18


def test_bad_input() -> None:
    with pytest.raises(TypeError):
        sha256("abc")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        schedule(b"\x00" * 63)


def test_sha256_module_does_not_use_hashlib() -> None:
    module = importlib.import_module("refimpl.crypto.sha256")
    tree = ast.parse(Path(module.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__"}, imported
    assert "hashlib" not in vars(module)


def test_sha256d_and_genesis_block() -> None:
    assert sha256d(b"abc") == hashlib.sha256(hashlib.sha256(b"abc").digest()).digest()
    header = bytes.fromhex(
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3"
        "edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d"
        "1dac2b7c"
    )
    display = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
    assert sha256d(header)[::-1].hex() == display
    assert sha256(sha256(header))[::-1].hex() == display


RIPEMD = [  # Dobbertin, Bosselaers, Preneel (1996), Appendix B test vectors.
    (b"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
    (b"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"),
    (b"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
    (b"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
    (b"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"),
    (b"1234567890" * 8, "9b752e45573d4b39f4dbd3323cab82bf63326bfb"),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "12a053384a9c0c88e405a06c27dcf49ada62eb2b",
    ),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "b0e20b6e3116640286ed3a87a5713079b21f5189",
    ),
]


@pytest.mark.parametrize(("msg", "digest"), RIPEMD)
def test_ripemd160_vectors(msg: bytes, digest: str) -> None:
    assert ripemd160_py(msg).hex() == digest


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_ripemd160_matches_hashlib(data: bytes) -> None:
    try:
        expected = hashlib.new("ripemd160", data).digest()
    except ValueError:
        pytest.skip("this OpenSSL has no RIPEMD-160")
    assert ripemd160_py(data) == expected


def test_ripemd160_at_every_padding_boundary_matches_hashlib() -> None:
    """Lengths 0..130 cover one, two and three blocks and the 55/56 padding edge."""
    try:
        hashlib.new("ripemd160")
    except ValueError:
        pytest.skip("this OpenSSL has no RIPEMD-160")
    for n in range(131):
        data = bytes(range(n))
        assert ripemd160_py(data) == hashlib.new("ripemd160", data).digest(), n


def test_ripemd160_step_tables_are_appendix_a() -> None:
    """The word orders and shifts built from rho, pi and the shift table (§3)."""
    from refimpl.crypto import ripemd160 as spec

    assert spec._R[16:32] == spec._RHO  # round 1 reads X[rho(i)]
    assert spec._RP[:16] == (5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12)
    assert spec._S[16:21] == (7, 6, 8, 13, 11) and spec._SP[:5] == (8, 9, 9, 11, 13)
    assert spec._S[-5:] == (14, 11, 8, 5, 6) and spec._SP[-5:] == (5, 15, 13, 11, 11)
    for order in (spec._R, spec._RP):  # each round reads every word once
        for k in range(0, 80, 16):
            assert sorted(order[k : k + 16]) == list(range(16))


def test_hash160_of_generator() -> None:
    # HASH160 of private key 1's compressed public key (its P2PKH address payload).
    g = bytes.fromhex(
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    )
    assert hash160(g).hex() == "751e76e8199196d454941c45d1b3a323f1433bd6"
