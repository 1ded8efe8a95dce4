"""Checks for lesson 05 (consensus and forks)."""

from __future__ import annotations

import copy
import math

from refimpl.course import Check, FunctionCheck, NotAttempted, Wrong
from refimpl.course.feedback import call_learner, short_repr

__all__ = [
    "best_tip",
    "reorg_depth",
    "apply_transfers",
    "attacker_success",
    "confirmations_needed",
]


def _target(bits: int) -> int:
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    if exponent <= 3:
        return mantissa >> (8 * (3 - exponent))
    return mantissa << (8 * (exponent - 3))


def _work(bits: int) -> int:
    return 2**256 // (_target(bits) + 1)


# -- 05.1 --------------------------------------------------------------------------
def _best_tip(blocks: list[tuple[str, str | None, int]]) -> str:
    total: dict[str, int] = {}
    best, best_work = "", -1
    for name, parent, bits in blocks:
        total[name] = (total[parent] if parent is not None else 0) + _work(bits)
        if total[name] > best_work:  # strictly more: ties stay with the first seen
            best, best_work = name, total[name]
    return best


def _longest(blocks):
    depth: dict[str, int] = {}
    best, best_d = "", -1
    for name, parent, _ in blocks:
        depth[name] = depth[parent] + 1 if parent is not None else 0
        if depth[name] > best_d:
            best, best_d = name, depth[name]
    return best


def _last_seen_wins(blocks):
    total: dict[str, int] = {}
    best, best_work = "", -1
    for name, parent, bits in blocks:
        total[name] = (total[parent] if parent is not None else 0) + _work(bits)
        if total[name] >= best_work:
            best, best_work = name, total[name]
    return best


_E, _H = 0x2000FFFF, 0x1F00FFFF  # easy and 256x harder
_TIP_CASES = [  # one-letter names, arrival order
    ([("g", None, _E), ("a", "g", _E), ("b", "a", _E)],),
    ([("g", None, _E), ("a", "g", _E), ("b", "g", _E), ("c", "b", _E)],),
    ([("g", None, _E), ("a", "g", _E), ("b", "g", _E)],),  # tie: first seen
    # three easy blocks against one hard block: the hard branch has more work
    ([("g", None, _E), ("a", "g", _E), ("b", "a", _E), ("c", "b", _E),
      ("d", "g", _H)],),
    ([("g", None, _E), ("a", "g", _E), ("b", "a", _E), ("c", "g", _E),
      ("d", "c", _E), ("e", "d", _E), ("f", "b", _E)],),
]  # fmt: skip


def _show_blocks(args: tuple) -> str:
    """The whole block list, bits in hex as the lessons write them."""
    (blocks,) = args
    return "[" + ", ".join(f"({n!r}, {p!r}, {b:#010x})" for n, p, b in blocks) + "]"


best_tip = FunctionCheck(
    "05.1 best_tip",
    reference=_best_tip,
    cases=_TIP_CASES,
    hints=[
        "Walk the blocks in arrival order, keeping each block's cumulative work: its "
        "parent's total plus its own 2**256 // (target + 1).",
        "The best tip is the block with the largest cumulative work, not the longest "
        "branch. On a tie keep the block you saw first (update only on strictly more).",
        "total[name] = (total[parent] if parent else 0) + block_work(bits); "
        "if total[name] > best_work: best, best_work = name, total[name]",
    ],
    solution=(
        "def best_tip(blocks):\n"
        "    total, best, best_work = {}, None, -1\n"
        "    for name, parent, bits in blocks:\n"
        "        total[name] = (total[parent] if parent is not None else 0) + "
        "block_work(bits)\n"
        "        if total[name] > best_work:\n"
        "            best, best_work = name, total[name]\n"
        "    return best"
    ),
    wrong=[_longest, _last_seen_wins, lambda blocks: blocks[-1][0]],
    show=_show_blocks,
)


# -- 05.2 --------------------------------------------------------------------------
def _reorg_depth(old: list[str], new: list[str]) -> int:
    common = 0
    for a, b in zip(old, new):  # noqa: B905 - lengths differ on purpose
        if a != b:
            break
        common += 1
    return len(old) - common


reorg_depth = FunctionCheck(
    "05.2 reorg_depth",
    reference=_reorg_depth,
    cases=[
        (["g", "a", "b"], ["g", "a", "b", "c"]),
        (["g", "a", "b"], ["g", "a", "x", "y"]),
        (["g", "a", "b", "c"], ["g", "x", "y", "z", "w"]),
        (["g"], ["g", "a"]),
        (["g", "a", "b", "c", "d"], ["g", "a", "b", "x", "y", "z"]),
    ],
    hints=[
        "Both branches start at genesis. How many blocks do they share from the start?",
        "The blocks of the old branch after the last shared block are the ones undone.",
        "count the common prefix, then return len(old) - common",
    ],
    solution=(
        "def reorg_depth(old, new):\n"
        "    common = 0\n"
        "    while common < min(len(old), len(new)) and old[common] == new[common]:\n"
        "        common += 1\n"
        "    return len(old) - common"
    ),
    wrong=[
        lambda old, new: len(new) - len(old),
        lambda old, new: len(new) - _common(old, new),
        lambda old, new: len(set(old) - set(new)) + 1,
    ],
)


def _common(old, new):
    return len(old) - _reorg_depth(old, new)


# -- 05.3 --------------------------------------------------------------------------
def _apply(balances: dict[str, int], transfers: list[tuple[str, str, int]]):
    out = dict(balances)
    for sender, recipient, amount in transfers:
        if amount <= 0 or out.get(sender, 0) < amount:
            return None
        out[sender] -= amount
        out[recipient] = out.get(recipient, 0) + amount
    return out


_APPLY_CASES = [
    ({"alice": 100}, [("alice", "bob", 30)]),
    ({"alice": 100, "bob": 5}, [("alice", "bob", 30), ("bob", "carol", 35)]),
    ({"alice": 100}, [("alice", "bob", 60), ("alice", "bob", 60)]),  # 2nd overspends
    ({"alice": 100}, [("alice", "bob", 0)]),
    ({"alice": 100}, [("bob", "alice", 1)]),
    ({"alice": 100}, []),
    ({"alice": 100}, [("alice", "alice", 100)]),
]


def _test_apply(answer: object) -> None:
    if not callable(answer):
        raise Wrong("expected a function; pass apply_transfers itself, not a call")
    for index, (balances, transfers) in enumerate(_APPLY_CASES):
        given = copy.deepcopy(balances)
        call = (
            f"apply_transfers({short_repr(balances, 30)}, {short_repr(transfers, 40)})"
        )
        got = call_learner(answer, (given, copy.deepcopy(transfers)), call)
        if got is ... or got is None and index == 0:
            raise NotAttempted()
        if given != balances:
            raise Wrong(f"{call} changed the balances it was given; work on a copy")
        expected = _apply(balances, transfers)
        if expected is None and got is not None:
            raise Wrong(f"{call} should refuse the block (return None)")
        if expected is not None and got != expected:
            raise Wrong(f"{call} returned {short_repr(got, 50)}, which is not right")


apply_transfers = Check(
    "05.3 apply_transfers",
    _test_apply,
    hints=[
        "Copy the balances first (dict(balances)); apply the transfers in order to the "
        "copy; if any one fails, return None so that the whole block is refused.",
        "A transfer fails if its amount is not positive or the sender's balance (after "
        "the earlier transfers of the block) is below the amount.",
        "out = dict(balances); for s, r, a in transfers: if a <= 0 or "
        "out.get(s, 0) < a: return None; out[s] -= a; out[r] = out.get(r, 0) + a; "
        "finally return out",
    ],
    solution=(
        "def apply_transfers(balances, transfers):\n"
        "    out = dict(balances)\n"
        "    for sender, recipient, amount in transfers:\n"
        "        if amount <= 0 or out.get(sender, 0) < amount:\n"
        "            return None\n"
        "        out[sender] -= amount\n"
        "        out[recipient] = out.get(recipient, 0) + amount\n"
        "    return out"
    ),
    right=[_apply],
)


def _apply_in_place(balances, transfers):
    for sender, recipient, amount in transfers:
        if amount <= 0 or balances.get(sender, 0) < amount:
            return None
        balances[sender] -= amount
        balances[recipient] = balances.get(recipient, 0) + amount
    return balances


def _apply_skip_bad(balances, transfers):
    out = dict(balances)
    for sender, recipient, amount in transfers:
        if amount <= 0 or out.get(sender, 0) < amount:
            continue
        out[sender] -= amount
        out[recipient] = out.get(recipient, 0) + amount
    return out


apply_transfers.wrong = [_apply_in_place, _apply_skip_bad, lambda b, t: dict(b)]


# -- 05.4 --------------------------------------------------------------------------
def _attacker_success(q: float, z: int) -> float:
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total, poisson = 1.0, math.exp(-lam)  # Poisson(0; lam)
    for k in range(z + 1):
        if k:
            poisson *= lam / k  # Poisson(k) from Poisson(k - 1): no lam**k overflow
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


def _attacker_success_pow(q: float, z: int) -> float:
    """The formula typed as printed: lam**k overflows a float once z is ~150."""
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * q / p
    total = 1.0
    for k in range(z + 1):
        total -= math.exp(-lam) * lam**k / math.factorial(k) * (1 - (q / p) ** (z - k))
    return total


def _close(got: object, expected: float) -> bool:
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)


def _swapped_lambda(q, z):
    p = 1.0 - q
    lam = z * p / q
    total = 1.0
    for k in range(z + 1):
        total -= math.exp(-lam) * lam**k / math.factorial(k) * (1 - (q / p) ** (z - k))
    return total


attacker_success = FunctionCheck(
    "05.4 attacker_success",
    reference=_attacker_success,
    cases=[
        (0.1, 0),
        (0.1, 1),
        (0.1, 5),
        (0.3, 5),
        (0.3, 10),
        (0.25, 15),
        (0.5, 3),
        (0.6, 2),
        (0.45, 340),  # the whitepaper's last row: lam**k would overflow a float
    ],  # fmt: skip
    compare=_close,
    hints=[
        "p = 1 - q. If q >= p the attacker always wins: return 1.0. Otherwise "
        "lambda = z * q / p (the attacker's expected progress while the merchant "
        "waits).",
        "P = 1 - sum over k = 0..z of Poisson(k; lambda) * (1 - (q/p) ** (z - k)), "
        "where Poisson(k; lambda) = exp(-lambda) * lambda**k / k!. An OverflowError "
        "for a big z means lambda**k outgrew a float: start from poisson = "
        "exp(-lambda) (k = 0) and multiply by lambda / k for each next k, as the "
        "whitepaper's C code does.",
        "total, poisson = 1.0, math.exp(-lam); for k in range(z + 1): if k: poisson "
        "*= lam / k; total -= poisson * (1 - (q / p) ** (z - k)); return total",
    ],
    solution=(
        "def attacker_success(q, z):\n"
        "    p = 1 - q\n"
        "    if q >= p:\n"
        "        return 1.0\n"
        "    lam = z * q / p\n"
        "    total, poisson = 1.0, math.exp(-lam)  # Poisson(0)\n"
        "    for k in range(z + 1):\n"
        "        if k:\n"
        "            poisson *= lam / k  # Poisson(k) from Poisson(k - 1)\n"
        "        total -= poisson * (1 - (q / p) ** (z - k))\n"
        "    return total"
    ),
    wrong=[
        _swapped_lambda,
        lambda q, z: (q / (1 - q)) ** z if q < 0.5 else 1.0,
        lambda q, z: 1.0 - _attacker_success(q, z),
        _attacker_success_pow,
    ],
)


# -- 05.5 --------------------------------------------------------------------------
def _needed(q: float, max_probability: float) -> int:
    z = 0
    while _attacker_success(q, z) >= max_probability:
        z += 1
    return z


confirmations_needed = FunctionCheck(
    "05.5 confirmations_needed",
    reference=_needed,
    cases=[
        (0.1, 0.001),
        (0.2, 0.001),
        (0.3, 0.001),
        (0.1, 0.01),
        (0.25, 0.0001),
        (0.15, 0.5),
        (0.45, 0.001),  # 340 blocks
    ],  # fmt: skip
    hints=[
        "Try z = 0, 1, 2, ... and stop at the first z whose success probability is "
        "below max_probability.",
        "Use your attacker_success from 05.4. 'Below' is strict: P < max_probability.",
        "z = 0; while attacker_success(q, z) >= max_probability: z += 1; return z",
    ],
    solution=(
        "def confirmations_needed(q, max_probability):\n"
        "    z = 0\n"
        "    while attacker_success(q, z) >= max_probability:\n"
        "        z += 1\n"
        "    return z"
    ),
    wrong=[
        lambda q, m: _needed(q, m) + 1,
        lambda q, m: _needed(q, m) - 1,
        lambda q, m: math.ceil(math.log(m) / math.log(q / (1 - q))),
    ],
)
