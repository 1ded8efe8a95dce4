"""Speed of refimpl.chain against baselines measured in the same run (lessons 04-05).

Rows: (what, figure, unit, ratio vs baseline, baseline description).

* ``mine()`` with one worker vs the bare loop
  ``hashlib.sha256(hashlib.sha256(header80).digest())`` over the same header (the
  nonce written with ``struct.pack_into``, nothing compared): the limit in Python.
* ``mine(..., workers=2)`` vs the same bare loop (one process).
* Validating a block of 1,000 signed transactions from scratch (empty signature
  cache), with its ratio to 1,000 bare ``PublicKey.verify`` calls.
* Re-validating the same block on a node that has seen it (warm signature
  cache): the ratio is cold time / warm time.

Mining uses an impossible target, so every attempt runs to the end of its range.
The things compared run interleaved in every round, order rotated; figures are
medians, ratios the median of the per-round ratios. Run as a script to print.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import struct
import time
from collections.abc import Callable

from refimpl.chain import (
    BlockHeader,
    Chain,
    ChainParams,
    SignatureCache,
    Transaction,
    mine,
)
from refimpl.chain.transaction import _KEYS
from refimpl.crypto import PrivateKey, PublicKey

Row = tuple[str, float, str, float, str]

HEADER = BlockHeader(1, b"\x11" * 32, b"\x22" * 32, 1_700_000_000, 0x03000001, 0)
BARE = "bare hashlib double-SHA256 loop, 1 process"


def _bare_loop(count: int) -> None:
    hdr = bytearray(HEADER.serialize())
    pack, sha = struct.pack_into, hashlib.sha256
    for nonce in range(count):
        pack("<I", hdr, 76, nonce)
        sha(sha(hdr).digest()).digest()


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _paired(ours: Callable[[], object], n_ours: int, n_bare: int, rounds: int):
    """Median rate of ``ours`` and median per-round ratio to the bare loop."""
    rates, ratios = [], []
    for i in range(rounds):
        if i % 2:
            t_bare = _time(lambda: _bare_loop(n_bare))
            t_ours = _time(ours)
        else:
            t_ours = _time(ours)
            t_bare = _time(lambda: _bare_loop(n_bare))
        rates.append(n_ours / t_ours)
        ratios.append(rates[-1] / (n_bare / t_bare))
    return statistics.median(rates), statistics.median(ratios)


def _busy_seconds() -> tuple[float, float]:
    """CPU seconds used so far by the whole machine and by this process tree."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    t = os.times()
    return busy, t.user + t.system + t.children_user + t.children_system


def _mining_rows(rounds: int) -> list[Row]:
    n1, n2 = 200_000, 2_000_000
    (all0, own0), wall = _busy_seconds(), time.perf_counter()
    r1, x1 = _paired(lambda: mine(HEADER, max_nonces=n1), n1, n1, 2 * rounds)
    r2, x2 = _paired(
        lambda: mine(HEADER, max_nonces=n2, workers=2), n2, n2 // 2, rounds
    )
    (all1, own1), wall = _busy_seconds(), time.perf_counter() - wall
    others = max(0.0, (all1 - all0) - (own1 - own0)) / wall
    note = f"{BARE}; other processes used {others:.1f} of {os.cpu_count()} cores"
    return [
        ("mine(), 1 worker", r1 / 1e6, "MH/s", x1, BARE),
        ("mine(), workers=2 (incl. fork start-up)", r2 / 1e6, "MH/s", x2, note),
    ]


def _block_of_signed_txs(n: int = 1000, senders: int = 20):
    params = ChainParams(chain_id=5, genesis_bits=0x2000FFFF)
    keys = [PrivateKey(10_000 + i) for i in range(senders)]
    pubs = [k.public_key.to_bytes() for k in keys]
    alloc = {k.public_key.address: 10**9 for k in keys}
    to = PrivateKey(99).public_key.address
    txs = [
        Transaction(pubs[i % senders], to, 1 + i, 1, i // senders, 5).sign(
            keys[i % senders]
        )
        for i in range(n)
    ]
    maker = Chain(params, (), alloc, sigcache=SignatureCache())
    block = maker.build_block(txs, to)
    block = block.with_header(mine(block.header))
    return params, alloc, block, txs


def _validate(params, alloc, block, cache: SignatureCache) -> None:
    Chain(params, (), alloc, sigcache=cache).add_block(block)


def _validation_rows(rounds: int) -> list[Row]:
    params, alloc, block, txs = _block_of_signed_txs()
    keys = {t.sender: PublicKey.from_bytes(t.sender) for t in txs}
    sample = txs[:100]
    cold, warm, ratios, per_verify = [], [], [], []
    for _ in range(rounds):
        cache = SignatureCache()
        _KEYS.clear()  # cold: no parsed keys, no verified signatures
        tc = _time(lambda c=cache: _validate(params, alloc, block, c))
        tw = _time(lambda c=cache: _validate(params, alloc, block, c))
        tv = _time(
            lambda: [keys[t.sender].verify(t.txid(), t.signature) for t in sample]
        )
        cold.append(tc)
        warm.append(tw)
        ratios.append(tc / tw)
        per_verify.append(tv / len(sample))
    cold_s = statistics.median(cold)
    return [
        ("validate a block of 1,000 signed txs (cold)", cold_s, "s",
         cold_s / (1000 * statistics.median(per_verify)),
         "1,000 bare PublicKey.verify calls"),
        ("re-validate it (signature cache warm)", statistics.median(warm), "s",
         statistics.median(ratios), "speed-up over the cold validation"),
    ]  # fmt: skip


def run(rounds: int = 5) -> list[Row]:
    return _mining_rows(rounds) + _validation_rows(max(3, rounds // 2 + 1))


if __name__ == "__main__":
    for what, fig, unit, ratio, base in run():
        print(f"{what:45s} {fig:10.3f} {unit:5s} {ratio:8.2f}x  vs {base}")
