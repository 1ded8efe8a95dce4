"""Small clients for a node's JSON API: :class:`NodeClient` (blocking, for
notebooks and tests) and :class:`AsyncNodeClient` (for the neurons' event loops).

A refused request raises :class:`NodeRefused` with the node's status and reason.
Waiting helpers poll with a bounded number of tries and a deadline.
Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import httpx

from refimpl.boundedjson import loads
from refimpl.chain import Transaction

__all__ = ["NodeRefused", "NodeClient", "AsyncNodeClient"]

_LIMIT = 8_000_000


class NodeRefused(Exception):
    """The node answered 4xx/5xx: ``status`` and its ``reason``."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


def _decode(r: httpx.Response) -> Any:
    try:
        data = loads(r.content, max_bytes=_LIMIT)
    except ValueError:
        data = {"error": r.text[:200]}
    if r.status_code >= 400:
        reason = (
            data.get("error") or data.get("detail") if isinstance(data, dict) else ""
        )
        raise NodeRefused(r.status_code, str(reason))
    return data


def _pauses(timeout: float, interval: float) -> Iterator[float]:
    """The pauses of a bounded poll (one schedule for both clients' ``wait_for``):
    0 before the first try, then ``interval`` before each next one; at most
    ``timeout / interval + 2`` tries, and it stops once ``timeout`` seconds have
    passed."""
    deadline = time.monotonic() + timeout
    yield 0.0
    for _ in range(int(timeout / interval) + 1):
        if time.monotonic() > deadline:
            return
        yield interval


class NodeClient:
    """Blocking client: ``NodeClient("http://127.0.0.1:8000").status()``."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=timeout)

    def get(self, path: str) -> Any:
        return _decode(self.http.get(path))

    def post(self, path: str, body: dict) -> Any:
        return _decode(self.http.post(path, json=body))

    def status(self) -> dict:
        return self.get("/status")

    def metagraph(self) -> dict:
        return self.get("/metagraph")

    def balance(self, address: str) -> dict:
        return self.get(f"/balance/{address}")

    def supply(self) -> dict:
        return self.get("/supply")

    def submit(self, tx: Transaction) -> dict:
        """POST a signed transaction; NodeRefused with the reason if refused."""
        return self.post("/tx", {"tx": tx.serialize().hex()})

    def mine(self, blocks: int = 1) -> dict:
        """Ask the node to mine now (admin route: 127.0.0.1 only)."""
        return self.post("/admin/mine", {"blocks": blocks})

    def partition(self, on: bool) -> dict:
        """Cut the node off its peers, or reconnect it (127.0.0.1 only)."""
        return self.post("/admin/partition", {"on": on})

    def wait_for(
        self,
        check: Callable[[], Any],
        timeout: float = 30.0,
        interval: float = 0.2,
        what: str = "condition",
    ) -> Any:
        """Call ``check()`` until it returns something truthy; TimeoutError after
        ``timeout`` seconds."""
        for pause in _pauses(timeout, interval):
            time.sleep(pause)
            with suppress(httpx.HTTPError, NodeRefused):
                if value := check():
                    return value
        raise TimeoutError(f"waited {timeout:g} s for {what}")

    def close(self) -> None:
        self.http.close()


class AsyncNodeClient:
    """The same calls for an asyncio loop."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.url, timeout=timeout)

    async def get(self, path: str) -> Any:
        return _decode(await self.http.get(path))

    async def post(self, path: str, body: dict) -> Any:
        return _decode(await self.http.post(path, json=body))

    async def status(self) -> dict:
        return await self.get("/status")

    async def metagraph(self) -> dict:
        return await self.get("/metagraph")

    async def balance(self, address: str) -> dict:
        return await self.get(f"/balance/{address}")

    async def submit(self, tx: Transaction) -> dict:
        return await self.post("/tx", {"tx": tx.serialize().hex()})

    async def wait_for(
        self, check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2
    ) -> Any:
        """Await ``check()`` until truthy; TimeoutError after ``timeout`` s."""
        for pause in _pauses(timeout, interval):
            await asyncio.sleep(pause)
            with suppress(httpx.HTTPError, NodeRefused):
                if value := await check():
                    return value
        raise TimeoutError(f"waited {timeout:g} s")

    async def aclose(self) -> None:
        await self.http.aclose()
