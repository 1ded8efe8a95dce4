"""A validator's dendrite over HTTP: one signed request to every axon at once.

:func:`query` sends the same batch to all axons concurrently (httpx, one
``asyncio.gather``) and waits at most ``timeout`` seconds for each: a slow, dead or
misbehaving miner yields a :class:`Reply` without a prediction (so it scores zero)
and never holds up the round. Each answer's signature is checked
(:func:`~refimpl.net.protocol.verify_response`); an unsigned or forged answer
counts as no answer. Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from refimpl.boundedjson import loads
from refimpl.crypto import PrivateKey
from refimpl.net.axon import SYNAPSE
from refimpl.net.limits import CLIENT_LIMITS
from refimpl.net.protocol import NONCE, AuthError, sign_request, verify_response

__all__ = ["Target", "Reply", "query", "query_sequential"]


@dataclass(frozen=True)
class Target:
    """An axon to ask: its uid, hotkey and address (from the metagraph)."""

    uid: int
    hotkey: str
    ip: str
    port: int


@dataclass
class Reply:
    """What came back: ``status`` is the HTTP code, 408 for a timeout, 503 when
    the axon cannot be reached, 401 for a bad response signature."""

    uid: int
    status: int
    prediction: list[list[float]] | None
    seconds: float
    reason: str = ""


def _prediction(body: bytes, batch: int) -> list[list[float]]:
    data = loads(body)
    pred = data.get("prediction") if isinstance(data, dict) else None
    if not isinstance(pred, list) or len(pred) != batch:
        raise ValueError(f"prediction must be {batch} rows")
    for row in pred:
        if not (isinstance(row, list) and len(row) == 1):
            raise ValueError("each prediction row holds one number")
        v = row[0]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("predictions must be numbers")
        if not math.isfinite(v):
            raise ValueError("predictions must be finite")
    return pred


async def _ask(
    client: httpx.AsyncClient,
    key: PrivateKey,
    target: Target,
    body: bytes,
    batch: int,
    timeout: float,
) -> Reply:
    start = time.perf_counter()
    headers = sign_request(key, target.hotkey, "POST", SYNAPSE, body)
    headers["content-type"] = "application/json"
    url = f"http://{target.ip}:{target.port}{SYNAPSE}"

    def reply(status: int, pred=None, reason: str = "") -> Reply:
        return Reply(target.uid, status, pred, time.perf_counter() - start, reason)

    try:
        r = await asyncio.wait_for(
            client.post(url, content=body, headers=headers, timeout=timeout),
            timeout=timeout + 0.5,
        )
    except (httpx.TimeoutException, asyncio.TimeoutError):
        return reply(408, reason="timed out")
    except httpx.HTTPError as e:
        return reply(503, reason=f"unreachable: {type(e).__name__}")
    if r.status_code != 200:
        return reply(r.status_code, reason=r.text[:200])
    try:
        verify_response(
            r.headers,
            r.content,
            target.hotkey,
            key.public_key.address,
            int(headers[NONCE]),
        )
        return reply(200, _prediction(r.content, batch))
    except AuthError as e:
        return reply(401, reason=e.reason)
    except ValueError as e:
        return reply(422, reason=f"bad answer: {e}")


@asynccontextmanager
async def _client(client: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    """The caller's client, or a new one that is closed on the way out."""
    if client is not None:
        yield client
        return
    own = httpx.AsyncClient(limits=CLIENT_LIMITS)
    try:
        yield own
    finally:
        await own.aclose()


async def query(
    key: PrivateKey,
    targets: Sequence[Target],
    x: list[list[float]],
    timeout: float = 2.0,
    client: httpx.AsyncClient | None = None,
    *,
    one_at_a_time: bool = False,
) -> list[Reply]:
    """Ask every target at once; one :class:`Reply` per target, in order.

    ``one_at_a_time=True`` sends the same requests one after another instead
    (:func:`query_sequential`, the baseline for ``make bench``).
    """
    body = json.dumps({"x": x}).encode()
    async with _client(client) as http:
        asks = (_ask(http, key, t, body, len(x), timeout) for t in targets)
        if one_at_a_time:
            return [await ask for ask in asks]
        return list(await asyncio.gather(*asks))


async def query_sequential(*args: Any, **kwargs: Any) -> list[Reply]:
    """The baseline for ``make bench``: :func:`query` with the same arguments,
    sending the requests one after another."""
    return await query(*args, **kwargs, one_at_a_time=True)
