"""Applying transactions and blocks to the state, with a signature cache.

For every transaction the ledger checks, before ANY effect: fields in range,
chain id, a known kind, a valid low-s signature over the txid, the sender's next
nonce, and that the balance covers amount + fee; then the owning extension's
``validate_tx``. Only then it advances the nonce, takes the fee (collected for the
block's coinbase, as Bitcoin pays fees through the coinbase) and moves the
amount ("transfer") or calls the extension's ``apply_tx``.

Signatures already verified are remembered (Bitcoin Core's script execution and
signature caches, validation.cpp / sigcache.cpp), so re-validating a chain you
have seen costs hashing, not elliptic-curve arithmetic.
Introduced in lesson 03 (transactions) and lesson 05 (blocks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from refimpl.crypto import is_valid_address

from .block import Block
from .errors import ChainError, InvalidBlock, InvalidTransaction
from .extension import Extension
from .state import BlockContext, State
from .transaction import COINBASE, MAX_AMOUNT, TRANSFER, Transaction

__all__ = [
    "SignatureCache",
    "SIGNATURE_CACHE",
    "Ledger",
    "apply_block",
    "CORE_KINDS",
]


class SignatureCache:
    """A set of (txid, sender, signature) triples already verified as valid.

    Only valid signatures are stored, so a cache hit can never accept a bad one.
    """

    def __init__(self, max_entries: int = 500_000) -> None:
        self.max_entries = max_entries
        self._ok: set[bytes] = set()
        self.hits = 0
        self.misses = 0

    def verify(self, tx: Transaction) -> bool:
        """``tx.verify_signature()``, skipped when this exact signature is known."""
        if tx.signature is None:
            return False
        key = tx.txid() + tx.serialize()[-65:]
        if key in self._ok:
            self.hits += 1
            return True
        self.misses += 1
        ok = tx.verify_signature()
        if ok:
            if len(self._ok) >= self.max_entries:
                self._ok.clear()
            self._ok.add(key)
        return ok

    def clear(self) -> None:
        """Forget everything (benchmarks use it to time a cold validation)."""
        self._ok.clear()
        self.hits = self.misses = 0


SIGNATURE_CACHE = SignatureCache()


class Transfers(Extension):
    """The core kind ``transfer``: move ``amount`` from the sender to ``recipient``.

    Written as an extension without a namespace, so every kind, the core's and the
    extensions', dispatches through one table (:data:`CORE_KINDS` then the chain's).
    """

    name = ""
    kinds = (TRANSFER,)

    def check_payload(self, tx: Transaction) -> None:
        if tx.amount <= 0:
            raise InvalidTransaction("a transfer must move a positive amount")
        if not is_valid_address(tx.recipient):
            raise InvalidTransaction(
                f"recipient {tx.recipient!r} is not a valid address"
            )

    def apply_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        sender = tx.sender_address
        state.balances[sender] = state.balance(sender) - tx.amount
        state.balances[tx.recipient] = state.balance(tx.recipient) + tx.amount


CORE_KINDS: Mapping[str, Extension] = {TRANSFER: Transfers()}
"""Kinds the ledger itself handles; extensions may not claim them (nor coinbase)."""


def handler_for(kind: str, extensions: Mapping[str, Extension]) -> Extension:
    """The extension that owns ``kind`` (the core's first), else InvalidTransaction."""
    handler = CORE_KINDS.get(kind) or extensions.get(kind)
    if handler is None:
        raise InvalidTransaction(f"unknown transaction kind {kind!r}")
    return handler


def _guarded(handler: Extension, tx: Transaction, step: Callable[[], object]) -> None:
    """Run an extension hook; any error that is not a ChainError (an extension that
    trips over a malformed payload) becomes InvalidTransaction, so a peer's
    transaction can never crash a node."""
    try:
        step()
    except ChainError:
        raise
    except Exception as e:  # noqa: BLE001 - deliberately every foreign error
        who = handler.name or "ledger"
        raise InvalidTransaction(
            f"{tx.kind}: the {who} extension refused it ({type(e).__name__}: {e})"
        ) from None


@dataclass(frozen=True)
class Ledger:
    """One chain's rules for a transaction, checked then applied.

    ``extensions`` maps each kind an extension owns to that extension (the core's
    ``transfer`` needs none); ``sigcache`` remembers signatures already verified.
    ``Ledger()`` is a chain without extensions, as lesson 03 uses it; a
    :class:`~refimpl.chain.Chain` keeps its own as ``chain.ledger``.
    Introduced in lesson 03.
    """

    extensions: Mapping[str, Extension] = field(default_factory=dict)
    sigcache: SignatureCache = SIGNATURE_CACHE

    def check(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        """Raise InvalidTransaction if ``tx`` cannot apply to ``state``; never
        mutates."""
        if not isinstance(tx, Transaction):
            raise InvalidTransaction("not a Transaction")
        tx.check_fields()
        if tx.kind == COINBASE:
            raise InvalidTransaction(
                "a coinbase may only be a block's first transaction"
            )
        if tx.chain_id != ctx.chain_id:
            raise InvalidTransaction(
                f"chain id {tx.chain_id} is not this chain's ({ctx.chain_id}): "
                "a replay from another chain?"
            )
        handler = handler_for(tx.kind, self.extensions)
        _guarded(handler, tx, lambda: handler.check_payload(tx))
        if tx.signature is None:
            raise InvalidTransaction("transaction is not signed")
        sender = tx.sender_address
        expected = state.nonce(sender)
        if tx.nonce != expected:
            what = "reused" if tx.nonce < expected else "skips ahead"
            raise InvalidTransaction(
                f"nonce {tx.nonce} {what}: the sender's next nonce is {expected}"
            )
        need, have = tx.amount + tx.fee, state.balance(sender)
        if need > have:
            raise InvalidTransaction(
                f"insufficient balance: amount + fee = {need} but the sender has {have}"
            )
        if not self.sigcache.verify(tx):
            raise InvalidTransaction("bad signature: it does not verify for the sender")
        _guarded(handler, tx, lambda: handler.validate_tx(state, tx, ctx))

    def apply(self, state: State, tx: Transaction, ctx: BlockContext) -> int:
        """Check ``tx`` then apply it to ``state`` in place; return the fee taken.

        When a check fails nothing has changed. The fee leaves the sender here; the
        block's coinbase pays it to the miner. (An extension whose ``apply_tx``
        raises after its ``validate_tx`` passed has a bug; the error becomes
        InvalidTransaction, and :func:`apply_block` works on a child state, so a
        block changes nothing.)
        """
        self.check(state, tx, ctx)
        sender = tx.sender_address
        state.nonces[sender] = tx.nonce + 1
        state.balances[sender] = state.balance(sender) - tx.fee
        handler = handler_for(tx.kind, self.extensions)
        _guarded(handler, tx, lambda: handler.apply_tx(state, tx, ctx))
        return tx.fee


def apply_block(
    parent_state: State,
    block: Block,
    ctx: BlockContext,
    ledger: Ledger,
    ordered_extensions: tuple[Extension, ...],
    subsidy: int,
    *,
    as_child: bool = False,
) -> State:
    """The state after ``block``; ``parent_state`` is never modified, so a failure
    changes nothing. Raises InvalidBlock or InvalidTransaction.

    The coinbase (``block.txs[0]``) may pay its recipient at most subsidy + fees;
    it is credited after the other transactions, then every extension's
    ``end_block`` runs in order. The result is a new plain :class:`State`, or with
    ``as_child=True`` the working :meth:`State.child` of ``parent_state`` itself,
    whose ``delta_from(parent_state)`` gives the block's changes (what the chain
    keeps).
    """
    coinbase, rest = block.txs[0], block.txs[1:]
    if not is_valid_address(coinbase.recipient):
        raise InvalidBlock(
            f"coinbase recipient {coinbase.recipient!r} is not an address"
        )
    fees = sum(tx.fee for tx in rest)
    if fees > MAX_AMOUNT:
        raise InvalidBlock("the block's fees overflow 2**63 - 1")
    if coinbase.amount > subsidy + fees:
        raise InvalidBlock(
            f"coinbase pays {coinbase.amount}, more than subsidy + fees = "
            f"{subsidy} + {fees}"
        )
    state = parent_state.child()
    for i, tx in enumerate(rest, start=1):
        try:
            ledger.apply(state, tx, ctx)
        except InvalidTransaction as e:
            raise InvalidTransaction(
                f"transaction {i} ({tx.txid_hex()[:16]}): {e}"
            ) from e
    state.balances[ctx.miner] = state.balance(ctx.miner) + coinbase.amount
    state.supply += coinbase.amount - fees
    for ext in ordered_extensions:
        try:
            ext.end_block(state, ctx)
        except ChainError:
            raise
        except Exception as e:  # noqa: BLE001 - an extension bug refuses the block
            raise InvalidBlock(
                f"the {ext.name} extension failed at the end of the block "
                f"({type(e).__name__}: {e})"
            ) from None
    if as_child:
        return state
    return State(dict(state.balances), dict(state.nonces), state.supply, state.ext)
