"""Checks for lesson 05 (consensus and forks).

The exercises go past the lesson's code: the fork-choice rule on arrival-ordered
blocks (first seen wins ties), the depth of a reorg, applying a block all or nothing,
the exact race (negative binomial, Rosenfeld 2014) for an attacker with a secret head
start (refimpl has no head start: the learner derives it), and the wait it implies.
"""

from __future__ import annotations

import copy
import math
import os

import numpy as np

from refimpl.chain import (
    attacker_success_probability,
    bits_to_target,
    race_success_probability,
    work_from_bits,
)
from refimpl.course import Check, FunctionCheck, NotAttempted, Wrong
from refimpl.course.checks._optional import optional_check
from refimpl.course.feedback import (
    answers_equal,
    call_learner,
    describe_mismatch,
)

__all__ = [
    "best_tip",
    "reorg_depth",
    "apply_transfers",
    "race_success",
    "confirmations_needed",
]


# -- 05.1 --------------------------------------------------------------------------
def _tip(blocks, weight, *, ties_stay: bool = True) -> str:
    """The tip whose branch (genesis to tip) sums the most ``weight(bits)``, blocks in
    arrival order; on a tie the first seen stays (``ties_stay``) or the last takes over.
    The reference and its wrong variants below differ only in what they add up
    and in how they break ties."""
    total: dict[str, int] = {}
    best, best_total = "", -1
    for name, parent, bits in blocks:
        total[name] = (total[parent] if parent is not None else 0) + weight(bits)
        if total[name] > best_total or (not ties_stay and total[name] == best_total):
            best, best_total = name, total[name]
    return best


def _best_tip(blocks: list[tuple[str, str | None, int]]) -> str:
    return _tip(blocks, work_from_bits)  # the most cumulative work, first seen on ties


def _longest(blocks):
    return _tip(blocks, lambda bits: 1)  # counts blocks, not work


def _last_seen_wins(blocks):
    return _tip(blocks, work_from_bits, ties_stay=False)


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
    # a later branch draws level: the first seen keeps the lead
    ([("g", None, _E), ("a", "g", _E), ("b", "a", _E), ("c", "g", _E),
      ("d", "c", _E)],),
    # one hard block equals 256 easy ones plus one hash: it wins by 1
    ([("g", None, _E), ("h", "g", _H)] +
     [(f"e{i}", "g" if i == 0 else f"e{i - 1}", _E) for i in range(256)],),
    # genesis only
    ([("g", None, _H)],),
    # the hardest single block is not on the best branch
    ([("g", None, _E), ("a", "g", _H), ("b", "g", _E), ("c", "b", _H),
      ("d", "g", 0x1E00FFFF)],),
    # a tie between names out of alphabetical order: still the first seen
    ([("g", None, _E), ("b", "g", _E), ("a", "g", _E)],),
    # two equal hard blocks; an easy block on top decides by a little work (about 2
    # hashes on 2**180): exact integers see it, floats round it away
    ([("g", None, 0x207FFFFF), ("a", "g", 0x1700FFFF), ("b", "g", 0x1700FFFF),
      ("c", "b", 0x207FFFFF)],),
    # one block of twice the work against two blocks: the + 1 in target + 1 decides
    ([("g", None, 0x20010000), ("b", "g", 0x20010000), ("c", "b", 0x20010000),
      ("a", "g", 0x20008000)],),
    # one block of exactly the work of two: a tie, so the first seen stays, even
    # though the other branch is longer
    ([("g", None, 0x2000FFFF), ("a", "g", 0x1F7FC100), ("b", "g", 0x2000FFFF),
      ("c", "b", 0x2000FFFF)],),
    # ... and the same tie with the longer branch seen first: it stays
    ([("g", None, 0x2000FFFF), ("b", "g", 0x2000FFFF), ("c", "b", 0x2000FFFF),
      ("a", "g", 0x1F7FC100)],),
    # targets one apart: the work of each differs by a few hashes, not by
    # "difficulty" rounded to an integer
    ([("g", None, 0x207FFFFF), ("a", "g", 0x1F00FFFF), ("b", "g", 0x1F00FFFE)],),
]  # fmt: skip


def _show_blocks(args: tuple) -> str:
    """The whole block list, bits in hex as the lessons write them."""
    (blocks,) = args
    items = [f"({n!r}, {p!r}, {b:#010x})" for n, p, b in blocks]
    if len(items) > 8:
        items = items[:6] + [f"… {len(items) - 7} more …", items[-1]]
    return "[" + ", ".join(items) + "]"


def _hardest_single_block(blocks):
    best, best_work = "", -1
    for name, _, bits in blocks:
        if work_from_bits(bits) > best_work:
            best, best_work = name, work_from_bits(bits)
    return best


def _work_from_target_only(blocks):
    return _tip(blocks, bits_to_target)  # adds up targets: smaller is harder!


def _float_work(blocks):  # 2**256 / (target + 1) in floats: small work rounds away
    return _tip(blocks, lambda bits: 2.0**256 / (bits_to_target(bits) + 1))


def _work_without_plus_one(blocks):  # 2**256 // target: the + 1 forgotten
    return _tip(blocks, lambda bits: 2**256 // bits_to_target(bits))


def _tie_by_name(blocks):  # the most work, ties to the smallest name, not arrival
    total: dict[str, int] = {}
    for name, parent, bits in blocks:
        total[name] = (total[parent] if parent is not None else 0) + work_from_bits(
            bits
        )
    return min(total, key=lambda k: (-total[k], k))


def _longest_then_work(blocks):
    # the most blocks first, then the most work: one block outweighs any sum of work
    # here (at most a few hundred blocks of at most 2**256 each)
    return _tip(blocks, lambda bits: 2**300 + work_from_bits(bits))


def _tie_to_shorter(blocks):
    # on equal work the branch with fewer blocks wins
    best, best_key = "", (-1, 0)
    seen: dict[str, tuple[int, int]] = {}
    for name, parent, bits in blocks:
        work, height = seen[parent] if parent is not None else (0, -1)
        seen[name] = (work + work_from_bits(bits), height + 1)
        if (seen[name][0], -seen[name][1]) > best_key:
            best, best_key = name, (seen[name][0], -seen[name][1])
    return best


def _difficulty_work(blocks):
    # integer difficulty against the easiest target: targets close together tie
    easiest = bits_to_target(0x207FFFFF)
    return _tip(blocks, lambda bits: easiest // bits_to_target(bits))


def _tie_to_longer(blocks):
    # compares (cumulative work, height): on equal work the longer branch wins
    best, best_key = "", (-1, -1)
    seen: dict[str, tuple[int, int]] = {}
    for name, parent, bits in blocks:
        work, height = seen[parent] if parent is not None else (0, -1)
        seen[name] = (work + work_from_bits(bits), height + 1)
        if seen[name] > best_key:
            best, best_key = name, seen[name]
    return best


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
    wrong=[
        _longest,
        _last_seen_wins,
        lambda blocks: blocks[-1][0],
        _hardest_single_block,
        _work_from_target_only,
        _longest_then_work,
        _float_work,
        _work_without_plus_one,
        _tie_by_name,
        _tie_to_longer,
        _tie_to_shorter,
        _difficulty_work,
    ],
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


def _reorg_first_label_missing(old: list[str], new: list[str]) -> int:
    """Wrong: the split found at the first old label that is nowhere on ``new``."""
    for i, label in enumerate(old):
        if label not in new:
            return len(old) - i
    return 0


reorg_depth = FunctionCheck(
    "05.2 reorg_depth",
    reference=_reorg_depth,
    cases=[
        (["g", "a", "b"], ["g", "a", "b", "c"]),
        (["g", "a", "b"], ["g", "a", "x", "y"]),
        (["g", "a", "b", "c"], ["g", "x", "y", "z", "w"]),
        (["g"], ["g", "a"]),
        (["g", "a", "b", "c", "d"], ["g", "a", "b", "x", "y", "z"]),
        (["g", "a", "b"], ["g", "a", "b"]),  # the same branch: nothing undone
        (["g", "a", "b", "c"], ["g", "x", "y"]),  # a shorter branch with more work
        (["g", "a", "b", "c"], ["g", "a"]),
        # the same labels after the split (the same transactions mined again on the
        # other branch): different blocks, since their parents differ; still undone
        (["g", "a", "x", "c"], ["g", "b", "x", "c"]),
        # ... also when the old branch's first label reappears later on the new one
        (["g", "a"], ["g", "x", "a"]),
        (["g", "a", "b"], ["g", "b", "a"]),
        # labels longer than a letter: compared whole, not character by character
        (["g", "a1", "b"], ["g", "a2", "b"]),
    ],
    hints=[
        "Both branches start at genesis. How many blocks do they share from the start?",
        "The blocks of the old branch after the last shared block are the ones undone.",
        "count the common prefix, then return len(old) - common",
    ],
    wrong=[
        lambda old, new: len(new) - len(old),
        lambda old, new: len(new) - _common(old, new),
        lambda old, new: len(set(old) - set(new)) + 1,
        lambda old, new: len(set(old) - set(new)),  # names, not positions
        lambda old, new: len(old) - len(set(old) & set(new)),  # labels in common
        lambda old, new: abs(len(old) - len(new)),
        lambda old, new: max(0, len(old) - _common(old, new) - 1),  # off by one
        lambda old, new: float(_reorg_depth(old, new)),  # a count is an int
        _reorg_first_label_missing,
        lambda old, new: (
            len(old)  # the joined text's common prefix
            - len(os.path.commonprefix(["".join(old), "".join(new)]))
        ),
    ],
)
# The type policy: a numpy integer is an int (a count from np.argmin, np.sum, ...).
reorg_depth.right += [lambda old, new: np.int64(_reorg_depth(old, new))]


def _common(old, new):
    return len(old) - _reorg_depth(old, new)


# -- 05.3 --------------------------------------------------------------------------
def _apply(balances: dict[str, int], transfers: list[tuple[str, str, int]]):
    return _apply_by(balances, transfers, _refused)


def _refused(out, start, sender, amount) -> bool:
    """A transfer fails if its amount is not positive or the sender's balance so far
    (``out``, after the block's earlier transfers) does not cover it."""
    return amount <= 0 or out.get(sender, 0) < amount


def _apply_by(balances, transfers, refused, *, skip=False, in_place=False):
    """Apply ``transfers`` in order to a copy of ``balances`` (or to ``balances``
    itself); a transfer that ``refused(out, balances, sender, amount)`` refuses the
    whole block (None) or is skipped. The reference and its wrong variants below
    differ only in these choices."""
    out = balances if in_place else dict(balances)
    for sender, recipient, amount in transfers:
        if refused(out, balances, sender, amount):
            if skip:
                continue
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
    ({"alice": 100}, [("alice", "alice", 101)]),  # paying yourself: still covered
    ({"alice": 100}, [("alice", "bob", 100)]),  # exactly the whole balance
    ({"alice": 100}, [("alice", "bob", 101)]),
    ({"alice": 100}, [("alice", "bob", -5)]),
    ({"alice": 100, "bob": 0}, [("alice", "bob", 50), ("bob", "carol", 50)]),
    ({"alice": 10}, [("alice", "bob", 5), ("alice", "bob", 5), ("bob", "alice", 11)]),
    # a new account that passes on all it got stays, at 0; so does one already at 0
    ({"alice": 10}, [("alice", "carol", 5), ("carol", "dave", 5)]),
    ({"alice": 10, "zed": 0}, [("alice", "bob", 1)]),
]


def _test_apply(answer: object) -> None:
    if not callable(answer):
        raise Wrong("expected a function; pass apply_transfers itself, not a call")
    passed: list[object] = []  # the balances object the learner's function got

    def watched(balances_in, transfers_in):
        passed.append(balances_in)
        return answer(balances_in, transfers_in)

    for index, (balances, transfers) in enumerate(_APPLY_CASES):
        given = copy.deepcopy(balances)
        # the inputs whole (every case is short), so the learner can rebuild them
        call = f"apply_transfers({balances!r}, {transfers!r})"
        passed.clear()
        got = call_learner(watched, (given, copy.deepcopy(transfers)), call)
        if got is ...:
            raise NotAttempted()
        if given != balances:
            raise Wrong(f"{call} changed the balances it was given; work on a copy")
        if passed and got is passed[0]:
            raise Wrong(
                f"{call} returned the very dict it was given, not a new one: a "
                "caller that later changes the result would change its own balances "
                "too; return a copy (dict(balances)) even when nothing changes"
            )
        expected = _apply(balances, transfers)
        if expected is None and got is not None:
            raise Wrong(f"{call} should refuse the block (return None)")
        if expected is not None and got is None:
            raise Wrong(
                f"{call} returned None, but this block is valid: every transfer in "
                "it is covered, so return the new balances"
                + (" (did you forget a `return`?)" if index == 0 else "")
            )
        if expected is not None and not answers_equal(got, expected):
            raise Wrong(f"{call} {_keys_differ(got, expected)}")


def _keys_differ(got: object, expected: dict) -> str:
    """Which accounts a returned dict lacks or has too many (names only: they come
    from the inputs, not from the answer); else the usual description."""
    if isinstance(got, dict):
        lacks = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        parts = []
        if lacks:
            parts.append(
                f"lacks the account{'s' * (len(lacks) > 1)} "
                + ", ".join(repr(k) for k in lacks)
            )
        if extra:
            parts.append(
                f"has {'an account' if len(extra) == 1 else 'accounts'} "
                "it should not: " + ", ".join(repr(k) for k in extra[:5])
            )
        if parts:
            return "returned a dict that " + " and ".join(parts)
    return describe_mismatch(got, expected)


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
    right=[_apply],
)


def _apply_in_place(balances, transfers):
    return _apply_by(balances, transfers, _refused, in_place=True)


def _apply_skip_bad(balances, transfers):
    return _apply_by(balances, transfers, _refused, skip=True)


def _apply_strict(balances, transfers):  # > instead of >=: the whole balance fails
    return _apply_by(
        balances, transfers, lambda out, _, s, a: a <= 0 or out.get(s, 0) <= a
    )


def _apply_checks_start_balance(balances, transfers):  # the block's start only
    return _apply_by(
        balances, transfers, lambda _, start, s, a: a <= 0 or start.get(s, 0) < a
    )


def _apply_credit_first(balances, transfers):
    out = dict(balances)
    for sender, recipient, amount in transfers:
        if amount <= 0:
            return None
        out[recipient] = out.get(recipient, 0) + amount
        if out.get(sender, 0) < amount:
            return None
        out[sender] -= amount
    return out


def _apply_float_values(balances, transfers):  # amounts are ints: 70.0 is not 70
    out = _apply(balances, transfers)
    return None if out is None else {k: float(v) for k, v in out.items()}


def _apply_same_dict_if_empty(balances, transfers):
    if not transfers:
        return balances  # "nothing to do": but the caller's own dict comes back
    return _apply(balances, transfers)


def _apply_drops_zeros(balances, transfers):  # the text keeps emptied accounts
    out = _apply(balances, transfers)
    return None if out is None else {k: v for k, v in out.items() if v}


def _apply_drops_new_zeros(balances, transfers):  # keeps only the input's accounts
    out = _apply(balances, transfers)
    if out is None:
        return None
    return {k: v for k, v in out.items() if v or k in balances}


def _apply_drops_input_zeros(balances, transfers):  # starts without empty accounts
    return _apply({k: v for k, v in balances.items() if v}, transfers)


apply_transfers.wrong = [
    _apply_drops_new_zeros,
    _apply_drops_input_zeros,
    _apply_in_place,
    _apply_skip_bad,
    lambda b, t: dict(b),
    _apply_strict,
    _apply_checks_start_balance,
    _apply_credit_first,
    lambda b, t: _apply(b, t) or {},  # an empty dict, not None
    _apply_float_values,
    _apply_drops_zeros,
    _apply_same_dict_if_empty,
]


# -- 05.4 race_success: the exact race with a head start ---------------------------
def _race_success(q: float, z: int, ties_win: bool, head_start: int) -> float:
    """The exact race (Rosenfeld 2014) when the attacker starts ``head_start`` secret
    blocks ahead (a Finney attack for z = 0, head_start = 1). With no head start it is
    race_success_probability itself; tests/test_check_references.py holds the two
    equal on many inputs."""
    if head_start == 0:
        return race_success_probability(q, z, ties_win=ties_win)
    return _race_formula(q, z, ties_win, head_start)


class _IntNotFloat(Wrong):
    """An int (1, 0) where the text asks for a float probability."""


def _close(got: object, expected: float) -> bool:
    if isinstance(got, bool | np.bool_):
        return False
    if isinstance(got, int | np.integer):
        if math.isclose(int(got), expected, rel_tol=1e-9, abs_tol=1e-12):
            raise _IntNotFloat(f"returned the int {int(got)}")
        return False  # a wrong value is blamed on its value, not on its type
    if not isinstance(got, float):
        return False
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)


class _FloatCheck(FunctionCheck):
    """A FunctionCheck whose answer must be a float: an int (``return 1`` for a sure
    win) is refused, and the message names the call and says a float is asked."""

    def _run(self, answer: object) -> None:
        last: list[tuple] = []

        def recorded(*args: object) -> object:
            last[:] = [args]
            return answer(*args)  # type: ignore[operator]

        try:
            super()._run(recorded if callable(answer) else answer)
        except _IntNotFloat as wrong:
            call = f"{self.func_name}({self._show(last[0])})" if last else "it"
            raise Wrong(
                f"{call} {wrong}; the text asks for a float (a probability), "
                "even when it is certain: 1.0 or 0.0, not 1 or 0"
            ) from None


def _race_formula(q, z, ties_win, head_start, *, comb_shift=0, guard=True, cap=True):
    """The formula of the hints: 1 - sum over the attacker's m blocks (while he is
    still behind) of C(m + z - 1, m) p^z q^m (1 - (q/p)^deficit). The slips of the
    wrong variants below: C(m + z - 1 + comb_shift, m), no q >= p guard, or summing
    every m up to z even where the head start already wins (``cap=False``)."""
    p = 1.0 - q
    if guard and q >= p:
        return 1.0
    need = z + (0 if ties_win else 1) - head_start  # blocks short of winning
    if z == 0:
        return 1.0 if need <= 0 else (q / p) ** need
    last = min(z, need - 1) if cap else z
    return 1.0 - sum(
        math.comb(m + z - 1 + comb_shift, m)
        * p**z
        * q**m
        * (1.0 - (q / p) ** (need - m))
        for m in range(last + 1)
    )


def _race_poisson(q, z, ties_win, head_start):
    return attacker_success_probability(q, z)  # the lesson's §11 formula


def _race_ignores_ties(q, z, ties_win, head_start):
    return _race_success(q, z, True, head_start)


def _race_ignores_head_start(q, z, ties_win, head_start):
    return race_success_probability(q, z, ties_win=ties_win)


def _race_head_start_as_fewer_blocks(q, z, ties_win, head_start):
    # the head start taken off z: but the merchant still waits for z honest blocks
    return race_success_probability(q, max(z - head_start, 0), ties_win=ties_win)


def _race_q_ge_half_forgotten(q, z, ties_win, head_start):
    if q == 0.5:
        return 1.0  # the guard only at exactly one half
    return _race_formula(q, z, ties_win, head_start, guard=False)


def _race_int_when_sure(q, z, ties_win, head_start):
    # right values, but `return 1` for a sure win: the text asks for a float
    if q >= 1 - q:
        return 1
    return _race_success(q, z, ties_win, head_start)


_RACE_CASES = [
    (0.1, 2, True, 0),
    (0.1, 3, False, 0),
    (0.3, 0, True, 0),
    (0.3, 0, False, 0),
    (0.1, 1, True, 1),
    (0.3, 5, True, 1),
    (0.3, 6, False, 2),
    (0.25, 12, True, 3),
    (0.45, 30, False, 5),
    (0.1, 0, False, 1),  # the Finney attack: one block ahead already
    (0.2, 1, False, 1),
    (0.2, 2, True, 2),  # level before the race starts
    (0.2, 3, True, 5),  # further ahead than the merchant waits
    (0.0, 3, True, 0),
    (0.0, 3, True, 2),  # no hash power: the head start alone is not enough
    (0.0, 3, True, 3),  # ... unless it covers the whole wait
    (0.0, 3, False, 3),  # ... and, if ties lose, one block more
    (0.05, 1, False, 0),
    (0.5, 4, False, 1),
    (0.6, 3, True, 0),
    (0.7, 2, False, 2),
]

race_success = _FloatCheck(
    "05.4 race_success",
    reference=_race_success,
    cases=_RACE_CASES,
    compare=_close,
    hints=[
        "While the honest network finds z blocks the attacker finds m with the "
        "negative binomial probability C(m + z - 1, m) · p^z · q^m. He starts "
        "head_start blocks up, so afterwards he is z - m - head_start behind (one more "
        "if a tie is not enough).",
        "If that deficit is 0 or less he has already won; otherwise he catches up with "
        "probability (q/p)^deficit. Sum only the m where he is still behind. With "
        "q >= p he always wins. With z = 0 he has found m = 0 blocks for sure, so "
        "only the catch-up factor remains (math.comb(-1, 0) would raise).",
        "if q >= p: return 1.0; need = z + (0 if ties_win else 1) - head_start; if "
        "z == 0: return 1.0 if need "
        "<= 0 else (q/p)**need; total = 1 - sum(comb(m+z-1, m) * p**z * q**m * "
        "(1 - (q/p)**(need-m)) for m in range(min(z, need - 1) + 1))",
    ],
    wrong=[
        _race_poisson,
        _race_ignores_ties,
        _race_ignores_head_start,
        _race_head_start_as_fewer_blocks,
        lambda q, z, t, h: _race_formula(q, z, t, h, cap=False),  # m past the win
        lambda q, z, t, h: _race_formula(q, z, t, h, comb_shift=1),  # C(m + z, m)
        _race_q_ge_half_forgotten,
        lambda q, z, t, h: _race_success(q, z, not t, h),  # the flag read backwards
        lambda q, z, t, h: float(f"{_race_success(q, z, t, h):.4f}"),  # rounded
        lambda q, z, t, h: _race_success(q, z, t, h) if z else 1.0,  # z = 0 wins
        _race_int_when_sure,
    ],
)


# -- 05.5 confirmations_needed: the wait for the exact race --------------------------
def _first_z(still_too_likely, z: int = 0) -> int:
    """The first z from ``z`` up at which ``still_too_likely(z)`` is False."""
    while still_too_likely(z):
        z += 1
    return z


def _confirmations_needed(q: float, max_probability: float):
    # no z qualifies: a majority attacker always wins, and no probability is below
    # a bound <= 0 (refimpl's blocks_to_wait raises ValueError for both; the
    # exercise asks for None)
    if q >= 0.5 or max_probability <= 0:
        return None
    return _first_z(lambda z: race_success_probability(q, z) >= max_probability)


def _wait_cases() -> list[tuple]:
    return [
        (0.1, 0.001),
        (0.3, 0.001),
        (0.4, 0.001),
        (0.05, 0.01),
        (0.33, 0.05),
        (0.1, race_success_probability(0.1, 2)),  # exactly P(z = 2): not below it
        (0.2, race_success_probability(0.2, 7)),
        (0.0, 0.5),
        (0.5, 0.001),
        (0.6, 0.1),
        (0.1, 1.0),  # P(z = 0) = 1 is not below 1: one block
        (0.2, 1.01),  # a bound above 1: no wait at all
        # a strong minority attacker: hundreds of blocks, past any small cap
        (0.45, 0.001),
        (0.47, 0.01),
        (0.45, 1e-06),
        # a bound of 0 or below: no z gives a probability below it
        (0.1, 0.0),
        (0.0, 0.0),  # no hash power: P is 0.0 from z = 1 on, still not below 0
        (0.3, -0.5),
        # a majority attacker with a bound above 1: still no wait is enough
        (0.5, 1.01),
        (0.6, 2.0),
        # thousands of blocks: no cap on the loop, and no majority test below 0.5
        (0.48, 0.001),
        (0.49, 0.1),
        (0.0, 1.01),  # no hash power and a bound above 1: 0 blocks already do
    ]


def _wait_le(q, max_probability):  # stops at a probability equal to the bound
    if q >= 0.5:
        return None
    return _first_z(lambda z: race_success_probability(q, z) > max_probability)


def _wait_paper(q, max_probability):  # the whitepaper's Poisson step, not the race
    if q >= 0.5:
        return None
    return _first_z(lambda z: attacker_success_probability(q, z) >= max_probability)


def _wait_from_one(q, max_probability):  # never answers 0 blocks
    if q >= 0.5:
        return None
    return _first_z(lambda z: race_success_probability(q, z) >= max_probability, 1)


def _wait_ge_guard(q, max_probability):
    if q > 0.5:  # one-sided: q = 0.5 would loop for ever (stopped here)
        return None
    return _first_z(
        lambda z: race_success_probability(q, z) >= max_probability and z < 10_000
    )


def _stuck_loop(q, max_probability):
    """The learner's loop, stopped here once P has fallen to 0.0 and stayed there
    for 1000 blocks (the learner's own loop would run for ever)."""
    return _first_z(
        lambda z: (
            (p := race_success_probability(q, z)) >= max_probability
            and (p > 0 or z < 1000)
        )
    )


def _wait_negative_bound_only(q, max_probability):
    if q >= 0.5 or max_probability < 0:  # one-sided: a bound of 0 loops for ever
        return None
    return _stuck_loop(q, max_probability)


def _wait_no_bound_guard(q, max_probability):
    if q >= 0.5:  # the bound unchecked: 0 or below loops for ever
        return None
    return _stuck_loop(q, max_probability)


def _wait_bound_first(q, max_probability):
    """Wrong: a bound above 1 answers 0 before the majority test."""
    if max_probability > 1:
        return 0
    return _confirmations_needed(q, max_probability)


def _wait_capped_2000(q, max_probability):  # gives up after 2000 blocks
    if q >= 0.5 or max_probability <= 0:
        return None
    for z in range(2000):
        if race_success_probability(q, z) < max_probability:
            return z
    return None


def _wait_capped(q, max_probability):  # gives up after 200 blocks
    for z in range(200):
        if race_success_probability(q, z) < max_probability:
            return z
    return None


confirmations_needed = optional_check(
    "05.5 confirmations_needed",
    reference=_confirmations_needed,
    cases=_wait_cases,
    show=lambda args: f"{args[0]!r}, {args[1]!r}",
    hints=[
        "Try z = 0, 1, 2, ... and stop at the first z whose "
        "race_success_probability(q, z) is BELOW max_probability (strictly).",
        "A majority attacker (q >= 0.5) always wins: no wait is enough, so return None "
        "before the loop (q = 0.5 exactly included). The same when max_probability "
        "<= 0: no probability is below it (0 included), and the loop would never end.",
        "if q >= 0.5 or max_probability <= 0: return None; z = 0; while "
        "race_success_probability(q, z) >= max_probability: z += 1; return z",
    ],
    wrong=[
        _wait_le,
        _wait_paper,
        _wait_from_one,
        _wait_ge_guard,
        lambda q, m: None if q >= 0.5 else float(_confirmations_needed(q, m)),
        _wait_capped,
        _wait_negative_bound_only,
        _wait_no_bound_guard,
        _wait_bound_first,
        lambda q, m: None if q >= 0.49 else _confirmations_needed(q, m),
        _wait_capped_2000,
        lambda q, m: 1 if q == 0 and m > 0 else _confirmations_needed(q, m),
    ],
)
