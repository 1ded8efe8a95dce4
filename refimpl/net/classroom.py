"""``make classroom``: a node, a validator and demo miners on this machine.

It starts them on 127.0.0.1 (ports ``port``, ``port + 1``, ...), prints the
dashboard URL, and stops everything on Ctrl-C (or after ``duration`` seconds),
neurons first. Each line it prints after start-up is a measured time, so an
instructor knows how long the room will wait. Introduced in lesson 15.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import time

import httpx

from refimpl.net.miner import MINER_KINDS
from refimpl.net.procs import Network

__all__ = ["run_classroom", "DEMO_KINDS"]

#: The demo miners, in order (cycled for more than four).
DEMO_KINDS = ("honest_big", "honest_small", "lazy_zero", "noisy") + tuple(
    k
    for k in MINER_KINDS
    if k not in ("honest_big", "honest_small", "lazy_zero", "noisy")
)


def run_classroom(
    port: int = 8000,
    miners: int = 4,
    data: str = "",
    tempo: int = 10,
    block_interval: float = 1.0,
    duration: float = 0.0,
) -> int:
    """Run the demo network until Ctrl-C (or ``duration`` s); 0 on a clean stop."""
    if not 1 <= miners <= 60:
        raise ValueError("miners must be in 1..60")
    data = data or tempfile.mkdtemp(prefix="chainmind-classroom-")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    t0 = time.monotonic()
    net = Network(f"{data}/logs")
    try:
        _, url = net.node(
            "node", port, f"{data}/node", tempo=tempo, block_interval=block_interval
        )
        print(f"dashboard: {url}/   (Ctrl-C stops everything; logs in {data}/logs)")
        for i in range(miners):
            kind = DEMO_KINDS[i % len(DEMO_KINDS)]
            net.miner(f"miner{i}", url, port + 1 + i, 100 + i, kind)
        net.validator("validator", url, 0)
        served = earning = None
        for _ in range(int(3600 * 24 / 0.5)):
            if stop.wait(0.5) or (duration and time.monotonic() - t0 > duration):
                break
            try:
                mg = httpx.get(f"{url}/metagraph", timeout=2).json()
            except httpx.HTTPError:
                continue
            n_axons = sum(a is not None for a in mg["axons"])
            if served is None and n_axons >= miners:
                served = time.monotonic() - t0
                print(f"all {miners} miners serving after {served:.1f} s")
            if earning is None and max(mg["incentive"], default=0) > 0:
                earning = time.monotonic() - t0
                print(f"first incentive paid to miners after {earning:.1f} s")
    finally:
        t1 = time.monotonic()
        net.stop()
        print(f"stopped {len(net.procs)} processes in {time.monotonic() - t1:.1f} s")
    return 0
