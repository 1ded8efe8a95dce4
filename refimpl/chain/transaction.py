"""Account-model transactions: canonical bytes, txid, signature over the txid.

A transaction moves ``amount`` from the signer (``sender``, a 33-byte compressed
SEC 1 public key) to ``recipient`` (an address) and pays ``fee`` to the miner.
``nonce`` orders an account's transactions and stops replays inside the chain;
``chain_id`` stops replays across chains (the idea of EIP-155). ``kind`` and
``payload`` let later parts add their own transactions (staking, weights, NFTs).

Serialization (all integers little-endian, lengths as Bitcoin's CompactSize)::

    version u8 (=1) | kind | chain_id u64 | sender | recipient | amount u64 |
    fee u64 | nonce u64 | payload            (each variable field: size + bytes)
    then: 0x00 (unsigned) or 0x01 + r (32, big-endian) + s (32) + v (1)

The txid is ``sha256d`` of the unsigned part (like Bitcoin's txid, which leaves
out the witness since BIP-141), shown byte-reversed like Bitcoin's. Only low-s
signatures with the right recovery byte ``v`` are valid (BIP-62/BIP-146 LOW_S),
so nobody can flip a signature into a second valid form. Amounts follow
Bitcoin's MoneyRange idea (the 2010 value-overflow bug, CVE-2010-5139), with the
int64 limit as the bound instead of Bitcoin's MAX_MONEY: every value and every sum
stays < 2**63.
Introduced in lesson 03.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from refimpl import boundedjson
from refimpl.crypto import CURVE_ORDER, PrivateKey, PublicKey, Signature, sha256d

from .encoding import Reader, write_compact_size
from .errors import InvalidTransaction

__all__ = [
    "Transaction",
    "encode_payload",
    "decode_payload",
    "MAX_AMOUNT",
    "COINBASE",
    "TRANSFER",
    "TX_VERSION",
    "clear_key_cache",
]

TX_VERSION = 1
MAX_AMOUNT = 2**63 - 1  # every amount, fee and sum of them must stay <= this
COINBASE = "coinbase"  # the kind of the first transaction of every block
TRANSFER = "transfer"  # the ledger's own kind: move amount to recipient
_KIND_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_MAX_PAYLOAD = 100_000
_N = CURVE_ORDER


def encode_payload(obj: dict) -> bytes:
    """Canonical JSON bytes for a payload: sorted keys, no spaces, UTF-8."""
    if not isinstance(obj, dict):
        raise InvalidTransaction("payload must be a dict")
    try:
        boundedjson.check_depth(obj)
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise InvalidTransaction(f"payload is not plain JSON: {e}") from None
    return text.encode("utf-8")


def _constant(name: str) -> float:
    what = "a NaN" if name == "NaN" else "an infinite"
    raise InvalidTransaction(f"malformed payload: holds {what} number ({name})")


def decode_payload(b: bytes) -> dict:
    """Parse canonical JSON payload bytes into a dict (else InvalidTransaction).

    Parsed by :func:`refimpl.boundedjson.loads`: size and nesting are bounded before
    ``json`` sees the text, so a deeply nested payload is refused, never a crash.
    """
    if not isinstance(b, (bytes, bytearray, memoryview)):
        raise InvalidTransaction(f"payload must be bytes, not {type(b).__name__}")
    raw = bytes(b)
    try:
        obj = boundedjson.loads(raw, max_bytes=_MAX_PAYLOAD, parse_constant=_constant)
    except InvalidTransaction:
        raise
    except (ValueError, TypeError) as e:
        raise InvalidTransaction(f"malformed payload: {e}") from None
    if not isinstance(obj, dict):
        raise InvalidTransaction("malformed payload: not a JSON object")
    if encode_payload(obj) != raw:
        raise InvalidTransaction("malformed payload: not canonical JSON")
    return obj


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _sig_to_bytes(sig: Any) -> bytes:
    return sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([sig.v])


def _sig_from_bytes(b: bytes) -> Signature:
    return Signature(
        int.from_bytes(b[:32], "big"), int.from_bytes(b[32:64], "big"), b[64]
    )


@dataclass(frozen=True)
class Transaction:
    """One signed account-model transaction (see the module docstring).

    Introduced in lesson 03.
    """

    sender: bytes
    recipient: str
    amount: int
    fee: int
    nonce: int
    chain_id: int
    kind: str = "transfer"
    payload: bytes = b""
    signature: Signature | None = field(default=None)

    def __post_init__(self) -> None:
        # Keep bytes, never a caller's buffer: reusing a bytearray must not rewrite
        # a transaction (or the block that holds it) after the fact.
        for name in ("sender", "payload"):
            value = getattr(self, name)
            if isinstance(value, (bytearray, memoryview)):
                object.__setattr__(self, name, bytes(value))

    # -- checks -------------------------------------------------------------------
    def check_fields(self) -> None:
        """Raise InvalidTransaction naming the first field out of range."""
        if not isinstance(self.kind, str) or not _KIND_RE.fullmatch(self.kind):
            raise InvalidTransaction(
                f"kind {self.kind!r} is not a short lowercase name"
            )
        for name in ("amount", "fee", "nonce", "chain_id"):
            v = getattr(self, name)
            if not _is_int(v):
                raise InvalidTransaction(f"{name} must be an integer, got {v!r}")
            if not 0 <= v <= MAX_AMOUNT:
                raise InvalidTransaction(f"{name} {v} is outside [0, 2**63 - 1]")
        if self.amount + self.fee > MAX_AMOUNT:
            raise InvalidTransaction("amount + fee overflows 2**63 - 1")
        if not isinstance(self.sender, (bytes, bytearray)):
            raise InvalidTransaction("sender must be bytes (a compressed public key)")
        if self.kind == COINBASE:
            if self.sender != b"" or self.signature is not None:
                raise InvalidTransaction("a coinbase has no sender and no signature")
        elif len(self.sender) != 33 or self.sender[0] not in (2, 3):
            raise InvalidTransaction("sender must be a 33-byte compressed public key")
        if not isinstance(self.recipient, str) or not self.recipient.isascii():
            raise InvalidTransaction("recipient must be an ASCII address string")
        if len(self.recipient) > 100:
            raise InvalidTransaction("recipient is too long")
        if not isinstance(self.payload, (bytes, bytearray)):
            raise InvalidTransaction("payload must be bytes (see encode_payload)")
        if len(self.payload) > _MAX_PAYLOAD:
            raise InvalidTransaction(f"payload is longer than {_MAX_PAYLOAD} bytes")
        if self.signature is not None:
            if not isinstance(self.signature, Signature):
                raise InvalidTransaction(
                    "signature must be a refimpl.crypto.Signature, not "
                    f"{type(self.signature).__name__}"
                )
            r, s = self.signature.r, self.signature.s
            if not (_is_int(r) and _is_int(s) and 0 < r < _N and 0 < s < _N):
                raise InvalidTransaction("signature r or s is out of range")
            if s > _N // 2:
                raise InvalidTransaction("signature is not low-s (BIP-146 LOW_S)")
            if getattr(self.signature, "v", None) not in (27, 28):
                raise InvalidTransaction("signature v must be 27 or 28")

    # -- bytes --------------------------------------------------------------------
    def serialize_unsigned(self) -> bytes:
        """The canonical bytes the txid and the signature cover."""
        self.check_fields()
        kind = self.kind.encode("ascii")
        rec = self.recipient.encode("ascii")
        return b"".join(
            [
                bytes([TX_VERSION]),
                write_compact_size(len(kind)),
                kind,
                self.chain_id.to_bytes(8, "little"),
                write_compact_size(len(self.sender)),
                bytes(self.sender),
                write_compact_size(len(rec)),
                rec,
                self.amount.to_bytes(8, "little"),
                self.fee.to_bytes(8, "little"),
                self.nonce.to_bytes(8, "little"),
                write_compact_size(len(self.payload)),
                bytes(self.payload),
            ]
        )

    def serialize(self) -> bytes:
        """Unsigned bytes + 0x01 and the signature (r, s, v), or a 0x00 marker."""
        body = self.serialize_unsigned()
        if self.signature is None:
            return body + b"\x00"
        return body + b"\x01" + _sig_to_bytes(self.signature)

    @classmethod
    def parse(cls, data: bytes) -> Transaction:
        """Inverse of ``serialize``; InvalidTransaction on anything non-canonical."""
        rd = Reader(data, InvalidTransaction, "transaction")
        if rd.uint(1, "version") != TX_VERSION:
            raise rd.fail("unknown version")
        kind_b = rd.take(rd.compact_size("kind"), "kind")
        chain_id = rd.uint(8, "chain_id")
        sender = rd.take(rd.compact_size("sender"), "sender")
        rec_b = rd.take(rd.compact_size("recipient"), "recipient")
        amount, fee, nonce = (rd.uint(8, f) for f in ("amount", "fee", "nonce"))
        payload = rd.take(rd.compact_size("payload"), "payload")
        flag = rd.uint(1, "signature flag")
        if flag not in (0, 1):
            raise rd.fail("signature flag must be 0 or 1")
        sig_b = rd.take(65, "signature") if flag else None
        rd.done()
        try:
            kind, recipient = kind_b.decode("ascii"), rec_b.decode("ascii")
        except UnicodeDecodeError:
            raise rd.fail("kind and recipient must be ASCII") from None
        sig = _sig_from_bytes(sig_b) if sig_b is not None else None
        tx = cls(sender, recipient, amount, fee, nonce, chain_id, kind, payload, sig)
        tx.check_fields()
        return tx

    # -- identity and signatures --------------------------------------------------
    @cached_property
    def _txid(self) -> bytes:
        return sha256d(self.serialize_unsigned())

    def txid(self) -> bytes:
        """sha256d of the unsigned serialization (internal byte order)."""
        return self._txid

    def txid_hex(self) -> str:
        """The txid as Bitcoin displays it (byte-reversed hex)."""
        return self._txid[::-1].hex()

    def sign(self, private_key: PrivateKey) -> Transaction:
        """Return a copy signed by ``private_key`` (its public key must be sender)."""
        if not isinstance(private_key, PrivateKey):
            raise InvalidTransaction(
                f"sign needs a PrivateKey, not {type(private_key).__name__}"
            )
        if private_key.public_key.to_bytes(compressed=True) != bytes(self.sender):
            raise InvalidTransaction("private key does not match the sender")
        return replace(self, signature=private_key.sign(self.txid()))

    @property
    def sender_address(self) -> str:
        """The sender's address (``PublicKey.address``); "" for a coinbase."""
        if self.kind == COINBASE:
            return ""
        return _address_of(bytes(self.sender))

    def verify_signature(self) -> bool:
        """True iff the signature is a valid low-s ECDSA signature of the txid."""
        if self.kind == COINBASE or self.signature is None:
            return False
        try:
            self.check_fields()
            key = _public_key(bytes(self.sender))
        except InvalidTransaction:
            return False
        return bool(key.verify(self.txid(), self.signature))


_KEYS: dict[bytes, PublicKey] = {}  # sender bytes -> PublicKey (keeps its table)


def clear_key_cache() -> None:
    """Forget the parsed sender keys (benchmarks use it to time a cold start)."""
    _KEYS.clear()


def _public_key(sender: bytes) -> PublicKey:
    """The sender's PublicKey, parsed once per process (like a node's key cache)."""
    key = _KEYS.get(sender)
    if key is None:
        try:
            key = PublicKey.from_bytes(sender)
        except ValueError as e:
            raise InvalidTransaction(f"sender is not a valid public key: {e}") from None
        if len(_KEYS) >= 10_000:
            _KEYS.clear()
        _KEYS[sender] = key
    return key


def _address_of(sender: bytes) -> str:
    return _public_key(sender).address
