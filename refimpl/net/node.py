"""A chain node: the lesson-05 chain with the subnet, NFT and axon extensions, a
mempool, a miner, peers, and a SQLite file that survives a restart.

:class:`Node` holds the logic and knows nothing of HTTP; :mod:`refimpl.net.nodeapp`
puts it behind FastAPI. Everything runs on one asyncio loop, so the chain is only
ever touched by one task at a time.

* **Transactions** are checked against the *pending* state (the tip plus every
  mempool transaction, in order), so a sender may queue several with consecutive
  nonces. Accepted ones are written to ``mempool.sqlite`` before the answer.
* **Blocks** are mined every ``block_interval`` seconds (0: only on request) with
  the wall-clock time, and saved (``Chain.save``) before they are announced.
* **Peers** get every new transaction and block. A block whose parent is unknown
  is completed by fetching its ancestors from the peer that sent it, and every
  ``sync_interval`` the node asks each peer for its tip and fetches what it lacks:
  after a partition heals both sides follow the most-work chain (lesson 05's
  rule, now between processes). Fetches are bounded (:data:`MAX_FETCH` blocks).

Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from refimpl.chain import (
    Block,
    BlockContext,
    Chain,
    ChainError,
    Ledger,
    State,
    Transaction,
    mine,
)
from refimpl.chain.validation import check_block
from refimpl.net import params as netparams
from refimpl.net.keys import hotkey

__all__ = ["Node", "NodeError", "MAX_FETCH", "MAX_MEMPOOL", "MAX_PEERS", "block_json"]

MAX_FETCH = 500  # blocks fetched from a peer in one go
MAX_MEMPOOL = 5_000
MAX_PEERS = 16
MAX_BLOCK_TXS = 2_000


class NodeError(Exception):
    """A request the node refuses: HTTP ``status`` and a readable ``reason``."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _hash_from_hex(text: str) -> bytes:
    """A block hash as explorers show it (64 hex, byte-reversed) -> internal bytes."""
    if not isinstance(text, str) or len(text) != 64:
        raise NodeError(400, "a block hash is 64 hex digits")
    try:
        return bytes.fromhex(text)[::-1]
    except ValueError:
        raise NodeError(400, "a block hash is 64 hex digits") from None


def _from_hex(raw_hex: Any, what: str, max_bytes: int) -> bytes:
    """The bytes of a hex string of at most ``max_bytes`` bytes; NodeError 400."""
    if not isinstance(raw_hex, str) or len(raw_hex) > 2 * max_bytes:
        raise NodeError(400, f"{what} must be a hex string")
    try:
        return bytes.fromhex(raw_hex)
    except ValueError:
        raise NodeError(400, f"{what} is not valid hex") from None


def _tx_json(tx: Transaction) -> dict[str, Any]:
    return {
        "txid": tx.txid_hex(),
        "kind": tx.kind,
        "sender": tx.sender_address,
        "recipient": tx.recipient,
        "amount": tx.amount,
        "fee": tx.fee,
        "nonce": tx.nonce,
    }


def block_json(chain: Chain, block: Block, raw: bool = True) -> dict[str, Any]:
    """A block as the API returns it (``raw`` hex included when asked)."""
    h = block.hash()
    out = {
        "hash": block.hash_hex(),
        "height": chain.height_of(h) if h in chain else None,
        "prev": block.header.prev_hash[::-1].hex(),
        "time": block.header.timestamp,
        "miner": block.txs[0].recipient,
        "txs": [_tx_json(t) for t in block.txs[1:]],
    }
    if raw:
        out["raw"] = block.serialize().hex()
    return out


@dataclass
class Rejection:
    """One refused request, for the dashboard."""

    time: float
    what: str
    status: int
    reason: str


class Node:
    """A full node of the classroom network (see the module docstring)."""

    def __init__(
        self,
        data_dir: str | os.PathLike,
        *,
        tempo: int = 10,
        block_interval: float = 1.0,
        peers: list[str] | tuple[str, ...] = (),
        url: str = "",
        sync_interval: float = 1.0,
        clock: Any = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.tempo = tempo
        self.block_interval = float(block_interval)
        self.sync_interval = float(sync_interval)
        self.url = url
        self.clock = clock or time.time
        self._check_config()
        self.subnet, self.nft, self.serving = netparams.extensions(tempo)
        exts = (self.subnet, self.nft, self.serving)
        self.by_kind = {k: e for e in exts for k in e.kinds}
        self.ledger = Ledger(self.by_kind)
        self.chain_path = str(self.data_dir / "chain.sqlite")
        if os.path.exists(self.chain_path):
            self.chain = Chain.load(self.chain_path, netparams.chain_params(), exts)
        else:
            self.chain = Chain(
                netparams.chain_params(), exts, netparams.genesis_alloc()
            )
            self.chain.save(self.chain_path)
        self.subnet.attach(self.chain)
        self.miner_address = hotkey("node", 1).public_key.address
        self.peers: list[str] = []
        for p in peers:
            self.add_peer(p)
        self.partitioned = False
        self.mempool: dict[bytes, Transaction] = {}
        self.pending: State = self.chain.state.copy()
        self.rejected: deque[Rejection] = deque(maxlen=100)
        self.counts = {"tx_accepted": 0, "blocks_mined": 0, "blocks_received": 0}
        self._db = sqlite3.connect(str(self.data_dir / "mempool.sqlite"))
        # WAL + NORMAL: a commit survives the process being killed (not a power cut)
        # without an fsync per transaction
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS mempool (txid BLOB PRIMARY KEY, raw BLOB)"
            )
        self._reload_mempool()
        self._http: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task] = set()

    # ------------------------------------------------------------------ config
    def _check_config(self) -> None:
        path = self.data_dir / "node.json"
        mine = {"chain_id": netparams.CHAIN_ID, "tempo": self.tempo}
        if path.exists():
            try:
                saved = json.loads(path.read_text())
            except ValueError:
                saved = None
            if saved != mine:
                raise NodeError(
                    400,
                    f"{self.data_dir} holds a chain made with {saved}, not {mine}: "
                    "use the same --tempo or another --data directory",
                )
        else:
            path.write_text(json.dumps(mine))

    def add_peer(self, url: str) -> bool:
        """Add a peer URL (``http://host:port``); False if known or full."""
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise NodeError(400, "a peer is an http:// URL")
        url = url.rstrip("/")
        if len(url) > 200 or url == self.url.rstrip("/"):
            raise NodeError(400, "not a usable peer URL")
        if url in self.peers:
            return False
        if len(self.peers) >= MAX_PEERS:
            raise NodeError(429, f"this node already has {MAX_PEERS} peers")
        self.peers.append(url)
        return True

    # ------------------------------------------------------------------ views
    def status(self) -> dict[str, Any]:
        """Height, tip, work, peers and counters."""
        return {
            "chain_id": self.chain.params.chain_id,
            "height": self.chain.height,
            "tip": self.chain.tip.hash_hex(),
            "work": str(self.chain.total_work),
            "peers": list(self.peers),
            "partitioned": self.partitioned,
            "mempool": len(self.mempool),
            "orphans": len(self.chain.orphans),
            "tempo": self.tempo,
            "block_interval": self.block_interval,
            **self.counts,
        }

    def metagraph(self) -> dict[str, Any]:
        """The subnet's metagraph as plain JSON, with each neuron's axon."""
        mg = self.subnet.metagraph()
        served = self.serving.axons(self.chain.state)

        def axon(hk: str) -> dict | None:
            a = served.get(hk)
            return None if a is None else {"ip": a["ip"], "port": a["port"]}

        return {
            "netuid": mg.netuid,
            "block": int(mg.block),
            "n": int(mg.n),
            "uids": [int(u) for u in mg.uids],
            "hotkeys": list(mg.hotkeys),
            "coldkeys": list(mg.coldkeys),
            "stake": [int(s) for s in mg.stake],
            "trust": [float(x) for x in mg.trust],
            "consensus": [float(x) for x in mg.consensus],
            "incentive": [float(x) for x in mg.incentive],
            "dividends": [float(x) for x in mg.dividends],
            "emission": [int(x) for x in mg.emission],
            "validator_permit": [bool(x) for x in mg.validator_permit],
            "validator_trust": [float(x) for x in mg.validator_trust],
            "registered_at": [int(x) for x in mg.registered_at],
            "last_update": [int(x) for x in mg.last_update],
            "axons": [axon(h) for h in mg.hotkeys],
        }

    def balance(self, address: str) -> dict[str, Any]:
        """Balance and nonces (mined and with the mempool) of ``address``."""
        st = self.chain.state
        return {
            "address": address,
            "balance": st.balance(address),
            "nonce": st.nonce(address),
            "pending_nonce": self.pending.nonce(address),
        }

    def supply(self) -> dict[str, Any]:
        """``supply == balances + stake`` at the tip."""
        st = self.chain.state
        balances = sum(st.balances.values())
        stake = int(sum(int(s) for s in self.subnet.metagraph().stake))
        return {
            "supply": st.supply,
            "balances": balances,
            "stake": stake,
            "conserved": st.supply == balances + stake,
        }

    def block(self, hash_hex: str) -> dict[str, Any]:
        """A connected block by hash (404 if unknown)."""
        b = self.chain.get_block(_hash_from_hex(hash_hex))
        if b is None:
            raise NodeError(404, "unknown block")
        return block_json(self.chain, b)

    def blocks(self, start: int, stop: int, raw: bool = True) -> list[dict]:
        """Main-chain blocks at heights ``start..stop`` (inclusive, at most 100)."""
        if start < 0 or stop < start:
            raise NodeError(400, "need 0 <= from <= to")
        if stop - start >= 100:
            raise NodeError(400, "at most 100 blocks per request")
        main = self.chain.main_chain()
        return [block_json(self.chain, b, raw) for b in main[start : stop + 1]]

    def reject(self, what: str, status: int, reason: str) -> NodeError:
        """Log a refused request and return the error to raise."""
        self.rejected.appendleft(Rejection(self.clock(), what, status, reason))
        return NodeError(status, reason)

    # ------------------------------------------------------------ transactions
    def _ctx(self) -> BlockContext:
        return BlockContext(
            self.chain.height + 1,
            int(self.clock()),
            "",
            b"\x00" * 32,
            self.chain.params.chain_id,
        )

    def accept_tx(self, raw_hex: Any) -> Transaction:
        """Check a signed transaction (hex) and add it to the mempool.

        400: not hex or not a transaction; 409: already in the mempool; 422: it
        breaks a rule (the chain's reason); 503: the mempool is full.
        """
        raw = _from_hex(raw_hex, "tx", 200_000)
        try:
            tx = Transaction.parse(raw)
        except ChainError as e:
            raise NodeError(400, f"not a transaction: {e}") from None
        if tx.txid() in self.mempool:
            raise NodeError(409, "duplicate: already in the mempool")
        if len(self.mempool) >= MAX_MEMPOOL:
            raise NodeError(503, "mempool full; try again after a block")
        try:
            self.ledger.apply(self.pending, tx, self._ctx())
        except ChainError as e:
            raise NodeError(422, f"invalid transaction: {e}") from None
        self.mempool[tx.txid()] = tx
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO mempool VALUES (?, ?)", (tx.txid(), raw)
            )
        self.counts["tx_accepted"] += 1
        return tx

    def _reload_mempool(self) -> None:
        rows = self._db.execute("SELECT raw FROM mempool").fetchall()
        with self._db:
            self._db.execute("DELETE FROM mempool")
        for (raw,) in rows:
            with contextlib.suppress(NodeError):
                self.accept_tx(bytes(raw).hex())

    def _refresh_pending(self) -> None:
        """After the tip moved: drop mined or now-invalid transactions."""
        self.pending = self.chain.state.copy()
        keep: dict[bytes, Transaction] = {}
        ctx = self._ctx()
        for txid, tx in self.mempool.items():
            try:
                self.ledger.apply(self.pending, tx, ctx)
            except ChainError:
                continue
            keep[txid] = tx
        gone = [t for t in self.mempool if t not in keep]
        self.mempool = keep
        if gone:
            with self._db:
                self._db.executemany(
                    "DELETE FROM mempool WHERE txid = ?", [(t,) for t in gone]
                )

    # ------------------------------------------------------------------ blocks
    def mine_block(self) -> Block:
        """Mine one block of mempool transactions on the tip, save it, return it."""
        chain = self.chain
        txs = list(self.mempool.values())[:MAX_BLOCK_TXS]
        ts = max(chain.median_time_past() + 1, int(self.clock()))
        block = chain.build_block(txs, self.miner_address, ts)
        header = block.header
        while True:
            found = mine(header, max_nonces=1_000_000)
            if found is not None:
                break
            ts += 1
            header = replace(header, timestamp=ts, nonce=0)
        block = block.with_header(found)
        chain.add_block(block, allow_orphan=False)
        self.counts["blocks_mined"] += 1
        self._after_new_blocks()
        return block

    def _after_new_blocks(self) -> None:
        self._refresh_pending()
        self.chain.save(self.chain_path)

    def add_blocks(self, blocks: list[Block]) -> int:
        """Connect blocks given parent first; return how many were new.

        Stops at the first invalid one (raises NodeError 422 with its reason);
        what connected before it stays (each block is valid on its own).
        """
        new = 0
        try:
            for b in blocks:
                if b.hash() in self.chain:
                    continue
                if b.header.prev_hash not in self.chain:
                    raise NodeError(409, "unknown parent: send or fetch it first")
                self.chain.add_block(b, allow_orphan=False)
                new += 1
        except ChainError as e:
            raise NodeError(422, f"invalid block: {e}") from None
        finally:
            if new:
                self.counts["blocks_received"] += new
                self._after_new_blocks()
        return new

    def parse_block(self, raw_hex: Any) -> Block:
        """A block from hex that passes the context-free checks (proof of work,
        Merkle root, coinbase, size): NodeError 400 or 422 otherwise."""
        raw = _from_hex(raw_hex, "block", 1_100_000)
        try:
            block = Block.parse(raw)
        except (ChainError, ValueError) as e:
            raise NodeError(400, f"not a block: {e}") from None
        try:
            check_block(block, self.chain.params)
        except ChainError as e:
            raise NodeError(422, f"invalid block: {e}") from None
        return block

    async def receive_block(self, raw_hex: Any, origin: Any = None) -> dict:
        """A block from a peer: connect it, fetching missing parents from
        ``origin`` when that is one of our peers."""
        if self.partitioned:
            raise NodeError(503, "partitioned (test switch)")
        block = self.parse_block(raw_hex)
        if block.hash() in self.chain:
            return {"status": "known", "hash": block.hash_hex()}
        chain_ = [block]
        if block.header.prev_hash not in self.chain:
            peer = origin.rstrip("/") if isinstance(origin, str) else None
            if peer not in self.peers:
                raise NodeError(
                    409, "unknown parent and no peer to fetch it from (orphan)"
                )
            chain_ = await self._fetch_ancestry(peer, block)
        self.add_blocks(chain_)
        self.announce_block(block)
        return {"status": "connected", "hash": block.hash_hex()}

    async def _fetch_ancestry(self, peer: str, block: Block) -> list[Block]:
        """``block`` and its ancestors back to one we know, from ``peer``."""
        out = [block]
        prev = block.header.prev_hash
        while prev not in self.chain:
            if len(out) >= MAX_FETCH:
                raise NodeError(409, f"fork deeper than {MAX_FETCH} blocks: gave up")
            data = await self._get(peer, f"/blocks/{prev[::-1].hex()}")
            if data is None:
                raise NodeError(409, "a peer could not provide a missing parent")
            parent = self.parse_block(data.get("raw"))
            if parent.hash() != prev:
                raise NodeError(422, "a peer sent a block under the wrong hash")
            out.append(parent)
            prev = parent.header.prev_hash
        return out[::-1]

    # --------------------------------------------------------------- networking
    async def _get(self, peer: str, path: str) -> dict | None:
        assert self._http is not None
        try:
            r = await self._http.get(peer + path)
        except httpx.HTTPError:
            return None
        if r.status_code != 200 or len(r.content) > 4_000_000:
            return None
        from refimpl.boundedjson import loads

        try:
            data = loads(r.content, max_bytes=4_000_000)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    async def _post(self, peer: str, path: str, body: dict) -> None:
        assert self._http is not None
        with contextlib.suppress(httpx.HTTPError):
            await self._http.post(peer + path, json=body)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def announce_tx(self, tx: Transaction) -> None:
        """Send a new transaction to every peer (in the background)."""
        if self.partitioned or self._http is None:
            return
        body = {"tx": tx.serialize().hex()}
        for p in self.peers:
            self._spawn(self._post(p, "/tx", body))

    def announce_block(self, block: Block) -> None:
        if self.partitioned or self._http is None:
            return
        body = {"block": block.serialize().hex(), "origin": self.url}
        for p in self.peers:
            self._spawn(self._post(p, "/block", body))

    async def sync_once(self) -> int:
        """Ask every peer for its tip and fetch the blocks we lack; new blocks."""
        if self.partitioned:
            return 0
        new = 0
        for peer in list(self.peers):
            st = await self._get(peer, "/status")
            if not st or not isinstance(st.get("tip"), str):
                continue
            try:
                tip = _hash_from_hex(st["tip"])
                if tip in self.chain:
                    continue
                data = await self._get(peer, f"/blocks/{st['tip']}")
                if data is None:
                    continue
                block = self.parse_block(data.get("raw"))
                if block.hash() != tip:
                    continue
                blocks = await self._fetch_ancestry(peer, block)
                new += self.add_blocks(blocks)
            except NodeError as e:
                self.reject("sync", e.status, f"from {peer}: {e.reason}")
        return new

    async def run(self, stop: asyncio.Event) -> None:
        """Mine and sync until ``stop`` is set (the server's lifespan task)."""
        self._http = httpx.AsyncClient(timeout=3.0)
        try:
            for p in list(self.peers):
                if self.url:
                    self._spawn(self._post(p, "/peers", {"url": self.url}))
            next_block = time.monotonic() + self.block_interval
            next_sync = time.monotonic()
            while not stop.is_set():
                now = time.monotonic()
                try:
                    if self.block_interval > 0 and now >= next_block:
                        next_block = now + self.block_interval
                        self.announce_block(self.mine_block())
                    if self.peers and now >= next_sync:
                        next_sync = now + self.sync_interval
                        await self.sync_once()
                except Exception as e:  # log it and keep the node alive
                    self.reject("node", 500, f"{type(e).__name__}: {e}")
                    print(f"node error: {type(e).__name__}: {e}", flush=True)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=0.05)
        finally:
            for t in list(self._tasks):
                t.cancel()
            await self._http.aclose()
            self._http = None

    def close(self) -> None:
        """Save the chain and close the mempool database."""
        self.chain.save(self.chain_path)
        self._db.close()
