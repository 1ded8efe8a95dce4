"""An ASGI middleware that refuses request bodies over a size limit with 413.

It reads the body (never more than ``max_bytes`` of it) before the app sees the
request, so a client cannot make a server buffer an endless upload, whether it
announces the size (``Content-Length``) or streams it in chunks.
Also the keep-alive times: a server keeps an idle connection :data:`KEEP_ALIVE`
seconds and clients (:data:`CLIENT_LIMITS`) drop theirs sooner, so a client never
reuses a connection the server is closing (an httpx ``ReadError``).
Introduced in lesson 15.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = ["BodyLimit", "json_reply", "KEEP_ALIVE", "CLIENT_LIMITS"]

KEEP_ALIVE = 30.0
CLIENT_LIMITS = httpx.Limits(
    max_connections=256, max_keepalive_connections=256, keepalive_expiry=10.0
)


async def json_reply(send: Any, status: int, body: dict) -> None:
    """Send a complete JSON response from ASGI."""
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    """Wrap an ASGI ``app``; bodies over ``max_bytes`` get 413 and never reach it."""

    def __init__(self, app: Any, max_bytes: int = 64 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = {"error": f"request body over {self.max_bytes} bytes"}
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (
            not length.isdigit() or int(length) > self.max_bytes
        ):
            await json_reply(send, 413, too_big)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await json_reply(send, 413, too_big)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
