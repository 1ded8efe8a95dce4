"""The node's HTTP API (FastAPI) and the dashboard page.

=========================  =====================================================
``GET /``                  the dashboard (metagraph, recent blocks, rejections)
``GET /status``            chain id, height, tip, work, peers, mempool size
``GET /blocks/{hash}``     one block (JSON with its raw hex); 404 if unknown
``GET /blocks?from=&to=``  main-chain blocks by height (at most 100)
``POST /tx``               ``{"tx": hex}`` a signed transaction -> 202 or 4xx
``POST /block``            ``{"block": hex, "origin": url}`` from a peer
``POST /peers``            ``{"url": ...}`` a peer introduces itself
``GET /metagraph``         uids, hotkeys, stake, incentive, dividends, emission, axons
``GET /balance/{addr}``    balance and nonces
``GET /supply``            supply = balances + stake?
``GET /rejected``          the last refused requests
``POST /admin/mine``       ``{"blocks": n}`` mine now (from 127.0.0.1 only)
``POST /admin/partition``  ``{"on": bool}`` cut this node off its peers (127.0.0.1)
=========================  =====================================================

Bodies over :data:`MAX_BODY` (a full block in hex) get 413, malformed JSON 400,
unknown routes 404; every refusal says why in ``{"error": reason}``.
Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from refimpl.boundedjson import loads
from refimpl.net.dashboard import DASHBOARD_HTML
from refimpl.net.limits import BodyLimit
from refimpl.net.node import Node, NodeError

__all__ = ["node_app", "read_json", "MAX_BODY"]

MAX_BODY = 1_100_000 * 2 + 1024  # a full block in hex, plus its JSON wrapper


async def read_json(request: Request) -> dict:
    """The request's JSON object (NodeError 400 if it is not one)."""
    body = await request.body()
    try:
        data = loads(body, max_bytes=MAX_BODY)
    except ValueError as e:  # includes UnicodeDecodeError and the size/depth limits
        raise NodeError(400, f"malformed JSON: {e}") from None
    if not isinstance(data, dict):
        raise NodeError(400, "the body must be a JSON object")
    return data


def _loopback(request: Request) -> None:
    host = request.client.host if request.client else ""
    if host not in ("127.0.0.1", "::1"):
        raise NodeError(403, "admin routes answer 127.0.0.1 only")


def node_app(node: Node) -> Any:
    """The ASGI app for ``node`` (mining and syncing run in its lifespan)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(node.run(stop))
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5)
            node.close()

    app = FastAPI(title="ChainMind node", lifespan=lifespan, docs_url=None)

    @app.exception_handler(NodeError)
    async def _node_error(request: Request, exc: NodeError) -> JSONResponse:
        node.reject(f"{request.method} {request.url.path}", exc.status, exc.reason)
        return JSONResponse({"error": exc.reason}, status_code=exc.status)

    @app.get("/", response_class=HTMLResponse)
    async def dashboard() -> str:
        return DASHBOARD_HTML

    @app.get("/status")
    async def status() -> dict:
        return node.status()

    @app.get("/blocks/{block_hash}")
    async def block(block_hash: str) -> dict:
        return node.block(block_hash)

    @app.get("/blocks")
    async def blocks(request: Request) -> dict:
        q = request.query_params
        try:
            start = int(q.get("from", max(0, node.chain.height - 9)))
            stop = int(q.get("to", node.chain.height))
        except ValueError:
            raise NodeError(400, "from and to are block heights") from None
        raw = q.get("raw", "1") != "0"
        return {"blocks": node.blocks(start, stop, raw)}

    @app.post("/tx", status_code=202)
    async def tx(request: Request) -> dict:
        data = await read_json(request)
        accepted = node.accept_tx(data.get("tx"))
        node.announce_tx(accepted)
        return {"accepted": True, "txid": accepted.txid_hex()}

    @app.post("/block")
    async def block_in(request: Request) -> dict:
        data = await read_json(request)
        return await node.receive_block(data.get("block"), data.get("origin"))

    @app.post("/peers")
    async def peers(request: Request) -> dict:
        data = await read_json(request)
        added = node.add_peer(data.get("url"))
        return {"added": added, "peers": list(node.peers)}

    @app.get("/metagraph")
    async def metagraph() -> dict:
        return node.metagraph()

    @app.get("/balance/{address}")
    async def balance(address: str) -> dict:
        if len(address) > 64:
            raise NodeError(400, "not an address")
        return node.balance(address)

    @app.get("/supply")
    async def supply() -> dict:
        return node.supply()

    @app.get("/rejected")
    async def rejected() -> dict:
        return {
            "rejected": [
                {"time": r.time, "what": r.what, "status": r.status, "reason": r.reason}
                for r in node.rejected
            ]
        }

    @app.post("/admin/mine")
    async def admin_mine(request: Request) -> dict:
        _loopback(request)
        data = await read_json(request)
        n = data.get("blocks", 1)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100:
            raise NodeError(400, "blocks must be an int in 1..100")
        for _ in range(n):
            node.announce_block(node.mine_block())
        return {"height": node.chain.height, "tip": node.chain.tip.hash_hex()}

    @app.post("/admin/partition")
    async def admin_partition(request: Request) -> dict:
        _loopback(request)
        data = await read_json(request)
        on = data.get("on")
        if not isinstance(on, bool):
            raise NodeError(400, "on must be true or false")
        node.partitioned = on
        return {"partitioned": on}

    return BodyLimit(app, MAX_BODY)
