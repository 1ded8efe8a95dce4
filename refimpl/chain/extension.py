"""The extension interface: how later parts add transaction kinds to the chain.

The ledger (``refimpl.chain.ledger``) handles what every transaction shares
(signature, chain id, nonce, fee) and hands each kind to the extension that owns it,
through one table (kind -> extension): the subnet of lessons 06-09 (``register``,
``stake``, ``set_weights``) and the NFT registry of lesson 11 (``nft_mint``, ...).
This plays the part of Substrate's pallets (a runtime module owns its own calls and
storage). Introduced in lesson 05.

Writing an extension (the conventions the chain relies on)
----------------------------------------------------------
1. ``name`` (its namespace in ``State.ext``) and ``kinds`` (short lowercase names;
   ``transfer`` and ``coinbase`` belong to the ledger).
2. ``payload_fields``: for each kind, the payload fields it requires and their exact
   types, e.g. ``{"nft_unlist": {"token_id": int}}``. :meth:`Extension.check_payload`
   enforces them with ``type(value) is T``: an ``int`` field refuses ``1.0`` and
   ``True``, a ``bool`` field refuses ``1``. A tuple allows several types. Fields not
   listed are left to ``validate_tx``. Every kind with a payload should list its
   fields here: this check runs in the mempool *and* in block validation, before any
   state is read, so a peer's malformed payload is refused with a reason instead of
   reaching your code as a ``TypeError``.
3. ``validate_tx`` raises ``InvalidTransaction(reason)`` and never mutates;
   ``apply_tx`` and ``end_block`` mutate the state they are given. Any other
   exception from a hook is turned into ``InvalidTransaction``/``InvalidBlock`` (a
   node must not crash on a peer's input), but that is a safety net, not a check.
4. Keep the namespace plain data (dicts, lists, ints, strings, dataclasses) so
   ``copy.deepcopy`` and ``==`` work: each block works on a deep copy, and the chain
   keeps, per block, only the top-level namespace entries that changed (compared
   with ``==`` and exact types), so never mutate a namespace value you did not get
   from the state you were handed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import InvalidTransaction
from .transaction import decode_payload

if TYPE_CHECKING:
    from .state import BlockContext, State
    from .transaction import Transaction

__all__ = ["Extension", "FieldTypes", "check_fields"]

FieldTypes = Mapping[str, "type | tuple[type, ...]"]


def check_fields(kind: str, payload: Mapping[str, Any], fields: FieldTypes) -> None:
    """Raise InvalidTransaction unless every field in ``fields`` is in ``payload``
    with exactly one of its types (``type(v) is T``: no bool for int, no float for
    int). Introduced in lesson 05."""
    for name, types in fields.items():
        allowed = types if isinstance(types, tuple) else (types,)
        if name not in payload:
            raise InvalidTransaction(f"{kind}: payload field {name!r} is missing")
        value = payload[name]
        if type(value) not in allowed:
            want = " or ".join(t.__name__ for t in allowed)
            raise InvalidTransaction(
                f"{kind}: payload field {name!r} must be {want}, "
                f"got {type(value).__name__}"
            )


class Extension:
    """Subclass it; the chain calls these hooks (conventions: module docstring)."""

    name: str = ""
    kinds: tuple[str, ...] = ()
    payload_fields: ClassVar[Mapping[str, FieldTypes]] = {}
    """Per kind, the required payload fields and their exact types (see above)."""

    def init_state(self) -> Any:
        """Return the initial ``State.ext[name]`` (genesis)."""
        return {}

    def check_payload(self, tx: Transaction) -> None:
        """Stateless checks of ``tx``'s payload; raise ``InvalidTransaction``.

        The default decodes the payload (bounded JSON) and applies
        ``payload_fields[tx.kind]`` when the kind is listed. Runs in the mempool and
        before ``validate_tx``; override to add checks, calling ``super()`` first.
        """
        fields = self.payload_fields.get(tx.kind)
        if fields:
            check_fields(tx.kind, decode_payload(tx.payload), fields)

    def validate_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        """Raise ``InvalidTransaction(reason)`` if tx cannot apply. Must not mutate.

        Runs before ANY effect of the transaction (nonce, fee, amount).
        """

    def apply_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        """Mutate state for tx (only after validate_tx passed). May move balances.

        When it runs, the core ledger has already taken the fee and advanced the
        sender's nonce; what ``tx.amount`` means is up to the extension.
        """

    def end_block(self, state: State, ctx: BlockContext) -> None:
        """Called after all transactions of a block (not for genesis).

        Any newly created tokens must also be added to ``state.supply``.
        """
