"""A miner's axon over HTTP: a FastAPI app serving one model behind ``POST /Predict``.

Each request goes through Bittensor's steps, in Bittensor's order:

1. **blacklist** (403): the sender's hotkey must be registered on the subnet and
   hold a validator permit (the subnet template's ``blacklist``);
2. **verify** (401): :class:`~refimpl.net.protocol.RequestVerifier` (signature
   present and valid, receiver, whole-body hash, timestamp window, nonce);
3. **priority**: when more requests wait than may run, the one whose sender has
   the most stake goes first (:class:`PriorityGate`);
4. the model answers; the response is signed for the sender.

The body is ``{"x": [[float] * dim] * batch}``, the answer ``{"prediction":
[[float]] * batch}``. ``GET /info`` says who the axon is; ``GET /stats`` counts
what it refused and why. Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from refimpl.boundedjson import loads
from refimpl.crypto import PrivateKey
from refimpl.net.limits import BodyLimit
from refimpl.net.protocol import (
    NONCE,
    AuthError,
    NonceStore,
    RequestVerifier,
    sender_address,
    sign_response,
)

__all__ = ["PriorityGate", "AxonServer", "parse_batch", "MAX_BATCH", "SYNAPSE"]

SYNAPSE = "/Predict"
MAX_BATCH = 1024
MAX_AXON_BODY = 256 * 1024


class PriorityGate:
    """At most ``slots`` holders at a time; waiters are served highest priority
    first (ties: first come). ``async with gate.hold(priority): ...``."""

    def __init__(self, slots: int = 4) -> None:
        self.slots = slots
        self.busy = 0
        self._heap: list[tuple[float, int, asyncio.Future]] = []
        self._seq = itertools.count()
        self.order: deque[float] = deque(maxlen=100)  # priorities served, in order

    async def acquire(self, priority: float) -> None:
        if self.busy < self.slots and not self._heap:
            self.busy += 1
            self.order.append(priority)
            return
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (-priority, next(self._seq), fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # we were handed a slot we will not use
            raise
        self.order.append(priority)

    def release(self) -> None:
        while self._heap:
            _, _, fut = heapq.heappop(self._heap)
            if not fut.done():
                fut.set_result(None)  # the slot passes straight to the waiter
                return
        self.busy -= 1

    def hold(self, priority: float) -> Any:
        gate = self

        class _Hold:
            async def __aenter__(self) -> None:
                await gate.acquire(priority)

            async def __aexit__(self, *exc: object) -> None:
                gate.release()

        return _Hold()


def parse_batch(body: bytes, dim: int) -> list[list[float]]:
    """The ``x`` rows of a request body; ValueError with the reason if malformed."""
    data = loads(body, max_bytes=MAX_AXON_BODY)
    x = data.get("x") if isinstance(data, dict) else None
    if not isinstance(x, list) or not 1 <= len(x) <= MAX_BATCH:
        raise ValueError(f"x must be a list of 1..{MAX_BATCH} rows")
    for row in x:
        if not isinstance(row, list) or len(row) != dim:
            raise ValueError(f"each row of x must hold {dim} numbers")
        for v in row:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError("x must hold numbers only")
            if v != v or v in (float("inf"), float("-inf")):
                raise ValueError("x must hold finite numbers")
    return x


class AxonServer:
    """A miner's axon (see the module docstring).

    ``predict(rows) -> rows`` is the model; ``metagraph()`` returns the latest
    metagraph JSON (``hotkeys``, ``stake``, ``validator_permit``); ``delay`` seconds
    are slept before each answer (a slow miner, for the fault drills).
    """

    def __init__(
        self,
        key: PrivateKey,
        predict: Callable[[list[list[float]]], list[list[float]]],
        metagraph: Callable[[], dict],
        *,
        nonces: NonceStore | None = None,
        window: float = 60.0,
        dim: int = 8,
        delay: float = 0.0,
        require_permit: bool = True,
        slots: int = 4,
    ) -> None:
        self.key = key
        self.hotkey = key.public_key.address
        self.predict = predict
        self.metagraph = metagraph
        self.verifier = RequestVerifier(self.hotkey, nonces or NonceStore(), window)
        self.dim = dim
        self.delay = delay
        self.require_permit = require_permit
        self.gate = PriorityGate(slots)
        self.stats: Counter[str] = Counter()
        self.rejected: deque[dict] = deque(maxlen=50)

    def _refuse(self, status: int, reason: str) -> JSONResponse:
        self.stats[f"{status} {reason}"] += 1
        self.rejected.appendleft(
            {"time": time.time(), "status": status, "reason": reason}
        )
        return JSONResponse({"error": reason}, status_code=status)

    def blacklist(self, headers: Any) -> float:
        """Step 1: the sender's stake if it may ask at all, else AuthError 403 (or
        401 when there is no usable sender header)."""
        sender = sender_address(headers)
        mg = self.metagraph() or {}
        hotkeys = mg.get("hotkeys", [])
        if sender not in hotkeys:
            raise AuthError(403, "blacklisted: hotkey not registered on the subnet")
        uid = hotkeys.index(sender)
        if self.require_permit and not mg.get("validator_permit", [])[uid]:
            raise AuthError(403, "blacklisted: no validator permit")
        return float(mg.get("stake", [0] * len(hotkeys))[uid])

    async def handle(self, request: Request) -> Response:
        """One synapse request, all four steps."""
        body = await request.body()
        headers = request.headers
        try:
            stake = self.blacklist(headers)
            sender = self.verifier.verify(request.method, SYNAPSE, headers, body)
        except AuthError as e:
            return self._refuse(e.status, e.reason)
        try:
            rows = parse_batch(body, self.dim)
        except ValueError as e:
            return self._refuse(400, f"bad synapse: {e}")
        async with self.gate.hold(stake):
            if self.delay:
                await asyncio.sleep(self.delay)
            try:
                prediction = self.predict(rows)
            except Exception as e:  # a broken model answers 500, never crashes
                return self._refuse(500, f"miner failed: {type(e).__name__}")
        out = json.dumps({"prediction": prediction}).encode()
        signed = sign_response(self.key, sender, int(headers[NONCE]), out)
        self.stats["200 ok"] += 1
        return Response(out, media_type="application/json", headers=signed)

    def app(self, lifespan: Any = None) -> Any:
        """The ASGI app (with the body-size limit)."""
        app = FastAPI(title="ChainMind axon", lifespan=lifespan, docs_url=None)

        @app.post(SYNAPSE)
        async def predict(request: Request) -> Response:
            return await self.handle(request)

        @app.get("/info")
        async def info() -> dict:
            return {"hotkey": self.hotkey, "synapses": [SYNAPSE.strip("/")]}

        @app.get("/stats")
        async def stats() -> JSONResponse:
            body = {
                "hotkey": self.hotkey,
                "counts": dict(self.stats),
                "rejected": list(self.rejected),
            }
            # public counts, read by the node's dashboard from another origin
            return JSONResponse(body, headers={"access-control-allow-origin": "*"})

        return BodyLimit(app, MAX_AXON_BODY)
