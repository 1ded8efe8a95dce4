"""In-process peers: a deterministic discrete-event simulation of a small network.

Each :class:`Peer` holds its own :class:`~refimpl.chain.chain.Chain` and mempool.
Peers talk only through messages that the :class:`Network` delivers after a link's
latency (plus seeded jitter); a partition drops messages between groups until
:meth:`Network.heal`. Miners find blocks as a Poisson process (exponential waits
drawn from the network's seeded RNG, rate ``hash_share / block_interval``) and then
really mine the block at the chain's (easy) bits, so every block is a valid block.
A peer that receives a block whose parent it lacks keeps it as an orphan and asks
the sender for the parent (Bitcoin's ``getdata``), so a healed partition converges:
every peer ends on the branch with the most work and reorgs to get there.

There are no threads and no clocks: time is a number in the event queue (a heap of
``(time, seq, ...)``), so a run is a pure function of its set-up and ``seed``.
Blocks carry ``params.genesis_timestamp + int(time)`` as their timestamp (at least
median-time-past + 1, BIP-113).

Introduced in lesson 05 (Bitcoin whitepaper §5 "Network" and §11).
"""

from __future__ import annotations

import functools
import heapq
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .chain import Chain
from .errors import ChainError
from .extension import Extension
from .params import ChainParams
from .race import check_race_args
from .transaction import Transaction

__all__ = [
    "Network",
    "Peer",
    "NetworkEvent",
    "Link",
    "DoubleSpendOutcome",
    "double_spend_race",
    "confirmations",
    "reorg_depth",
]

# Fixed payout addresses for the race's honest miner and merchant (any valid
# address works; these are the P2PKH addresses of the private keys 7 and 8).
_MINER = "19ZewH8Kk1PDbSNdJ97FP4EiCjTRaZMZQA"
_MERCHANT = "1EhqbyUMvvs7BfL8goY6qcPbD6YKfPqb7e"


def _seconds(x: object, *, allow_zero: bool = False) -> bool:
    """A finite real number of seconds, > 0 (or >= 0 with ``allow_zero``)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return False
    return x >= 0 if allow_zero else x > 0


@dataclass(frozen=True)
class NetworkEvent:
    """One line of the network's log: what happened, where and when."""

    time: float
    peer: str
    kind: str  # "mined", "tip", "reorg", "orphan", "rejected", "partition", "heal"
    detail: str


@dataclass
class Link:
    """A two-way connection: one-way delay = ``latency + U(0, jitter)`` seconds."""

    latency: float
    jitter: float


@dataclass
class Peer:
    """A node: its own chain, mempool and (optionally) hash power.

    ``hash_share`` is its fraction of the network's hash rate (0 = does not mine).
    A ``private`` peer (a selfish or double-spending miner) relays nothing it mines
    until :meth:`Network.release` is called. Introduced in lesson 05.
    """

    name: str
    chain: Chain
    address: str
    hash_share: float = 0.0
    private: bool = False
    mempool: dict[bytes, Transaction] = field(default_factory=dict)
    orphans: set[bytes] = field(default_factory=set)
    mined: list[bytes] = field(default_factory=list)

    @property
    def tip_hash(self) -> bytes:
        """The hash of this peer's best block."""
        return self.chain.tip.hash()

    @property
    def height(self) -> int:
        """The height of this peer's best block."""
        return self.chain.height


class Network:
    """A seeded discrete-event network of :class:`Peer` s. Introduced in lesson 05.

    ``block_interval`` is the expected seconds between blocks for the whole network
    (default ``params.target_spacing``); ``latency``/``jitter`` are the defaults of
    new links. Every peer starts from the same genesis (``genesis_alloc``).
    """

    def __init__(
        self,
        params: ChainParams | None = None,
        *,
        seed: int = 0,
        latency: float = 0.05,
        jitter: float = 0.05,
        block_interval: float | None = None,
        genesis_alloc: dict[str, int] | None = None,
        extensions: Sequence[Extension] = (),
    ) -> None:
        self.params = params if params is not None else ChainParams()
        if not isinstance(self.params, ChainParams):
            raise ValueError("params must be ChainParams")
        for name, value in (("latency", latency), ("jitter", jitter)):
            if not _seconds(value, allow_zero=True):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if block_interval is not None and not _seconds(block_interval):
            raise ValueError(f"block_interval must be finite, > 0: {block_interval!r}")
        self.rng = random.Random(seed)
        self.latency = latency
        self.jitter = jitter
        self.block_interval = float(
            block_interval if block_interval is not None else self.params.target_spacing
        )
        self.genesis_alloc = dict(genesis_alloc or {})
        self.extensions = tuple(extensions)
        self.peers: dict[str, Peer] = {}
        self.links: dict[frozenset[str], Link] = {}
        self.groups: list[frozenset[str]] | None = None
        self.now = 0.0
        self.log: list[NetworkEvent] = []
        self.delivered = 0
        self.dropped = 0
        self._queue: list[tuple[float, int, str, tuple]] = []
        self._seq = 0

    # -- set-up ---------------------------------------------------------------------
    def add_peer(
        self,
        name: str,
        *,
        address: str,
        hash_share: float = 0.0,
        private: bool = False,
    ) -> Peer:
        """Add a peer with a fresh chain (same genesis as everyone); schedule its
        first block if it mines."""
        if name in self.peers:
            raise ValueError(f"peer {name!r} already exists")
        if not 0.0 <= hash_share <= 1.0:
            raise ValueError(f"hash_share must be in [0, 1], got {hash_share!r}")
        chain = Chain(
            self.params,
            self.extensions,
            genesis_alloc=self.genesis_alloc,
            clock=self._clock,
        )
        peer = Peer(name, chain, address, hash_share, private)
        self.peers[name] = peer
        if hash_share > 0:
            self._schedule_mining(peer)
        return peer

    def connect(
        self,
        a: str,
        b: str,
        *,
        latency: float | None = None,
        jitter: float | None = None,
    ) -> None:
        """Link two peers (both directions)."""
        for n in (a, b):
            if n not in self.peers:
                raise ValueError(f"unknown peer {n!r}")
        if a == b:
            raise ValueError("a peer cannot link to itself")
        for name, value in (("latency", latency), ("jitter", jitter)):
            if value is not None and not _seconds(value, allow_zero=True):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        self.links[frozenset((a, b))] = Link(
            self.latency if latency is None else latency,
            self.jitter if jitter is None else jitter,
        )

    def connect_all(self) -> None:
        """Link every pair of peers (a full mesh)."""
        names = list(self.peers)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if frozenset((a, b)) not in self.links:
                    self.connect(a, b)

    def neighbours(self, name: str) -> list[str]:
        """The peers linked to ``name``, in the order they were added."""
        return [n for n in self.peers if frozenset((name, n)) in self.links]

    # -- partitions -------------------------------------------------------------------
    def partition(self, *groups: Iterable[str]) -> None:
        """Cut the network into groups; messages between groups are dropped.

        Peers not named in any group form one more group together.
        """
        sets = [frozenset(g) for g in groups]
        named = set().union(*sets) if sets else set()
        for n in named:
            if n not in self.peers:
                raise ValueError(f"unknown peer {n!r}")
        if sum(len(s) for s in sets) != len(named):
            raise ValueError("a peer is in two groups")
        rest = frozenset(self.peers) - named
        self.groups = sets + ([rest] if rest else [])
        text = " | ".join(",".join(sorted(g)) for g in self.groups)
        self._log("*", "partition", text)

    def heal(self) -> None:
        """Remove the partition; every peer announces its best block to its
        neighbours, and orphan requests pull in whatever each side missed."""
        self.groups = None
        self._log("*", "heal", "")
        for peer in self.peers.values():
            if peer.private:
                continue
            for n in self.neighbours(peer.name):
                self._send(peer.name, n, "block", (peer.chain.tip,))

    def can_talk(self, a: str, b: str) -> bool:
        """True if a message from ``a`` to ``b`` would be delivered now."""
        if frozenset((a, b)) not in self.links:
            return False
        if self.groups is None:
            return True
        return any(a in g and b in g for g in self.groups)

    # -- actions --
    def submit_tx(self, name: str, tx: Transaction) -> bool:
        """A user hands ``tx`` to peer ``name``; relayed if the peer accepts it."""
        return self._receive_tx(self.peers[name], tx, source=None)

    def mine_now(self, name: str) -> Any:
        """Peer ``name`` finds a block right now (outside the Poisson schedule)."""
        return self._mine(self.peers[name])

    def release(self, name: str) -> None:
        """A private peer publishes its chain: it sends its best block to every
        neighbour (they fetch the missing ancestors) and relays from now on."""
        peer = self.peers[name]
        peer.private = False
        for n in self.neighbours(name):
            self._send(name, n, "block", (peer.chain.tip,))

    # -- running --
    def step(self) -> bool:
        """Process the next event; False when there is none."""
        if not self._queue:
            return False
        t, _, kind, args = heapq.heappop(self._queue)
        self.now = t
        if kind == "mine":
            (name,) = args
            peer = self.peers[name]
            self._mine(peer)
            self._schedule_mining(peer)
        else:
            src, dst = args[0], args[1]
            if not self.can_talk(src, dst):
                self.dropped += 1
                return True
            self.delivered += 1
            self._deliver(self.peers[dst], src, kind, args[2])
        return True

    def run(self, until: float) -> None:
        """Process every event up to time ``until`` (seconds since genesis, finite:
        miners schedule their next block forever)."""
        if (
            isinstance(until, bool)
            or not isinstance(until, (int, float))
            or not (math.isfinite(until))
        ):
            raise ValueError(f"until must be a finite number of seconds, got {until!r}")
        while self._queue and self._queue[0][0] <= until:
            self.step()
        self.now = max(self.now, until)

    def settle(self, max_events: int = 100_000) -> None:
        """Deliver messages in flight without mining (pause the miners)."""
        kept = [e for e in self._queue if e[2] == "mine"]
        self._queue = [e for e in self._queue if e[2] != "mine"]
        heapq.heapify(self._queue)
        n = 0
        while self._queue and n < max_events:
            self.step()
            n += 1
        shift = self.now
        for t, seq, kind, args in kept:
            heapq.heappush(self._queue, (max(t, shift), seq, kind, args))

    # -- views --
    def tips(self) -> dict[str, str]:
        """Each peer's best block as short display hex (first 8 hex digits)."""
        return {n: p.tip_hash[::-1].hex()[:8] for n, p in self.peers.items()}

    def heights(self) -> dict[str, int]:
        """Each peer's best height."""
        return {n: p.height for n, p in self.peers.items()}

    def in_consensus(self) -> bool:
        """True if every peer has the same best block."""
        return len({p.tip_hash for p in self.peers.values()}) == 1

    def events(self, kind: str | None = None) -> list[NetworkEvent]:
        """The log, optionally only one kind of event."""
        return [e for e in self.log if kind is None or e.kind == kind]

    # -- internals --
    def _clock(self) -> float:
        """The simulated wall clock the chains check future timestamps against."""
        return self.params.genesis_timestamp + self.now

    def _log(self, peer: str, kind: str, detail: str) -> None:
        self.log.append(NetworkEvent(round(self.now, 6), peer, kind, detail))

    def _push(self, t: float, kind: str, args: tuple) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (t, self._seq, kind, args))

    def _schedule_mining(self, peer: Peer) -> None:
        if peer.hash_share > 0:
            wait = self.rng.expovariate(peer.hash_share / self.block_interval)
            self._push(self.now + wait, "mine", (peer.name,))

    def _send(self, src: str, dst: str, kind: str, payload: tuple) -> None:
        link = self.links[frozenset((src, dst))]
        delay = link.latency + self.rng.random() * link.jitter
        self._push(self.now + delay, kind, (src, dst, payload))

    def _broadcast(self, src: str, kind: str, payload: tuple, skip: str | None) -> None:
        for n in self.neighbours(src):
            if n != skip:
                self._send(src, n, kind, payload)

    def _deliver(self, peer: Peer, src: str, kind: str, payload: tuple) -> None:
        if kind == "tx":
            self._receive_tx(peer, payload[0], source=src)
        elif kind == "block":
            self._receive_block(peer, payload[0], source=src)
        elif kind == "getblock":
            block = peer.chain.get_block(payload[0])
            if block is not None and not peer.private:
                self._send(peer.name, src, "block", (block,))

    def _receive_tx(self, peer: Peer, tx: Transaction, source: str | None) -> bool:
        """Mempool admission: the checks of block connection, on the tip's state
        after this sender's earlier mempool transactions (which must fill every
        nonce up to this one). A transaction that fails them is refused, so nothing
        invalid can reach a block a peer mines."""
        if not isinstance(tx, Transaction):
            return False
        try:
            txid = tx.txid()
            sender = tx.sender_address
        except ChainError:
            return False
        if txid in peer.mempool:
            return False
        # First seen wins: a second transaction with the same sender and nonce
        # (a double spend) is not accepted into the mempool.
        mine = [t for t in peer.mempool.values() if t.sender == tx.sender]
        if any(t.nonce == tx.nonce for t in mine):
            return False
        start = peer.chain.state.nonce(sender)
        earlier = sorted((t for t in mine if start <= t.nonce < tx.nonce),
                         key=lambda t: t.nonce)  # fmt: skip
        try:
            peer.chain.validate_transaction(tx, pending=earlier)
        except ChainError:
            return False
        peer.mempool[txid] = tx
        if not peer.private:
            self._broadcast(peer.name, "tx", (tx,), skip=source)
        return True

    def _receive_block(self, peer: Peer, block: Any, source: str) -> None:
        h = block.hash()
        if h in peer.chain or h in peer.orphans:
            return
        old_tip = peer.tip_hash
        try:
            peer.chain.add_block(block)
        except ChainError as e:
            self._log(peer.name, "rejected", f"{h[::-1].hex()[:8]}: {e}")
            return
        if h not in peer.chain:  # kept as an orphan: ask for its parent
            peer.orphans.add(h)
            self._log(peer.name, "orphan", h[::-1].hex()[:8])
            self._send(peer.name, source, "getblock", (block.header.prev_hash,))
            return
        connected = [h] + [o for o in sorted(peer.orphans) if o in peer.chain]
        peer.orphans.difference_update(connected)
        self._after_connect(peer, old_tip)
        if not peer.private:
            for c in connected:
                self._broadcast(peer.name, "block", (peer.chain.get_block(c),), source)

    def _after_connect(self, peer: Peer, old_tip: bytes) -> None:
        new_tip = peer.tip_hash
        if new_tip == old_tip:
            return
        depth = reorg_depth(peer.chain, old_tip, new_tip)
        short = new_tip[::-1].hex()[:8]
        if depth:
            self._log(peer.name, "reorg", f"{depth} block(s) undone, tip {short}")
            # As Bitcoin Core does, undone blocks' transactions go back to the mempool.
            entry = peer.chain.entry(old_tip)
            for _ in range(depth):
                for tx in entry.block.txs[1:]:
                    peer.mempool.setdefault(tx.txid(), tx)
                entry = entry.parent
        else:
            self._log(peer.name, "tip", f"height {peer.height} {short}")
        # Forget mempool transactions that the new best chain used or made invalid
        # (a nonce already taken, e.g. by the other half of a double spend).
        state = peer.chain.state
        for txid, tx in list(peer.mempool.items()):
            if tx.nonce < state.nonce(tx.sender_address):
                del peer.mempool[txid]

    def _select(self, peer: Peer) -> list[Transaction]:
        """Mempool transactions that apply, in order, on the tip."""
        return peer.chain.select_transactions(peer.mempool.values(), peer.address)

    def _mine(self, peer: Peer) -> Any:
        chain = peer.chain
        mtp = chain.median_time_past(chain.entry(peer.tip_hash))
        timestamp = max(self.params.genesis_timestamp + int(self.now), mtp + 1)
        old_tip = peer.tip_hash
        block = chain.mine_block(self._select(peer), peer.address, timestamp)
        h = block.hash()
        peer.mined.append(h)
        for tx in block.txs:
            peer.mempool.pop(tx.txid(), None)
        self._log(peer.name, "mined", f"height {chain.height} {h[::-1].hex()[:8]}")
        self._after_connect(peer, old_tip)
        if not peer.private:
            self._broadcast(peer.name, "block", (block,), skip=None)
        return block


def reorg_depth(chain: Chain, old_tip: bytes, new_tip: bytes) -> int:
    """How many blocks of the branch ending at ``old_tip`` are not ancestors of
    ``new_tip`` (0 when the new tip simply extends the old one)."""
    return chain.height_of(old_tip) - chain.fork_point(old_tip, new_tip).height


@dataclass(frozen=True)
class DoubleSpendOutcome:
    """What happened in one double-spend race on the network."""

    success: bool  # the merchant's payment is gone from everyone's best chain
    honest_blocks: int  # honest blocks on top of the fork point when the race ended
    attacker_blocks: int  # blocks the attacker mined
    reorg_depth: int  # blocks the merchant's node undid (0 if the attack failed)
    time: float


def double_spend_race(
    q: float,
    z: int,
    *,
    attacker_key: Any,
    seed: int = 0,
    params: ChainParams | None = None,
    give_up: int = 12,
    latency: float = 0.01,
) -> DoubleSpendOutcome:
    """One double-spend race on a three-peer network (whitepaper §11, played out).

    ``attacker`` (hash share ``q``, key ``attacker_key``) pays ``merchant`` and,
    cut off from everyone, mines a chain with a conflicting payment to himself;
    ``honest`` (share 1-q) mines the public chain. The merchant ships once the
    payment has ``z`` confirmations (its block and the blocks after it; ``z = 0``:
    as soon as it sits in the mempool). The attacker publishes as soon as his
    chain has more work than the public one after that (a node reorgs only to
    strictly more work), and gives up when ``give_up`` blocks behind. Success: after
    the release, the merchant's best chain no longer holds the payment.

    Averaged over seeds this estimates ``race_success_probability(q, z,
    ties_win=False)``. ``params`` should mine fast (e.g. ``genesis_bits=0x207fffff``
    and a long ``retarget_interval``, so both branches carry equal work per block).
    Introduced in lesson 05.
    """
    check_race_args(q, z)
    if not 0.0 < q < 0.5:
        raise ValueError("q must be in (0, 0.5) for a race that can end")
    params = params if params is not None else ChainParams()
    pub = attacker_key.public_key
    addr = pub.address
    net = Network(params, seed=seed, latency=latency, jitter=latency,
                  genesis_alloc={addr: 10_000})  # fmt: skip
    honest = net.add_peer("honest", address=_MINER, hash_share=1.0 - q)
    merchant = net.add_peer("merchant", address=_MERCHANT)
    attacker = net.add_peer("attacker", address=addr, hash_share=q, private=True)
    net.connect_all()
    net.partition({"attacker"})
    pay, back = _race_payments(attacker_key, params.chain_id)
    net.submit_tx("attacker", back)  # stays in the attacker's private mempool
    net.submit_tx("honest", pay)
    net.submit_tx("merchant", pay)
    txid = pay.txid()
    shipped = z == 0
    while net.step():
        if not shipped and confirmations(merchant.chain, txid) >= z:
            shipped = True
        h_len, a_len = honest.height, attacker.height
        if shipped and attacker.chain.total_work > honest.chain.total_work:
            net.heal()
            net.release("attacker")
            net.settle()
            success = confirmations(merchant.chain, txid) == 0
            undone = max((e for e in net.events("reorg") if e.peer == "merchant"),
                         key=lambda e: e.time, default=None)  # fmt: skip
            depth = int(undone.detail.split()[0]) if undone else 0
            return DoubleSpendOutcome(success, h_len, a_len, depth, net.now)
        if h_len - a_len >= give_up:
            return DoubleSpendOutcome(False, h_len, a_len, 0, net.now)
    raise RuntimeError("the race ran out of events")  # pragma: no cover


@functools.lru_cache(maxsize=16)
def _race_payments(key: Any, chain_id: int) -> tuple[Transaction, Transaction]:
    """The two conflicting payments (same nonce): to the merchant, and back to the
    attacker. Signatures are deterministic, so they are made once per key."""
    sender = key.public_key.to_bytes(compressed=True)
    addr = key.public_key.address
    pay = Transaction(sender, _MERCHANT, 1_000, 0, 0, chain_id).sign(key)
    back = Transaction(sender, addr, 1_000, 0, 0, chain_id).sign(key)
    return pay, back


def confirmations(chain: Chain, txid: bytes) -> int:
    """Blocks of ``chain``'s best branch that contain or follow ``txid``'s block
    (0 if the transaction is not on the best branch). Introduced in lesson 05."""
    entry = chain.entry(chain.tip.hash())
    depth = 0
    while entry is not None:
        depth += 1
        if any(tx.txid() == txid for tx in entry.block.txs[1:]):
            return depth
        entry = entry.parent
    return 0
