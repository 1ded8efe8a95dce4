"""Merkle roots and SPV proofs against real Bitcoin blocks (refimpl.chain.merkle)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.chain import merkle_proof, merkle_root, verify_merkle_proof
from refimpl.chain.merkle import has_duplicate_leaves, merkle_parent


def internal(display_hex: str) -> bytes:
    """Display hex (as explorers show it) -> internal byte order."""
    return bytes.fromhex(display_hex)[::-1]


def sha256d(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


# Block 100000: txids and root from bitcoin-cli getblock output reproduced in
# public repos (see tests/vectors/chain_public.json for provenance).
B100000_TXIDS = [
    "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
    "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
    "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
    "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
]
B100000_ROOT = "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"
B100000_LEVEL1 = [
    "ccdafb73d8dcd0173d5d5c3c9a0770d0b3953db889dab99ef05b1907518cb815",
    "8e30899078ca1813be036a073bbf80b86cdddde1c96e9e9c99e9e3782df4ae49",
]

# Testnet block 0000000000000451fa80fcdb243b84c35eaae215a85a8faa880559e8239e6f20:
# 11 transactions (odd at several levels). Jimmy Song, "Programming Bitcoin",
# chapter 11 exercise ("want = 4297fb95...").
TESTNET_TXIDS = """
42f6f52f17620653dcc909e58bb352e0bd4bd1381e2955d19c00959a22122b2e
94c3af34b9667bf787e1c6a0a009201589755d01d02fe2877cc69b929d2418d4
959428d7c48113cb9149d0566bde3d46e98cf028053c522b8fa8f735241aa953
a9f27b99d5d108dede755710d4a1ffa2c74af70b4ca71726fa57d68454e609a2
62af110031e29de1efcad103b3ad4bec7bdcf6cb9c9f4afdd586981795516577
766900590ece194667e9da2984018057512887110bf54fe0aa800157aec796ba
e8270fb475763bc8d855cfe45ed98060988c1bdcad2ffc8364f783c98999a208
921b8cfd3e14bf41f028f0a3aa88c813d5039a2b1bceb12208535b0b43a5d09e
15535864799652347cec66cba473f6d8291541238e58b2e03b046bc53cfe1321
1c8af7c502971e67096456eac9cd5407aacf62190fc54188995666a30faf99f0
3311f8acc57e8a3e9b68e2945fb4f53c07b0fa4668a7e5cda6255c21558c774d
""".split()
TESTNET_ROOT = "4297fb95a0168b959d1469410c7527da5d6243d99699e7d041b7f3916ba93301"

# Block 170 (the first bitcoin payment, Satoshi -> Hal Finney): two transactions.
B170_TXIDS = [
    "b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082",
    "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16",
]
B170_ROOT = "7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff"

# Block 1's only transaction (its coinbase), as served by Electrum servers and
# bitcoin-cli getrawtransaction; its txid is block 1's Merkle root.
B1_COINBASE_HEX = (
    "01000000010000000000000000000000000000000000000000000000000000000000000000ff"
    "ffffff0704ffff001d0104ffffffff0100f2052a0100000043410496b538e853519c726a2c91"
    "e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294"
    "721166bf621e73a82cbf2342c858eeac00000000"
)
B1_ROOT = "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098"


@pytest.mark.parametrize(
    "txids, root",
    [
        (B100000_TXIDS, B100000_ROOT),
        (TESTNET_TXIDS, TESTNET_ROOT),
        (B170_TXIDS, B170_ROOT),
        ([B1_ROOT], B1_ROOT),
    ],
    ids=["block100000", "testnet-11tx", "block170", "block1"],
)
def test_real_merkle_roots(txids: list[str], root: str) -> None:
    assert merkle_root([internal(t) for t in txids])[::-1].hex() == root


def test_block100000_first_level() -> None:
    leaves = [internal(t) for t in B100000_TXIDS]
    level1 = [merkle_parent(leaves[0], leaves[1]), merkle_parent(leaves[2], leaves[3])]
    assert [x[::-1].hex() for x in level1] == B100000_LEVEL1


def test_block1_coinbase_txid_is_its_root() -> None:
    txid = sha256d(bytes.fromhex(B1_COINBASE_HEX))
    assert txid[::-1].hex() == B1_ROOT
    assert merkle_root([txid]) == txid  # one leaf is its own root, not hashed


def test_display_order_matters() -> None:
    # Feeding display-order bytes gives a different (wrong) root.
    wrong = merkle_root([bytes.fromhex(t) for t in B100000_TXIDS])
    assert wrong[::-1].hex() != B100000_ROOT


def test_no_leaves_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one leaf"):
        merkle_root([])


@pytest.mark.parametrize("bad", [[b"\x00" * 31], [b"\x00" * 33], ["ab" * 32], [None]])
def test_leaves_must_be_32_bytes(bad: list) -> None:
    with pytest.raises(ValueError, match="32-byte"):
        merkle_root(bad)


def test_odd_rule_duplicates_the_last_node() -> None:
    a, b, c = (bytes([i]) * 32 for i in (1, 2, 3))
    expected = merkle_parent(merkle_parent(a, b), merkle_parent(c, c))
    assert merkle_root([a, b, c]) == expected
    # ... which is the CVE-2012-2459 mutation: [a, b, c, c] has the same root.
    assert merkle_root([a, b, c, c]) == expected
    assert has_duplicate_leaves([a, b, c, c]) and not has_duplicate_leaves([a, b, c])


def test_spv_proof_block100000() -> None:
    leaves = [internal(t) for t in B100000_TXIDS]
    root = internal(B100000_ROOT)
    proof = merkle_proof(leaves, 2)
    assert [(s[::-1].hex(), side) for s, side in proof] == [
        (B100000_TXIDS[3], "right"),
        (B100000_LEVEL1[0], "left"),
    ]
    assert verify_merkle_proof(leaves[2], proof, root)
    assert not verify_merkle_proof(leaves[1], proof, root)
    flipped = [(s, "left" if side == "right" else "right") for s, side in proof]
    assert not verify_merkle_proof(leaves[2], flipped, root)


@pytest.mark.parametrize("n", range(1, 12))
def test_every_proof_verifies(n: int) -> None:
    leaves = [sha256d(bytes([i])) for i in range(n)]
    root = merkle_root(leaves)
    for i in range(n):
        proof = merkle_proof(leaves, i)
        assert verify_merkle_proof(leaves[i], proof, root)
        assert not verify_merkle_proof(sha256d(b"other"), proof, root)
        if proof:
            (sib, side), *rest = proof
            assert not verify_merkle_proof(
                leaves[i], [(sha256d(sib), side), *rest], root
            )


def test_testnet_proof_of_odd_last_leaf() -> None:
    leaves = [internal(t) for t in TESTNET_TXIDS]
    proof = merkle_proof(leaves, 10)
    assert proof[0] == (leaves[10], "right")  # paired with itself
    assert verify_merkle_proof(leaves[10], proof, internal(TESTNET_ROOT))


@pytest.mark.parametrize(
    "proof",
    [[(b"\x00" * 31, "left")], [(b"\x00" * 32, "up")], [None], "junk", [(1, "left")]],
)
def test_malformed_proof_is_false_not_an_exception(proof) -> None:
    leaf = b"\x01" * 32
    assert verify_merkle_proof(leaf, proof, leaf) is False


def test_bad_index() -> None:
    with pytest.raises(ValueError, match="index"):
        merkle_proof([b"\x00" * 32], 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=20), st.data()
)
def test_proofs_property(leaves: list[bytes], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(leaves) - 1))
    assert verify_merkle_proof(leaves[i], merkle_proof(leaves, i), merkle_root(leaves))
