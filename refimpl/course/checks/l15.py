"""Checks for lesson 15 (the market goes live).

The references are written out in plain Python (they mirror
``refimpl.net.protocol`` and the axon's order of checks) so this module imports
fast, without FastAPI or torch.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from typing import Any

import numpy as np

from refimpl.course import FunctionCheck, Wrong
from refimpl.course.checks._noted import NotedCheck
from refimpl.course.checks._pure import FLOAT32_NOTE, PureFunctionCheck

__all__ = ["request_digest", "axon_status", "accept_nonce", "round_seconds"]


def _sha256d(b: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


# -- 15.1 --------------------------------------------------------------------------
def _request_digest(
    method: str, path: str, sender: str, receiver: str, nonce: int, ts: int, body: bytes
) -> bytes:
    body_hash = hashlib.sha256(body).hexdigest()
    fields = ["chainmind-request-v1", method.upper(), path, sender, receiver]
    fields += [str(nonce), str(ts), body_hash]
    return _sha256d("|".join(fields).encode("ascii"))


def _digest_method_as_given(method, path, sender, receiver, nonce, ts, body):
    """Wrong: the method hashed as given, not in capitals as sign_request signs it."""
    fields = ["chainmind-request-v1", method, path, sender, receiver]
    fields += [str(nonce), str(ts), hashlib.sha256(body).hexdigest()]
    return _sha256d("|".join(fields).encode("ascii"))


def _digest_without_body(method, path, sender, receiver, nonce, ts, body):
    fields = [
        "chainmind-request-v1",
        method,
        path,
        sender,
        receiver,
        str(nonce),
        str(ts),
    ]
    return _sha256d("|".join(fields).encode("ascii"))


def _digest_without_path(method, path, sender, receiver, nonce, ts, body):
    body_hash = hashlib.sha256(body).hexdigest()
    fields = ["chainmind-request-v1", method, sender, receiver, str(nonce), str(ts)]
    return _sha256d("|".join([*fields, body_hash]).encode("ascii"))


def _digest_single_sha(method, path, sender, receiver, nonce, ts, body):
    body_hash = hashlib.sha256(body).hexdigest()
    fields = ["chainmind-request-v1", method, path, sender, receiver]
    fields += [str(nonce), str(ts), body_hash]
    return hashlib.sha256("|".join(fields).encode("ascii")).digest()


def _digest_body_prefix(method, path, sender, receiver, nonce, ts, body):
    return _request_digest(method, path, sender, receiver, nonce, ts, body[:16])


def _digest_first_kib(method, path, sender, receiver, nonce, ts, body):
    body_hash = hashlib.sha256(body[:1024]).hexdigest()  # "the first KiB is enough"
    fields = ["chainmind-request-v1", method, path, sender, receiver]
    fields += [str(nonce), str(ts), body_hash]
    return _sha256d("|".join(fields).encode("ascii"))


_PK = "02" + "7b" * 32
_LONG = (  # 140 bytes, the last number past byte 130
    b'{"x": [[0.25, -1.5, 3.0, 0.125, 7.75, -0.5, 2.0, 9.5], '
    b"[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "
    b"[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.75]]}"
)
_RX = "1B8AtxqKnoKzRQB4hH4Eue1v3MU3tTBnU6"


def _big_body(count: int, last: bytes) -> tuple[bytes, str]:
    """A body of ``count`` numbers (about 5 bytes each) and the code that builds it."""
    body = b'{"x": [[' + b"0.5, " * (count - 1) + last + b"]]}"
    code = f"b'{{\"x\": [[' + b'0.5, ' * {count - 1} + {last!r} + b']]}}'"
    return body, code


# bodies past 1 KiB (and 64 KiB), two of them differing only in their last number
_BIG = [_big_body(300, b"0.5"), _big_body(300, b"0.75"), _big_body(14_000, b"1.0")]
_SHOWN = {_PK: "'02' + '7b' * 32", **{body: code for body, code in _BIG}}


def _same_digest(got: object, expected: bytes) -> bool:
    """Exactly ``bytes``; a bytearray holding the right digest is told to convert."""
    if isinstance(got, bytearray) and bytes(got) == expected:
        raise Wrong(
            "request_digest returned a bytearray; the text asks for bytes: return "
            "bytes(...) of it"
        )
    return type(got) is bytes and got == expected


def _show_request(args: tuple) -> str:
    """The call's arguments as code: long bodies as the expression that builds them."""
    return ", ".join(_SHOWN.get(a) or repr(a) for a in args)


class _DigestCheck(NotedCheck):
    """A wrong 32-byte digest is told so as a whole: a hash has no "first wrong
    byte" worth reading (one changed character of the hashed text changes every
    byte), so the message points at the text that is hashed instead."""

    def explain(self, args: tuple, got: Any, message: str) -> str | None:
        if type(got) is not bytes or len(got) != 32:
            return None
        try:
            call = f"{self.func_name}({self._show(args)})"
        except Exception:
            call = f"{self.func_name}(...)"
        return (
            f"{call} returned 32 bytes, but not the right digest. Any change in "
            "the hashed text, one character or one byte of the body, changes the "
            "whole digest, so comparing bytes tells you nothing: check the text "
            "you hash (the tag, every field in order, the '|' between them, the "
            "hex SHA-256 of the whole body, ASCII) and that you take sha256d of it"
        )


request_digest = _DigestCheck(
    "15.1 request_digest",
    reference=_request_digest,
    cases=[
        ("POST", "/Predict", _PK, _RX, 1, 2, b"{}"),
        (
            "POST",
            "/Predict",
            _PK,
            _RX,
            1796000000000000000,
            1796000000000,
            b'{"x":[[1]]}',
        ),
        ("POST", "/Predict", _PK, _RX, 7, 8, b'{"x":[[2]]}'),
        ("POST", "/Other", _PK, _RX, 7, 8, b'{"x":[[2]]}'),
        ("GET", "/", "03" + "00" * 32, "", 0, 0, b""),
        # long bodies that differ only after their first 16 bytes: all of it is hashed
        ("POST", "/Predict", _PK, _RX, 9, 10, _LONG),
        ("POST", "/Predict", _PK, _RX, 9, 10, _LONG.replace(b"0.75", b"0.25")),
        ("POST", "/Predict", _PK, _RX, 9, 10, b' {"x":[[1]]}\n'),  # every byte counts
        # bodies over 1 KiB that differ only after byte 1024; one over 64 KiB
        *(("POST", "/Predict", _PK, _RX, 11, 12, body) for body, _ in _BIG),
        # a body that is not UTF-8 text (raw bytes): hash the bytes, never decode
        ("POST", "/Predict", _PK, _RX, 13, 14, b'\xff\xfe{"x":[[1]]}\x80'),
        # the method as a caller may write it: signed in capitals all the same
        ("post", "/Predict", _PK, _RX, 15, 16, b"{}"),
        ("Get", "/", _PK, _RX, 17, 18, b""),
        ("Post", "/Predict", _PK, _RX, 19, 20, b"{}"),
    ],
    show=_show_request,
    compare=_same_digest,
    hints=[
        "Hash the body with SHA-256 (hex), join the tag and the seven fields with "
        "'|', encode as ASCII, then take the double SHA-256.",
        "Every field goes in, in order: tag, method, path, sender, receiver, nonce, "
        "timestamp, body hash. Leave the body out and a man in the middle can swap "
        "it; leave the path out and a request can be replayed to another route.",
        "fields = ['chainmind-request-v1', method.upper(), path, sender, receiver, "
        "str(nonce), str(ts), hashlib.sha256(body).hexdigest()]; return "
        "sha256d('|'.join(fields).encode('ascii')).",
    ],
    wrong=[
        _digest_method_as_given,
        lambda m, pa, s, r, n, t, b: _digest_method_as_given(  # lower case only
            m.upper() if m.islower() else m, pa, s, r, n, t, b
        ),
        _digest_without_body,
        _digest_without_path,
        _digest_single_sha,
        _digest_body_prefix,
        lambda m, pa, s, r, n, t, b: _request_digest(m, pa, s, r, n, t, b[:64]),
        lambda m, pa, s, r, n, t, b: _request_digest(m, pa, s, r, n, t, b.strip()),
        _digest_first_kib,
        lambda *args: bytearray(_request_digest(*args)),
        lambda m, pa, s, r, n, t, b: _request_digest(m, pa, s, r, n, t, b[:65536]),
        lambda m, pa, s, r, n, t, b: _request_digest(  # the body decoded as text
            m, pa, s, r, n, t, b.decode("utf-8", "replace").encode()
        ),
    ],
)


# -- 15.2 --------------------------------------------------------------------------
def _axon_status(
    registered: bool,
    permit: bool,
    signed: bool,
    receiver_ok: bool,
    body_ok: bool,
    signature_ok: bool,
    fresh: bool,
    nonce_new: bool,
) -> int:
    if not registered or not permit:
        return 403
    if not (
        signed and receiver_ok and body_ok and signature_ok and fresh and nonce_new
    ):
        return 401
    return 200


def _verify_first(registered, permit, signed, receiver_ok, body_ok, sig_ok, fresh, new):
    if not (signed and receiver_ok and body_ok and sig_ok and fresh and new):
        return 401
    return 403 if not (registered and permit) else 200


def _empty_signature_skips(
    registered, permit, signed, receiver_ok, body_ok, sig_ok, fresh, new
):
    if not registered or not permit:
        return 403
    if signed and not sig_ok:  # Bittensor's gap: no signature, no check
        return 401
    return 401 if not (receiver_ok and body_ok and fresh and new) else 200


def _permit_is_401(
    registered, permit, signed, receiver_ok, body_ok, sig_ok, fresh, new
):
    if not registered:
        return 403
    if not (permit and signed and receiver_ok and body_ok and sig_ok and fresh and new):
        return 401
    return 200


def _permit_after_signature(
    registered, permit, signed, receiver_ok, body_ok, sig_ok, fresh, new
):
    if not registered:
        return 403
    if not signed:  # an unsigned request refused before the permit is looked at
        return 401
    if not permit:
        return 403
    return 401 if not (receiver_ok and body_ok and sig_ok and fresh and new) else 200


def _status_cases() -> list[tuple]:
    """All 256 combinations: one check failing at a time first, then the rest."""
    ok = (True,) * 8
    cases = [ok]
    for i in range(8):
        cases.append(tuple(v if j != i else False for j, v in enumerate(ok)))
    cases.append((False, True, False, True, True, False, True, True))
    cases.append((True, True, False, True, True, False, True, True))
    rest = itertools.product((True, False), repeat=8)
    return cases + [c for c in rest if c not in cases]


axon_status = FunctionCheck(
    "15.2 axon_status",
    reference=_axon_status,
    cases=_status_cases,
    hints=[
        "Two steps, in order: the blacklist (who is asking?) answers 403, then "
        "verification (is the request genuine and new?) answers 401.",
        "Not registered or no validator permit: 403, whatever the signature. "
        "Otherwise any failed check (no signature, wrong receiver, body changed, "
        "bad signature, stale timestamp, replayed nonce) is 401.",
        "A missing signature is a failed check, not a skipped one: `signed` False "
        "means 401.",
    ],
    wrong=[
        _verify_first,
        _empty_signature_skips,
        _permit_is_401,
        _permit_after_signature,
    ],
)


# -- 15.3 --------------------------------------------------------------------------
def _accept_nonce(last: int, nonce: int, ts: float, now: float, window: float) -> bool:
    return nonce > last and abs(ts - now) <= window


# (last, nonce, ts, now, window): the nonce rule first, then the window at its edges
_NONCE_CASES = [
    (0, 1, 100.0, 100.0, 60.0),
    (5, 5, 100.0, 100.0, 60.0),
    (5, 4, 100.0, 100.0, 60.0),
    (5, 6, 30.0, 100.0, 60.0),
    (5, 6, 170.0, 100.0, 60.0),
    (5, 6, 40.0, 100.0, 60.0),
    (5, 6, 160.0, 100.0, 60.0),
    (0, 10**18, 1e9, 1e9 + 59.5, 60.0),
    (0, 0, 100.0, 100.0, 60.0),  # 0 is not above 0, even as a first nonce
    # fractions of a second count: 60.5 s or 60.9 s off is outside a 60 s window
    (5, 6, 100.0, 160.5, 60.0),
    (5, 6, 160.9, 100.0, 60.0),
    (5, 6, 100.0, 160.25, 60.0),
    (5, 6, 100.25, 160.0, 60.0),  # 59.75 s: inside
    (5, 6, 100.5, 40.5, 60.0),  # exactly 60 s: inside
    (5, 6, 160.25, 100.0, 60.0),  # a quarter second too far ahead
    # other windows than the lesson's 60 s: the window is an argument
    (5, 6, 100.0, 145.0, 30.0),
    (5, 6, 100.0, 190.0, 120.0),
    (5, 6, 100.0, 100.0, 0.0),  # a zero window: only the same instant
    (5, 6, 100.5, 100.0, 0.0),
    # windows that are not whole seconds
    (5, 6, 100.0, 100.3, 0.5),
    (5, 6, 100.5, 100.0, 0.5),  # exactly half a second: inside
    (5, 6, 100.0, 100.75, 0.5),
    (5, 6, 102.25, 100.0, 2.5),
    (5, 6, 100.0, 102.75, 2.5),
    # a hair outside the window is outside: no tolerance, no rounding to ms
    (5, 6, 100.0, 160.0000000005, 60.0),
    (5, 6, 100.0, 160.0009, 60.0),
    (5, 6, 100.0, 160.000001, 60.0),  # float32 cannot tell this from 60
]


accept_nonce = FunctionCheck(
    "15.3 accept_nonce",
    reference=_accept_nonce,
    cases=_NONCE_CASES,
    hints=[
        "Two conditions: the nonce is new for this sender, and the clocks roughly "
        "agree.",
        "New means strictly larger than the last accepted nonce (equal is a "
        "replay). The clocks agree when |ts - now| <= window, in either direction: "
        "the sender's clock may run ahead too.",
        "return nonce > last and abs(ts - now) <= window",
    ],
    wrong=[
        lambda last, nonce, ts, now, window: nonce >= last and abs(ts - now) <= window,
        lambda last, nonce, ts, now, window: nonce > last and now - ts <= window,
        lambda last, nonce, ts, now, window: nonce > last,
        lambda last, nonce, ts, now, window: (
            nonce > last and int(abs(now - ts)) <= window
        ),  # truncated skew
        lambda last, nonce, ts, now, window: (
            nonce > last and round(abs(now - ts)) <= window
        ),  # rounded skew
        lambda last, nonce, ts, now, window: nonce > last and abs(ts - now) < window,
        lambda last, nonce, ts, now, window: (
            (not last or nonce > last) and abs(ts - now) <= window
        ),  # last = 0 read as "no nonce yet"
        lambda last, nonce, ts, now, window: (
            nonce > last and -window <= ts - now <= window + 0.25
        ),  # slack on the future side
        lambda last, nonce, ts, now, window: (
            nonce > last and abs(ts - now) <= 60
        ),  # the lesson's window only
        lambda last, nonce, ts, now, window: (
            nonce > last and math.ceil(abs(ts - now)) <= window
        ),  # skew rounded up to whole seconds: right only for whole windows
        lambda last, nonce, ts, now, window: (
            nonce > last and abs(ts - now) <= int(window)
        ),  # the window truncated
        lambda last, nonce, ts, now, window: (
            nonce > last and abs(ts - now) <= window + 1e-9
        ),  # a tolerance
        lambda last, nonce, ts, now, window: (
            nonce > last and abs(int(ts * 1000) - int(now * 1000)) <= int(window * 1000)
        ),  # whole milliseconds
        lambda last, nonce, ts, now, window: (
            nonce > last and np.float32(abs(ts - now)) <= np.float32(window)
        ),  # float32
    ],
)


# -- 15.4 --------------------------------------------------------------------------
def _round_seconds(
    latencies: list[float | None], timeout: float
) -> tuple[float, float]:
    capped = [timeout if (t is None or t > timeout) else t for t in latencies]
    if not capped:
        return (0.0, 0.0)
    return (float(max(capped)), float(sum(capped)))


def _round_seconds_ints_stay(latencies, timeout):
    """Right on float inputs, but whole seconds in give ints out."""
    capped = [timeout if (t is None or t > timeout) else t for t in latencies]
    return (max(capped), sum(capped)) if capped else (0.0, 0.0)


def _round_seconds_in_place(latencies, timeout):
    """Caps the caller's list in place (None becomes the timeout there too)."""
    for i, t in enumerate(latencies):
        if t is None or t > timeout:
            latencies[i] = timeout
    return (max(latencies), sum(latencies)) if latencies else (0.0, 0.0)


def _round_seconds_float32(latencies, timeout):
    """Summed in a float32 numpy array: about 7 digits."""
    import numpy as np

    capped = np.array(
        [timeout if (t is None or t > timeout) else t for t in latencies],
        dtype=np.float32,
    )
    if not capped.size:
        return (0.0, 0.0)
    return (capped.max(), capped.sum())


def _close_pair(got: object, expected: tuple[float, float]) -> bool:
    if isinstance(got, tuple):
        for part, value in zip(("concurrent", "sequential"), got, strict=False):
            kind = type(value)
            if kind.__module__ == "numpy" and kind.__name__ in ("float32", "float16"):
                raise Wrong(
                    f"round_seconds(...) returned a {kind.__name__} for {part} "
                    f"({value!r}){FLOAT32_NOTE}"
                )
    if isinstance(got, tuple) and any(
        isinstance(g, int) and not isinstance(g, bool) for g in got
    ):
        raise Wrong(
            f"round_seconds returned {got!r}: seconds are floats here, so return a "
            "tuple of two floats (0.0, not 0)"
        )
    return (
        isinstance(got, tuple)
        and len(got) == 2
        and all(isinstance(g, int | float) for g in got)
        and all(
            math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-9)
            for g, e in zip(got, expected, strict=True)
        )
    )


def _near_pair(got: object, expected: tuple[float, float]) -> bool:
    """Close to float32 precision (then the note names float32 or rounding)."""
    return (
        isinstance(got, tuple)
        and len(got) == 2
        and all(isinstance(g, float) for g in got)
        and all(
            math.isclose(g, e, rel_tol=1e-5, abs_tol=1e-6)
            for g, e in zip(got, expected, strict=True)
        )
    )


round_seconds = PureFunctionCheck(
    "15.4 round_seconds",
    reference=_round_seconds,
    near=_near_pair,
    cases=[
        ([0.1, 0.2, 0.3], 2.0),
        ([0.1, None, 0.3], 2.0),
        ([0.1, 5.0, 0.3], 2.0),
        ([None, None], 1.5),
        ([], 2.0),
        ([0.05] * 64, 2.0),
        ([0.123, 0.0456], 2.0),  # not rounded
        ([0.0, 0.1], 2.0),  # an answer in 0 seconds is alive, not dead
        ([1, None, 3], 2),  # whole seconds in, floats out all the same
    ],
    compare=_close_pair,
    hints=[
        "Return a pair: (seconds for the concurrent round, seconds if asked one "
        "after another).",
        "A miner that is dead (None) or slower than the timeout costs exactly the "
        "timeout, never more: cap each latency first.",
        "capped = [timeout if t is None or t > timeout else t for t in latencies]; "
        "return (float(max(capped)), float(sum(capped))), and (0.0, 0.0) with no "
        "miners.",
    ],
    wrong=[
        lambda lat, t: (max([x or t for x in lat] or [0.0]), sum(x or t for x in lat)),
        lambda lat, t: (min(t, sum(x or t for x in lat)), sum(x or t for x in lat)),
        lambda lat, t: (t, t * len(lat)),
        lambda lat, t: _round_seconds(lat, t) if lat else (0, 0),  # ints, not floats
        lambda lat, t: tuple(  # rounded to 2 decimals
            round(float(x), 2) for x in _round_seconds(lat, t)
        ),
        lambda lat, t: _round_seconds(  # 0.0 read as dead
            [None if not x else x for x in lat], t
        ),
        _round_seconds_float32,
        _round_seconds_in_place,
        _round_seconds_ints_stay,
        lambda lat, t: tuple(  # float32 values as Python floats
            float(x) for x in _round_seconds_float32(lat, t)
        ),
    ],
)
