"""The NFT registry and a marketplace as an extension of the course chain.

Each ERC-721 call becomes a signed transaction whose sender is the caller (so a
signature replaces Solidity's ``msg.sender``). The registry lives in
``State.ext["nft"]`` as an :class:`NFTLedger`, so it is saved, reloaded and re-organised
with the chain like balances are. Kinds (payloads are canonical JSON):

=========================== ==================================== ===================
kind                        payload                              recipient / amount
=========================== ==================================== ===================
nft_mint                    token_id, image_cid, metadata_cid,   "" / 0
                            royalty_bps
nft_transfer                token_id, from                       new owner / 0
nft_approve                 token_id                             approved (or zero)/0
nft_set_approval_for_all    approved (bool)                      operator / 0
nft_burn                    token_id                             "" / 0
nft_list                    token_id, price                      "" / 0
nft_unlist                  token_id                             "" / 0
nft_buy                     token_id                             "" / the price
=========================== ==================================== ===================

Every payload field has one exact JSON type (:data:`PAYLOAD_SCHEMA`): an ``int`` is
not a float (``1.0``) and a ``bool`` is not an int (``true``); a payload with a field
missing, added or of another type is an ``InvalidTransaction`` before anything else
is looked at, so a peer's malformed transaction can never raise anything else.
Payloads are parsed by the chain's ``decode_payload`` (:mod:`refimpl.boundedjson`: size
and depth bounded).

Rules beyond ERC-721: a mint goes to its signer, who becomes the EIP-2981 royalty
receiver; an image CID can be minted once only (:class:`DuplicateContent`), and token
ids are never reused, even after a burn, so an id always names one artwork. A buy
must pay exactly the listed price; the royalty (floor of price x bps / 10000) goes to
the receiver and the rest to the seller in the same transaction, with the token. Any
transfer or burn ends a listing. Every chain account is a plain key account, so the
receiver hooks of safe transfers (contract accounts) apply to the Python registry only.
Introduced in lesson 12.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refimpl.chain.errors import InvalidTransaction
from refimpl.chain.extension import Extension
from refimpl.chain.state import BlockContext, State
from refimpl.chain.transaction import Transaction, decode_payload, encode_payload
from refimpl.crypto import is_valid_address

from .cid import is_cid_v1
from .errors import DuplicateContent, InvalidArgument, MarketError, NFTError
from .metadata import ipfs_uri
from .registry import ZERO_ADDRESS, NFTRegistry
from .royalty import FEE_DENOMINATOR

__all__ = [
    "NFT_KINDS",
    "PAYLOAD_SCHEMA",
    "Listing",
    "NFTLedger",
    "NFTExtension",
    "check_nft_payload",
    "nft_tx",
]

NFT_KINDS = (
    "nft_mint",
    "nft_transfer",
    "nft_approve",
    "nft_set_approval_for_all",
    "nft_burn",
    "nft_list",
    "nft_unlist",
    "nft_buy",
)

#: kind -> {field: its exact JSON type}; ``type(value) is t`` (a bool is no int).
PAYLOAD_SCHEMA: dict[str, dict[str, type]] = {
    "nft_mint": {
        "token_id": int,
        "image_cid": str,
        "metadata_cid": str,
        "royalty_bps": int,
    },
    "nft_transfer": {"token_id": int, "from": str},
    "nft_approve": {"token_id": int},
    "nft_set_approval_for_all": {"approved": bool},
    "nft_burn": {"token_id": int},
    "nft_list": {"token_id": int, "price": int},
    "nft_unlist": {"token_id": int},
    "nft_buy": {"token_id": int},
}
_USES_RECIPIENT = {"nft_transfer", "nft_approve", "nft_set_approval_for_all"}


@dataclass
class Listing:
    """A standing offer to sell ``token_id`` for ``price`` (made by its owner)."""

    seller: str
    price: int


@dataclass
class NFTLedger:
    """``State.ext["nft"]``: the registry plus what the chain adds around it."""

    registry: NFTRegistry
    content: dict[str, int] = field(default_factory=dict)  # image CID -> token id
    image_cids: dict[int, str] = field(default_factory=dict)  # token id -> image CID
    minted_at: dict[int, int] = field(default_factory=dict)  # token id -> height
    listings: dict[int, Listing] = field(default_factory=dict)


class NFTExtension(Extension):
    """Chain extension owning the ``nft_*`` kinds (lesson 12)."""

    name = "nft"
    kinds = NFT_KINDS
    #: The chain's stateless payload hook reads this (exact types per field).
    payload_fields = PAYLOAD_SCHEMA

    def __init__(self, collection: str = "ChainMind Art", symbol: str = "CMA") -> None:
        self.collection = collection
        self.symbol = symbol

    def init_state(self) -> NFTLedger:
        """An empty registry whose ids are never reused."""
        return NFTLedger(NFTRegistry(self.collection, self.symbol, allow_remint=False))

    # ----- validation (never mutates) ------------------------------------------------
    def check_payload(self, tx: Transaction) -> None:
        """The chain's stateless payload hook (mempool and block validation).

        Stricter than the generic field check: exactly the fields of
        :data:`PAYLOAD_SCHEMA`, each of its exact type (:func:`check_nft_payload`).
        """
        check_nft_payload(tx)

    def validate_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        """Raise InvalidTransaction with the ERC-721/market reason, else None.

        The payload's shape and types are checked first (:func:`check_nft_payload`).
        """
        p = check_nft_payload(tx)
        try:
            self._check(state.ext[self.name], state, tx, p)
        except NFTError as e:
            raise InvalidTransaction(f"{tx.kind}: {type(e).__name__}: {e}") from None

    def _check(
        self, led: NFTLedger, state: State, tx: Transaction, p: dict[str, Any]
    ) -> None:
        reg, caller, kind = led.registry, tx.sender_address, tx.kind
        if kind == "nft_buy":
            if tx.amount <= 0:
                raise InvalidTransaction("nft_buy: amount must be the listed price")
        elif tx.amount != 0:
            raise InvalidTransaction(f"{kind}: amount must be 0")
        if kind not in _USES_RECIPIENT and tx.recipient != "":
            raise InvalidTransaction(f"{kind}: recipient must be empty")
        if kind in _USES_RECIPIENT and not is_valid_address(tx.recipient):
            raise InvalidTransaction(
                f"{kind}: recipient {tx.recipient!r} is no address"
            )
        tid = p.get("token_id")
        if kind == "nft_mint":
            for f in ("image_cid", "metadata_cid"):
                if not is_cid_v1(p[f]):
                    raise InvalidTransaction(f"nft_mint: {f} is not a raw CIDv1")
            bps = p["royalty_bps"]
            if not _is_int(bps) or not 0 <= bps <= FEE_DENOMINATOR:
                raise InvalidTransaction(
                    f"nft_mint: royalty_bps {bps!r} not in 0..10000"
                )
            reg.check_mint(caller, tid)
            if p["image_cid"] in led.content:
                other = led.content[p["image_cid"]]
                raise DuplicateContent(
                    f"image {p['image_cid']} is already token {other}"
                )
        elif kind == "nft_transfer":
            reg.check_transfer(caller, p["from"], tx.recipient, tid)
        elif kind == "nft_approve":
            reg.check_approve(caller, tx.recipient, tid)
        elif kind == "nft_set_approval_for_all":
            if not isinstance(p["approved"], bool):
                raise InvalidTransaction("nft_set_approval_for_all: approved is a bool")
            reg.check_set_approval_for_all(caller, tx.recipient)
        elif kind == "nft_burn":
            reg.check_burn(caller, tid)
        elif kind == "nft_list":
            owner = reg.owner_of(tid)
            if owner != caller:
                raise MarketError(f"only the owner {owner} can list token {tid}")
            price = p["price"]
            if not _is_int(price) or price <= 0:
                raise MarketError(f"price {price!r} must be a positive integer")
        elif kind == "nft_unlist":
            listing = led.listings.get(tid)
            if listing is None or listing.seller != caller:
                raise MarketError(f"token {tid} is not listed by {caller}")
        elif kind == "nft_buy":
            listing = led.listings.get(tid) if _is_int(tid) else None
            if listing is None:
                raise MarketError(f"token {tid!r} is not listed for sale")
            if caller == listing.seller:
                raise MarketError("the seller cannot buy their own token")
            if tx.amount < listing.price:
                raise MarketError(
                    f"offer {tx.amount} is below the listed price {listing.price}"
                )
            if tx.amount != listing.price:
                raise MarketError(
                    f"offer {tx.amount} must equal the listed price {listing.price}"
                )
            if state.balance(caller) < tx.amount + tx.fee:
                raise MarketError(
                    f"buyer has {state.balance(caller)}, needs {tx.amount + tx.fee}"
                )
            reg.check_transfer(None, listing.seller, caller, tid)

    # ----- effects --------------------------------------------------------------------
    def apply_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        """Apply a validated ``nft_*`` transaction (the fee and nonce are done)."""
        led: NFTLedger = state.ext[self.name]
        p = check_nft_payload(tx)
        reg, caller, kind = led.registry, tx.sender_address, tx.kind
        tid = p.get("token_id")
        if kind == "nft_mint":
            reg.mint(caller, tid)
            reg.set_token_uri(tid, ipfs_uri(p["metadata_cid"]))
            reg.set_token_royalty(tid, caller, p["royalty_bps"])
            led.content[p["image_cid"]] = tid
            led.image_cids[tid] = p["image_cid"]
            led.minted_at[tid] = ctx.height
        elif kind == "nft_transfer":
            reg.transfer_from(caller, p["from"], tx.recipient, tid)
            led.listings.pop(tid, None)
        elif kind == "nft_approve":
            reg.approve(caller, tx.recipient, tid)
        elif kind == "nft_set_approval_for_all":
            reg.set_approval_for_all(caller, tx.recipient, p["approved"])
        elif kind == "nft_burn":
            reg.burn(caller, tid)
            led.listings.pop(tid, None)
        elif kind == "nft_list":
            led.listings[tid] = Listing(caller, p["price"])
            reg.log_event("Listed", seller=caller, token_id=tid, price=p["price"])
        elif kind == "nft_unlist":
            del led.listings[tid]
            reg.log_event("Unlisted", seller=caller, token_id=tid)
        elif kind == "nft_buy":
            listing = led.listings.pop(tid)
            receiver, royalty = reg.royalty_info(tid, tx.amount)
            if receiver == ZERO_ADDRESS:
                royalty = 0
            state.balances[caller] -= tx.amount
            for who, value in (
                (receiver, royalty),
                (listing.seller, tx.amount - royalty),
            ):
                if value:
                    state.balances[who] = state.balances.get(who, 0) + value
            reg.unrestricted_transfer(listing.seller, caller, tid)
            reg.log_event(
                "Sale",
                seller=listing.seller,
                buyer=caller,
                token_id=tid,
                price=tx.amount,
                royalty_receiver=receiver,
                royalty=royalty,
            )


def nft_tx(
    key: Any,
    kind: str,
    payload: dict[str, Any],
    *,
    nonce: int,
    chain_id: int,
    recipient: str = "",
    amount: int = 0,
    fee: int = 0,
) -> Transaction:
    """Build and sign an ``nft_*`` transaction with ``key`` (a PrivateKey).

    Introduced in lesson 12.
    """
    if kind not in NFT_KINDS:
        raise InvalidArgument(f"unknown NFT transaction kind {kind!r:.60}")
    if not hasattr(getattr(key, "public_key", None), "to_bytes"):
        raise InvalidArgument(f"key must be a PrivateKey, got {type(key).__name__}")
    tx = Transaction(
        sender=key.public_key.to_bytes(compressed=True),
        recipient=recipient,
        amount=amount,
        fee=fee,
        nonce=nonce,
        chain_id=chain_id,
        kind=kind,
        payload=encode_payload(payload),
    )
    return tx.sign(key)


def check_nft_payload(tx: Transaction) -> dict[str, Any]:
    """The payload of an ``nft_*`` transaction, checked field by field; lesson 12.

    Raises :class:`~refimpl.chain.errors.InvalidTransaction` (never anything else)
    unless the payload is bounded, canonical JSON of an object with exactly the fields
    of :data:`PAYLOAD_SCHEMA` for ``tx.kind``, each of its exact type.
    """
    kind = tx.kind
    want = PAYLOAD_SCHEMA.get(kind) if isinstance(kind, str) else None
    if want is None:
        raise InvalidTransaction(f"{kind!r:.40} is not an NFT transaction kind")
    p = decode_payload(tx.payload)  # bounded JSON, canonical form, an object
    if set(p) != set(want):
        raise InvalidTransaction(
            f"{kind}: payload fields must be {sorted(want)}, got {sorted(p)}"
        )
    for name, typ in want.items():
        if type(p[name]) is not typ:
            raise InvalidTransaction(
                f"{kind}: payload field {name!r} must be {typ.__name__}, "
                f"got {type(p[name]).__name__}"
            )
    return p


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)
