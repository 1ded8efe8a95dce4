"""The NFT extension: signed nft_* transactions applied by the chain's ledger.

These tests drive ``refimpl.chain.Ledger.apply`` directly on a State
(chain-level tests with mining, save/load and reorgs are in test_nft_chain.py).
Every rejected transaction must leave ``state.snapshot()`` exactly as it was.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.chain.errors import InvalidTransaction
from refimpl.chain.ledger import Ledger
from refimpl.chain.state import BlockContext, State
from refimpl.chain.transaction import Transaction
from refimpl.crypto import PrivateKey
from refimpl.nft import ZERO_ADDRESS, cid_v1, royalty_amount
from refimpl.nft.onchain import NFT_KINDS, NFTExtension, nft_tx

CHAIN_ID = 7
ARTIST, BUYER, OTHER = PrivateKey(1001), PrivateKey(1002), PrivateKey(1003)
A, B, C = (k.public_key.address for k in (ARTIST, BUYER, OTHER))
MINER = PrivateKey(1004).public_key.address
IMG1, IMG2 = cid_v1(b"image one"), cid_v1(b"image two")
MD1, MD2 = cid_v1(b"metadata one"), cid_v1(b"metadata two")
EXT = NFTExtension()
KINDS = {k: EXT for k in NFT_KINDS}
CTX = BlockContext(5, 1_700_000_000, MINER, b"\x00" * 32, CHAIN_ID)


class World:
    def __init__(self):
        self.state = State(
            balances={A: 1000, B: 1000, C: 5}, ext={"nft": EXT.init_state()}
        )

    @property
    def reg(self):
        return self.state.ext["nft"].registry

    def tx(self, key, kind, payload, **kw):
        nonce = self.state.nonce(key.public_key.address)
        return nft_tx(key, kind, payload, nonce=nonce, chain_id=CHAIN_ID, **kw)

    def do(self, key, kind, payload, **kw):
        Ledger(KINDS).apply(self.state, self.tx(key, kind, payload, **kw), CTX)

    def refused(self, key, kind, payload, match, **kw):
        tx = self.tx(key, kind, payload, **kw)
        before = self.state.snapshot()
        with pytest.raises(InvalidTransaction, match=match):
            Ledger(KINDS).apply(self.state, tx, CTX)
        assert self.state.snapshot() == before

    def mint(self, key=ARTIST, tid=1, img=IMG1, md=MD1, bps=500):
        p = {"token_id": tid, "image_cid": img, "metadata_cid": md, "royalty_bps": bps}
        self.do(key, "nft_mint", p)


@pytest.fixture
def w():
    world = World()
    world.mint()
    return world


def test_mint_sets_owner_uri_royalty_and_height(w):
    assert w.reg.owner_of(1) == A
    assert w.reg.token_uri(1) == "ipfs://" + MD1
    assert w.reg.royalty_info(1, 1000) == (A, 50)
    led = w.state.ext["nft"]
    assert led.content == {IMG1: 1} and led.minted_at == {1: 5}
    assert w.state.nonce(A) == 1


def test_duplicate_content_id_is_refused(w):
    p = {"token_id": 2, "image_cid": IMG1, "metadata_cid": MD2, "royalty_bps": 0}
    w.refused(BUYER, "nft_mint", p, "DuplicateContent")


def test_existing_and_burned_ids_are_never_reused(w):
    p = {"token_id": 1, "image_cid": IMG2, "metadata_cid": MD2, "royalty_bps": 0}
    w.refused(BUYER, "nft_mint", p, "TokenAlreadyMinted")
    w.do(ARTIST, "nft_burn", {"token_id": 1})
    w.refused(BUYER, "nft_mint", p, "never reused")


@pytest.mark.parametrize(
    "payload,match",
    [
        (
            {"token_id": 2, "image_cid": "Qm", "metadata_cid": MD2, "royalty_bps": 0},
            "CID",
        ),
        (
            {
                "token_id": 2,
                "image_cid": IMG2,
                "metadata_cid": MD2,
                "royalty_bps": 10001,
            },
            "bps",
        ),
        (
            {"token_id": -1, "image_cid": IMG2, "metadata_cid": MD2, "royalty_bps": 0},
            "InvalidTokenId",
        ),
        ({"token_id": 2, "image_cid": IMG2}, "payload fields"),
    ],
)
def test_bad_mint_payloads(w, payload, match):
    w.refused(BUYER, "nft_mint", payload, match)


def test_transfer_approve_operator_burn_signed_by_caller(w):
    w.refused(
        BUYER,
        "nft_transfer",
        {"token_id": 1, "from": A},
        "InsufficientApproval",
        recipient=B,
    )
    w.do(ARTIST, "nft_approve", {"token_id": 1}, recipient=B)
    assert w.reg.get_approved(1) == B
    w.refused(BUYER, "nft_approve", {"token_id": 1}, "InvalidApprover", recipient=C)
    w.do(BUYER, "nft_transfer", {"token_id": 1, "from": A}, recipient=B)
    assert w.reg.owner_of(1) == B and w.reg.get_approved(1) == ZERO_ADDRESS
    w.do(BUYER, "nft_set_approval_for_all", {"approved": True}, recipient=C)
    w.do(OTHER, "nft_transfer", {"token_id": 1, "from": B}, recipient=A)
    assert w.reg.owner_of(1) == A
    w.refused(OTHER, "nft_burn", {"token_id": 1}, "InsufficientApproval")
    w.do(ARTIST, "nft_burn", {"token_id": 1})
    assert w.reg.total_supply() == 0


@pytest.mark.parametrize(
    ("token", "owner", "to", "error"),
    [
        (1, B, B, "IncorrectOwner"),
        (9, A, B, "NonexistentToken"),
        (1, A, ZERO_ADDRESS, "InvalidReceiver"),
        (1, A, "x", "no address"),
    ],
)
def test_a_refused_transfer_is_a_failed_transaction(w, token, owner, to, error):
    move = {"token_id": token, "from": owner}
    w.refused(ARTIST, "nft_transfer", move, error, recipient=to)


def test_erc721_failures_are_failed_transactions(w):
    w.refused(
        ARTIST,
        "nft_set_approval_for_all",
        {"approved": True},
        "InvalidOperator",
        recipient=ZERO_ADDRESS,
    )
    w.refused(ARTIST, "nft_burn", {"token_id": 1}, "amount must be 0", amount=1)


def test_sale_pays_seller_and_royalty_atomically(w):
    w.do(ARTIST, "nft_transfer", {"token_id": 1, "from": A}, recipient=C)
    w.do(OTHER, "nft_list", {"token_id": 1, "price": 999})
    before = dict(w.state.balances)
    w.do(BUYER, "nft_buy", {"token_id": 1}, amount=999, fee=1)
    royalty = royalty_amount(999, 500)
    assert royalty == 49
    assert w.state.balances[B] == before[B] - 999 - 1
    assert w.state.balances[A] == before[A] + royalty
    assert w.state.balances[C] == before[C] + 999 - royalty
    assert w.reg.owner_of(1) == B
    assert w.state.ext["nft"].listings == {}
    sale = w.reg.events[-1]
    assert sale.name == "Sale" and sale.args["royalty"] == 49
    assert [e.name for e in w.reg.events[-2:]] == ["Transfer", "Sale"]


def test_sale_below_price_without_funds_or_unlisted_is_refused(w):
    w.refused(BUYER, "nft_buy", {"token_id": 1}, "not listed", amount=10)
    w.do(ARTIST, "nft_list", {"token_id": 1, "price": 500})
    w.refused(BUYER, "nft_buy", {"token_id": 1}, "below the listed price", amount=499)
    w.refused(BUYER, "nft_buy", {"token_id": 1}, "equal the listed price", amount=501)
    w.refused(ARTIST, "nft_buy", {"token_id": 1}, "cannot buy", amount=500)
    # OTHER has 5 tokens: the core ledger and the market both refuse
    w.refused(
        OTHER, "nft_buy", {"token_id": 1}, "insufficient balance|buyer has", amount=500
    )
    w.refused(BUYER, "nft_list", {"token_id": 1, "price": 5}, "only the owner")
    w.refused(ARTIST, "nft_list", {"token_id": 1, "price": 0}, "positive")


def test_buyer_without_funds_market_check():
    # the market's own check (the ledger's is equivalent): validate_tx directly
    world = World()
    world.mint()
    world.do(ARTIST, "nft_list", {"token_id": 1, "price": 500})
    tx = world.tx(OTHER, "nft_buy", {"token_id": 1}, amount=500)
    with pytest.raises(InvalidTransaction, match="buyer has 5, needs 500"):
        EXT.validate_tx(world.state, tx, CTX)


def test_transfer_and_burn_end_a_listing(w):
    w.do(ARTIST, "nft_list", {"token_id": 1, "price": 100})
    w.do(ARTIST, "nft_transfer", {"token_id": 1, "from": A}, recipient=C)
    w.refused(BUYER, "nft_buy", {"token_id": 1}, "not listed", amount=100)
    w.do(OTHER, "nft_list", {"token_id": 1, "price": 100})
    w.refused(ARTIST, "nft_unlist", {"token_id": 1}, "not listed by")
    w.do(OTHER, "nft_unlist", {"token_id": 1})
    w.refused(BUYER, "nft_buy", {"token_id": 1}, "not listed", amount=100)


def test_zero_royalty_sale_pays_seller_everything():
    world = World()
    world.mint(bps=0)
    world.do(ARTIST, "nft_list", {"token_id": 1, "price": 300})
    world.do(BUYER, "nft_buy", {"token_id": 1}, amount=300)
    assert world.state.balances[A] == 1300 and world.state.balances[B] == 700


def test_unsigned_or_foreign_signature_refused(w):
    from dataclasses import replace

    tx = w.tx(ARTIST, "nft_burn", {"token_id": 1})
    forged = replace(tx, sender=BUYER.public_key.to_bytes(compressed=True))
    before = w.state.snapshot()
    with pytest.raises(InvalidTransaction):
        Ledger(KINDS).apply(w.state, forged, CTX)
    assert w.state.snapshot() == before


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_byte_flip_of_a_signed_mint_is_rejected(data):
    world = World()
    p = {"token_id": 1, "image_cid": IMG1, "metadata_cid": MD1, "royalty_bps": 500}
    raw = bytearray(world.tx(ARTIST, "nft_mint", p).serialize())
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] ^= data.draw(st.integers(1, 255))
    before = world.state.snapshot()
    with pytest.raises(InvalidTransaction):
        tx = Transaction.parse(bytes(raw))
        Ledger(KINDS).apply(world.state, tx, CTX)
    assert world.state.snapshot() == before
