"""Speed of the classroom network (lesson 15) against baselines measured in one run.

Rows: (what, figure, unit, ratio vs baseline, baseline description).

* One validator round over 64 axons on 127.0.0.1: the dendrite's concurrent
  ``query`` (one signed request to each axon, all at once) against
  ``query_sequential`` (the same requests one after another). The 64 axons run in
  two server processes (32 uvicorn servers each, one event loop per process), so
  the axons' signature checks share two cores as they would share one laptop.
* A node's transaction intake: distinct signed transfers POSTed over HTTP to a node
  process (one client, one after another), and ``Node.accept_tx`` in process, each
  against bare ``Chain.validate_transaction`` of the same transactions on the same
  state. Every run starts with an empty signature cache.

Figures are medians over rounds. Run as a script to print;
``python benchmarks/bench_net.py serve-axons PORT...`` is the axon server child.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

from refimpl.chain import SIGNATURE_CACHE, Transaction
from refimpl.crypto import PrivateKey
from refimpl.net.dendrite import Target, query, query_sequential
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.limits import CLIENT_LIMITS
from refimpl.net.procs import Network, free_port, wait_http

N_AXONS = 64
N_TX = 150
VAL = hotkey("validator", 0)


def _axon_key(i: int) -> PrivateKey:
    return hotkey("miner", 1000 + i)


def _metagraph() -> dict:
    keys = [VAL] + [_axon_key(i) for i in range(N_AXONS)]
    return {
        "hotkeys": [k.public_key.address for k in keys],
        "stake": [1000] + [0] * N_AXONS,
        "validator_permit": [True] + [False] * N_AXONS,
    }


def serve_axons(ports: list[int], first: int) -> None:
    """Child process: one event loop serving one axon per port until SIGTERM."""
    import signal

    from refimpl.net.axon import AxonServer
    from refimpl.net.procs import make_server

    mg = _metagraph()

    def predict(rows: list[list[float]]) -> list[list[float]]:
        return [[sum(r) * 0.1] for r in rows]

    servers = []
    for k, port in enumerate(ports):
        axon = AxonServer(_axon_key(first + k), predict, lambda: mg)
        servers.append(make_server(axon.app(), "127.0.0.1", port))

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def stop() -> None:
            for s in servers:
                s.should_exit = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        await asyncio.gather(*(s.serve() for s in servers))

    asyncio.run(main())


def _round_rows() -> list[tuple]:
    ports = [free_port() for _ in range(N_AXONS)]
    half = N_AXONS // 2
    log = open(os.path.join(tempfile.gettempdir(), "bench_net_axons.log"), "wb")
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "serve-axons", str(first), *map(str, chunk)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for first, chunk in ((0, ports[:half]), (half, ports[half:]))
    ]
    try:
        for p in ports:
            wait_http(f"http://127.0.0.1:{p}/info", 60)
        targets = [
            Target(i + 1, _axon_key(i).public_key.address, "127.0.0.1", p)
            for i, p in enumerate(ports)
        ]
        x = [[0.1 * j for j in range(8)] for _ in range(64)]

        async def measure() -> tuple[list[float], list[float]]:
            conc, seq = [], []
            async with httpx.AsyncClient(limits=CLIENT_LIMITS) as client:
                await query(VAL, targets, x, 10.0, client)  # warm connections
                for _ in range(5):
                    t = time.perf_counter()
                    replies = await query(VAL, targets, x, 10.0, client)
                    conc.append(time.perf_counter() - t)
                    bad = [(r.status, r.reason) for r in replies if r.status != 200]
                    assert not bad, bad[:3]
                    t = time.perf_counter()
                    replies = await query_sequential(VAL, targets, x, 10.0, client)
                    seq.append(time.perf_counter() - t)
                    assert all(r.status == 200 for r in replies)
            return conc, seq

        conc, seq = asyncio.run(measure())
    finally:
        for c in children:
            c.terminate()
        for c in children:
            c.wait(10)
        log.close()
    ratios = [s / c for c, s in zip(conc, seq, strict=True)]
    return [
        (
            "validator round, 64 axons on loopback (concurrent)",
            1000 * statistics.median(conc),
            "ms",
            statistics.median(ratios),
            f"the same 64 requests one by one: {1000 * statistics.median(seq):.0f} ms",
        )
    ]


def _funded_senders(node_url: str | None, node: object | None) -> list[PrivateKey]:
    """N_TX fresh keys, each funded by one transfer mined in one block."""
    keys = [PrivateKey(0xBE9C0000 + i) for i in range(N_TX)]
    cold = coldkey("validator", 5)
    txs = [
        Transaction(
            cold.public_key.to_bytes(compressed=True),
            k.public_key.address,
            100,
            0,
            i,
            15,
        ).sign(cold)
        for i, k in enumerate(keys)
    ]
    if node is not None:
        for tx in txs:
            node.accept_tx(tx.serialize().hex())
        node.mine_block()
    else:
        with httpx.Client(base_url=node_url, timeout=30) as c:
            for tx in txs:
                c.post("/tx", json={"tx": tx.serialize().hex()}).raise_for_status()
            c.post("/admin/mine", json={"blocks": 1}).raise_for_status()
    return keys


def _spends(keys: list[PrivateKey]) -> list[Transaction]:
    to = hotkey("miner", 1).public_key.address
    return [
        Transaction(k.public_key.to_bytes(compressed=True), to, 1, 0, 0, 15).sign(k)
        for k in keys
    ]


def _intake_rows() -> list[tuple]:
    from refimpl.net.node import Node

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        node = Node(os.path.join(tmp, "inproc"), tempo=1000, block_interval=0)
        keys = _funded_senders(None, node)
        spends = _spends(keys)
        raws = [t.serialize().hex() for t in spends]
        # the node goes first: the bare baseline then finds every sender's public
        # key parsed already, so the ratio errs against the node
        SIGNATURE_CACHE.clear()
        t = time.perf_counter()
        for raw in raws:
            node.accept_tx(raw)
        inproc = time.perf_counter() - t
        SIGNATURE_CACHE.clear()
        t = time.perf_counter()
        for tx in spends:
            node.chain.validate_transaction(tx)
        bare = time.perf_counter() - t
        node.close()
        rows.append(
            (
                "node intake in process (Node.accept_tx)",
                N_TX / inproc,
                "tx/s",
                bare / inproc,
                f"Chain.validate_transaction: {N_TX / bare:.0f} tx/s",
            )
        )
        net = Network(os.path.join(tmp, "logs"))
        try:
            _, url = net.node(
                "node",
                free_port(),
                os.path.join(tmp, "http"),
                tempo=1000,
                block_interval=0,
            )
            _funded_senders(url, None)
            with httpx.Client(base_url=url, timeout=30) as c:
                c.get("/status")
                t = time.perf_counter()
                for raw in raws:
                    c.post("/tx", json={"tx": raw}).raise_for_status()
                http = time.perf_counter() - t
        finally:
            net.stop()
        rows.append(
            (
                "node intake over HTTP (POST /tx, one client)",
                N_TX / http,
                "tx/s",
                bare / http,
                f"Chain.validate_transaction: {N_TX / bare:.0f} tx/s",
            )
        )
    return rows


def run() -> list[tuple]:
    """The rows for ``benchmarks/run.py``."""
    return _round_rows() + _intake_rows()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve-axons"]:
        serve_axons([int(p) for p in sys.argv[3:]], int(sys.argv[2]))
    else:
        for what, figure, unit, ratio, baseline in run():
            print(f"{what:<52} {figure:>10.4g} {unit:<5} {ratio:>6.2f}x  {baseline}")
