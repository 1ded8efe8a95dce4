"""Signed requests and responses between a validator's dendrite and a miner's axon.

Every request carries, in ``X-CM-*`` headers: the sender's public key (its hotkey),
the receiver's hotkey address, a nonce, a timestamp (ms) and the SHA-256 of the
**whole** body; the sender signs (secp256k1, lesson 02) the double SHA-256 of::

    chainmind-request-v1|METHOD|PATH|sender pubkey|receiver|nonce|timestamp|body hash

The axon then checks, in this order (:class:`RequestVerifier`): every header present
and the signature not empty; the receiver is itself; the body is the one hashed;
the signature verifies for the sender; the timestamp is within ``window`` seconds of
its clock; the nonce is larger than the last one it accepted from that sender. Nonces
live in SQLite (:class:`NonceStore`), so a restarted axon still refuses a replay.
These close Bittensor's three known gaps: an empty signature skipped verification,
the body hash covered no fields by default, nonces were forgotten on restart.

The miner signs its response the same way (tag ``chainmind-response-v1``, the
request's nonce echoed); the dendrite checks it with :func:`verify_response`.
Introduced in lesson 15.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from refimpl.crypto import PrivateKey, PublicKey, Signature, sha256d

__all__ = [
    "AuthError",
    "NonceStore",
    "RequestVerifier",
    "sign_request",
    "sign_response",
    "verify_response",
    "sender_address",
    "NonceClock",
    "HEADERS",
    "DEFAULT_WINDOW",
]

SENDER, RECEIVER = "x-cm-sender", "x-cm-receiver"
NONCE, TIMESTAMP = "x-cm-nonce", "x-cm-timestamp"
BODY_HASH, SIGNATURE = "x-cm-body-sha256", "x-cm-signature"
HEADERS = (SENDER, RECEIVER, NONCE, TIMESTAMP, BODY_HASH, SIGNATURE)
DEFAULT_WINDOW = 60.0  # seconds of clock difference a request may show
_MAX_NONCE = 2**63 - 1


class AuthError(Exception):
    """A request or response that fails a check: ``status`` (401/403) and reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _message(tag: str, fields: list[str]) -> bytes:
    return sha256d("|".join([tag, *fields]).encode("ascii"))


class NonceClock:
    """Nonces for one sender: nanoseconds since 1970, strictly increasing."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._last = max(time.time_ns(), self._last + 1)
            return self._last


_CLOCK = NonceClock()


def sign_request(
    key: PrivateKey,
    receiver: str,
    method: str,
    path: str,
    body: bytes,
    *,
    nonce: int | None = None,
    timestamp_ms: int | None = None,
) -> dict[str, str]:
    """The ``X-CM-*`` headers that sign ``body`` for ``receiver`` (an address)."""
    nonce = _CLOCK.next() if nonce is None else nonce
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    fields = {
        SENDER: key.public_key.to_bytes(compressed=True).hex(),
        RECEIVER: receiver,
        NONCE: str(nonce),
        TIMESTAMP: str(ts),
        BODY_HASH: hashlib.sha256(body).hexdigest(),
    }
    msg = _message(
        "chainmind-request-v1",
        [method.upper(), path, *(fields[h] for h in HEADERS[:5])],
    )
    fields[SIGNATURE] = key.sign(msg).serialize().hex()
    return fields


def _get(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    return value.strip() if isinstance(value, str) else ""


_KEYS: dict[str, PublicKey] = {}  # parsed once: a PublicKey keeps its verify table


def _public_key(hex_text: str) -> PublicKey:
    key = _KEYS.get(hex_text)
    if key is not None:
        return key
    try:
        key = PublicKey.from_bytes(bytes.fromhex(hex_text))
    except ValueError:
        raise AuthError(401, "sender is not a compressed public key") from None
    if len(_KEYS) >= 4096:
        _KEYS.clear()
    _KEYS[hex_text] = key
    return key


def sender_address(headers: Mapping[str, str]) -> str:
    """The sender's hotkey address (401 if there is no usable sender header)."""
    text = _get(headers, SENDER)
    if not text:
        raise AuthError(401, "unsigned request: no sender hotkey")
    return _public_key(text).address


def _int(headers: Mapping[str, str], name: str) -> int:
    text = _get(headers, name)
    if not text.isdigit() or len(text) > 19 or int(text) > _MAX_NONCE:
        raise AuthError(401, f"{name} must be a decimal integer below 2**63")
    return int(text)


def _signature(headers: Mapping[str, str]) -> Signature:
    text = _get(headers, SIGNATURE)
    if not text:
        raise AuthError(401, "missing or empty signature")
    try:
        return Signature.parse(bytes.fromhex(text))
    except ValueError:
        raise AuthError(401, "signature is not 65 bytes r || s || v") from None


class NonceStore:
    """The last nonce accepted from each sender, kept in SQLite (``":memory:"`` for
    a throw-away store). ``accept`` is atomic: check and record under one lock."""

    def __init__(self, path: str = ":memory:") -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS nonces "
                "(sender TEXT PRIMARY KEY, nonce INTEGER NOT NULL)"
            )

    def last(self, sender: str) -> int:
        """The last nonce accepted from ``sender`` (0 if none)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT nonce FROM nonces WHERE sender = ?", (sender,)
            ).fetchone()
        return row[0] if row else 0

    def accept(self, sender: str, nonce: int) -> None:
        """Record ``nonce``; AuthError 401 if it is not above the last one."""
        with self._lock:
            row = self._conn.execute(
                "SELECT nonce FROM nonces WHERE sender = ?", (sender,)
            ).fetchone()
            if row and nonce <= row[0]:
                raise AuthError(401, "replayed or out-of-order nonce")
            with self._conn:
                self._conn.execute(
                    "INSERT INTO nonces VALUES (?, ?) ON CONFLICT(sender) "
                    "DO UPDATE SET nonce = excluded.nonce",
                    (sender, nonce),
                )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()


@dataclass
class RequestVerifier:
    """The axon's verify step for requests to ``own_address`` (see module doc)."""

    own_address: str
    nonces: NonceStore
    window: float = DEFAULT_WINDOW

    def verify(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        now: float | None = None,
    ) -> str:
        """Return the sender's address, or raise AuthError(401, reason)."""
        now = time.time() if now is None else now
        sig = _signature(headers)
        key = _public_key(_get(headers, SENDER))
        receiver = _get(headers, RECEIVER)
        if receiver != self.own_address:
            raise AuthError(401, "wrong receiver: signed for another hotkey")
        if _get(headers, BODY_HASH) != hashlib.sha256(body).hexdigest():
            raise AuthError(401, "body changed: its hash is not the one signed")
        nonce, ts = _int(headers, NONCE), _int(headers, TIMESTAMP)
        fields = [_get(headers, h) for h in HEADERS[:5]]
        msg = _message("chainmind-request-v1", [method.upper(), path, *fields])
        if not key.verify(msg, sig):
            raise AuthError(401, "bad signature")
        if abs(ts / 1000 - now) > self.window:
            raise AuthError(401, f"stale timestamp: more than {self.window:g} s off")
        self.nonces.accept(key.address, nonce)
        return key.address


def sign_response(
    key: PrivateKey, receiver: str, request_nonce: int, body: bytes
) -> dict[str, str]:
    """Headers with which a miner signs its response to ``receiver``."""
    fields = {
        SENDER: key.public_key.to_bytes(compressed=True).hex(),
        RECEIVER: receiver,
        NONCE: str(request_nonce),
        BODY_HASH: hashlib.sha256(body).hexdigest(),
    }
    msg = _message("chainmind-response-v1", list(fields.values()))
    fields[SIGNATURE] = key.sign(msg).serialize().hex()
    return fields


def verify_response(
    headers: Mapping[str, str],
    body: bytes,
    expected_hotkey: str,
    own_address: str,
    request_nonce: int,
) -> None:
    """Raise AuthError(401) unless ``expected_hotkey`` signed exactly this response
    to our request ``request_nonce``."""
    sig = _signature(headers)
    key = _public_key(_get(headers, SENDER))
    if key.address != expected_hotkey:
        raise AuthError(401, "response signed by another hotkey than the axon's")
    if _get(headers, RECEIVER) != own_address:
        raise AuthError(401, "response is for another receiver")
    if _get(headers, NONCE) != str(request_nonce):
        raise AuthError(401, "response answers another request")
    body_hash = hashlib.sha256(body).hexdigest()
    if _get(headers, BODY_HASH) != body_hash:
        raise AuthError(401, "response body changed")
    fields = [_get(headers, h) for h in (SENDER, RECEIVER, NONCE, BODY_HASH)]
    if not key.verify(_message("chainmind-response-v1", fields), sig):
        raise AuthError(401, "bad response signature")
