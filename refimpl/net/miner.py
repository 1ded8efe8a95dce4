"""A miner process: one lesson-06 model behind an axon, registered on chain.

:func:`build_model` trains only the model of the requested kind, with exactly the
recipe and seeds of :func:`refimpl.market.miners.standard_miners` (a test checks
they answer the same), so a classroom of sixteen miners does not train 160 models.
:func:`miner_app` wraps an :class:`~refimpl.net.axon.AxonServer`; on start-up it
registers the hotkey (paid by the coldkey), publishes ``ip:port`` with
``serve_axon`` (the address given, never guessed) and then keeps its copy of the
metagraph fresh for the blacklist. Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from refimpl.crypto import PrivateKey
from refimpl.net import params as netparams
from refimpl.net.axon import AxonServer
from refimpl.net.client import AsyncNodeClient, NodeRefused
from refimpl.net.protocol import NonceStore
from refimpl.net.serving import serve_axon_tx

__all__ = [
    "MINER_KINDS",
    "build_model",
    "torch_predictor",
    "register_axon",
    "miner_app",
]

MINER_KINDS = (
    "honest_big",
    "honest_mid",
    "honest_small",
    "undertrained",
    "specialist",
    "lazy_zero",
    "random_init",
    "copier_of_0",
    "adversarial",
    "noisy",
)


def build_model(kind: str, task: Any = None, steps: int = 400, seed: int = 0) -> Any:
    """The ``standard_miners`` model called ``kind`` (a ``copier_of_0`` answers
    what ``honest_big`` answers: it runs a copy of the same model)."""
    import torch

    from refimpl.market.miners import make_mlp, train_mlp
    from refimpl.market.task import Task

    if kind not in MINER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(MINER_KINDS)}; not {kind!r}")
    task = task or Task()
    x, y = task.train_set()
    d = task.dim

    def trained(hidden: int, n_steps: int, k: int, mask: Any = None) -> Any:
        net = make_mlp(d, hidden, seed + k)
        xs, ys = (x, y) if mask is None else (x[mask], y[mask])
        return train_mlp(net, xs, ys, n_steps)

    if kind in ("honest_big", "copier_of_0"):
        return trained(64, steps, 0)
    if kind == "adversarial":
        big = trained(64, steps, 0)
        return lambda inp: -big(inp)
    if kind == "honest_mid":
        return trained(32, steps, 1)
    if kind == "honest_small":
        return trained(8, steps, 2)
    if kind == "undertrained":
        return trained(32, 15, 3)
    if kind == "specialist":
        return trained(32, 2 * steps, 4, mask=x[:, 0] > 0.5)
    if kind == "random_init":
        return make_mlp(d, 32, seed + 5)
    if kind == "lazy_zero":
        return lambda inp: torch.zeros(inp.shape[0], 1)
    mid = trained(32, steps, 1)  # noisy
    gen = torch.Generator().manual_seed(seed + 9)

    def noisy(inp: Any) -> Any:
        out = mid(inp)
        return out + 0.5 * torch.randn(out.shape, generator=gen)

    return noisy


def torch_predictor(model: Any) -> Callable[[list[list[float]]], list[list[float]]]:
    """Rows of floats in, rows of one float out, through a torch model."""
    import torch

    @torch.no_grad()
    def predict(rows: list[list[float]]) -> list[list[float]]:
        out = model(torch.tensor(rows, dtype=torch.float32))
        return out.reshape(len(rows), 1).tolist()

    return predict


async def register_axon(
    node: AsyncNodeClient,
    hot: PrivateKey,
    cold: PrivateKey,
    ip: str,
    port: int,
    timeout: float = 60.0,
) -> int:
    """Register ``hot`` (if needed) and serve ``ip:port`` on chain; return the uid."""
    hk = hot.public_key.address
    subnet = netparams.extensions()[0]

    async def metagraph() -> dict:
        return await node.metagraph()

    mg = await metagraph()
    if hk not in mg["hotkeys"]:
        nonce = (await node.balance(cold.public_key.address))["pending_nonce"]
        tx = subnet.register_tx(cold, hk, nonce=nonce, chain_id=netparams.CHAIN_ID)
        with contextlib.suppress(NodeRefused):  # already queued by an earlier try
            await node.submit(tx)

        async def registered() -> dict | None:
            m = await metagraph()
            return m if hk in m["hotkeys"] else None

        mg = await node.wait_for(registered, timeout)
    want = {"ip": ip, "port": port}
    if mg["axons"][mg["hotkeys"].index(hk)] != want:
        nonce = (await node.balance(hk))["pending_nonce"]
        tx = serve_axon_tx(hot, ip, port, nonce=nonce, chain_id=netparams.CHAIN_ID)
        with contextlib.suppress(NodeRefused):
            await node.submit(tx)

        async def served() -> dict | None:
            m = await metagraph()
            ok = hk in m["hotkeys"] and m["axons"][m["hotkeys"].index(hk)] == want
            return m if ok else None

        mg = await node.wait_for(served, timeout)
    return mg["hotkeys"].index(hk)


def miner_app(
    node_url: str,
    hot: PrivateKey,
    cold: PrivateKey,
    predict: Callable[[list[list[float]]], list[list[float]]],
    ip: str,
    port: int,
    *,
    nonces_path: str = ":memory:",
    delay: float = 0.0,
    window: float = 60.0,
    refresh: float = 1.0,
) -> tuple[Any, AxonServer]:
    """The miner's ASGI app and its axon; the app registers itself on start-up."""
    state: dict[str, Any] = {"metagraph": {}, "uid": None, "error": ""}
    axon = AxonServer(
        hot,
        predict,
        lambda: state["metagraph"],
        nonces=NonceStore(nonces_path),
        window=window,
        delay=delay,
    )
    axon.state = state  # type: ignore[attr-defined]

    async def keep_fresh(node: AsyncNodeClient) -> None:
        with contextlib.suppress(Exception):  # the blacklist needs it from the start
            state["metagraph"] = await node.metagraph()
        try:
            state["uid"] = await register_axon(node, hot, cold, ip, port)
        except Exception as e:  # node down, refused, timed out: say so, keep serving
            state["error"] = f"registration failed: {type(e).__name__}: {e}"
            print(state["error"], flush=True)
        for _ in range(10**9):  # refresh the metagraph until the app stops
            with contextlib.suppress(Exception):
                state["metagraph"] = await node.metagraph()
            await asyncio.sleep(refresh)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        node = AsyncNodeClient(node_url)
        task = asyncio.create_task(keep_fresh(node))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await node.aclose()

    return axon.app(lifespan), axon
