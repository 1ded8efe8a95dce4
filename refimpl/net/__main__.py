"""Command line of the classroom network (lesson 15)::

    python -m refimpl.net node      --host H --port P --data DIR [--tempo N]
                                    [--block-interval S] [--peer URL ...]
    python -m refimpl.net miner     --node URL --host H --port P --seed S
                                    [--kind honest_small|lazy_zero|copier_of_0|...]
                                    [--ip ADDRESS] [--delay S]
    python -m refimpl.net validator --node URL --seed S [--interval S]
    python -m refimpl.net classroom [--port P] [--miners N]   (make classroom)

Every process stops cleanly on SIGINT (Ctrl-C) or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from typing import Any

__all__ = ["main"]


def _serve(app: Any, host: str, port: int) -> None:
    from refimpl.net.procs import serve

    serve(app, host, port)


def _exit_now(code: int) -> None:
    """Leave without tearing torch down module by module (seconds on a busy
    laptop): everything is already saved and closed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _node(a: argparse.Namespace) -> int:
    from refimpl.net.node import Node, NodeError
    from refimpl.net.nodeapp import node_app

    url = a.advertise or f"http://{a.host}:{a.port}"
    try:
        node = Node(
            a.data,
            tempo=a.tempo,
            block_interval=a.block_interval,
            peers=a.peer,
            url=url,
        )
    except NodeError as e:
        print(f"error: {e.reason}", file=sys.stderr)
        return 2
    print(f"ChainMind node at {url} (height {node.chain.height}); dashboard: {url}/")
    print(f"data: {os.path.abspath(a.data)}; peers: {node.peers or 'none'}", flush=True)
    _serve(node_app(node), a.host, a.port)
    print("node stopped; chain saved", flush=True)
    return 0


def _miner(a: argparse.Namespace) -> int:
    ip = a.ip or a.host
    if ip in ("0.0.0.0", ""):
        print(
            "error: bound to all interfaces: give --ip, the LAN address the "
            "validators should use (it is never guessed)",
            file=sys.stderr,
        )
        return 2
    import torch

    from refimpl.net.keys import coldkey, hotkey
    from refimpl.net.miner import build_model, miner_app, torch_predictor

    torch.set_num_threads(1)
    data = a.data or os.path.join(
        tempfile.gettempdir(), f"chainmind-miner-{a.seed}-{a.port}"
    )
    os.makedirs(data, exist_ok=True)
    hot, cold = hotkey("miner", a.seed), coldkey("miner", a.seed)
    model = build_model(a.kind)
    app, _ = miner_app(
        a.node,
        hot,
        cold,
        torch_predictor(model),
        ip,
        a.port,
        nonces_path=os.path.join(data, "nonces.sqlite"),
        delay=a.delay,
        window=a.window,
    )
    print(
        f"miner {a.kind} hotkey {hot.public_key.address} serving at {ip}:{a.port}",
        flush=True,
    )
    _serve(app, a.host, a.port)
    print("miner stopped", flush=True)
    _exit_now(0)
    return 0


def _validator(a: argparse.Namespace) -> int:
    import torch

    from refimpl.net.validator import Validator

    torch.set_num_threads(1)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        v = Validator(a.node, a.seed, timeout=a.timeout, batch=a.batch)
        print(f"validator hotkey {v.address}", flush=True)
        await v.run(
            stop,
            interval=a.interval,
            rounds=a.rounds,
            log=lambda m: print(m, flush=True),
        )

    asyncio.run(run())
    print("validator stopped", flush=True)
    _exit_now(0)
    return 0


def _classroom(a: argparse.Namespace) -> int:
    from refimpl.net.classroom import run_classroom

    return run_classroom(
        a.port, a.miners, a.data, a.tempo, a.block_interval, a.duration
    )


def _chain_options(p: argparse.ArgumentParser) -> None:
    """The chain's settings, the same for a node and for the classroom."""
    p.add_argument("--tempo", type=int, default=10, help="blocks between epochs")
    p.add_argument(
        "--block-interval",
        type=float,
        default=1.0,
        help="seconds between blocks (0: mine only on request)",
    )


def _parser() -> argparse.ArgumentParser:
    from refimpl.net.miner import MINER_KINDS

    p = argparse.ArgumentParser(
        prog="python -m refimpl.net",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    n = sub.add_parser("node", help="a chain node with the dashboard")
    n.add_argument("--host", default="127.0.0.1")
    n.add_argument("--port", type=int, default=8000)
    n.add_argument("--data", required=True, help="directory for the chain")
    _chain_options(n)
    n.add_argument("--peer", action="append", default=[], help="another node's URL")
    n.add_argument("--advertise", default="", help="this node's URL for its peers")
    n.set_defaults(func=_node)
    m = sub.add_parser("miner", help="an axon serving one model")
    m.add_argument("--node", required=True)
    m.add_argument("--host", default="127.0.0.1", help="address to bind")
    m.add_argument("--port", type=int, default=8091)
    m.add_argument("--seed", type=int, required=True)
    m.add_argument("--kind", default="honest_small", choices=MINER_KINDS)
    m.add_argument("--ip", default="", help="address registered on chain")
    m.add_argument("--delay", type=float, default=0.0, help="answer this much later")
    m.add_argument("--window", type=float, default=60.0, help="clock window (s)")
    m.add_argument("--data", default="", help="directory for the nonce store")
    m.set_defaults(func=_miner)
    v = sub.add_parser("validator", help="query miners, set weights")
    v.add_argument("--node", required=True)
    v.add_argument("--seed", type=int, required=True)
    v.add_argument("--interval", type=float, default=1.0)
    v.add_argument("--timeout", type=float, default=2.0)
    v.add_argument("--batch", type=int, default=64)
    v.add_argument("--rounds", type=int, default=None)
    v.set_defaults(func=_validator)
    c = sub.add_parser("classroom", help="node + validator + demo miners")
    c.add_argument("--port", type=int, default=8000)
    c.add_argument("--miners", type=int, default=4)
    c.add_argument("--data", default="")
    _chain_options(c)
    c.add_argument(
        "--duration",
        type=float,
        default=0.0,
        help="stop after this many seconds (0: at Ctrl-C)",
    )
    c.set_defaults(func=_classroom)
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command."""
    a = _parser().parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    raise SystemExit(main())
