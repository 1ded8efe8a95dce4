"""The extension interface: how later parts add transaction kinds to the chain.

The ledger (``refimpl.chain.ledger``) handles what every transaction shares
(signature, chain id, nonce, fee) and hands the kinds it does not know to the
extension that owns them: the subnet of lessons 06-09 (``register``, ``stake``,
``set_weights``) and the NFT registry of lesson 11 (``nft_mint``, ...). This plays
the part of Substrate's pallets (a runtime module owns its own calls and storage).
Introduced in lesson 05.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import BlockContext, State
    from .transaction import Transaction

__all__ = ["Extension"]


class Extension:
    """Subclass it; the chain calls these hooks.

    ``name`` is the key of the extension's namespace in ``State.ext``; ``kinds``
    lists the transaction kinds it owns. Keep its state plain (dicts, lists,
    dataclasses) so ``copy.deepcopy`` works: the chain keeps one state per block.
    """

    name: str = ""
    kinds: tuple[str, ...] = ()

    def init_state(self) -> Any:
        """Return the initial ``State.ext[name]`` (genesis)."""
        return {}

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
