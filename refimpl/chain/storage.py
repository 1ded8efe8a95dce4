"""Saving a chain to SQLite and loading it back, trusting nothing on disk.

``save`` writes every connected block (all branches) to a new file inside one
transaction, then moves it over the old one (``os.replace`` is atomic), so a crash
leaves either the old file or the new one. ``load`` checks SQLite's own
integrity, the format, the genesis block, the block count and the tip recorded
at save time, and re-validates every block from genesis as if it came from the
network. Any problem raises StorageError with the reason; nothing half-loaded is
ever returned. (Bitcoin Core re-checks its block files the same way with
``-checkblocks``/``-checklevel``.) Introduced in lesson 05.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .block import Block
from .errors import ChainError, StorageError
from .extension import Extension
from .params import ChainParams
from .transaction import decode_payload

if TYPE_CHECKING:
    from .chain import Chain

__all__ = ["save_chain", "load_chain", "FORMAT"]

FORMAT = "chainmind-chain-v1"


def _digest(raws: Sequence[bytes]) -> str:
    h = hashlib.sha256()
    for raw in raws:
        h.update(hashlib.sha256(raw).digest())
    return h.hexdigest()


def save_chain(chain: Chain, path: str) -> None:
    """Write ``chain`` to ``path`` atomically (temporary file + rename)."""
    blocks = chain.all_blocks()
    raws = [b.serialize() for b in blocks]
    tmp = f"{path}.tmp-{os.getpid()}"
    if os.path.exists(tmp):
        os.remove(tmp)
    try:
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                conn.execute(
                    "CREATE TABLE blocks (seq INTEGER PRIMARY KEY, hash BLOB, raw BLOB)"
                )
                meta = {
                    "format": FORMAT,
                    "chain_id": str(chain.params.chain_id),
                    "count": str(len(raws)),
                    "tip": chain.tip.hash().hex(),
                    "digest": _digest(raws),
                }
                conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                conn.executemany(
                    "INSERT INTO blocks VALUES (?, ?, ?)",
                    [
                        (i, b.hash(), r)
                        for i, (b, r) in enumerate(zip(blocks, raws, strict=True))
                    ],
                )
        finally:
            conn.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise StorageError(f"could not save the chain to {path}: {e}") from None


def _read(path: str) -> tuple[dict[str, str], list[tuple[int, bytes, bytes]]]:
    if not os.path.isfile(path):
        raise StorageError(f"no saved chain at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise StorageError(f"{path} is corrupt: {check[0][0]}")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            rows = conn.execute(
                "SELECT seq, hash, raw FROM blocks ORDER BY seq"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StorageError(f"{path} is not a readable chain database: {e}") from None
    return meta, rows


def load_chain(
    cls: type[Chain],
    path: str,
    params: ChainParams,
    extensions: Sequence[Extension] = (),
    *,
    clock: Callable[[], float] | None = None,
) -> Chain:
    """Read ``path`` and rebuild the chain, re-validating every block."""
    meta, rows = _read(path)
    if meta.get("format") != FORMAT:
        raise StorageError(f"{path}: unknown format {meta.get('format')!r}")
    if meta.get("chain_id") != str(params.chain_id):
        raise StorageError(
            f"{path} holds chain id {meta.get('chain_id')}, not {params.chain_id}"
        )
    if not rows or str(len(rows)) != meta.get("count"):
        raise StorageError(
            f"{path}: expected {meta.get('count')} blocks, found {len(rows)} "
            "(truncated?)"
        )
    if [r[0] for r in rows] != list(range(len(rows))):
        raise StorageError(f"{path}: block rows are not numbered 0..n-1")
    raws = [bytes(r[2]) for r in rows]
    if _digest(raws) != meta.get("digest"):
        raise StorageError(
            f"{path}: block data does not match its checksum (tampered?)"
        )
    try:
        blocks = [Block.parse(raw) for raw in raws]
    except ChainError as e:
        raise StorageError(f"{path}: {e}") from None
    try:
        alloc = decode_payload(blocks[0].txs[0].payload)["alloc"]
        chain = cls(params, extensions, alloc, clock=clock)
    except (ChainError, KeyError, TypeError, IndexError) as e:
        raise StorageError(f"{path}: unreadable genesis block: {e}") from None
    if chain.genesis.hash() != blocks[0].hash():
        raise StorageError(f"{path}: genesis block does not match these parameters")
    for i, (block, row) in enumerate(zip(blocks[1:], rows[1:], strict=True), start=1):
        if bytes(row[1]) != block.hash():
            raise StorageError(f"{path}: block {i} is stored under the wrong hash")
        try:
            chain.add_block(block, allow_orphan=False)
        except ChainError as e:
            raise StorageError(f"{path}: block {i} is invalid: {e}") from None
    if chain.tip.hash().hex() != meta.get("tip"):
        raise StorageError(f"{path}: the best chain is not the one that was saved")
    return chain
