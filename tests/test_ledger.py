"""Transactions and ledger state: serialization, signatures, every bad input.

Each rejection must leave the state exactly as it was (compared by snapshot) and
say why. Signatures cost milliseconds, so a handful are made once per module.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from accounts import accounts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refimpl.chain import (
    MAX_AMOUNT,
    BlockContext,
    InvalidTransaction,
    Ledger,
    State,
    Transaction,
    decode_payload,
    encode_payload,
)
from refimpl.crypto import Signature

CHAIN_ID = 7
KEYS, ADDR = accounts(3)
PUB = [k.public_key.to_bytes(compressed=True) for k in KEYS]
MINER = ADDR[2]
CTX = BlockContext(
    height=1,
    timestamp=1_700_000_002,
    miner=MINER,
    block_hash=b"\x00" * 32,
    chain_id=CHAIN_ID,
)


def fresh_state() -> State:
    return State(balances={ADDR[0]: 1_000, ADDR[1]: 50}, supply=1_050)


#: A transfer's fields unless a test says otherwise.
TRANSFER = {"amount": 100, "fee": 5, "nonce": 0, "chain_id": CHAIN_ID}


def tx(i: int = 0, to: int = 1, **fields: Any) -> Transaction:
    """An unsigned transaction from key ``i`` to address ``to``: ``TRANSFER``
    with ``fields`` (any of Transaction's) in place of its defaults."""
    return Transaction(PUB[i], ADDR[to], **(TRANSFER | fields))


@cache
def signed(i: int = 0, to: int = 1, **fields: Any) -> Transaction:
    """``tx(i, to, **fields)`` signed by key ``i`` (cached: signing takes ms)."""
    return tx(i, to, **fields).sign(KEYS[i])


def rejected(state: State, t: Transaction, reason: str) -> None:
    """Assert t is refused with ``reason`` and state is untouched."""
    before = state.snapshot()
    with pytest.raises(InvalidTransaction, match=reason):
        Ledger().apply(state, t, CTX)
    assert state.snapshot() == before


# -- the happy path ------------------------------------------------------------------
def test_transfer_applies() -> None:
    s = fresh_state()
    fee = Ledger().apply(s, signed(), CTX)
    assert fee == 5
    assert s.balance(ADDR[0]) == 895 and s.balance(ADDR[1]) == 150
    assert s.nonce(ADDR[0]) == 1 and s.nonce(ADDR[1]) == 0
    Ledger().apply(s, signed(nonce=1, amount=10, fee=0), CTX)
    assert s.balance(ADDR[0]) == 885 and s.nonce(ADDR[0]) == 2


def test_txid_and_signature() -> None:
    t = signed()
    assert t.verify_signature()
    assert t.txid() == tx().txid()  # the signature is not part of the txid
    assert len(t.txid()) == 32 and t.txid_hex() == t.txid()[::-1].hex()
    assert t.sender_address == ADDR[0]
    assert tx().signature is None and not tx().verify_signature()
    with pytest.raises(InvalidTransaction, match="does not match the sender"):
        tx().sign(KEYS[1])


def test_round_trip_signed() -> None:
    t = signed()
    raw = t.serialize()
    assert Transaction.parse(raw) == t and Transaction.parse(raw).serialize() == raw
    assert Transaction.parse(tx().serialize()) == tx()


# -- bad input, one test each ---------------------------------------------------------
def test_bad_signature() -> None:
    t = signed()
    other = signed(i=1, to=0, amount=1, fee=0)  # a valid signature, wrong message
    rejected(fresh_state(), replace(t, signature=other.signature), "bad signature")
    sig = t.signature
    flipped_v = Signature(sig.r, sig.s, 55 - sig.v)  # 27 <-> 28
    rejected(fresh_state(), replace(t, signature=flipped_v), "bad signature")
    # a signed tx whose amount was changed afterwards
    rejected(fresh_state(), replace(t, amount=99), "bad signature")


def test_high_s_signature_rejected() -> None:
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    sig = signed().signature
    high = replace(signed(), signature=Signature(sig.r, n - sig.s, sig.v))
    rejected(fresh_state(), high, "low-s")


def test_unsigned() -> None:
    rejected(fresh_state(), tx(), "not signed")


def test_wrong_chain_id_replay() -> None:
    rejected(fresh_state(), signed(chain_id=CHAIN_ID + 1), "chain id 8 is not this")


def test_reused_nonce() -> None:
    s = fresh_state()
    Ledger().apply(s, signed(), CTX)
    rejected(s, signed(), "nonce 0 reused: the sender's next nonce is 1")


def test_skipped_nonce() -> None:
    rejected(fresh_state(), signed(nonce=1), "nonce 1 skips ahead")


def test_overspend() -> None:
    rejected(fresh_state(), signed(amount=996), "insufficient balance: amount \\+ fee")
    rejected(fresh_state(), signed(i=1, to=0, amount=50, fee=1), "has 50")


@pytest.mark.parametrize("amount", [0])
def test_zero_amount(amount: int) -> None:
    rejected(fresh_state(), signed(amount=amount), "positive amount")


@pytest.mark.parametrize(
    "amount, reason",
    [
        (-5, "outside"),
        (1.5, "must be an integer"),
        ("10", "must be an integer"),
        (True, "must be an integer"),
        (None, "must be an integer"),
    ],
)
def test_negative_or_non_integer_amount(amount, reason: str) -> None:
    with pytest.raises(InvalidTransaction, match=reason):
        tx(amount=amount).sign(KEYS[0])  # cannot even be signed
    forged = replace(signed(), amount=amount)  # or forged onto a signature
    rejected(fresh_state(), forged, reason)


def test_fee_overflow() -> None:
    rejected(fresh_state(), replace(signed(), fee=MAX_AMOUNT), "overflows")
    rejected(fresh_state(), replace(signed(), amount=2**63), "outside")
    rejected(fresh_state(), replace(signed(), fee=-1), "outside")
    rejected(fresh_state(), signed(amount=900, fee=101), "amount \\+ fee = 1001")


def test_unknown_kind_and_bad_recipient() -> None:
    t = tx(kind="stake").sign(KEYS[0])
    rejected(fresh_state(), t, "unknown transaction kind 'stake'")
    bad_to = replace(
        tx(), recipient=ADDR[1][:-1] + ("1" if ADDR[1][-1] != "1" else "2")
    )
    rejected(fresh_state(), bad_to.sign(KEYS[0]), "not a valid address")
    rejected(fresh_state(), replace(tx(), kind="Bad Kind"), "kind")


def test_coinbase_not_allowed_as_transaction() -> None:
    cb = Transaction(b"", MINER, 50, 0, 1, CHAIN_ID, kind="coinbase")
    rejected(fresh_state(), cb, "coinbase may only be")


def test_bad_sender_key() -> None:
    rejected(
        fresh_state(), replace(signed(), sender=b"\x02" + b"\xff" * 32), "public key"
    )
    rejected(fresh_state(), replace(signed(), sender=b"\x04" * 33), "compressed")


# -- malformed bytes --------------------------------------------------------------
def test_malformed_bytes() -> None:
    raw = signed().serialize()
    cases = {
        "truncated": raw[:-1],
        "trailing bytes": raw + b"\x00",
        "unknown version": b"\x02" + raw[1:],
        "signature flag": raw[:-66] + b"\x02" + raw[-65:],
        "empty": b"",
    }
    for name, data in cases.items():
        with pytest.raises(InvalidTransaction, match="malformed transaction"):
            Transaction.parse(data)
        assert name
    with pytest.raises(InvalidTransaction, match="non-canonical"):
        Transaction.parse(b"\x01\xfd\x08\x00" + raw[2:])  # kind length 8, padded
    with pytest.raises(InvalidTransaction, match="expected bytes"):
        Transaction.parse("00" * 10)


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_any_single_byte_mutation_is_rejected(data: st.DataObject) -> None:
    raw = signed().serialize()
    pos = data.draw(st.integers(0, len(raw) - 1), label="position")
    delta = data.draw(st.integers(1, 255), label="xor")
    mutated = bytearray(raw)
    mutated[pos] ^= delta
    state = fresh_state()
    before = state.snapshot()
    with pytest.raises(InvalidTransaction):
        t = Transaction.parse(bytes(mutated))
        Ledger().apply(state, t, CTX)
    assert state.snapshot() == before


# -- serialization properties -------------------------------------------------------
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
amounts = st.integers(0, MAX_AMOUNT // 2)
sigs = st.none() | st.builds(
    Signature, st.integers(1, N - 1), st.integers(1, N // 2), st.sampled_from([27, 28])
)
txs = st.builds(
    Transaction,
    sender=st.sampled_from(PUB),
    recipient=st.sampled_from(ADDR) | st.text("abcXYZ123", max_size=40),
    amount=amounts,
    fee=amounts,
    nonce=st.integers(0, MAX_AMOUNT),
    chain_id=st.integers(0, 2**32),
    kind=st.sampled_from(["transfer", "stake", "nft_mint", "set_weights"]),
    payload=st.binary(max_size=300),
    signature=sigs,
)


@settings(max_examples=150, deadline=None)
@given(txs)
def test_transaction_round_trip(t: Transaction) -> None:
    raw = t.serialize()
    back = Transaction.parse(raw)
    assert back == t and back.serialize() == raw and back.txid() == t.txid()


# -- payloads -------------------------------------------------------------------------
def test_payload_canonical_json() -> None:
    assert encode_payload({"b": 1, "a": [1, "x"]}) == b'{"a":[1,"x"],"b":1}'
    assert decode_payload(b'{"a":[1,"x"],"b":1}') == {"a": [1, "x"], "b": 1}
    for bad in [b'{"b":1, "a":2}', b'{"b":1,"a":2}', b"[1]", b"\xff", b"{", b""]:
        with pytest.raises(InvalidTransaction, match="malformed payload"):
            decode_payload(bad)
    for bad_obj in [{"x": float("nan")}, {"x": object()}, [1]]:
        with pytest.raises(InvalidTransaction):
            encode_payload(bad_obj)


# -- state ----------------------------------------------------------------------------
def test_state_copy_is_deep_and_snapshot_compares() -> None:
    s = fresh_state()
    s.ext["demo"] = {"list": [1, 2]}
    c = s.copy()
    c.balances[ADDR[0]] -= 1
    c.ext["demo"]["list"].append(3)
    assert s.balance(ADDR[0]) == 1_000 and s.ext["demo"]["list"] == [1, 2]
    assert s.snapshot() != c.snapshot()
    assert s.copy().snapshot() == s.snapshot()
    z = s.copy()
    z.balances["1zero"] = 0  # zero entries do not change the snapshot
    assert z.snapshot() == s.snapshot()


def test_ledger_check_never_mutates() -> None:
    s = fresh_state()
    before = s.snapshot()
    Ledger().check(s, signed(), CTX)
    assert s.snapshot() == before
