"""A chain's blocks in a SQLite file, written atomically, read trusting nothing.

This is the file layer under :meth:`Chain.save <refimpl.chain.chain.Chain.save>` and
:meth:`Chain.load <refimpl.chain.chain.Chain.load>`: it knows blocks and bytes, not
chains (the chain re-validates what it reads with ``Chain.from_blocks``, the one
replay routine), so the dependency goes one way, chain -> storage.

:func:`write` puts every block in a new file under a name of its own
(``<file>.tmp-chainmind-<pid>-<random>``) inside one transaction, then moves it over
the old file (``os.replace`` is atomic), so a crash leaves either the old file or the
new one, and two savers never share a temporary file. Temporary files of ours whose
process is gone (a killed save) are removed by the next save or load in that folder.
Paths are file names, never SQLite URIs: ``#``, ``?`` or ``%41`` in a name open
exactly that file.

:func:`read` checks SQLite's own integrity, the format, the type of every cell, the
block count, a checksum and each block's stored hash; any problem raises
StorageError with the reason. The checksum is an *unkeyed* SHA-256 over the blocks:
it catches accidents (a truncated or half-copied file, flipped bits), not
tampering, since whoever edits the file can recompute it. What stops a forged file
is that every block is then re-validated from genesis (proof of work, signatures,
every rule), as Bitcoin Core re-checks its block files with
``-checkblocks``/``-checklevel``. Introduced in lesson 05.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from .block import Block
from .errors import ChainError, StorageError

__all__ = ["FORMAT", "SavedChain", "write", "read", "checksum", "TEMP_MARK"]

FORMAT = "chainmind-chain-v1"
TEMP_MARK = ".tmp-chainmind-"


@dataclass(frozen=True)
class SavedChain:
    """What a chain file holds: its blocks in saved order and the saved tip."""

    path: str
    blocks: list[Block]
    tip: bytes


def checksum(raws: Sequence[bytes]) -> str:
    """SHA-256 over the blocks' SHA-256s (unkeyed: detects accidents only)."""
    h = hashlib.sha256()
    for raw in raws:
        h.update(hashlib.sha256(raw).digest())
    return h.hexdigest()


def _path(path: object) -> str:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise StorageError(
            f"a chain file path must be a str, not {type(path).__name__}"
        )
    path = os.fspath(path)
    if not isinstance(path, str) or not path or "\x00" in path:
        raise StorageError(f"{path!r} is not a usable file path")
    return path


def _uri(path: str, mode: str) -> str:
    """A SQLite URI for exactly this file (every special character escaped)."""
    return f"file:{urllib.parse.quote(os.path.abspath(path))}?mode={mode}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale_temps(path: str) -> list[str]:
    """Remove our temporary files for ``path`` left by processes that are gone."""
    folder = os.path.dirname(os.path.abspath(path))
    prefix = os.path.basename(path) + TEMP_MARK
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix):
            continue
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or _pid_alive(pid):
            continue  # maybe a save in progress
        try:
            os.remove(os.path.join(folder, name))
            removed.append(name)
        except OSError:
            pass
    return removed


def write(path: object, chain_id: int, blocks: Sequence[Block], tip: bytes) -> None:
    """Write ``blocks`` (genesis first, parents before children) to ``path``
    atomically (a temporary file of its own, then a rename)."""
    path = _path(path)
    clean_stale_temps(path)
    raws = [b.serialize() for b in blocks]
    tmp = f"{path}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(8)}"
    try:
        conn = sqlite3.connect(_uri(tmp, "rwc"), uri=True)
        try:
            with conn:
                conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                conn.execute(
                    "CREATE TABLE blocks (seq INTEGER PRIMARY KEY, hash BLOB, raw BLOB)"
                )
                meta = {
                    "format": FORMAT,
                    "chain_id": str(chain_id),
                    "count": str(len(raws)),
                    "tip": tip.hex(),
                    "digest": checksum(raws),
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
        for leftover in (tmp, tmp + "-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise StorageError(f"could not save the chain to {path}: {e}") from None


def _rows(path: str) -> tuple[dict, list]:
    if not os.path.isfile(path):
        raise StorageError(f"no saved chain at {path}")
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise StorageError(f"{path} is corrupt: {check[0][0]}")
            meta = conn.execute("SELECT key, value FROM meta").fetchall()
            rows = conn.execute(
                "SELECT seq, hash, raw FROM blocks ORDER BY seq"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StorageError(f"{path} is not a readable chain database: {e}") from None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in meta):
        raise StorageError(f"{path}: the meta table holds values that are not text")
    return dict(meta), rows


def read(path: object, chain_id: int) -> SavedChain:
    """The blocks and tip saved at ``path``; StorageError if anything is off."""
    path = _path(path)
    clean_stale_temps(path)
    meta, rows = _rows(path)
    if meta.get("format") != FORMAT:
        raise StorageError(f"{path}: unknown format {meta.get('format')!r}")
    if meta.get("chain_id") != str(chain_id):
        raise StorageError(
            f"{path} holds chain id {meta.get('chain_id')}, not {chain_id}"
        )
    if not rows or str(len(rows)) != meta.get("count"):
        raise StorageError(
            f"{path}: expected {meta.get('count')} blocks, found {len(rows)} "
            "(truncated?)"
        )
    for i, (seq, h, raw) in enumerate(rows):
        if type(seq) is not int or seq != i:
            raise StorageError(f"{path}: block rows are not numbered 0..n-1")
        if not isinstance(h, bytes) or len(h) != 32 or not isinstance(raw, bytes):
            raise StorageError(f"{path}: row {i} does not hold a hash and block bytes")
    raws = [r[2] for r in rows]
    if checksum(raws) != meta.get("digest"):
        raise StorageError(
            f"{path}: block data does not match its checksum (corrupted or edited)"
        )
    tip_hex = meta.get("tip", "")
    try:
        tip = bytes.fromhex(tip_hex)
    except ValueError:
        raise StorageError(f"{path}: the saved tip {tip_hex!r} is not a hash") from None
    blocks = []
    for i, (_, h, raw) in enumerate(rows):
        try:
            block = Block.parse(raw)
        except ChainError as e:
            raise StorageError(f"{path}: block {i}: {e}") from None
        if block.hash() != h:
            raise StorageError(f"{path}: block {i} is stored under the wrong hash")
        blocks.append(block)
    return SavedChain(path, blocks, tip)
