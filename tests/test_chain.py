"""The chain: blocks, validation rules, fork choice, reorgs, orphans, extensions.

Blocks here mine at 0x2000ffff (about 256 hashes each) so tests stay fast; the
one test that needs real proof-of-work strength uses the course's default bits.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from chain_setup import NOW, P, mined
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refimpl.chain import (
    Block,
    BlockHeader,
    Chain,
    ChainError,
    ChainParams,
    Extension,
    InvalidBlock,
    InvalidTransaction,
    SignatureCache,
    Transaction,
    bits_to_target,
    decode_payload,
    encode_payload,
    make_coinbase,
    retarget_bits,
    target_to_bits,
)
from refimpl.chain.block import block_from_parts
from refimpl.crypto import PrivateKey, Signature

KEYS = [PrivateKey(2000 + i) for i in range(3)]
PUB = [k.public_key.to_bytes(compressed=True) for k in KEYS]
ADDR = [k.public_key.address for k in KEYS]
MINER, MINER2 = PrivateKey(3000).public_key.address, PrivateKey(3001).public_key.address
ALLOC = {ADDR[0]: 10_000, ADDR[1]: 500}


@cache
def signed(
    i: int = 0,
    to: int = 1,
    amount: int = 100,
    fee: int = 5,
    nonce: int = 0,
    kind: str = "transfer",
    payload: bytes = b"",
) -> Transaction:
    t = Transaction(PUB[i], ADDR[to], amount, fee, nonce, P.chain_id, kind, payload)
    return t.sign(KEYS[i])


def new_chain(params: ChainParams = P, exts=(), **kw) -> Chain:
    return Chain(params, exts, ALLOC, clock=lambda: NOW, **kw)


def with_txs(block: Block, txs: list[Transaction]) -> Block:
    """``block`` with other transactions (same parent, time and bits), mined."""
    hdr = block.header
    return mined(block_from_parts(hdr.prev_hash, txs, hdr.timestamp, hdr.bits, 1))


def rebuild(block: Block, **header_changes) -> Block:
    return mined(block.with_header(replace(block.header, nonce=0, **header_changes)))


def refused(chain: Chain, block: Block, error: type, reason: str) -> None:
    """``block`` is refused with ``reason`` and nothing about the chain changes."""
    before = (chain.state.snapshot(), chain.tip, chain.height, len(chain.all_blocks()))
    with pytest.raises(error, match=reason):
        chain.add_block(block, allow_orphan=False)
    assert (
        chain.state.snapshot(),
        chain.tip,
        chain.height,
        len(chain.all_blocks()),
    ) == before


# -- genesis and the happy path ------------------------------------------------------
def test_genesis_is_deterministic_and_commits_to_alloc() -> None:
    a, b = new_chain(), new_chain()
    assert a.tip == b.tip and a.height == 0
    assert Chain(P, (), {ADDR[0]: 1}).tip.hash() != a.tip.hash()
    assert Chain(replace(P, chain_id=8), (), ALLOC).tip.hash() != a.tip.hash()
    assert a.state.balance(ADDR[0]) == 10_000 and a.state.supply == 10_500
    assert decode_payload(a.genesis.txs[0].payload) == {"alloc": ALLOC}


def test_blocks_pay_subsidy_and_fees() -> None:
    c = new_chain()
    b1 = c.mine_block([signed()], MINER)
    assert c.height == 1 and c.tip == b1
    cb = b1.txs[0]
    assert (cb.kind, cb.amount, cb.nonce, cb.recipient) == (
        "coinbase",
        P.subsidy + 5,
        1,
        MINER,
    )
    s = c.state
    assert s.balance(MINER) == P.subsidy + 5
    assert s.balance(ADDR[0]) == 10_000 - 105 and s.balance(ADDR[1]) == 600
    c.mine_block([signed(nonce=1, amount=7, fee=0)], MINER2)
    assert c.state.supply == 10_500 + 2 * P.subsidy
    assert sum(c.state.balances.values()) == c.state.supply
    assert b1.compute_merkle_root() == b1.header.merkle_root
    assert c.get_block(b1.hash()) == b1 and c.height_of(b1.hash()) == 1


def test_coinbase_may_claim_less() -> None:
    c = new_chain()
    blk = c.build_block([signed()], MINER)
    cb = replace(blk.txs[0], amount=1)
    cheap = with_txs(blk, [cb, signed()])
    c.add_block(cheap)
    assert c.state.balance(MINER) == 1
    assert c.state.supply == 10_500 + 1 - 5  # the unclaimed fee is burnt
    assert sum(c.state.balances.values()) == c.state.supply


def test_block_round_trip() -> None:
    c = new_chain()
    b = c.mine_block([signed(), signed(nonce=1, amount=3, fee=1)], MINER)
    raw = b.serialize()
    assert Block.parse(raw) == b and Block.parse(raw).serialize() == raw
    assert b.size() == len(raw)


# -- bad blocks, one test each ---------------------------------------------------
def test_duplicate_transaction_in_block() -> None:
    c = new_chain()
    blk = c.build_block([signed(), signed()], MINER)
    refused(c, mined(blk), InvalidBlock, "duplicate transaction")


def test_wrong_merkle_root() -> None:
    c = new_chain()
    blk = c.build_block([signed()], MINER)
    refused(c, rebuild(blk, merkle_root=b"\x42" * 32), InvalidBlock, "Merkle root")


def test_wrong_previous_hash() -> None:
    c = new_chain()
    blk = rebuild(c.build_block([], MINER), prev_hash=b"\x13" * 32)
    refused(c, blk, InvalidBlock, "unknown previous block")
    before = c.state.snapshot()
    assert c.add_block(blk) is False  # by default it waits as an orphan
    assert c.orphans == [blk] and c.state.snapshot() == before and c.height == 0


def test_insufficient_work() -> None:
    c = new_chain()
    blk = c.build_block([], MINER)
    target = bits_to_target(blk.header.bits)
    nonce = next(
        n
        for n in range(10_000)
        if int.from_bytes(blk.header.with_nonce(n).hash(), "little") > target
    )
    refused(
        c,
        blk.with_header(blk.header.with_nonce(nonce)),
        InvalidBlock,
        "insufficient proof of work",
    )


def test_wrong_bits_for_height() -> None:
    c = new_chain()
    blk = c.build_block([], MINER)
    harder = target_to_bits(bits_to_target(blk.header.bits) // 2)
    refused(c, rebuild(blk, bits=harder), InvalidBlock, "wrong bits for height 1")
    too_easy = rebuild(blk, bits=0x2100FFFF)  # above the pow limit
    refused(c, too_easy, InvalidBlock, "outside")


def test_timestamp_too_far_in_future() -> None:
    c = new_chain()
    late = c.build_block([], MINER, timestamp=NOW + 2 * 3600 + 1)
    refused(c, mined(late), InvalidBlock, "ahead of the clock")
    ok = c.build_block([], MINER, timestamp=NOW + 2 * 3600)
    assert c.add_block(mined(ok))


def test_timestamp_not_after_median_of_11() -> None:
    c = new_chain()
    times = [
        P.genesis_timestamp + t
        for t in (100, 200, 150, 300, 250, 400, 350, 500, 450, 600)
    ]
    for t in times:
        c.mine_block([], MINER, timestamp=t)
    mtp = sorted([P.genesis_timestamp, *times])[5]
    assert c.median_time_past() == mtp
    refused(
        c,
        mined(c.build_block([], MINER, timestamp=mtp)),
        InvalidBlock,
        "not after the median",
    )
    assert mtp == P.genesis_timestamp + 300  # far below the parent's 600
    assert c.add_block(mined(c.build_block([], MINER, timestamp=mtp + 1)))


def test_oversized_block() -> None:
    small = replace(P, max_block_size=400)
    c = new_chain(small)
    refused(
        c,
        mined(c.build_block([signed(), signed(nonce=1)], MINER)),
        InvalidBlock,
        "over the 400-byte limit",
    )


def test_coinbase_paying_too_much() -> None:
    c = new_chain()
    blk = c.build_block([signed()], MINER)
    greedy = replace(blk.txs[0], amount=P.subsidy + 5 + 1)
    b = with_txs(blk, [greedy, signed()])
    refused(c, b, InvalidBlock, "coinbase pays .* more than subsidy \\+ fees")


def test_coinbase_rules() -> None:
    c = new_chain()
    blk = c.build_block([signed()], MINER)
    cb, hdr = blk.txs[0], blk.header
    refused(
        c,
        with_txs(blk, [signed()]),
        InvalidBlock,
        "first transaction must be the coinbase",
    )
    refused(
        c,
        with_txs(blk, [cb, signed(), replace(cb, nonce=9)]),
        InvalidBlock,
        "second coinbase",
    )
    refused(c, with_txs(blk, [replace(cb, nonce=5), signed()]), InvalidBlock, "BIP-34")
    refused(
        c,
        with_txs(blk, [replace(cb, recipient="nobody"), signed()]),
        InvalidBlock,
        "not an address",
    )
    refused(
        c, with_txs(blk, [replace(cb, chain_id=9), signed()]), InvalidBlock, "chain id"
    )
    refused(
        c,
        mined(Block(replace(hdr, merkle_root=b"\x00" * 32), ())),
        InvalidBlock,
        "at least its coinbase",
    )


def test_invalid_transaction_rejects_whole_block() -> None:
    c = new_chain()
    blk = c.build_block([signed(), signed(nonce=1, amount=20_000)], MINER)
    refused(c, mined(blk), InvalidTransaction, "transaction 2 .*insufficient balance")
    replay = c.build_block([signed(), signed()], MINER)  # duplicate caught first
    refused(c, mined(replay), InvalidBlock, "duplicate")


def test_malformed_block_bytes() -> None:
    c = new_chain()
    raw = c.mine_block([signed()], MINER).serialize()
    for bad in (raw[:-1], raw + b"\x00", raw[:79], b"", raw[:80] + b"\xfd\x01\x00"):
        with pytest.raises(InvalidBlock, match="malformed"):
            Block.parse(bad)


@pytest.fixture(scope="module")
def strong_block() -> tuple[Chain, bytes]:
    """A block at the course's real default bits (~65,536 hashes)."""
    params = replace(P, genesis_bits=ChainParams().genesis_bits)
    c = Chain(params, (), ALLOC, clock=lambda: NOW)
    raw = c.build_block([signed(), signed(nonce=1, amount=3, fee=1)], MINER)
    return c, mined(raw).serialize()


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_single_byte_mutation_of_a_block_is_rejected(strong_block, data) -> None:
    chain, raw = strong_block
    pos = data.draw(st.integers(0, len(raw) - 1), label="position")
    mutated = bytearray(raw)
    mutated[pos] ^= data.draw(st.integers(1, 255), label="xor")
    before = chain.state.snapshot()
    with pytest.raises(ChainError):
        chain.add_block(Block.parse(bytes(mutated)), allow_orphan=False)
    assert chain.state.snapshot() == before and chain.height == 0


def test_the_unmutated_strong_block_is_valid(strong_block) -> None:
    chain, raw = strong_block
    fresh = Chain(chain.params, (), ALLOC, clock=lambda: NOW)
    assert fresh.add_block(Block.parse(raw))


# -- fork choice, reorgs, orphans ---------------------------------------------------
def test_most_work_wins_and_reorg_switches_state() -> None:
    a, b = new_chain(), new_chain()
    a1 = a.mine_block([signed()], MINER)  # a's branch pays ADDR[1]
    b_blocks = [b.mine_block([], MINER2) for _ in range(2)]  # b's branch pays no one
    assert a.state.balance(ADDR[1]) == 600
    assert a.add_block(b_blocks[0]) is True
    assert a.tip == a1  # equal work: the block seen first stays
    assert a.add_block(b_blocks[1]) is True
    assert a.tip == b_blocks[1] and a.height == 2  # more work: reorg
    assert a.state.balance(ADDR[1]) == 500 and a.state.nonce(ADDR[0]) == 0
    assert a.state.snapshot() == b.state.snapshot()
    assert a.reorgs == [(0, a1.hash(), b_blocks[1].hash())]
    assert a.state_at(a1.hash()).balance(ADDR[1]) == 600  # the old branch is kept
    # the payment can be mined again on the new branch
    a.mine_block([signed()], MINER)
    assert a.state.balance(ADDR[1]) == 600 and a.height == 3


def test_harder_block_beats_longer_branch() -> None:
    slow = replace(P, retarget_interval=2)  # retargets quickly
    a, b = new_chain(slow), new_chain(slow)
    for _ in range(3):  # fast blocks: difficulty rises at height 2
        a.mine_block([], MINER, timestamp=a.tip.header.timestamp + 1)
    for _ in range(3):  # slow blocks: difficulty falls
        b.mine_block([], MINER2, timestamp=b.tip.header.timestamp + 50)
    assert a.total_work > b.total_work and a.height == b.height
    for blk in b.main_chain()[1:]:
        a.add_block(blk)
    assert a.height == 3 and a.tip != b.tip  # same length, a keeps more work
    b.mine_block([], MINER2, timestamp=b.tip.header.timestamp + 50)
    assert a.add_block(b.tip) and a.tip != b.tip  # longer, still less work
    assert a.work_of(b.tip.hash()) < a.tip_work()


def test_orphans_connect_when_parent_arrives() -> None:
    src = new_chain()
    blocks = [
        src.mine_block([signed(nonce=i, amount=1, fee=0)] if i < 2 else [], MINER)
        for i in range(4)
    ]
    dst = new_chain()
    for blk in reversed(blocks[1:]):
        assert dst.add_block(blk) is False
    assert dst.height == 0 and len(dst.orphans) == 3
    assert dst.add_block(blocks[0]) is True
    assert dst.tip == src.tip and dst.orphans == []
    assert dst.state.snapshot() == src.state.snapshot()
    assert dst.add_block(blocks[0]) is False  # already known


def test_invalid_orphan_is_dropped_when_parent_arrives() -> None:
    src = new_chain()
    b1 = src.mine_block([], MINER)
    bad_child = Chain(P, (), ALLOC, clock=lambda: NOW)
    bad_child.add_block(b1)
    b2 = mined(bad_child.build_block([signed(amount=50_000)], MINER))  # overspends
    dst = new_chain()
    assert dst.add_block(b2) is False
    assert dst.add_block(b1) is True
    assert dst.tip == b1 and dst.orphans == []


# -- difficulty ------------------------------------------------------------------------
def test_retarget_every_interval() -> None:
    c = new_chain()
    for _ in range(P.retarget_interval - 1):
        c.mine_block([], MINER, timestamp=c.tip.header.timestamp + 1)  # too fast
    first = c.main_chain()[0].header.timestamp
    expected = retarget_bits(
        P.genesis_bits,
        c.tip.header.timestamp - first,
        target_timespan=P.target_timespan,
        pow_limit=P.pow_limit,
    )
    assert expected != P.genesis_bits
    stale = c.build_block([], MINER)
    assert stale.header.bits == expected
    refused(c, rebuild(stale, bits=P.genesis_bits), InvalidBlock, "wrong bits")
    c.mine_block([], MINER)
    assert c.tip.header.bits == expected and c.height == P.retarget_interval
    c.mine_block([], MINER)
    assert c.tip.header.bits == expected  # kept until the next boundary


def test_retarget_respects_pow_limit() -> None:
    easy = replace(P, genesis_bits=0x207FFFFF)
    c = new_chain(easy)
    for _ in range(P.retarget_interval):
        c.mine_block([], MINER, timestamp=c.tip.header.timestamp + 100)  # too slow
    assert c.tip.header.bits == 0x207FFFFF  # cannot get easier than the limit


# -- extensions ---------------------------------------------------------------------
class Notes(Extension):
    """A toy extension: 'note' transactions burn their amount and log a text."""

    name = "notes"
    kinds = ("note",)

    def init_state(self):
        return {"count": 0, "log": []}

    def validate_tx(self, state, tx, ctx):
        sender = tx.sender_address
        if state.nonce(sender) != tx.nonce:  # runs before the nonce moves
            raise AssertionError("validate_tx ran after the core's effects")
        if "text" not in decode_payload(tx.payload):
            raise InvalidTransaction("a note needs a text")

    def apply_tx(self, state, tx, ctx):
        state.balances[tx.sender_address] -= tx.amount
        state.supply -= tx.amount
        ns = state.ext[self.name]
        ns["count"] += 1
        ns["log"].append([ctx.height, decode_payload(tx.payload)["text"]])

    def end_block(self, state, ctx):
        state.ext[self.name]["log"].append([ctx.height, "end"])
        state.balances[ctx.miner] = state.balances.get(ctx.miner, 0) + 1
        state.supply += 1


def note(text: str | None, nonce: int = 0) -> Transaction:
    payload = encode_payload({"text": text} if text is not None else {})
    return signed(amount=10, fee=1, nonce=nonce, kind="note", payload=payload)


def test_extension_hooks_order_and_supply() -> None:
    c = new_chain(exts=[Notes()])
    assert c.state.ext == {"notes": {"count": 0, "log": []}}
    c.mine_block([note("hello"), note("world", 1)], MINER)
    ns = c.state.ext["notes"]
    assert ns == {"count": 2, "log": [[1, "hello"], [1, "world"], [1, "end"]]}
    s = c.state
    assert s.balance(ADDR[0]) == 10_000 - 22 and s.nonce(ADDR[0]) == 2
    assert s.balance(MINER) == P.subsidy + 2 + 1
    assert s.supply == 10_500 + P.subsidy + 1 - 20
    assert sum(s.balances.values()) == s.supply


def test_extension_rejection_changes_nothing() -> None:
    c = new_chain(exts=[Notes()])
    refused(
        c,
        mined(c.build_block([note("ok"), note(None, 1)], MINER)),
        InvalidTransaction,
        "transaction 2 .*a note needs a text",
    )
    with pytest.raises(InvalidTransaction, match="needs a text"):
        c.validate_transaction(note(None))
    c.validate_transaction(note("fine"))
    with pytest.raises(InvalidTransaction, match="unknown transaction kind"):
        new_chain().validate_transaction(note("no extension here"))


def test_reorg_switches_extension_state() -> None:
    a, b = new_chain(exts=[Notes()]), new_chain(exts=[Notes()])
    a.mine_block([note("only on a")], MINER)
    for _ in range(2):
        b.mine_block([], MINER2)
    for blk in b.main_chain()[1:]:
        a.add_block(blk)
    assert a.state.ext["notes"] == {"count": 0, "log": [[1, "end"], [2, "end"]]}
    assert a.state.snapshot() == b.state.snapshot()


def test_kind_claimed_twice() -> None:
    with pytest.raises(ChainError, match="claimed twice"):
        Chain(P, [Notes(), Notes()])


# -- signature cache ----------------------------------------------------------------
def test_signature_cache_makes_revalidation_skip_ecdsa() -> None:
    cache_ = SignatureCache()
    a = new_chain(sigcache=cache_)
    txs = [signed(nonce=i, amount=1, fee=0) for i in range(3)]
    a.mine_block(txs, MINER)
    assert (cache_.hits, cache_.misses) == (0, 3)
    b = new_chain(sigcache=cache_)
    b.add_block(a.tip)
    assert (cache_.hits, cache_.misses) == (3, 3)
    assert b.state.snapshot() == a.state.snapshot()
    # a cached signature never vouches for a different transaction
    forged = replace(txs[0], amount=2)
    with pytest.raises(InvalidTransaction, match="bad signature"):
        new_chain(sigcache=cache_).validate_transaction(forged)


def test_build_block_defaults() -> None:
    c = new_chain()
    blk = c.build_block([], MINER)
    assert blk.header.timestamp == P.genesis_timestamp + P.target_spacing
    assert blk.header.prev_hash == c.tip.hash() and blk.header.nonce == 0
    assert isinstance(blk.header, BlockHeader)
    assert make_coinbase(MINER, 1, 1, 7).kind == "coinbase"


# -- serialization property ------------------------------------------------------------
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_sigs = st.none() | st.builds(
    Signature,
    st.integers(1, _N - 1),
    st.integers(1, _N // 2),
    st.sampled_from([27, 28]),
)
_txs = st.builds(
    Transaction,
    sender=st.sampled_from(PUB),
    recipient=st.sampled_from(ADDR),
    amount=st.integers(0, 2**62),
    fee=st.integers(0, 2**62),
    nonce=st.integers(0, 2**63 - 1),
    chain_id=st.integers(0, 2**40),
    kind=st.sampled_from(["transfer", "note"]),
    payload=st.binary(max_size=50),
    signature=_sigs,
)
_blocks = st.builds(
    lambda hdr, cb_amount, txs: Block(
        hdr, (make_coinbase(MINER, cb_amount, 3, 7, b"x"), *txs)
    ),
    st.builds(
        BlockHeader,
        st.integers(-(2**31), 2**31 - 1),
        st.binary(min_size=32, max_size=32),
        st.binary(min_size=32, max_size=32),
        st.integers(0, 2**32 - 1),
        st.integers(0, 2**32 - 1),
        st.integers(0, 2**32 - 1),
    ),
    st.integers(0, 2**63 - 1),
    st.lists(_txs, max_size=6),
)


@settings(max_examples=60, deadline=None)
@given(_blocks)
def test_block_round_trip_property(block: Block) -> None:
    raw = block.serialize()
    back = Block.parse(raw)
    assert back == block and back.serialize() == raw and back.hash() == block.hash()
