"""Headers, compact bits, retargeting, mining and the whitepaper's §11 numbers."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.chain import (
    BlockHeader,
    InvalidBlock,
    attacker_success_probability,
    bits_to_target,
    blocks_to_wait,
    check_proof_of_work,
    mine,
    retarget_bits,
    target_to_bits,
    work_from_bits,
)

GENESIS_HEX = (
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3ed"
    "fd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac"
    "2b7c"
)
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
GENESIS_ROOT = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
B100000_HEX = (
    "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9"
    "252aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b"
    "5710"
)
B100000_HASH = "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506"
MAINNET_LIMIT = 2**224 - 1


def internal(display_hex: str) -> bytes:
    return bytes.fromhex(display_hex)[::-1]


# -- headers -----------------------------------------------------------------------
def test_genesis_rebuilt_from_fields() -> None:
    # bitcoin/bitcoin src/kernel/chainparams.cpp CreateGenesisBlock(1231006505,
    # 2083236893, 0x1d00ffff, 1, 50 * COIN)
    h = BlockHeader(
        1, b"\x00" * 32, internal(GENESIS_ROOT), 1231006505, 0x1D00FFFF, 2083236893
    )
    assert h.serialize().hex() == GENESIS_HEX
    assert h.hash_hex() == GENESIS_HASH
    assert check_proof_of_work(h.hash(), h.bits, MAINNET_LIMIT)


def test_block1_header() -> None:
    # Block 1 (getblock 00000000839a8e68...): time 1231469665, nonce 2573394689.
    h = BlockHeader(
        1,
        internal(GENESIS_HASH),
        internal("0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098"),
        1231469665,
        0x1D00FFFF,
        2573394689,
    )
    assert h.hash_hex() == (
        "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"
    )


def test_block100000_parse_and_hash() -> None:
    h = BlockHeader.parse(bytes.fromhex(B100000_HEX))
    assert (h.version, h.timestamp, h.bits, h.nonce) == (
        1,
        1293623863,
        0x1B04864C,
        274148111,
    )
    assert h.merkle_root[::-1].hex().startswith("f3e94742")
    assert h.hash_hex() == B100000_HASH
    assert h.serialize().hex() == B100000_HEX
    assert bits_to_target(h.bits) == int(
        "000000000004864c000000000000000000000000000000000000000000000000", 16
    )
    assert check_proof_of_work(h.hash(), h.bits, MAINNET_LIMIT)
    assert not check_proof_of_work(
        h.with_nonce(h.nonce + 1).hash(), h.bits, MAINNET_LIMIT
    )


@pytest.mark.parametrize("data", [b"", b"\x00" * 79, b"\x00" * 81, "00" * 80, None])
def test_header_parse_rejects_wrong_length(data) -> None:
    with pytest.raises(InvalidBlock, match="80 bytes"):
        BlockHeader.parse(data)


def test_header_fields_out_of_range() -> None:
    with pytest.raises(InvalidBlock):
        BlockHeader(1, b"\x00" * 32, b"\x00" * 32, 2**32, 0, 0).serialize()
    with pytest.raises(InvalidBlock):
        BlockHeader(1, b"\x00" * 31, b"\x00" * 32, 0, 0, 0).serialize()


INT32 = st.integers(-(2**31), 2**31 - 1)
UINT32 = st.integers(0, 2**32 - 1)
HASH = st.binary(min_size=32, max_size=32)
# Any header the 80-byte format holds: version, previous hash, merkle root, time,
# bits, nonce.
headers = st.builds(BlockHeader, INT32, HASH, HASH, UINT32, UINT32, UINT32)


@settings(max_examples=100, deadline=None)
@given(headers)
def test_header_round_trip(h: BlockHeader) -> None:
    raw = h.serialize()
    assert len(raw) == 80 and BlockHeader.parse(raw) == h
    assert h.hash() == hashlib.sha256(hashlib.sha256(raw).digest()).digest()


# -- compact bits: bitcoin/bitcoin src/test/arith_uint256_tests.cpp (bignum_SetCompact)
SET_COMPACT = [  # (compact, target, GetCompact() of the decoded value)
    (0x00000000, 0, 0),
    (0x00123456, 0, 0),
    (0x01003456, 0, 0),
    (0x02000056, 0, 0),
    (0x03000000, 0, 0),
    (0x04000000, 0, 0),
    (0x00923456, 0, 0),
    (0x01803456, 0, 0),
    (0x02800056, 0, 0),
    (0x03800000, 0, 0),
    (0x04800000, 0, 0),
    (0x01123456, 0x12, 0x01120000),
    (0x02123456, 0x1234, 0x02123400),
    (0x03123456, 0x123456, 0x03123456),
    (0x04123456, 0x12345600, 0x04123456),
    (0x05009234, 0x92340000, 0x05009234),
    (0x20123456, 0x123456 << 232, 0x20123456),
]


@pytest.mark.parametrize("compact, target, recompact", SET_COMPACT)
def test_set_compact_vectors(compact: int, target: int, recompact: int) -> None:
    assert bits_to_target(compact) == target
    assert target_to_bits(target) == recompact


@pytest.mark.parametrize("compact", [0x01FEDCBA, 0x04923456])  # fNegative == true
def test_negative_compact_is_an_error(compact: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        bits_to_target(compact)


@pytest.mark.parametrize("compact", [0xFF123456, 0x23000001, 0x22000100, 0x21010000])
def test_overflowing_compact_is_an_error(compact: int) -> None:
    with pytest.raises(ValueError, match="overflow"):
        bits_to_target(compact)


def test_largest_non_overflowing_compacts() -> None:
    assert bits_to_target(0x220000FF) == 0xFF << 248
    assert bits_to_target(0x2100FFFF) == 0xFFFF << 240


def test_encoder_never_sets_sign_bit() -> None:
    assert target_to_bits(0x80) == 0x02008000  # from the same Core test
    for t in (0x80, 0x8000, 0x800000, 0xFF << 200, 2**255):
        assert not target_to_bits(t) & 0x00800000
        assert bits_to_target(target_to_bits(t)) == t


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0x1d00ffff", True])
def test_bits_input_checked(bad) -> None:
    with pytest.raises(ValueError):
        bits_to_target(bad)


@pytest.mark.parametrize("bad", [-1, 2**256, 1.0, None])
def test_target_input_checked(bad) -> None:
    with pytest.raises(ValueError):
        target_to_bits(bad)


def test_mainnet_limit_and_difficulty() -> None:
    assert target_to_bits(MAINNET_LIMIT) == 0x1D00FFFF  # truncation: 2**224-1 -> ffff
    assert bits_to_target(0x1D00FFFF) // bits_to_target(0x1B04864C) == 14484  # diff
    assert work_from_bits(0x1D00FFFF) == 2**256 // ((0xFFFF << 208) + 1)
    assert work_from_bits(0x1D00FFFF) == 0x100010001  # Core: chain work of genesis


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 2**256 - 1))
def test_compact_round_trip_truncates(target: int) -> None:
    bits = target_to_bits(target)
    back = bits_to_target(bits)
    assert back <= target and target_to_bits(back) == bits
    assert target - back < 2 ** max(0, target.bit_length() - 16)  # 16+ bits kept


# -- retargeting: bitcoin/bitcoin src/test/pow_tests.cpp (real mainnet periods)
@pytest.mark.parametrize(
    "first_time, last_time, bits, expected",
    [
        (1261130161, 1262152739, 0x1D00FFFF, 0x1D00D86A),  # blocks 30240..32255
        (1231006505, 1233061996, 0x1D00FFFF, 0x1D00FFFF),  # 0..2015: pow limit
        (1279008237, 1279297671, 0x1C05A3F4, 0x1C0168FD),  # 66528..68543: T/4 clamp
        (1263163443, 1269211443, 0x1C387F6F, 0x1D00E1FD),  # ..46367: 4T clamp
    ],
)
def test_real_retargets(
    first_time: int, last_time: int, bits: int, expected: int
) -> None:
    assert retarget_bits(bits, last_time - first_time) == expected


def test_retarget_clamps() -> None:
    t = 1_209_600
    assert retarget_bits(0x1C05A3F4, 1) == retarget_bits(0x1C05A3F4, t // 4)
    assert retarget_bits(0x1C05A3F4, 10 * t) == retarget_bits(0x1C05A3F4, 4 * t)
    assert retarget_bits(0x1C05A3F4, t) == 0x1C05A3F4
    assert (
        retarget_bits(
            0x1F00FFFF, 40, target_timespan=20, pow_limit=bits_to_target(0x1F00FFFF)
        )
        == 0x1F00FFFF
    )
    assert retarget_bits(0x1F00FFFF, 10, target_timespan=20, pow_limit=2**255) == (
        target_to_bits(bits_to_target(0x1F00FFFF) // 2)
    )


# -- mining ------------------------------------------------------------------------
def easy_header(bits: int = 0x1F00FFFF) -> BlockHeader:
    return BlockHeader(1, b"\x11" * 32, b"\x22" * 32, 1_700_000_000, bits, 0)


def test_mine_finds_first_valid_nonce() -> None:
    h = mine(easy_header())
    assert h is not None and check_proof_of_work(h.hash(), h.bits, 2**255)
    target = bits_to_target(h.bits)
    for n in range(h.nonce):  # nothing below it works: same answer as a bare loop
        assert int.from_bytes(easy_header().with_nonce(n).hash(), "little") > target


def test_mine_gives_up() -> None:
    assert mine(easy_header(0x03000001), max_nonces=2000) is None
    assert mine(easy_header().with_nonce(2**32 - 1), max_nonces=0) is None


def test_mine_genesis_from_just_below_its_nonce() -> None:
    g = BlockHeader.parse(bytes.fromhex(GENESIS_HEX))
    found = mine(g.with_nonce(g.nonce - 1000), max_nonces=2000)
    assert found == g


def test_two_workers_same_answer() -> None:
    h = easy_header(0x1F07FFFF)  # ~8,200 hashes per solution; search 200,000
    start = h.with_nonce(70_000)
    one = mine(start, max_nonces=200_000)
    two = mine(start, max_nonces=200_000, workers=2)
    assert one is not None and one == two
    assert mine(easy_header(0x03000001), max_nonces=150_000, workers=2) is None


# -- whitepaper §11 ----------------------------------------------------------------
TABLE_Q01 = [
    "1.0000000",
    "0.2045873",
    "0.0509779",
    "0.0131722",
    "0.0034552",
    "0.0009137",
    "0.0002428",
    "0.0000647",
    "0.0000173",
    "0.0000046",
    "0.0000012",
]
TABLE_Q03 = [
    "1.0000000",
    "0.1773523",
    "0.0416605",
    "0.0101008",
    "0.0024804",
    "0.0006132",
    "0.0001522",
    "0.0000379",
    "0.0000095",
    "0.0000024",
    "0.0000006",
]


def test_whitepaper_tables() -> None:
    # Nakamoto (2008), "Bitcoin: A Peer-to-Peer Electronic Cash System", §11.
    assert [f"{attacker_success_probability(0.1, z):.7f}" for z in range(11)] == (
        TABLE_Q01
    )
    assert [f"{attacker_success_probability(0.3, z):.7f}" for z in range(0, 51, 5)] == (
        TABLE_Q03
    )
    qs = [0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45]
    assert [blocks_to_wait(q) for q in qs] == [5, 8, 11, 15, 24, 41, 89, 340]


def test_attacker_edge_cases() -> None:
    assert attacker_success_probability(0.5, 10) == 1.0
    assert attacker_success_probability(0.7, 3) == 1.0
    assert attacker_success_probability(0.0, 3) == 0.0
    for bad_q, bad_z in [(-0.1, 1), (1.1, 1), (0.1, -1), (0.1, 1.5)]:
        with pytest.raises(ValueError):
            attacker_success_probability(bad_q, bad_z)
