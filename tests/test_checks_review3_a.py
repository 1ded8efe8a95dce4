"""Checks 02.2, 04.4, 13.2 and 14.2 after a third learner's review.

Each test replays an answer the reviewer found accepted, written as the learner
wrote it, and holds that the check now refuses it (without the expected value)
while the right answer still passes.
"""

from __future__ import annotations

import numpy as np
from check_replay import passes as _passes
from check_replay import refused as _refused

from refimpl.audit import pearson
from refimpl.chain import bits_to_target, target_to_bits
from refimpl.course.checks import l02, l04, l13, l14

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


# -- 02.2 parse_pubkey ----------------------------------------------------------------
def _parse(data, *, limit=P, always_even=False):
    if len(data) == 33 and data[0] in (2, 3):
        x = int.from_bytes(data[1:], "big")
        if x >= limit:
            return None
        y = pow(x**3 + 7, (P + 1) // 4, P)
        if y * y % P != (x**3 + 7) % P:
            return None
        if always_even:
            if data[0] == 3:
                y = P - y
        elif y % 2 != data[0] % 2:
            y = P - y
        return (x, y)
    if len(data) == 65 and data[0] == 4:
        x, y = int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")
        if x >= limit or y >= limit or (y * y - x**3 - 7) % P:
            return None
        return (x, y)
    return None


def test_l02_parse_pubkey_root_assumed_even_is_refused():
    _passes(l02.parse_pubkey, _parse)
    _refused(l02.parse_pubkey, lambda d: _parse(d, always_even=True))


def test_l02_parse_pubkey_range_by_n_is_refused():
    # x = n is on the curve (x^3 + 7 has a root mod p), so 02 || n is a valid key
    assert pow(N**3 + 7, (P - 1) // 2, P) == 1
    _refused(l02.parse_pubkey, lambda d: _parse(d, limit=N))


# -- 04.4 retarget_window -------------------------------------------------------------
def _retarget(prev_bits, ts, interval, t, pow_limit):
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    return target_to_bits(min(bits_to_target(prev_bits) * span // t, pow_limit))


def test_l04_retarget_reencoded_is_refused():
    _passes(l04.retarget_window, _retarget)
    msg = _refused(
        l04.retarget_window,
        lambda *a: target_to_bits(bits_to_target(_retarget(*a))),
    )
    assert "0x2100007f" in msg  # the non-canonical prev_bits off a boundary


# -- 13.2 near_duplicate --------------------------------------------------------------
def _mean_diff(a, b):
    return np.abs(a.astype(np.int64) - b.astype(np.int64)).mean()


def test_l13_near_duplicate_truncated_or_rounded_mean_is_refused():
    _passes(
        l13.near_duplicate,
        lambda a, b, tol=2.0: a.shape == b.shape and bool(_mean_diff(a, b) < tol),
    )
    _refused(
        l13.near_duplicate,
        lambda a, b, tol=2.0: a.shape == b.shape and int(_mean_diff(a, b)) < tol,
    )
    _refused(
        l13.near_duplicate,
        lambda a, b, tol=2.0: (
            a.shape == b.shape and round(float(_mean_diff(a, b)), 1) < tol
        ),
    )


# -- 14.2 copy_gap --------------------------------------------------------------------
def _gap(uid, weights, prev, nxt):
    n = max([len(prev), len(nxt), *(k + 1 for k in weights)])
    w = [float(weights.get(j, 0)) for j in range(n)]
    cp = [float(prev[j]) if j < len(prev) else 0.0 for j in range(n)]
    cn = [float(nxt[j]) if j < len(nxt) else 0.0 for j in range(n)]
    keep = [j for j in range(n) if j != uid and (w[j] or cp[j] or cn[j])]
    w, cp, cn = [w[j] for j in keep], [cp[j] for j in keep], [cn[j] for j in keep]
    return pearson(w, cp) - pearson(w, cn)


def test_l14_copy_gap_guard_on_empty_prev_is_refused():
    _passes(l14.copy_gap, _gap)
    assert _gap(0, {1: 1, 2: 3}, [0, 0, 0], [0, 0.2, 0.8]) == -1.0
    _refused(l14.copy_gap, lambda u, w, p, n: 0.0 if not any(p) else _gap(u, w, p, n))
    _refused(l14.copy_gap, lambda u, w, p, n: 0.0 if not p else _gap(u, w, p, n))
