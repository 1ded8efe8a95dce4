"""Checks for lesson 14 (an AI auditor for the chain).

One source of truth: the references are ``refimpl.audit``'s own functions
(``conflicting_nonces``, ``pearson``, ``cycle_lengths``, ``precision_recall``) and
its ``TOKEN_FEATURES`` names; ``refimpl.audit`` imports torch only when its models
are used, so importing this module never loads torch. 14.5 shows
the learner ``TOKENS`` (seeds 201-214) and scores the rule on afternoons it generates
when it first runs (``_l14_heldout.scored_tokens``, seeds 229-242), both made by
``refimpl.audit.build_dataset``; no table of the scored rows exists to copy.
"""

from __future__ import annotations

import math

import numpy as np

from refimpl.audit import TOKEN_FEATURES, conflicting_nonces, pearson
from refimpl.audit import cycle_lengths as audit_cycle_lengths
from refimpl.audit import precision_recall as audit_precision_recall
from refimpl.course import Check, Wrong
from refimpl.course.checks._l14_heldout import HELD_OUT as _OLD_TABLE
from refimpl.course.checks._l14_heldout import scored_tokens as _scored_tokens
from refimpl.course.checks._pure import FLOAT32_NOTE, PureFunctionCheck
from refimpl.course.feedback import args_whole, call_learner, reject_stub, short_repr

__all__ = ["conflicts", "copy_gap", "cycle_lengths", "precision_recall", "wash_rule"]


# -- 14.1 --------------------------------------------------------------------------
def _conflicts(txs: list[tuple[str, int, str]]) -> dict[str, list[int]]:
    return conflicting_nonces(txs)


def _conflicts_by(txs, *, by_sender=True, sort=True, falsy_bug=False):
    seen: dict[tuple, set[str]] = {}
    for sender, nonce, txid in txs:
        key = (sender, nonce) if by_sender else nonce
        seen.setdefault(key, set()).add(txid)
    out: dict[str, list[int]] = {}
    for sender, nonce, _ in txs:
        key = (sender, nonce) if by_sender else nonce
        if len(seen[key]) > 1 and nonce not in out.get(sender, []):
            if falsy_bug and not nonce:
                continue
            out.setdefault(sender, []).append(nonce)
    return {k: sorted(v) for k, v in out.items()} if sort else out


def _conflicts_sorts_input(txs):
    txs.sort()
    return _conflicts_by(txs)


def _conflicts_any_repeat(txs):
    count: dict[tuple[str, int], int] = {}
    for sender, nonce, _ in txs:
        count[(sender, nonce)] = count.get((sender, nonce), 0) + 1
    out: dict[str, list[int]] = {}
    for (sender, nonce), n in sorted(count.items()):
        if n > 1:
            out.setdefault(sender, []).append(nonce)
    return out


def _conflicts_by_txid(txs):
    out: dict[str, list[int]] = {}
    ids = [t for _, _, t in txs]
    for sender, nonce, txid in txs:
        if ids.count(txid) > 1 and nonce not in out.get(sender, []):
            out.setdefault(sender, []).append(nonce)
    return out


def _conflicts_every_sender(txs):  # senders without a conflict listed with []
    out = {sender: [] for sender, _, _ in txs}
    for sender, nonces in _conflicts_by(txs).items():
        out[sender] = nonces
    return out


def _conflicts_per_extra(txs):  # one entry per extra txid, not per nonce
    seen: dict[tuple, set[str]] = {}
    out: dict[str, list[int]] = {}
    for sender, nonce, txid in txs:
        ids = seen.setdefault((sender, nonce), set())
        if ids and txid not in ids:
            out.setdefault(sender, []).append(nonce)
        ids.add(txid)
    return {k: sorted(v) for k, v in out.items()}


def _conflicts_by_sender_only(txs):
    """Wrong: a sender with two txids at any nonces, not at one nonce."""
    ids: dict = {}
    nonces: dict = {}
    for sender, nonce, txid in txs:
        ids.setdefault(sender, set()).add(txid)
        nonces.setdefault(sender, set()).add(nonce)
    return {s: sorted(nonces[s]) for s in ids if len(ids[s]) > 1}


conflicts = PureFunctionCheck(
    "14.1 conflicts",
    reference=_conflicts,
    show=args_whole,
    cases=[
        ([("alice", 0, "t1"), ("alice", 0, "t2")],),
        ([("alice", 0, "t1"), ("alice", 0, "t1")],),
        ([("bob", 4, "a"), ("bob", 2, "b"), ("bob", 2, "c"), ("bob", 4, "d")],),
        ([("alice", 0, "t1"), ("bob", 0, "t2"), ("carol", 0, "t3")],),
        ([("x", 1, "p"), ("x", 1, "p"), ("x", 1, "q"), ("y", 1, "q")],),
        ([],),
        ([("eve", 9, "a"), ("eve", 0, "b"), ("eve", 9, "c"), ("eve", 0, "d")],),
        ([("ann", 3, "a"), ("bob", 3, "b")],),  # same nonce, different senders
        ([("a", 0, "t1"), ("a", 0, "t2"), ("a", 0, "t3")],),  # a triple spend
        ([("b", 5, "x"), ("b", 1, "y"), ("b", 5, "z"), ("b", 5, "w"), ("b", 1, "v")],),
        ([("c", 0, "p"), ("c", 0, "q"), ("c", 1, "x"), ("c", 1, "y")],),
        # nonces sort as numbers: 2 before 10
        ([("d", 10, "a"), ("d", 2, "b"), ("d", 10, "c"), ("d", 2, "e")],),
        # an honest sender: one transaction per nonce, nonces in a row
        ([("alice", 0, "t1"), ("alice", 1, "t2"), ("alice", 2, "t3")],),
        # one clean nonce beside one double spend: only the double spend is listed
        ([("bob", 0, "a"), ("bob", 1, "b"), ("bob", 1, "c"), ("bob", 2, "d")],),
        # txids that share a long prefix are still different transactions
        ([("cy", 3, "7f3a9c0e11d2b4a5"), ("cy", 3, "7f3a9c0e11d2b4a6")],),
        # addresses are case-sensitive (Base58): 'Alice' is not 'alice'
        ([("Alice", 0, "t1"), ("Alice", 0, "t2"), ("alice", 0, "t3")],),
    ],
    hints=[
        "Group the transactions by (sender, nonce) and look at the txids in each "
        "group.",
        "The same transaction seen in two blocks has one txid: that is not a "
        "conflict. Use a set of txids per (sender, nonce).",
        "seen.setdefault((sender, nonce), set()).add(txid); a sender conflicts at "
        "every nonce whose set has more than one txid (list the nonces sorted).",
    ],
    wrong=[
        _conflicts_any_repeat,
        _conflicts_by_txid,
        lambda txs: {},
        lambda txs: _conflicts_by(txs, sort=False),  # nonces in the order seen
        lambda txs: _conflicts_by(txs, by_sender=False),  # ignores the sender
        lambda txs: _conflicts_by(txs, falsy_bug=True),  # nonce 0 lost
        _conflicts_sorts_input,
        _conflicts_per_extra,
        _conflicts_every_sender,
        lambda txs: {k: v[::-1] for k, v in _conflicts_by(txs, sort=False).items()},
        lambda txs: {k: set(v) for k, v in _conflicts_by(txs).items()},
        _conflicts_by_sender_only,
        lambda txs: _conflicts([(s.lower(), n, t) for s, n, t in txs]),  # lower case
        lambda txs: _conflicts(  # txids compared by their first 8 characters
            [(s, n, t[:8]) for s, n, t in txs]
        ),
        lambda txs: {  # sorted as text: 10 before 2
            k: sorted(v, key=str) for k, v in _conflicts_by(txs).items()
        },
    ],
)


# -- 14.2 --------------------------------------------------------------------------
def _pearson(a: list[float], b: list[float]) -> float:
    n = len(a)
    if n < 2:
        return 0.0
    ma, mb = sum(a) / n, sum(b) / n
    da, db = [x - ma for x in a], [y - mb for y in b]
    den = math.sqrt(sum(x * x for x in da) * sum(y * y for y in db))
    return 0.0 if den == 0 else sum(x * y for x, y in zip(da, db, strict=True)) / den


def _aligned(uid, weights, prev, nxt, *, drop_self=True, drop_zero=True, pad=True):
    """Dense (w, prev, nxt) over the uids the round compares, as the features do."""
    n = max(len(prev), len(nxt), max(weights, default=-1) + 1)
    if not pad:
        n = min(len(prev), len(nxt))
    w = [float(weights.get(j, 0)) for j in range(n)]
    cp = [float(prev[j]) if j < len(prev) else 0.0 for j in range(n)]
    cn = [float(nxt[j]) if j < len(nxt) else 0.0 for j in range(n)]
    keep = [
        j
        for j in range(n)
        if (not drop_zero or w[j] > 0 or cp[j] > 0 or cn[j] > 0)
        and (not drop_self or j != uid)
    ]
    return [w[j] for j in keep], [cp[j] for j in keep], [cn[j] for j in keep]


def _copy_gap(uid: int, weights: dict, prev: list[float], nxt: list[float]) -> float:
    """``corr_prev - corr_next`` of one round, as ``refimpl.audit``'s validator
    features compute it (``tests/test_checks_refs.py`` holds the two equal)."""
    w, cp, cn = _aligned(uid, weights, prev, nxt)
    return pearson(w, cp) - pearson(w, cn)


def _pearson_flat_below(a: list[float], b: list[float]) -> float:
    """Wrong: a vector whose values span less than 1e-3 taken as constant."""
    if max(a, default=0) - min(a, default=0) < 1e-3:
        return 0.0
    if max(b, default=0) - min(b, default=0) < 1e-3:
        return 0.0
    return _pearson(a, b)


def _gap_with(corr, **kwargs):
    def gap(uid, weights, prev, nxt):
        w, cp, cn = _aligned(uid, weights, prev, nxt, **kwargs)
        return corr(w, cp) - corr(w, cn)

    return gap


def _gap_n_from(uid, weights, prev, nxt, *, lists=()):
    """n from the weights (and only the lists named), not from all three."""
    n = max(weights) + 1 if weights else 0
    if "prev" in lists:
        n = max(n, len(prev))
    if "nxt" in lists:
        n = max(n, len(nxt))
    w = [float(weights.get(j, 0)) for j in range(n)]
    cp = [float(prev[j]) if j < len(prev) else 0.0 for j in range(n)]
    cn = [float(nxt[j]) if j < len(nxt) else 0.0 for j in range(n)]
    keep = [j for j in range(n) if j != uid and (w[j] > 0 or cp[j] > 0 or cn[j] > 0)]
    w, cp, cn = [w[j] for j in keep], [cp[j] for j in keep], [cn[j] for j in keep]
    return pearson(w, cp) - pearson(w, cn)


def _gap_dict_values(uid, weights, prev, nxt):  # weights in the dict's own order
    w = [float(v) for v in weights.values()]
    n = len(w)
    return _pearson(w, list(prev[:n])) - _pearson(w, list(nxt[:n]))


def _pearson_nan(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    da, db = [x - ma for x in a], [y - mb for y in b]
    den = math.sqrt(sum(x * x for x in da) * sum(y * y for y in db))
    return sum(x * y for x, y in zip(da, db, strict=True)) / den if den else math.nan


def _cosine(a, b):
    den = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / den if den else 0.0


def _cov(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    return sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True)) / n


def _corr_f32(a, b):
    x, y = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if x.size < 2:
        return np.float32(0.0)
    dx, dy = x - x.mean(), y - y.mean()
    den = np.sqrt((dx @ dx) * (dy @ dy))
    return np.float32(0.0) if den == 0 else (dx @ dy) / den


def _copy_gap_f32(uid, weights, prev, nxt):
    w, cp, cn = _aligned(uid, weights, prev, nxt)
    return _corr_f32(w, cp) - _corr_f32(w, cn)


def _close(got: object, expected: float) -> bool:
    return isinstance(got, int | float) and math.isclose(
        float(got), expected, rel_tol=1e-9, abs_tol=1e-9
    )


def _gap_close(got: object, expected: float) -> bool:
    """Close to float64 precision, and a float: an int equal to the answer (``0``
    where the text asks for 0.0) is refused for its type, as 13.3, 14.4 and 15.4
    do; a wrong value is only ever called wrong."""
    is_int = isinstance(got, int | np.integer) and not isinstance(got, float)
    if is_int and math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-9):
        raise Wrong(
            f"copy_gap(...) returned {type(got).__name__} {got!r}; the exercise "
            "asks for a float, 0.0 not 0"
        )
    return _close(got, expected)


def _gap_near(got: object, expected: float) -> bool:
    """Close to float32 precision, or the answer rounded to 2+ decimals (then
    ``error_kind`` names the cause: the note says float32 or rounded)."""
    if not isinstance(got, int | float) or isinstance(got, bool):
        return False
    g = float(got)
    if math.isclose(g, expected, rel_tol=1e-5, abs_tol=1e-6):
        return True
    return g != 0.0 and any(g == round(expected, k) for k in range(2, 16))


def _gap_guard_empty_prev(uid, weights, prev, nxt):
    if not any(prev):  # "nothing to copy from": skips the next round's Pearson too
        return 0.0
    return _copy_gap(uid, weights, prev, nxt)


def _gap_int_zero(uid, weights, prev, nxt):
    gap = _copy_gap(uid, weights, prev, nxt)
    return 0 if gap == 0 else gap  # int 0 where the text says 0.0


copy_gap = PureFunctionCheck(
    "14.2 copy_gap",
    reference=_copy_gap,
    cases=[
        (2, {0: 5, 1: 1, 2: 65535}, [0.5, 0.2, 0.3], [0.2, 0.5, 0.3]),  # itself
        (0, {1: 3, 2: 1, 3: 2}, [0.0, 0.5, 0.2, 0.3], [0.0, 0.2, 0.5, 0.3]),
        (0, {1: 10, 4: 20}, [0.0, 0.3, 0.7], [0.0, 0.2, 0.3, 0.1, 0.4]),  # short
        (
            1,
            {0: 1, 2: 2, 3: 3},
            [0.2, 0.0, 0.3, 0.5, 0.0, 0.0],
            [0.5, 0.0, 0.3, 0.2, 0.0, 0.0],
        ),  # miners nobody weighs
        (0, {1: 7, 2: 7}, [0.0, 0.5, 0.5], [0.0, 0.4, 0.6]),  # a constant w
        (0, {5: 3, 1: 1}, [0.0, 0.6, 0.4], [0.0, 0.5, 0.5]),  # past the lists
        (0, {}, [0.5, 0.5], [0.2, 0.8]),
        (3, {2: 30000, 0: 65535, 1: 12000}, [0.2, 0.5, 0.3, 0.0], [0.5, 0.2, 0.3]),
        (1, {0: 2, 2: 1, 4: 0}, [0.3, 0.4, 0.3, 0.0, 0.0], [0.5, 0.1, 0.4, 0.0, 0.0]),
        (4, {0: 9, 1: 1, 3: 4}, [0.1, 0.4, 0.3, 0.2, 0.0], [0.8, 0.1, 0.0, 0.1, 0.0]),
        # both lists run past the largest weighted uid: uid 3 (w 0) still counts
        (0, {1: 10, 2: 20}, [0.0, 0.3, 0.5, 0.2], [0.0, 0.2, 0.5, 0.3]),
        (0, {1: 10, 2: 20}, [0.0, 0.3, 0.5, 0.2], [0.0, 0.2, 0.5]),  # prev only
        (0, {1: 10, 2: 20}, [0.0, 0.3, 0.5], [0.0, 0.2, 0.5, 0.3]),  # nxt only
        # no weights set in the previous round (all zero, or none): its Pearson
        # is 0.0, but the next round's still counts, so the gap is not 0.0
        (0, {1: 1, 2: 3}, [0.0, 0.0, 0.0], [0.0, 0.2, 0.8]),
        (0, {1: 1, 2: 3}, [], [0.0, 0.2, 0.8]),
        # a nearly constant vector is not a constant one: its Pearson is real
        (0, {1: 1, 2: 2, 3: 3}, [0.0, 0.3, 0.3002, 0.3004], [0.0, 0.1, 0.5, 0.4]),
    ],
    compare=_gap_close,
    near=_gap_near,
    hints=[
        "First make three equal-length vectors over uids 0 .. n-1 (n: the longest "
        "of prev, nxt and the largest weighted uid + 1); a uid not in weights, or "
        "past the end of a list, is 0.",
        "Leave out the validator's own uid, and every uid that is 0 in all three "
        "vectors; then copy_gap = pearson(w, prev) - pearson(w, nxt).",
        "Pearson of a constant vector is 0.0 (refimpl.audit.pearson does that).",
    ],
    wrong=[
        _gap_with(_pearson, drop_self=False),
        _gap_with(_pearson, drop_zero=False),
        _gap_with(_pearson, pad=False),
        _gap_dict_values,
        lambda u, w, p, n: -_copy_gap(u, w, p, n),
        _gap_with(_cov),
        _gap_with(_pearson_nan),
        _gap_with(_cosine),
        lambda u, w, p, n: abs(_copy_gap(u, w, p, n)),
        lambda u, w, p, n: float(_copy_gap_f32(u, w, p, n)),
        _copy_gap_f32,  # a numpy float32
        _gap_n_from,  # n = max(weights) + 1: the lists' own length ignored
        _gap_with(_pearson_flat_below),  # "constant" up to a tolerance
        lambda u, w, p, n: _gap_n_from(u, w, p, n, lists=("nxt",)),  # ignores prev
        lambda u, w, p, n: _gap_n_from(u, w, p, n, lists=("prev",)),  # ignores nxt
        lambda u, w, p, n: round(_copy_gap(u, w, p, n), 6),  # rounded
        lambda u, w, p, n: round(_copy_gap(u, w, p, n), 4),
        _gap_int_zero,
        _gap_guard_empty_prev,
        lambda u, w, p, n: 0.0 if not p else _copy_gap(u, w, p, n),  # prev == []
        lambda u, w, p, n: (
            np.int64(0) if not _copy_gap(u, w, p, n) else _copy_gap(u, w, p, n)
        ),
    ],
)


# -- 14.3 --------------------------------------------------------------------------
def _owners(minter: str, sales: list[tuple[int, str]]) -> list[str]:
    """The owners in chain order: the minter, then each buyer by block height."""
    return [minter] + [buyer for _, buyer in sorted(sales, key=lambda s: s[0])]


def _cycle_lengths(minter: str, sales: list[tuple[int, str]]) -> list[int]:
    return audit_cycle_lengths(_owners(minter, sales))


def _cycles_by(owners, *, offset=0):
    last: dict[str, int] = {}
    out = []
    for i, who in enumerate(owners):
        if who in last:
            out.append(i - last[who] + offset)
        last[who] = i
    return out


def _cycles_from_first(owners):
    first: dict[str, int] = {}
    out = []
    for i, who in enumerate(owners):
        if who in first:
            out.append(i - first[who])
        else:
            first[who] = i
    return out


def _cycles_sorts_sales(minter, sales):
    sales.sort()  # reorders the caller's list
    return _cycles_by([minter] + [b for _, b in sales])


cycle_lengths = PureFunctionCheck(
    "14.3 cycle_lengths",
    reference=_cycle_lengths,
    show=args_whole,  # small: shown whole
    cases=[
        ("A", [(10, "B"), (12, "A")]),
        ("A", [(12, "A"), (10, "B")]),  # the indexer's order is not the chain's
        ("A", [(5, "B"), (6, "C"), (7, "D")]),
        ("A", [(30, "B"), (31, "C"), (32, "A"), (33, "B"), (34, "C"), (35, "A")]),
        ("A", [(7, "A"), (3, "B"), (9, "B"), (5, "A")]),
        ("artist", [(101, "ann"), (104, "cy"), (102, "bo"), (107, "ann")]),
        ("A", []),
        ("A", [(1, "A")]),  # sold to itself: a cycle of one hand-over
        ("A", [(20, "B"), (9, "B"), (40, "A")]),
        ("A", [(50, "B"), (8, "C"), (60, "A"), (70, "B"), (80, "B")]),
        ("m", [(2, "x"), (11, "y"), (3, "m"), (100, "x")]),  # 100 sorts before 11
    ],
    hints=[
        "Rebuild the owners in chain order first: the minter, then the buyers sorted "
        "by block height (not by the order the list came in).",
        "Then walk the owners and remember where you last saw each one; a repeat "
        "gives the distance from the *last* time they held the token.",
        "owners = [minter] + [b for _, b in sorted(sales, key=lambda s: s[0])]; keep "
        "a dict owner -> index; on a repeat append i - last[owner]; then set "
        "last[owner] = i either way.",
    ],
    wrong=[
        lambda m, s: _cycles_by([m] + [b for _, b in s]),  # the list's own order
        lambda m, s: _cycles_by([b for _, b in sorted(s)]),  # forgets the minter
        lambda m, s: _cycles_from_first(_owners(m, s)),
        lambda m, s: _cycles_by(_owners(m, s), offset=-1),  # owners in between
        lambda m, s: sorted(_cycles_by(_owners(m, s))),
        lambda m, s: _cycles_by([m] + [b for _, b in sorted(s, key=str)]),  # as text
        lambda m, s: tuple(_cycles_by(_owners(m, s))),
        _cycles_sorts_sales,
    ],
)


# -- 14.4 --------------------------------------------------------------------------
def _precision_recall(flagged: set[str], truth: set[str]) -> tuple[float, float]:
    return audit_precision_recall(flagged, truth)


def _pr_discards(flagged, truth):
    p, r = _precision_recall(set(flagged), set(truth))
    flagged.clear()
    return p, r


def _pr_close(got: object, expected: tuple[float, float]) -> bool:
    if isinstance(got, tuple) and len(got) == 2:
        for part, value in zip(("precision", "recall"), got, strict=True):
            if isinstance(value, int | np.integer) and not isinstance(value, bool):
                raise Wrong(
                    f"precision_recall(...) returned an int for {part} "
                    f"({value!r}); the exercise asks for floats, 0.0 not 0 (an int "
                    "from a division usually means // where / was meant)"
                )
            if isinstance(value, np.float32 | np.float16):
                raise Wrong(
                    f"precision_recall(...) returned a {type(value).__name__} for "
                    f"{part} ({value!r}){FLOAT32_NOTE}"
                )
    return (
        isinstance(got, tuple)
        and len(got) == 2
        and all(_close(g, e) for g, e in zip(got, expected, strict=True))
    )


precision_recall = PureFunctionCheck(
    "14.4 precision_recall",
    reference=_precision_recall,
    cases=[
        ({"a", "b"}, {"a", "c", "d"}),
        ({"a", "b", "c", "d"}, {"a"}),
        ({"x"}, {"x"}),
        (set(), {"a", "b"}),
        ({"a"}, set()),
        ({"duster", "tipper", "sybil0"}, {"duster", "sybil0", "sybil1", "wash0"}),
        (set(), set()),
        ({"a", "b", "c"}, {"d", "e"}),  # nothing right: 0.0 and 0.0
    ],
    compare=_pr_close,
    hints=[
        "Precision: of everything you flagged, what share really attacked? "
        "Recall: of all the attackers, what share did you flag?",
        "True positives are in both sets: len(flagged & truth). Divide by "
        "len(flagged) for precision and by len(truth) for recall.",
        "An empty set would divide by zero: return 0.0 for that part. Return the "
        "pair as a tuple (precision, recall).",
    ],
    wrong=[
        lambda f, t: _precision_recall(t, f),
        lambda f, t: (len(f & t) / max(len(t), 1), len(f & t) / max(len(f), 1)),
        lambda f, t: (1.0, 1.0),
        lambda f, t: list(_precision_recall(f, t)),
        lambda f, t: (len(f & t) // max(len(f), 1), len(f & t) // max(len(t), 1)),
        lambda f, t: (len(f & t) / max(len(f | t), 1),) * 2,  # Jaccard
        lambda f, t: (  # int 0 where the text says 0.0
            len(f & t) / len(f) if f else 0,
            len(f & t) / len(t) if t else 0,
        ),
        lambda f, t: (  # empty flagged -> perfect precision
            len(f & t) / len(f) if f else 1.0,
            len(f & t) / len(t) if t else 0.0,
        ),
        _pr_discards,
    ],
)


# -- 14.5 --------------------------------------------------------------------------
#: token features (sales, owner_ratio, returns, min_cycle, rise_fraction,
#: price_growth, mean_gap) and whether the token was washed, from scenarios the
#: lesson never used (seeds 201-214; tokens with fewer than two sales left out
#: unless washed). Shown to the learner; the check scores on other afternoons.
#: Computed by refimpl.audit.token_features; the names are its TOKEN_FEATURES.
TOKEN_NAMES = TOKEN_FEATURES
TOKENS: tuple[tuple[tuple[float, ...], bool], ...] = (
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.198, 7.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.591, 3.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.454, 3.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.097, 7.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.331, 3.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.177, 8.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.717, 12.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.067, 9.0), False),
    ((4.0, 0.8, 1.0, 4.0, 1.0, 2.102, 2.0), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.003, 10.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.247, 5.0), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.915, 5.0), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.929, 2.0), True),
    ((5.0, 0.667, 2.0, 4.0, 1.0, 2.637, 2.25), True),
    ((4.0, 1.0, 0.0, 0.0, 0.333, 0.867, 7.333), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.243, 8.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.613, 8.0), False),
    ((3.0, 1.0, 0.0, 0.0, 0.0, 0.585, 10.5), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.612, 6.0), False),
    ((3.0, 0.5, 2.0, 2.0, 1.0, 2.219, 2.0), True),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.578, 9.5), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.714, 12.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.678, 11.0), False),
    ((6.0, 0.286, 5.0, 2.0, 1.0, 4.89, 2.2), True),
    ((3.0, 1.0, 0.0, 0.0, 0.0, 0.493, 9.5), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.738, 13.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.955, 11.0), False),
    ((4.0, 1.0, 0.0, 0.0, 1.0, 2.896, 5.333), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.409, 6.0), False),
    ((3.0, 1.0, 0.0, 0.0, 0.0, 0.578, 4.5), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.056, 12.0), False),
    ((5.0, 0.5, 3.0, 3.0, 1.0, 2.95, 2.0), True),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.45, 8.5), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.543, 14.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.813, 12.0), False),
    ((4.0, 0.4, 3.0, 2.0, 1.0, 2.184, 2.667), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.439, 3.0), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 2.179, 8.5), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.644, 2.5), True),
    ((5.0, 0.667, 2.0, 4.0, 1.0, 3.099, 2.5), True),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 2.614, 7.0), False),
    ((3.0, 1.0, 0.0, 0.0, 0.0, 0.653, 12.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.099, 6.0), False),
    ((3.0, 1.0, 0.0, 0.0, 0.5, 0.84, 8.5), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.853, 8.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.355, 14.0), False),
    ((5.0, 0.667, 2.0, 4.0, 1.0, 3.246, 1.75), True),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.345, 2.5), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.358, 10.0), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.461, 6.5), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.287, 6.0), False),
    ((6.0, 0.286, 5.0, 2.0, 1.0, 2.648, 2.0), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.327, 6.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.442, 5.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.672, 8.0), False),
    ((3.0, 0.75, 1.0, 2.0, 0.5, 1.304, 6.5), False),
    ((5.0, 0.333, 4.0, 2.0, 1.0, 2.847, 2.25), True),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.921, 12.0), False),
    ((4.0, 1.0, 0.0, 0.0, 1.0, 1.937, 8.667), False),
    ((3.0, 1.0, 0.0, 0.0, 1.0, 1.557, 2.5), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.185, 5.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.096, 9.0), False),
    ((4.0, 1.0, 0.0, 0.0, 0.667, 0.828, 6.333), False),
    ((4.0, 0.8, 1.0, 4.0, 1.0, 2.252, 2.0), True),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.526, 7.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.452, 2.0), False),
    ((2.0, 1.0, 0.0, 0.0, 0.0, 0.931, 6.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.335, 7.0), False),
    ((3.0, 0.75, 1.0, 3.0, 1.0, 1.926, 2.0), True),
    ((3.0, 0.75, 1.0, 3.0, 1.0, 1.313, 2.5), True),
    ((3.0, 1.0, 0.0, 0.0, 0.5, 1.043, 11.0), False),
    ((2.0, 1.0, 0.0, 0.0, 1.0, 1.489, 11.0), False),
    ((5.0, 0.5, 3.0, 3.0, 1.0, 2.307, 2.25), True),
    ((6.0, 0.429, 4.0, 3.0, 1.0, 3.115, 2.0), True),
)
NEED_RECALL, NEED_PRECISION = 0.95, 0.9


def _bool_answer(rule, values, i: int) -> bool:
    row = dict(zip(TOKEN_NAMES, values, strict=True))
    got = call_learner(rule, (row,), "wash_rule(row)")
    reject_stub(got, "wash_rule(row)", first=i == 0)
    # the course's type policy: numpy bools count as bools; 0 and 1 do not
    if not isinstance(got, bool | np.bool_):
        raise Wrong(
            f"wash_rule(row) returned {short_repr(got)} ({type(got).__name__}); "
            "return a bool, True or False"
        )
    return bool(got)


def _wash_scores(rule) -> tuple[int, int, int]:
    _bool_answer(rule, TOKENS[0][0], 0)  # a stub is told before the afternoons run
    tp = fp = fn = 0
    for i, (values, washed) in enumerate(_scored_tokens()):
        got = _bool_answer(rule, values, i + 1)
        tp += got and washed
        fp += got and not washed
        fn += (not got) and washed
    return tp, fp, fn


def _test_wash_rule(rule: object) -> None:
    if not callable(rule):
        raise Wrong("pass your function wash_rule itself (without calling it)")
    tp, fp, fn = _wash_scores(rule)
    real = tp + fn
    recall = tp / real if real else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    count = len(_scored_tokens())
    if recall < NEED_RECALL:
        raise Wrong(
            f"on {count} held-out tokens (fourteen afternoons you have not seen) "
            f"your rule caught {tp} of {real} washed ones (recall {recall:.2f}; "
            f"{NEED_RECALL} is needed)"
        )
    if precision < NEED_PRECISION:
        raise Wrong(
            f"on {count} held-out tokens (fourteen afternoons you have not seen) "
            f"your rule flagged {fp} honest token(s) with {tp} washed ones "
            f"(precision {precision:.2f}; {NEED_PRECISION} is needed)"
        )


_SHOWN_WASHED = {values for values, washed in TOKENS if washed}


def _memorised_rule(row: dict) -> bool:
    return tuple(row[n] for n in TOKEN_NAMES) in _SHOWN_WASHED


_PUBLISHED_WASHED = _SHOWN_WASHED | {
    values for rows in _OLD_TABLE.values() for values, washed in rows if washed
}


def _memorised_held_out(row: dict) -> bool:
    """A lookup table of every labelled row the course ever printed or exported
    (``TOKENS`` and the old ``HELD_OUT``)."""
    return tuple(row[n] for n in TOKEN_NAMES) in _PUBLISHED_WASHED


def _good_rule(row: dict) -> bool:
    return row["sales"] >= 3 and row["rise_fraction"] == 1.0 and row["mean_gap"] <= 3


wash_rule = Check(
    "14.5 wash_rule",
    _test_wash_rule,
    right=[_good_rule, lambda row: np.bool_(_good_rule(row))],
    wrong=[
        lambda row: row["returns"] >= 1 and row["sales"] >= 3,  # the baseline
        lambda row: True,
        lambda row: row["sales"] >= 2,
        _memorised_rule,  # a lookup table of the rows shown in the exercise
        _memorised_held_out,
        lambda row: (  # < where <= is needed
            row["sales"] >= 3 and row["rise_fraction"] == 1.0 and row["mean_gap"] < 3
        ),
        lambda row: "yes" if _good_rule(row) else "",  # not a bool
        lambda row: np.bool_(row["returns"] >= 1 and row["sales"] >= 3),
        lambda row: int(_good_rule(row)),  # 1 and 0, not True and False
    ],
    hints=[
        "The baseline waits for the ring to close (returns >= 1). Which other "
        "features look odd for every washed token, closed ring or not?",
        "Compare washed and honest tokens on rise_fraction (do prices only go "
        "up?) and mean_gap (how many blocks between resales?).",
        "Try: at least 3 sales, every price step up, and resales at most 3 blocks "
        "apart on average.",
    ],
)
