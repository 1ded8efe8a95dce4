"""What any node can see: every transaction of every known block, and the epochs.

A full node keeps every valid block it received, including blocks of branches that
lost the fork choice (Bitcoin Core keeps them on disk as "stale" blocks), and it
computes the state after each block itself. The auditor reads only that: no labels,
no private keys, no simulation internals. Introduced in lesson 14.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refimpl.chain import Chain
from refimpl.chain.transaction import COINBASE, decode_payload
from refimpl.market.subnet import Metagraph, Subnet, SubnetState

__all__ = ["TxRecord", "EpochRecord", "tx_records", "epoch_records", "block_ref"]


@dataclass(frozen=True)
class TxRecord:
    """One transaction as a node saw it: where (block, height, branch) and what.

    ``block`` is the block's display hash (byte-reversed hex); ``main`` is True when
    the block is on the best chain. ``payload`` is the decoded JSON payload ({} for
    plain transfers).
    """

    height: int
    block: str
    main: bool
    index: int
    txid: str
    kind: str
    sender: str
    recipient: str
    amount: int
    fee: int
    nonce: int
    payload: dict


@dataclass(frozen=True)
class EpochRecord:
    """The subnet right after an epoch block, as its :class:`Metagraph`.

    ``ns`` gives the same fields as plain lists by name (``e.ns["consensus"]``),
    as lesson 14 reads them.
    """

    height: int
    block: str
    metagraph: Metagraph

    @property
    def ns(self) -> dict[str, Any]:
        """The metagraph's per-uid fields as lists, by name (read-only copy)."""
        mg = self.metagraph
        out: dict[str, Any] = {"hotkeys": list(mg.hotkeys)}
        out["coldkeys"] = list(mg.coldkeys)
        for name in ("stake", "consensus", "incentive", "dividends", "trust",
                     "validator_trust", "emission", "validator_permit",
                     "last_update", "registered_at", "weights", "bonds"):  # fmt: skip
            out[name] = getattr(mg, name).tolist()
        return out


def block_ref(height: int, block: str) -> str:
    """Short evidence form of a block: ``"h12:3f9a0c1d"`` (height, hash prefix)."""
    return f"h{height}:{block[:8]}"


def tx_records(chain: Chain) -> list[TxRecord]:
    """Every non-coinbase transaction of every connected block, all branches.

    Ordered by height, then main-chain blocks first, then position in the block.
    """
    main = {b.hash() for b in chain.main_chain()}
    out: list[TxRecord] = []
    for block in chain.all_blocks():
        h = block.hash()
        height = chain.height_of(h)
        shown = block.hash_hex()
        for i, tx in enumerate(block.txs):
            if tx.kind == COINBASE:
                continue
            payload: dict[str, Any] = decode_payload(tx.payload) if tx.payload else {}
            out.append(
                TxRecord(
                    height=height,
                    block=shown,
                    main=h in main,
                    index=i,
                    txid=tx.txid_hex(),
                    kind=tx.kind,
                    sender=tx.sender_address,
                    recipient=tx.recipient,
                    amount=tx.amount,
                    fee=tx.fee,
                    nonce=tx.nonce,
                    payload=payload,
                )
            )
    out.sort(key=lambda r: (r.height, not r.main, r.block, r.index))
    return out


def epoch_records(chain: Chain, name: str = "subnet") -> list[EpochRecord]:
    """The subnet namespace after each main-chain block in which an epoch ran.

    An epoch ran in a block when the subnet's ``epochs`` counter went up; each
    record holds the subnet's metagraph at that block. Empty when the chain has
    no subnet called ``name``.
    """
    subnet = next(
        (e for e in chain.extensions if isinstance(e, Subnet) and e.name == name),
        None,
    )
    if subnet is None:
        return []
    out: list[EpochRecord] = []
    previous = 0
    for block in chain.main_chain()[1:]:
        entry = chain.entry(block.hash())
        ns = entry.state.ext.get(name)
        if not isinstance(ns, SubnetState):
            return []
        if ns.epochs > previous:
            mg = subnet.metagraph(entry.state, block=entry.height)
            out.append(EpochRecord(entry.height, block.hash_hex(), mg))
            previous = ns.epochs
    return out
