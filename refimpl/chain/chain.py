"""The chain: a tree of valid blocks, the most-work tip, orphans, reorgs.

Every block that connects is fully validated against its parent's state and
keeps its own resulting state, so switching to another branch (a reorg) is just
pointing the tip elsewhere: the state, extension state included, is that
branch's. Fork choice is most cumulative work (sum of 2**256 // (target + 1),
Bitcoin Core ``CChainState::FindMostWorkChain``), ties going to the block seen
first. Blocks whose parent is unknown wait as orphans and connect when it comes.
Introduced in lesson 05.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .block import Block, block_from_parts, make_coinbase
from .errors import ChainError, InvalidBlock
from .extension import Extension
from .ledger import SIGNATURE_CACHE, SignatureCache, apply_block, check_transaction
from .params import ChainParams
from .pow import mine, work_from_bits
from .state import BlockContext, State
from .transaction import MAX_AMOUNT, Transaction, encode_payload
from .validation import check_block, check_context, expected_bits, median_time_past

__all__ = ["Chain", "BlockEntry"]

MAX_ORPHANS = 500


@dataclass
class BlockEntry:
    """A connected block with its height, cumulative work and resulting state."""

    block: Block
    height: int
    work: int
    state: State
    parent: BlockEntry | None
    seq: int


class Chain:
    """A node's view of the chain. Introduced in lesson 05.

    ``clock`` returns the current time in seconds (``time.time`` by default);
    pass a fixed one to make the two-hour future rule deterministic.
    """

    def __init__(
        self,
        params: ChainParams,
        extensions: Sequence[Extension] = (),
        genesis_alloc: dict[str, int] | None = None,
        *,
        clock: Callable[[], float] | None = None,
        sigcache: SignatureCache | None = None,
    ) -> None:
        self.params = params
        self.extensions = tuple(extensions)
        self.clock = clock or time.time
        self.sigcache = sigcache or SIGNATURE_CACHE
        self._by_kind: dict[str, Extension] = {}
        for ext in self.extensions:
            for kind in ext.kinds:
                if kind in self._by_kind or kind in ("transfer", "coinbase"):
                    raise ChainError(f"transaction kind {kind!r} is claimed twice")
                self._by_kind[kind] = ext
        self.genesis_alloc = dict(genesis_alloc or {})
        self._check_alloc()
        genesis = self._genesis_block()
        state = State(
            balances={a: v for a, v in self.genesis_alloc.items() if v},
            supply=sum(self.genesis_alloc.values()),
            ext={ext.name: ext.init_state() for ext in self.extensions},
        )
        entry = BlockEntry(
            genesis, 0, work_from_bits(genesis.header.bits), state, None, 0
        )
        self._entries: dict[bytes, BlockEntry] = {genesis.hash(): entry}
        self._tip = entry
        self.genesis = genesis
        self._orphans: dict[bytes, Block] = {}
        self.reorgs: list[tuple[int, bytes, bytes]] = []  # (fork height, old, new)

    # -- genesis ------------------------------------------------------------------
    def _check_alloc(self) -> None:
        for addr, amount in self.genesis_alloc.items():
            if not isinstance(addr, str) or isinstance(amount, bool):
                raise ChainError("genesis_alloc maps address strings to integers")
            if not isinstance(amount, int) or amount < 0:
                raise ChainError(f"genesis amount for {addr} must be an int >= 0")
        if sum(self.genesis_alloc.values()) > MAX_AMOUNT:
            raise ChainError("genesis allocation exceeds 2**63 - 1")

    def _genesis_block(self) -> Block:
        """Built in, not mined (like Bitcoin's); its coinbase commits to the alloc."""
        p = self.params
        payload = encode_payload({"alloc": dict(sorted(self.genesis_alloc.items()))})
        cb = make_coinbase("", 0, 0, p.chain_id, payload)
        return block_from_parts(
            b"\x00" * 32, [cb], p.genesis_timestamp, p.genesis_bits, p.block_version
        )

    # -- reading ------------------------------------------------------------------
    @property
    def tip(self) -> Block:
        """The block at the end of the most-work branch."""
        return self._tip.block

    @property
    def height(self) -> int:
        """Height of the tip (genesis is 0)."""
        return self._tip.height

    @property
    def state(self) -> State:
        """State at the tip (read it; to experiment, ``state.copy()`` first)."""
        return self._tip.state

    @property
    def total_work(self) -> int:
        """Cumulative work of the best branch."""
        return self._tip.work

    def __contains__(self, block_hash: bytes) -> bool:
        return block_hash in self._entries

    def entry(self, block_hash: bytes) -> BlockEntry:
        """The connected block's entry (KeyError if unknown)."""
        return self._entries[block_hash]

    def get_block(self, block_hash: bytes) -> Block | None:
        """A connected block by hash, or None."""
        e = self._entries.get(block_hash)
        return e.block if e else None

    def state_at(self, block_hash: bytes) -> State:
        """A copy of the state right after ``block_hash``."""
        return self._entries[block_hash].state.copy()

    def main_chain(self) -> list[Block]:
        """Blocks from genesis to the tip."""
        out, e = [], self._tip
        while e is not None:
            out.append(e.block)
            e = e.parent
        return out[::-1]

    def all_blocks(self) -> list[Block]:
        """Every connected block (all branches), parents before children."""
        return [e.block for e in sorted(self._entries.values(), key=lambda e: e.seq)]

    @property
    def orphans(self) -> list[Block]:
        """Blocks waiting for their parent."""
        return list(self._orphans.values())

    def ancestor(self, entry: BlockEntry, height: int) -> BlockEntry:
        """The ancestor of ``entry`` at ``height``."""
        e = entry
        while e.height > height:
            e = e.parent  # type: ignore[assignment]
        return e

    def next_bits(self, parent: BlockEntry) -> int:
        """Bits required of a child of ``parent``."""
        height = parent.height + 1
        first = parent
        if height % self.params.retarget_interval == 0:
            first = self.ancestor(parent, height - self.params.retarget_interval)
        hdr = parent.block.header
        return expected_bits(
            self.params, height, hdr.bits, first.block.header.timestamp, hdr.timestamp
        )

    def median_time_past(self, entry: BlockEntry | None = None) -> int:
        """Median timestamp of ``entry`` (default: the tip) and up to 10 blocks
        before it (BIP-113); a child's timestamp must be greater."""
        times, e = [], entry or self._tip
        while e is not None and len(times) < self.params.median_time_span:
            times.append(e.block.header.timestamp)
            e = e.parent
        return median_time_past(times)

    def height_of(self, block_hash: bytes) -> int:
        """Height of a connected block (KeyError if unknown)."""
        return self._entries[block_hash].height

    def work_of(self, block_hash: bytes) -> int:
        """Cumulative work up to and including a connected block."""
        return self._entries[block_hash].work

    def tip_work(self) -> int:
        """Cumulative work of the tip (what fork choice maximises)."""
        return self._tip.work

    # -- adding blocks ------------------------------------------------------------
    def add_block(self, block: Block, *, allow_orphan: bool = True) -> bool:
        """Validate and connect ``block``; True if it (and any orphans) connected.

        False if it was already known or is kept as an orphan. Raises InvalidBlock
        or InvalidTransaction (with the reason) if it breaks a rule; then nothing
        changes. With ``allow_orphan=False`` an unknown parent is an error.
        """
        h = block.hash() if isinstance(block, Block) else None
        if h in self._entries or h in self._orphans:
            return False
        check_block(block, self.params)
        parent = self._entries.get(block.header.prev_hash)
        if parent is None:
            if not allow_orphan:
                raise InvalidBlock(
                    "unknown previous block "
                    f"{block.header.prev_hash[::-1].hex()[:16]}... (wrong prev hash?)"
                )
            if len(self._orphans) >= MAX_ORPHANS:
                self._orphans.pop(next(iter(self._orphans)))
            self._orphans[h] = block
            return False
        self._connect(block, parent)
        self._connect_orphans(h)
        return True

    def _connect(self, block: Block, parent: BlockEntry) -> BlockEntry:
        height = parent.height + 1
        check_context(
            block,
            self.params,
            height,
            self.next_bits(parent),
            self.median_time_past(parent),
            self.clock(),
        )
        ctx = self._context(block, height)
        state = apply_block(
            parent.state,
            block,
            ctx,
            self._by_kind,
            self.extensions,
            self.params.subsidy_at(height),
            self.sigcache,
        )
        work = parent.work + work_from_bits(block.header.bits)
        entry = BlockEntry(block, height, work, state, parent, len(self._entries))
        self._entries[block.hash()] = entry
        if work > self._tip.work:
            old = self._tip
            if parent is not old:
                fork = self._fork_point(old, entry)
                self.reorgs.append((fork.height, old.block.hash(), block.hash()))
            self._tip = entry
        return entry

    def _connect_orphans(self, parent_hash: bytes) -> None:
        queue = [parent_hash]
        while queue:
            ph = queue.pop()
            waiting = [b for b in self._orphans.values() if b.header.prev_hash == ph]
            for b in waiting:
                del self._orphans[b.hash()]
                try:
                    self._connect(b, self._entries[ph])
                except ChainError:
                    continue
                queue.append(b.hash())

    def _fork_point(self, a: BlockEntry, b: BlockEntry) -> BlockEntry:
        while a.height > b.height:
            a = a.parent  # type: ignore[assignment]
        while b.height > a.height:
            b = b.parent  # type: ignore[assignment]
        while a is not b:
            a, b = a.parent, b.parent  # type: ignore[assignment]
        return a

    def _context(self, block: Block, height: int) -> BlockContext:
        return BlockContext(
            height=height,
            timestamp=block.header.timestamp,
            miner=block.txs[0].recipient,
            block_hash=block.hash(),
            chain_id=self.params.chain_id,
        )

    # -- making blocks ------------------------------------------------------------
    def validate_transaction(self, tx: Transaction) -> None:
        """Raise InvalidTransaction unless ``tx`` could go in the next block."""
        ctx = BlockContext(
            self.height + 1,
            self.tip.header.timestamp,
            "",
            b"\x00" * 32,
            self.params.chain_id,
        )
        check_transaction(self.state, tx, ctx, self._by_kind, self.sigcache)

    def build_block(
        self,
        txs: Sequence[Transaction],
        miner_address: str,
        timestamp: int | None = None,
    ) -> Block:
        """An unmined block on the tip: coinbase (subsidy + fees) then ``txs``.

        The default timestamp is the ideal schedule, parent + target spacing
        (but always after the median-time-past), so chains are reproducible.
        Bitcoin's retarget measures interval - 1 gaps (its famous off-by-one), so
        on this schedule each period looks (interval-1)/interval of the target
        time and the difficulty creeps up ~11% per period at interval 10; pass
        explicit timestamps to model real time.
        """
        parent = self._tip
        height = parent.height + 1
        fees = sum(tx.fee for tx in txs)
        amount = self.params.subsidy_at(height) + fees
        cb = make_coinbase(miner_address, amount, height, self.params.chain_id)
        if timestamp is None:
            timestamp = max(
                self.median_time_past(parent) + 1,
                parent.block.header.timestamp + self.params.target_spacing,
            )
        return block_from_parts(
            parent.block.hash(),
            [cb, *txs],
            timestamp,
            self.next_bits(parent),
            self.params.block_version,
        )

    def mine_block(
        self,
        txs: Sequence[Transaction],
        miner_address: str,
        timestamp: int | None = None,
        *,
        workers: int = 1,
    ) -> Block:
        """Build, mine and add a block on the tip; return it."""
        block = self.build_block(txs, miner_address, timestamp)
        header = block.header
        while True:
            found = mine(header, workers=workers)
            if found is not None:
                break
            header = replace(header, timestamp=header.timestamp + 1, nonce=0)
        block = block.with_header(found)
        self.add_block(block, allow_orphan=False)
        return block

    # -- storage ------------------------------------------------------------------
    def save(self, path: str) -> None:
        """Write every connected block to a SQLite file (see ``storage``)."""
        from .storage import save_chain

        save_chain(self, path)

    @classmethod
    def load(
        cls,
        path: str,
        params: ChainParams,
        extensions: Sequence[Extension] = (),
        *,
        clock: Callable[[], float] | None = None,
    ) -> Chain:
        """Read and fully re-validate a saved chain; StorageError if it is bad."""
        from .storage import load_chain

        return load_chain(cls, path, params, extensions, clock=clock)
