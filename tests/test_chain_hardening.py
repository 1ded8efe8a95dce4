"""Issue 14 §1 for the chain: no crash, the package's own error with a reason, and
no state changed, at every door a learner or a peer can reach."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from chain_setup import NOW, P, mined

from refimpl.chain import (
    Block,
    BlockHeader,
    Chain,
    ChainError,
    ChainParams,
    Extension,
    InvalidBlock,
    InvalidTransaction,
    Network,
    Transaction,
    decode_payload,
    encode_payload,
    make_coinbase,
)
from refimpl.chain.block import block_from_parts
from refimpl.chain.chain import MAX_ORPHAN_BYTES, MAX_ORPHANS
from refimpl.crypto import PrivateKey, Signature, address_checksum_ok
from refimpl.crypto.address import MAX_BASE58CHECK_CHARS

KEY = PrivateKey(5000)
PUB = KEY.public_key.to_bytes()
ADDR = KEY.public_key.address
MINER = PrivateKey(5001).public_key.address


class Tokens(Extension):
    """A toy extension whose validation would trip over a mistyped payload."""

    name = "tokens"
    kinds = ("tok_set", "tok_raw")
    payload_fields = {"tok_set": {"token_id": int, "flag": bool}}

    def init_state(self):
        return {"set": {}}

    def validate_tx(self, state, tx, ctx):
        p = decode_payload(tx.payload)
        if p["token_id"] + 1 > 10**6:  # TypeError on a list without the schema
            raise InvalidTransaction("token id too large")

    def apply_tx(self, state, tx, ctx):
        p = decode_payload(tx.payload)
        state.ext[self.name]["set"] = {**state.ext[self.name]["set"],
                                       str(p["token_id"]): p.get("flag")}  # fmt: skip


def tx(kind: str = "transfer", payload: dict | None = None, nonce: int = 0,
       amount: int = 10, to: str = MINER) -> Transaction:  # fmt: skip
    raw = encode_payload(payload) if payload is not None else b""
    return Transaction(PUB, to, amount, 1, nonce, P.chain_id, kind, raw).sign(KEY)


def chain(exts=()) -> Chain:
    return Chain(P, exts, {ADDR: 10_000}, clock=lambda: NOW)


# -- JSON that would kill the interpreter -------------------------------------------


def test_deep_payload_is_refused_not_a_segfault_with_py_ecc_loaded() -> None:
    code = textwrap.dedent(
        """
        import sys
        import py_ecc.secp256k1  # raises the recursion limit to 100,000
        from refimpl.chain import InvalidTransaction, decode_payload, encode_payload
        assert sys.getrecursionlimit() >= 100_000
        deep = b"[" * 70_000 + b"]" * 70_000
        for doc in (deep, b'{"a":' * 70_000 + b"1" + b"}" * 70_000):
            try:
                decode_payload(doc)
            except InvalidTransaction as e:
                assert "nests" in str(e) or "limit" in str(e), e
            else:
                raise SystemExit("accepted")
        nested = {}
        for _ in range(70_000):
            nested = {"a": nested}
        try:
            encode_payload(nested)
        except InvalidTransaction:
            print("refused")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "refused"


def test_payload_must_be_bytes_and_a_json_object() -> None:
    with pytest.raises(InvalidTransaction, match="bytes"):
        decode_payload("{}")  # type: ignore[arg-type]
    with pytest.raises(InvalidTransaction, match="not a JSON object"):
        decode_payload(b"[1]")
    with pytest.raises(InvalidTransaction, match=r"^malformed payload: holds a NaN"):
        decode_payload(b'{"a":NaN}')
    with pytest.raises(InvalidTransaction, match=r"an infinite number \(Infinity"):
        decode_payload(b'{"a":[Infinity]}')


# -- extension payloads: exact types, in the mempool and in blocks ------------------


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"token_id": [1], "flag": True}, "token_id.*must be int, got list"),
        ({"token_id": 1.0, "flag": True}, "token_id.*must be int, got float"),
        ({"token_id": True, "flag": True}, "token_id.*must be int, got bool"),
        ({"token_id": 1, "flag": 1}, "flag.*must be bool, got int"),
        ({"flag": True}, "token_id.*missing"),
    ],
)
def test_payload_fields_are_type_checked_exactly(payload, reason) -> None:
    c = chain([Tokens()])
    before = c.state.snapshot()
    with pytest.raises(InvalidTransaction, match=reason):
        c.validate_transaction(tx("tok_set", payload))
    block = c.build_block([tx("tok_set", payload)], MINER)
    with pytest.raises(InvalidTransaction, match=reason):
        c.add_block(mined(block))
    assert c.state.snapshot() == before and c.height == 0
    c.validate_transaction(tx("tok_set", {"token_id": 1, "flag": False}))


def test_an_extension_that_trips_is_a_refusal_not_a_crash() -> None:
    c = chain([Tokens()])
    bad = tx("tok_raw", {"token_id": [1]})  # no schema for tok_raw: validate_tx trips
    with pytest.raises(InvalidTransaction, match="tokens extension refused.*TypeError"):
        c.validate_transaction(bad)


def test_a_malformed_payload_never_stops_a_network_run() -> None:
    net = Network(P, seed=3, genesis_alloc={ADDR: 10_000}, extensions=[Tokens()])
    for i in range(2):
        net.add_peer(f"p{i}", address=MINER, hash_share=0.5)
    net.connect_all()
    bad = tx("tok_raw", {"token_id": [1]})
    assert not net.submit_tx("p0", bad)  # the mempool runs block validation
    assert not net.submit_tx("p0", tx("tok_set", {"token_id": "1", "flag": True}))
    net.peers["p1"].mempool[bad.txid()] = bad  # even if one slips in, mining skips it
    good = tx("tok_set", {"token_id": 7, "flag": True})
    assert net.submit_tx("p0", good)
    net.run(20)
    net.settle()
    assert net.in_consensus()
    blocks = net.peers["p0"].chain.main_chain()
    txids = {t.txid() for b in blocks for t in b.txs}
    assert good.txid() in txids and bad.txid() not in txids
    assert net.peers["p0"].chain.state.ext["tokens"]["set"] == {"7": True}


def test_mempool_refuses_what_a_block_would_refuse() -> None:
    net = Network(P, seed=1, genesis_alloc={ADDR: 100})
    net.add_peer("p0", address=MINER)
    assert not net.submit_tx("p0", tx(amount=500))  # more than the balance
    assert not net.submit_tx("p0", tx(nonce=1))  # skips nonce 0
    assert net.submit_tx("p0", tx(nonce=0, amount=50))
    assert net.submit_tx("p0", tx(nonce=1, amount=40))  # after its predecessor
    assert not net.submit_tx("p0", tx(nonce=2, amount=40))  # 100 - 51 - 41 < 41
    assert not net.submit_tx("p0", "not a transaction")  # type: ignore[arg-type]


# -- types at every door --------------------------------------------------------------


def test_a_signature_must_be_a_signature() -> None:
    good = tx()
    for fake in ((good.signature.r, good.signature.s, 27), "sig", 5):
        t = Transaction(PUB, MINER, 10, 1, 0, P.chain_id, signature=fake)
        with pytest.raises(InvalidTransaction, match="must be a refimpl.crypto.Sign"):
            t.check_fields()
        assert not t.verify_signature()
        with pytest.raises(InvalidTransaction):
            chain().validate_transaction(t)
    with pytest.raises(InvalidTransaction, match="needs a PrivateKey"):
        Transaction(PUB, MINER, 10, 1, 0, P.chain_id).sign(12345)  # type: ignore


def test_a_block_needs_a_header_and_transactions() -> None:
    c = chain()
    good = c.build_block([], MINER)
    with pytest.raises(InvalidBlock, match="must be a BlockHeader"):
        Block("header", good.txs)  # type: ignore[arg-type]
    with pytest.raises(InvalidBlock, match="not a Transaction"):
        Block(good.header, (good.txs[0], "tx"))  # type: ignore[arg-type]
    with pytest.raises(InvalidBlock, match="not a Block"):
        c.add_block(good.header)  # type: ignore[arg-type]
    with pytest.raises(InvalidBlock, match="must be an int"):
        BlockHeader(1, b"\0" * 32, b"\0" * 32, 1.5, 0x2000FFFF, 0)  # type: ignore
    with pytest.raises(InvalidBlock, match="must be 32 bytes"):
        BlockHeader(1, "00" * 32, b"\0" * 32, 1, 0x2000FFFF, 0)  # type: ignore
    assert c.height == 0 and not c.orphans


def test_a_reused_buffer_cannot_rewrite_a_stored_block() -> None:
    c = chain([Tokens()])
    payload = bytearray(encode_payload({"flag": True, "token_id": 3}))
    raw = Transaction(PUB, MINER, 10, 1, 0, P.chain_id, "tok_set", payload)
    prev = bytearray(c.tip.hash())
    block = c.mine_block([raw.sign(KEY)], MINER)
    stored = c.get_block(block.hash())
    wire = stored.serialize()
    payload[:] = b"X" * len(payload)
    prev[:] = b"\xff" * 32
    header = BlockHeader(1, prev, b"\0" * 32, 1, 0x2000FFFF, 0)
    prev[:] = b"\x00" * 32
    assert header.prev_hash == b"\xff" * 32 and isinstance(header.prev_hash, bytes)
    assert isinstance(stored.txs[1].payload, bytes)
    assert stored.serialize() == wire and stored.compute_merkle_root() == (
        stored.header.merkle_root
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"retarget_interval": 0},
        {"genesis_bits": 0},
        {"genesis_bits": 0x2100FFFF},  # above the pow limit
        {"genesis_bits": 0x01800001},  # negative (sign bit)
        {"target_spacing": 0},
        {"chain_id": 1.0},
        {"subsidy": True},
        {"halving_interval": 0},
        {"median_time_span": 0},
        {"max_block_size": 10},
        {"pow_limit": 0},
    ],
)
def test_invalid_params_are_refused(changes) -> None:
    with pytest.raises(ChainError, match="ChainParams"):
        ChainParams(**changes)


def test_chain_constructor_checks_its_arguments() -> None:
    with pytest.raises(ChainError, match="params must be ChainParams"):
        Chain({"chain_id": 1}, (), {})  # type: ignore[arg-type]
    with pytest.raises(ChainError, match="not an Extension"):
        Chain(P, ["tokens"], {})  # type: ignore[list-item]
    with pytest.raises(ChainError, match="genesis_alloc"):
        Chain(P, (), [("a", 1)])  # type: ignore[arg-type]
    with pytest.raises(InvalidBlock, match="parent"):
        chain().build_block([], MINER, parent=b"\x01" * 32)


# -- nothing unbounded ------------------------------------------------------------


def test_address_checksum_ok_refuses_long_input_at_once() -> None:
    assert address_checksum_ok("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")
    assert not address_checksum_ok("2" * (MAX_BASE58CHECK_CHARS + 1))
    assert not address_checksum_ok("z" * 10**6)  # would take minutes unbounded
    assert not address_checksum_ok(None)  # type: ignore[arg-type]


def _orphan(i: int, size: int) -> Block:
    cb = make_coinbase(MINER, 1, 1, P.chain_id, b"x" * size)
    prev = i.to_bytes(32, "little")
    block = block_from_parts(prev, [cb], NOW - 100, P.genesis_bits, 1)
    return mined(block)


def test_orphan_pool_is_capped_by_bytes_and_by_count() -> None:
    c = chain()
    big = [_orphan(i, 95_000) for i in range(1, 101)]  # ~9.5 MB in all
    for b in big:
        assert c.add_block(b) is False
    kept = c.orphans
    assert sum(b.size() for b in kept) <= MAX_ORPHAN_BYTES
    assert kept[-1] == big[-1] and big[0] not in kept  # the oldest went first
    small = [_orphan(1000 + i, 0) for i in range(MAX_ORPHANS + 20)]
    for b in small:
        c.add_block(b)
    assert len(c.orphans) <= MAX_ORPHANS and c.orphans[-1] == small[-1]
    assert c.height == 0


def test_signature_type_is_kept_by_parse() -> None:
    t = tx()
    back = Transaction.parse(t.serialize())
    assert isinstance(back.signature, Signature) and back == t


def test_race_maths_refuses_what_would_never_end() -> None:
    from refimpl.chain import (
        attacker_success_probability,
        blocks_to_wait,
        race_success_probability,
        simulate_double_spend,
    )
    from refimpl.chain.race import race_walk

    for bad in ((0.1, 0.0), (0.1, -1.0), ("0.1", 0.01), (0.1, float("nan"))):
        with pytest.raises(ValueError):
            blocks_to_wait(*bad)
    with pytest.raises(ValueError, match="more than"):
        blocks_to_wait(0.4999, 1e-9)
    for q, z in (("x", 1), (0.1, 10**9), (True, 1), (0.1, 2.0)):
        with pytest.raises(ValueError):
            attacker_success_probability(q, z)
        with pytest.raises(ValueError):
            race_success_probability(q, z)
    with pytest.raises(ValueError, match="trials"):
        simulate_double_spend(0.1, 2, trials=10**12)
    with pytest.raises(ValueError, match="max_blocks"):
        race_walk(0.1, 2, max_blocks=10**12)
    assert blocks_to_wait(0.1) == 5 and blocks_to_wait(0.45) == 340  # §11's table


def test_network_refuses_endless_or_negative_time() -> None:
    with pytest.raises(ValueError, match="latency"):
        Network(P, latency=-1.0)
    with pytest.raises(ValueError, match="jitter"):
        Network(P, jitter=float("inf"))
    with pytest.raises(ValueError, match="block_interval"):
        Network(P, block_interval=0)
    net = Network(P, seed=1)
    net.add_peer("a", address=MINER, hash_share=1.0)
    net.add_peer("b", address=MINER)
    with pytest.raises(ValueError, match="latency"):
        net.connect("a", "b", latency=float("nan"))
    with pytest.raises(ValueError, match="finite"):
        net.run(float("inf"))
    assert net.heights() == {"a": 0, "b": 0}
