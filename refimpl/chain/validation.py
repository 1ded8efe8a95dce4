"""Block rules: the checks that need nothing but the block, and those that need
its place in the chain.

Context-free (Bitcoin Core validation.cpp ``CheckBlock``): size limit, one
coinbase and only first, no repeated txid (CVE-2012-2459), the Merkle root, and
the proof of work (``CheckProofOfWork``). Contextual (``ContextualCheckBlockHeader``):
the bits expected at this height (``GetNextWorkRequired``), a timestamp after the
median of the last 11 blocks (BIP-113 median-time-past) and not more than two
hours ahead of the node's clock, the coinbase's height (BIP-34).
Introduced in lesson 05.
"""

from __future__ import annotations

from collections.abc import Sequence

from .block import Block
from .errors import InvalidBlock
from .merkle import has_duplicate_leaves, merkle_root
from .params import ChainParams
from .pow import bits_to_target, check_proof_of_work, retarget_bits
from .transaction import COINBASE

__all__ = ["check_block", "check_context", "expected_bits", "median_time_past"]


def check_block(block: Block, params: ChainParams) -> None:
    """Raise InvalidBlock unless ``block`` passes every context-free rule."""
    if not isinstance(block, Block):
        raise InvalidBlock("not a Block")
    if not block.txs:
        raise InvalidBlock("a block needs at least its coinbase transaction")
    if block.txs[0].kind != COINBASE:
        raise InvalidBlock("the first transaction must be the coinbase")
    for i, tx in enumerate(block.txs[1:], start=1):
        if tx.kind == COINBASE:
            raise InvalidBlock(f"transaction {i} is a second coinbase")
    size = block.size()
    if size > params.max_block_size:
        raise InvalidBlock(
            f"block is {size} bytes, over the {params.max_block_size}-byte limit"
        )
    txids = block.txids()
    if has_duplicate_leaves(txids):
        raise InvalidBlock("duplicate transaction in block (CVE-2012-2459)")
    if merkle_root(txids) != block.header.merkle_root:
        raise InvalidBlock("Merkle root in the header does not match the transactions")
    cb = block.txs[0]
    if cb.chain_id != params.chain_id:
        raise InvalidBlock(f"coinbase chain id {cb.chain_id} is not {params.chain_id}")
    if cb.fee != 0:
        raise InvalidBlock("a coinbase pays no fee")
    bits = block.header.bits
    try:
        target = bits_to_target(bits)
    except ValueError as e:
        raise InvalidBlock(f"bad bits: {e}") from None
    if target == 0 or target > params.pow_limit:
        raise InvalidBlock(f"bits {bits:#010x} are outside (0, pow limit]")
    if not check_proof_of_work(block.hash(), bits, params.pow_limit):
        raise InvalidBlock(
            f"insufficient proof of work: hash {block.hash_hex()[:16]}... is above "
            f"the target of bits {bits:#010x}"
        )


def median_time_past(timestamps: Sequence[int]) -> int:
    """Median of the given (last <= 11) timestamps (``GetMedianTimePast``)."""
    ordered = sorted(timestamps)
    return ordered[len(ordered) // 2]


def expected_bits(
    params: ChainParams, height: int, prev_bits: int, first_time: int, last_time: int
) -> int:
    """Bits the block at ``height`` must carry (``GetNextWorkRequired``).

    Off a retarget boundary it keeps ``prev_bits``. On one, the timespan is
    last_time (the parent) minus first_time (the block ``retarget_interval``
    below ``height``), as in Bitcoin, which measures interval - 1 gaps.
    """
    if height % params.retarget_interval:
        return prev_bits
    return retarget_bits(
        prev_bits,
        last_time - first_time,
        target_timespan=params.target_timespan,
        pow_limit=params.pow_limit,
    )


def check_context(
    block: Block,
    params: ChainParams,
    height: int,
    bits: int,
    mtp: int,
    now: float,
) -> None:
    """Raise InvalidBlock unless the block fits its place: bits, time, height."""
    hdr = block.header
    if hdr.bits != bits:
        raise InvalidBlock(
            f"wrong bits for height {height}: {hdr.bits:#010x}, expected {bits:#010x}"
        )
    if hdr.timestamp <= mtp:
        raise InvalidBlock(
            f"timestamp {hdr.timestamp} is not after the median of the last "
            f"{params.median_time_span} blocks ({mtp})"
        )
    if hdr.timestamp > now + params.max_future_seconds:
        raise InvalidBlock(
            f"timestamp {hdr.timestamp} is more than "
            f"{params.max_future_seconds} s ahead of the clock ({int(now)})"
        )
    if block.txs[0].nonce != height:
        raise InvalidBlock(
            f"coinbase must carry the block height {height} (BIP-34), "
            f"got {block.txs[0].nonce}"
        )
