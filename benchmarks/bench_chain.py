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
* Building a chain of 1,000 / 2,000 / 4,000 blocks with ``mine_block``'s default
  timestamps on a state of 20,000 accounts (credited in block 1; each block pays a
  different one of them), each size in a fresh process: the seconds it takes and
  how much the process grew (peak RSS after building minus before). Ratios: time per
  block against the 1,000-block run (1.0 = constant), memory against the size half
  as long (2.0 = linear in blocks). Before issue 14 every block kept a full copy of
  the state: 400 / 800 / 1,600 MB. Alone: ``python benchmarks/bench_chain.py grow``.

Mining uses an impossible target, so every attempt runs to the end of its range.
The things compared run interleaved in every round, order rotated; figures are
medians, ratios the median of the per-round ratios. Run as a script to print.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable

from refimpl.chain import (
    BlockHeader,
    Chain,
    ChainParams,
    Extension,
    SignatureCache,
    Transaction,
    mine,
)
from refimpl.chain.transaction import clear_key_cache
from refimpl.crypto import PrivateKey, PublicKey, p2pkh_address

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
        clear_key_cache()  # cold: no parsed keys, no verified signatures
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


class _Airdrop(Extension):
    """Credits ``addresses`` one token each in block 1 (minting, so supply adds up)."""

    name = "airdrop"

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    def end_block(self, state, ctx) -> None:  # noqa: ANN001
        if ctx.height == 1:
            for a in self.addresses:
                state.balances[a] = state.balance(a) + 1
            state.supply += len(self.addresses)


def _peak_kb() -> int:
    """This process's peak resident memory in KiB. Linux's VmHWM belongs to the
    address space, so it starts afresh at exec; ru_maxrss survives exec and would
    report the peak of the (much larger) benchmark runner that started us."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def grow(blocks: int, accounts: int) -> dict:
    """Build ``blocks`` blocks on ``accounts`` accounts in this process; figures."""
    params = ChainParams(chain_id=7, genesis_bits=0x207FFFFF)
    addrs = [p2pkh_address(b"\x02" + i.to_bytes(32, "big")) for i in range(accounts)]
    chain = Chain(params, [_Airdrop(addrs)], {}, clock=lambda: 4e9)
    before = _peak_kb()
    start = time.perf_counter()
    for i in range(blocks):
        chain.mine_block([], addrs[(i * 7919) % accounts])
    seconds = time.perf_counter() - start
    peak = _peak_kb()
    return {
        "blocks": blocks,
        "accounts": len(chain.state.balances),
        "seconds": seconds,
        "mb": (peak - before) / 1024,
        "bits_kept": chain.tip.header.bits == params.genesis_bits,
    }


def _grow_rows(sizes: tuple[int, ...] = (1000, 2000, 4000), accounts: int = 20_000):
    runs = []
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "grow", str(n), str(accounts)],
            capture_output=True, text=True, check=True, timeout=900,
        )  # fmt: skip
        runs.append(json.loads(out.stdout.splitlines()[-1]))
    rows: list[Row] = []
    base = runs[0]["seconds"] / runs[0]["blocks"]
    kept = all(r["bits_kept"] for r in runs)
    for r in runs:
        n = r["blocks"]
        rows.append((f"build {n:,} blocks, {accounts:,} accounts", r["seconds"], "s",
                     r["seconds"] / n / base,
                     f"time per block vs {runs[0]['blocks']:,} blocks; "
                     f"difficulty kept: {kept}"))  # fmt: skip
    for prev, r in zip([None, *runs], runs, strict=False):
        ratio = r["mb"] / prev["mb"] if prev and prev["mb"] > 0 else None
        rows.append((f"memory after {r['blocks']:,} blocks, {accounts:,} accounts",
                     r["mb"], "MB", ratio,
                     "peak RSS growth while building; ratio vs half as many blocks "
                     "(2.0 = linear)"))  # fmt: skip
    return rows


def run(rounds: int = 5) -> list[Row]:
    return (
        _mining_rows(rounds) + _validation_rows(max(3, rounds // 2 + 1)) + _grow_rows()
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["grow"] and len(sys.argv) == 4:
        print(json.dumps(grow(int(sys.argv[2]), int(sys.argv[3]))))
        raise SystemExit(0)
    if sys.argv[1:2] == ["grow"]:
        for row in _grow_rows():
            print(row)
        raise SystemExit(0)
    for what, fig, unit, ratio, base in run():
        print(f"{what:45s} {fig:10.3f} {unit:5s} {ratio:8.2f}x  vs {base}")
