"""Checks 13.3, 15.1 and 15.3: their private references agree with refimpl.

l15's references are plain Python (the check module must import fast, without
FastAPI), so these tests hold them equal to ``refimpl.net.protocol`` on the checks'
own cases and on random ones. 13.3 now compares at float64 precision, so its
reference must equal the textbook formula exactly, not only closely.
"""

from __future__ import annotations

import random

import numpy as np

from refimpl.course.checks import l13, l15
from refimpl.crypto import Signature
from refimpl.net.keys import hotkey
from refimpl.net.protocol import AuthError, NonceStore, RequestVerifier, sign_request

VAL = hotkey("validator", 0)
MINER = hotkey("miner", 0).public_key.address


def test_l15_request_digest_is_what_refimpl_signs():
    rng = random.Random(15)
    bodies = [b"", b"{}", *(body for body, _ in l15._BIG)]
    bodies += [rng.randbytes(rng.randrange(1, 3000)) for _ in range(4)]
    for body in bodies:
        nonce, ts = rng.randrange(1, 2**63), rng.randrange(0, 2**41)
        h = sign_request(
            VAL, MINER, "POST", "/Predict", body, nonce=nonce, timestamp_ms=ts
        )
        digest = l15._request_digest(
            "POST", "/Predict", h["x-cm-sender"], MINER, nonce, ts, body
        )
        sig = Signature.parse(bytes.fromhex(h["x-cm-signature"]))
        assert VAL.public_key.verify(digest, sig), len(body)


def _refimpl_accepts(last, nonce, ts, now, window) -> bool:
    """The axon's verifier, with ``last`` already accepted from this sender."""
    store = NonceStore()
    try:
        store.accept(VAL.public_key.address, last)
        verifier = RequestVerifier(MINER, store, window)
        h = sign_request(
            VAL,
            MINER,
            "POST",
            "/Predict",
            b"{}",
            nonce=nonce,
            timestamp_ms=round(ts * 1000),
        )
        try:
            verifier.verify("POST", "/Predict", h, b"{}", now=now)
        except AuthError:
            return False
        return True
    finally:
        store.close()


def test_l15_accept_nonce_agrees_with_the_axon_verifier():
    rng = random.Random(153)
    cases = list(l15._NONCE_CASES)
    for _ in range(40):
        last = rng.choice([0, 1, 5, 10**12])
        nonce = last + rng.choice([-1, 0, 1, 2, 1000])
        now = rng.choice([100.0, 1.7e9])
        window = rng.choice([0.0, 30.0, 60.0, 90.5])
        ts = now + rng.choice([-1, 1]) * rng.choice(
            [0.0, window, window + 0.25, window - 0.25, window / 2, 3 * window]
        )
        cases.append((last, max(nonce, 0), ts, now, window))
    for case in cases:
        assert l15._accept_nonce(*case) == _refimpl_accepts(*case), case


def test_l13_validator_row_reference_is_the_formula_exactly():
    rng = np.random.default_rng(133)
    for _ in range(200):
        n = int(rng.integers(0, 8))
        scores = [float(x) for x in rng.random(n)]
        valid = [bool(x) for x in rng.random(n) < 0.8]
        dup = [bool(x) for x in rng.random(n) < 0.2]
        bar = float(rng.choice([0.0, 0.05, 0.1, float(rng.random())]))
        formula = [
            max(0.0, s - bar) if ok and not d else 0.0
            for s, ok, d in zip(scores, valid, dup, strict=True)
        ]
        assert l13._validator_row(scores, valid, dup, bar) == formula
