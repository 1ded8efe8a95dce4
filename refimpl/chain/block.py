"""Blocks: a header plus transactions, the first one the coinbase.

Wire format: the 80-byte header, a CompactSize count, then each transaction as
CompactSize length + bytes (Bitcoin writes transactions back to back; the length
prefix keeps our parser simple). The header's Merkle root covers the txids in
block order (Bitcoin Core ``BlockMerkleRoot``).
Introduced in lesson 04.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from .encoding import Reader, write_compact_size
from .errors import InvalidBlock, InvalidTransaction
from .header import HEADER_SIZE, BlockHeader
from .merkle import merkle_root
from .transaction import COINBASE, Transaction

__all__ = ["Block", "make_coinbase", "block_from_parts"]

MAX_TXS = 100_000


def make_coinbase(
    miner: str, amount: int, height: int, chain_id: int, payload: bytes = b""
) -> Transaction:
    """The block's first transaction: pays ``amount`` to ``miner``.

    Its nonce is the block height, so every coinbase has a different txid (the
    rule BIP-34 added to Bitcoin after duplicate coinbase txids, BIP-30).
    """
    return Transaction(
        sender=b"",
        recipient=miner,
        amount=amount,
        fee=0,
        nonce=height,
        chain_id=chain_id,
        kind=COINBASE,
        payload=payload,
    )


@dataclass(frozen=True)
class Block:
    """A header and its transactions (``txs[0]`` is the coinbase).

    Introduced in lesson 04.
    """

    header: BlockHeader
    txs: tuple[Transaction, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not isinstance(self.header, BlockHeader):
            raise InvalidBlock(
                "a block's header must be a BlockHeader, not "
                f"{type(self.header).__name__}"
            )
        if isinstance(self.txs, (str, bytes, bytearray)):
            raise InvalidBlock("a block's txs must be a sequence of Transactions")
        try:
            txs = tuple(self.txs)
        except TypeError:
            raise InvalidBlock(
                "a block's txs must be a sequence of Transactions"
            ) from None
        for i, tx in enumerate(txs):
            if not isinstance(tx, Transaction):
                raise InvalidBlock(
                    f"transaction {i} is a {type(tx).__name__}, not a Transaction"
                )
        object.__setattr__(self, "txs", txs)

    def hash(self) -> bytes:
        """The header's hash (internal byte order)."""
        return self._hash

    @cached_property
    def _hash(self) -> bytes:
        return self.header.hash()

    def hash_hex(self) -> str:
        """Display form of the hash (byte-reversed hex)."""
        return self.hash()[::-1].hex()

    def txids(self) -> list[bytes]:
        """The txids in block order (the Merkle leaves)."""
        return [tx.txid() for tx in self.txs]

    def compute_merkle_root(self) -> bytes:
        """Merkle root of the txids (ValueError when there are no transactions)."""
        return merkle_root(self.txids())

    def serialize(self) -> bytes:
        """Header, transaction count, then each transaction length-prefixed."""
        parts = [self.header.serialize(), write_compact_size(len(self.txs))]
        for tx in self.txs:
            raw = tx.serialize()
            parts += [write_compact_size(len(raw)), raw]
        return b"".join(parts)

    def size(self) -> int:
        """Serialized size in bytes (what the block size limit counts)."""
        return len(self.serialize())

    @classmethod
    def parse(cls, data: bytes) -> Block:
        """Inverse of ``serialize``; InvalidBlock on anything malformed."""
        rd = Reader(data, InvalidBlock, "block")
        header = BlockHeader.parse(rd.take(HEADER_SIZE, "header"))
        count = rd.compact_size("transaction count")
        if count > MAX_TXS:
            raise rd.fail(f"{count} transactions is more than {MAX_TXS}")
        txs = []
        for i in range(count):
            raw = rd.take(
                rd.compact_size(f"transaction {i} length"), f"transaction {i}"
            )
            try:
                txs.append(Transaction.parse(raw))
            except InvalidTransaction as e:
                raise rd.fail(f"transaction {i}: {e}") from None
        rd.done()
        return cls(header, tuple(txs))

    def with_header(self, header: BlockHeader) -> Block:
        """The same transactions under another header (e.g. after mining)."""
        return replace(self, header=header)


def block_from_parts(
    prev: bytes, txs: Sequence[Transaction], timestamp: int, bits: int, version: int
) -> Block:
    """An unmined block (nonce 0) over ``txs`` with the right Merkle root."""
    txs = tuple(txs)
    if not txs or not all(isinstance(tx, Transaction) for tx in txs):
        raise InvalidBlock("a block needs Transactions, its coinbase first")
    root = merkle_root([tx.txid() for tx in txs])
    return Block(BlockHeader(version, prev, root, timestamp, bits, 0), txs)
