"""The chain: a tree of valid blocks, the most-work tip, orphans, reorgs.

Every block that connects is fully validated against its parent's state. The chain
keeps the full state only at the tip (plus a few recent states in a small cache);
each block entry keeps its :class:`~refimpl.chain.state.StateDelta`, the entries it
changed with their old and new values (Bitcoin Core's undo data, ``CBlockUndo``).
The state at any other block is rebuilt exactly from the nearest kept state by
undoing and redoing deltas, so memory grows with the changes, not with blocks x
accounts, and a reorg is still exact: the state, extension state included, is the
new branch's. Fork choice is most cumulative work (sum of 2**256 // (target + 1),
Bitcoin Core ``CChainState::FindMostWorkChain``), ties going to the block seen
first. Blocks whose parent is unknown wait as orphans (bounded in count and bytes)
and connect when it comes. Introduced in lesson 05.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from . import storage as blockfile
from .block import Block, block_from_parts, make_coinbase
from .errors import ChainError, InvalidBlock, InvalidTransaction, StorageError
from .extension import Extension
from .ledger import (
    CORE_KINDS,
    SIGNATURE_CACHE,
    Ledger,
    SignatureCache,
    apply_block,
)
from .params import ChainParams
from .pow import mine, work_from_bits
from .state import BlockContext, State, StateDelta
from .transaction import (
    COINBASE,
    MAX_AMOUNT,
    Transaction,
    decode_payload,
    encode_payload,
)
from .validation import check_block, check_context, expected_bits, median_time_past

__all__ = ["Chain", "BlockEntry", "MAX_ORPHANS", "MAX_ORPHAN_BYTES"]

MAX_ORPHANS = 500
MAX_ORPHAN_BYTES = 8_000_000  # a few full blocks; the oldest orphans go first
_STATE_CACHE = 4  # full states kept besides the tip's (side branches, scans)


@dataclass(eq=False)
class BlockEntry:
    """A connected block: height, cumulative work, parent, and what it changed.

    ``state`` is the state right after the block (rebuilt on demand for blocks
    other than the tip: read it, never mutate it). ``delta`` is None for genesis.
    """

    block: Block
    height: int
    work: int
    parent: BlockEntry | None = field(repr=False)
    seq: int
    delta: StateDelta | None = field(repr=False)
    chain: Chain = field(repr=False)

    @property
    def state(self) -> State:
        """The state after this block (see :meth:`Chain.state_of`)."""
        return self.chain.state_of(self)


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
        if not isinstance(params, ChainParams):
            raise ChainError(f"params must be ChainParams, not {type(params).__name__}")
        if clock is not None and not callable(clock):
            raise ChainError("clock must be a function returning seconds")
        if sigcache is not None and not isinstance(sigcache, SignatureCache):
            raise ChainError("sigcache must be a SignatureCache")
        self.params = params
        try:
            self.extensions = tuple(extensions)
        except TypeError:
            raise ChainError("extensions must be a sequence of Extension") from None
        self.clock = clock or time.time
        self.sigcache = sigcache or SIGNATURE_CACHE
        self.kinds = self._kind_table()
        self.ledger = Ledger(self.kinds, self.sigcache)
        if genesis_alloc is not None and not isinstance(genesis_alloc, dict):
            raise ChainError("genesis_alloc maps address strings to integers")
        self.genesis_alloc = dict(genesis_alloc or {})
        self._check_alloc()
        genesis = self._genesis_block()
        state = State(
            balances={a: v for a, v in self.genesis_alloc.items() if v},
            supply=sum(self.genesis_alloc.values()),
            ext={ext.name: ext.init_state() for ext in self.extensions},
        )
        entry = BlockEntry(
            genesis, 0, work_from_bits(genesis.header.bits), None, 0, None, self
        )
        self._entries: dict[bytes, BlockEntry] = {genesis.hash(): entry}
        self._tip = entry
        self._tip_state = state
        self._states: OrderedDict[BlockEntry, State] = OrderedDict()
        self.genesis = genesis
        self._orphans: dict[bytes, Block] = {}
        self._orphan_bytes = 0
        self.reorgs: list[tuple[int, bytes, bytes]] = []  # (fork height, old, new)

    # -- set-up -------------------------------------------------------------------
    def _kind_table(self) -> dict[str, Extension]:
        """kind -> the extension that owns it (one table for every dispatch)."""
        table: dict[str, Extension] = {}
        names: set[str] = set()
        for ext in self.extensions:
            if not isinstance(ext, Extension):
                raise ChainError(f"{type(ext).__name__} is not an Extension")
            for kind in ext.kinds:
                if kind in table or kind in CORE_KINDS or kind == COINBASE:
                    raise ChainError(f"transaction kind {kind!r} is claimed twice")
                table[kind] = ext
            if not isinstance(ext.name, str) or ext.name in names:
                raise ChainError(f"extension name {ext.name!r} is taken or not a str")
            names.add(ext.name)
        return table

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
        return self._tip_state

    @property
    def total_work(self) -> int:
        """Cumulative work of the best branch."""
        return self._tip.work

    def __contains__(self, block_hash: object) -> bool:
        return block_hash in self._entries

    def entry(self, block_hash: bytes) -> BlockEntry:
        """The connected block's entry (KeyError if unknown)."""
        return self._entries[block_hash]

    def get_block(self, block_hash: bytes) -> Block | None:
        """A connected block by hash, or None."""
        e = self._entries.get(block_hash)
        return e.block if e else None

    def state_of(self, entry: BlockEntry) -> State:
        """The state right after ``entry``'s block (read it, never mutate it).

        The tip's is kept; any other is rebuilt from the nearest kept state (the
        tip's or a cached one) by reverting and applying the deltas on the way, and
        cached, so walking a branch block by block costs one step each.
        """
        if entry is self._tip:
            return self._tip_state
        cached = self._states.get(entry)
        if cached is not None:
            self._states.move_to_end(entry)
            return cached
        best = None
        for start, state in [(self._tip, self._tip_state), *self._states.items()]:
            fork = self._fork(start, entry)
            cost = start.height + entry.height - 2 * fork.height
            if best is None or cost < best[0]:
                best = (cost, start, state, fork)
        _, start, state, fork = best  # type: ignore[misc]
        out = state.copy_shared()
        e = start
        while e is not fork:
            e.delta.revert(out)  # type: ignore[union-attr]
            e = e.parent  # type: ignore[assignment]
        down = []
        e = entry
        while e is not fork:
            down.append(e)
            e = e.parent  # type: ignore[assignment]
        for e in reversed(down):
            e.delta.apply(out)  # type: ignore[union-attr]
        self._remember(entry, out)
        return out

    def _remember(self, entry: BlockEntry, state: State) -> None:
        self._states[entry] = state
        self._states.move_to_end(entry)
        while len(self._states) > _STATE_CACHE:
            self._states.popitem(last=False)

    def state_at(self, block_hash: bytes) -> State:
        """A copy of the state right after ``block_hash`` (change it freely)."""
        return self.state_of(self._entries[block_hash]).copy()

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

    @staticmethod
    def _fork(a: BlockEntry, b: BlockEntry) -> BlockEntry:
        while a.height > b.height:
            a = a.parent  # type: ignore[assignment]
        while b.height > a.height:
            b = b.parent  # type: ignore[assignment]
        while a is not b:
            a, b = a.parent, b.parent  # type: ignore[assignment]
        return a

    def fork_point(self, a: bytes, b: bytes) -> BlockEntry:
        """The last block two connected blocks have in common (KeyError if one is
        unknown): the block a reorg from ``a`` to ``b`` rewinds to."""
        return self._fork(self._entries[a], self._entries[b])

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
        if not isinstance(block, Block):
            raise InvalidBlock(f"not a Block: {type(block).__name__}")
        h = block.hash()
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
            self._keep_orphan(h, block)
            return False
        self._connect(block, parent)
        self._connect_orphans(h)
        return True

    def _keep_orphan(self, h: bytes, block: Block) -> None:
        size = block.size()
        while self._orphans and (
            len(self._orphans) >= MAX_ORPHANS
            or self._orphan_bytes + size > MAX_ORPHAN_BYTES
        ):
            self._drop_orphan(next(iter(self._orphans)))
        self._orphans[h] = block
        self._orphan_bytes += size

    def _drop_orphan(self, h: bytes) -> Block:
        block = self._orphans.pop(h)
        self._orphan_bytes -= block.size()
        return block

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
        parent_state = self.state_of(parent)
        child = apply_block(
            parent_state,
            block,
            ctx,
            self.ledger,
            self.extensions,
            self.params.subsidy_at(height),
            as_child=True,
        )
        delta = child.delta_from(parent_state)
        state = parent_state.copy_shared()
        delta.apply(state)
        work = parent.work + work_from_bits(block.header.bits)
        entry = BlockEntry(block, height, work, parent, len(self._entries), delta, self)
        self._entries[block.hash()] = entry
        if work > self._tip.work:
            old = self._tip
            if parent is not old:
                fork = self._fork(old, entry)
                self.reorgs.append((fork.height, old.block.hash(), block.hash()))
                self._remember(old, self._tip_state)
            self._states.pop(entry, None)
            self._tip, self._tip_state = entry, state
        else:
            self._remember(entry, state)
        return entry

    def _connect_orphans(self, parent_hash: bytes) -> None:
        queue = [parent_hash]
        while queue:
            ph = queue.pop()
            waiting = [h for h, b in self._orphans.items() if b.header.prev_hash == ph]
            for h in waiting:
                b = self._drop_orphan(h)
                try:
                    self._connect(b, self._entries[ph])
                except ChainError:
                    continue
                queue.append(h)

    def _context(self, block: Block, height: int) -> BlockContext:
        return BlockContext(
            height=height,
            timestamp=block.header.timestamp,
            miner=block.txs[0].recipient,
            block_hash=block.hash(),
            chain_id=self.params.chain_id,
        )

    # -- replaying ----------------------------------------------------------------
    @classmethod
    def from_blocks(
        cls,
        blocks: Iterable[Block],
        params: ChainParams,
        extensions: Sequence[Extension] = (),
        *,
        genesis_alloc: dict[str, int] | None = None,
        clock: Callable[[], float] | None = None,
        sigcache: SignatureCache | None = None,
    ) -> Chain:
        """Rebuild a chain from its blocks, validating each as if from the network.

        ``blocks`` start with the genesis block, parents before children (what
        :meth:`all_blocks` returns). The genesis allocation is read from the
        genesis block unless given. The one replay routine: ``Chain.load`` and the
        auditor use it. Raises ChainError (InvalidBlock naming the block's index).
        """
        blocks = list(blocks)
        if not blocks or not isinstance(blocks[0], Block):
            raise InvalidBlock("no genesis block to start from")
        if genesis_alloc is None:
            try:
                genesis_alloc = decode_payload(blocks[0].txs[0].payload)["alloc"]
            except (ChainError, KeyError, TypeError, IndexError) as e:
                raise InvalidBlock(f"unreadable genesis block: {e}") from None
        chain = cls(params, extensions, genesis_alloc, clock=clock, sigcache=sigcache)
        if chain.genesis.hash() != blocks[0].hash():
            raise InvalidBlock("the genesis block does not match these parameters")
        for i, block in enumerate(blocks[1:], start=1):
            try:
                chain.add_block(block, allow_orphan=False)
            except InvalidTransaction as e:
                raise InvalidTransaction(f"block {i} is invalid: {e}") from None
            except ChainError as e:
                raise InvalidBlock(f"block {i} is invalid: {e}") from None
        return chain

    # -- making blocks ------------------------------------------------------------
    def _parent(self, parent: bytes | None) -> BlockEntry:
        if parent is None:
            return self._tip
        entry = self._entries.get(parent) if isinstance(parent, bytes) else None
        if entry is None:
            raise InvalidBlock(f"parent {parent!r} is not a connected block hash")
        return entry

    def validate_transaction(
        self, tx: Transaction, pending: Sequence[Transaction] = ()
    ) -> None:
        """Raise InvalidTransaction unless ``tx`` could go in the next block on the
        tip, after ``pending`` (which must apply, in order). Runs exactly the checks
        of block connection (a mempool uses it)."""
        ctx = BlockContext(
            self.height + 1,
            self.tip.header.timestamp,
            "",
            b"\x00" * 32,
            self.params.chain_id,
        )
        if not pending:
            self.ledger.check(self.state, tx, ctx)
            return
        state = self.state.child()
        for other in pending:
            self.ledger.apply(state, other, ctx)
        self.ledger.check(state, tx, ctx)

    def select_transactions(
        self, candidates: Iterable[Transaction], miner_address: str = ""
    ) -> list[Transaction]:
        """The candidates that apply, in order, on the tip: each is tried on a
        working state (lowest nonce first, then highest fee) until none is left that
        applies. What a miner puts in its block."""
        state = self.state.child()
        ctx = BlockContext(
            self.height + 1,
            self.tip.header.timestamp,
            miner_address,
            b"\x00" * 32,
            self.params.chain_id,
        )
        pending = sorted(candidates, key=lambda t: (t.nonce, -t.fee, t.txid()))
        chosen: list[Transaction] = []
        taken: set[bytes] = set()
        progress = True
        while progress:
            progress = False
            for tx in pending:
                if tx.txid() in taken:
                    continue
                try:
                    self.ledger.apply(state, tx, ctx)
                except InvalidTransaction:
                    continue
                chosen.append(tx)
                taken.add(tx.txid())
                progress = True
        return chosen

    def default_timestamp(self, parent: BlockEntry) -> int:
        """The timestamp ``build_block`` gives a child of ``parent``: the target
        schedule. Each block comes ``target_spacing`` after its parent, and the last
        block of each retarget period twice that, because Bitcoin's retarget
        measures interval - 1 gaps (its famous off-by-one): the measured time is
        then exactly the target timespan and the difficulty stays put (with
        ``retarget_interval=1`` nothing can keep it). Always after median-time-past.
        """
        p = self.params
        height = parent.height + 1
        gap = p.target_spacing
        if p.retarget_interval > 1 and height % p.retarget_interval == (
            p.retarget_interval - 1
        ):
            gap *= 2
        after = parent.block.header.timestamp + gap
        return max(self.median_time_past(parent) + 1, after)

    def build_block(
        self,
        txs: Sequence[Transaction],
        miner_address: str,
        timestamp: int | None = None,
        *,
        parent: bytes | None = None,
    ) -> Block:
        """An unmined block on ``parent`` (a block hash; default the tip): coinbase
        (subsidy + fees) then ``txs``. The default timestamp keeps the target block
        interval (:meth:`default_timestamp`), so chains are reproducible and a
        chain of thousands of blocks keeps its difficulty; pass explicit timestamps
        to model real time.
        """
        entry = self._parent(parent)
        height = entry.height + 1
        txs = tuple(txs)
        for i, tx in enumerate(txs):
            if not isinstance(tx, Transaction):
                raise InvalidTransaction(f"txs[{i}] is not a Transaction")
            tx.check_fields()
        fees = sum(tx.fee for tx in txs)
        amount = self.params.subsidy_at(height) + fees
        if amount > MAX_AMOUNT:
            raise InvalidBlock("subsidy + fees overflow 2**63 - 1")
        cb = make_coinbase(miner_address, amount, height, self.params.chain_id)
        if timestamp is None:
            timestamp = self.default_timestamp(entry)
        return block_from_parts(
            entry.block.hash(),
            [cb, *txs],
            timestamp,
            self.next_bits(entry),
            self.params.block_version,
        )

    def mine_block(
        self,
        txs: Sequence[Transaction],
        miner_address: str,
        timestamp: int | None = None,
        *,
        workers: int = 1,
        parent: bytes | None = None,
    ) -> Block:
        """Build, mine and add a block on ``parent`` (default the tip); return it."""
        block = self.build_block(txs, miner_address, timestamp, parent=parent)
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
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write every connected block to a SQLite file (see ``storage``);
        StorageError if it cannot."""
        blockfile.write(path, self.params.chain_id, self.all_blocks(), self.tip.hash())

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        params: ChainParams,
        extensions: Sequence[Extension] = (),
        *,
        clock: Callable[[], float] | None = None,
    ) -> Chain:
        """Read and fully re-validate a saved chain; StorageError if it is bad."""
        if not isinstance(params, ChainParams):
            raise ChainError(f"params must be ChainParams, not {type(params).__name__}")
        saved = blockfile.read(path, params.chain_id)
        try:
            chain = cls.from_blocks(saved.blocks, params, extensions, clock=clock)
        except ChainError as e:
            raise StorageError(f"{saved.path}: {e}") from None
        if chain.tip.hash() != saved.tip:
            raise StorageError(
                f"{saved.path}: the best chain is not the one that was saved"
            )
        return chain
