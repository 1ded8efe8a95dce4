"""Checks for lesson 09 (the market on chain).

One source of truth: 09.2 is checked against ``refimpl.market.subnet.split_tokens``,
09.3 against ``refimpl.market.yuma.validator_permits`` and 09.4 against
``refimpl.market.commit_reveal.copier_toy``. 09.1 is the rule of the three lines
of ``Subnet``'s epoch that split the minted tokens (owner, miner pool, validator
pool), with the owner's percent as a parameter. Function checks refuse answers
that change their inputs in place.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from refimpl.course import ValueCheck
from refimpl.course.checks._pure import PureFunctionCheck
from refimpl.market.subnet import split_tokens as _refimpl_split_tokens
from refimpl.market.yuma import validator_permits

__all__ = ["emission_split", "split_tokens", "permits", "min_delay"]


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _ints_equal(got: Any, expected: Any) -> bool:
    """Same length, each item an int (numpy ints welcome) of the same value."""
    if isinstance(expected, tuple) and type(got) is not tuple:
        return False
    if isinstance(expected, list) and type(got) is not list:
        return False
    return (
        len(got) == len(expected)
        and all(_is_int(g) for g in got)
        and all(int(g) == e for g, e in zip(got, expected, strict=True))
    )


# -- 09.1 --------------------------------------------------------------------------
def _emission_split(total: int, owner_percent: int) -> tuple[int, int, int]:
    owner = total * owner_percent // 100
    miners = (total - owner) // 2
    return owner, miners, total - owner - miners


emission_split = PureFunctionCheck(
    "09.1 emission_split",
    reference=_emission_split,
    cases=[
        (100, 29),  # int(100 * (29 / 100)) is 28: percentages as floats fail here
        (10_000, 18),
        (5000, 18),
        (1001, 18),
        (7, 18),
        (0, 18),
        (12_345, 18),
        (999, 0),
        (999, 100),
        (101, 50),
        (3, 33),
        (1, 99),
        (2**62 + 1, 18),
    ],
    compare=_ints_equal,
    returns=tuple,
    hints=[
        "The owner takes owner_percent percent first (rounded down); the rest is "
        "halved.",
        "Miners get half of the rest rounded down; validators get what is left, "
        "so the three parts always add up to the total.",
        "owner = total * owner_percent // 100; miners = (total - owner) // 2; "
        "validators = total - owner - miners. Integers only: floats lose tokens on "
        "large totals.",
    ],
    wrong=[
        lambda t, p: (t * p // 100, t * 41 // 100, t * 41 // 100),
        lambda t, p: (
            t * p // 100,
            t * (100 - p) // 200,
            t * (100 - p) // 200,
        ),
        lambda t, p: (
            round(t * p / 100),
            round(t * (100 - p) / 200),
            t - round(t * p / 100) - round(t * (100 - p) / 200),
        ),
        lambda t, p: (  # the odd unit to the miners instead of the validators
            t * p // 100,
            t - t * p // 100 - (t - t * p // 100) // 2,
            (t - t * p // 100) // 2,
        ),
        lambda t, p: _emission_split(t, 18),  # only the lesson's 18%
        lambda t, p: (  # the owner rounded up
            -(-t * p // 100),
            (t + (t * p // -100)) // 2,
            t + (t * p // -100) - (t + (t * p // -100)) // 2,
        ),
        lambda t, p: tuple(float(x) for x in _emission_split(t, p)),
        lambda t, p: (  # floats: exact on small totals only
            int(t * p / 100),
            int((t - int(t * p / 100)) / 2),
            t - int(t * p / 100) - int((t - int(t * p / 100)) / 2),
        ),
        lambda t, p: (  # the percent as a float fraction first: 0.29 * 100 < 29
            int(t * (p / 100)),
            (t - int(t * (p / 100))) // 2,
            t - int(t * (p / 100)) - (t - int(t * (p / 100))) // 2,
        ),
    ],
)


# -- 09.2 --------------------------------------------------------------------------
def _split_tokens(pool: int, shares: list[int]) -> list[int]:
    return _refimpl_split_tokens(pool, shares)


def _split_float(pool, shares, *, tie_high=False):
    """The float version: wrong at exact ties and on large pools."""
    total = sum(shares)
    quota = [pool * s / total for s in shares]
    base = [math.floor(q) for q in quota]
    sign = 1 if tie_high else -1
    order = sorted(range(len(shares)), key=lambda i: (-(quota[i] - base[i]), sign * i))
    for k in range(pool - sum(base)):
        base[order[k % len(shares)]] += 1
    return base


def _split_exact(pool, shares, *, tie_high=False, smallest_first=False):
    total = sum(shares)
    base = [pool * s // total for s in shares]
    rest = [pool * s % total for s in shares]
    sign = 1 if smallest_first else -1
    tie = -1 if tie_high else 1
    order = sorted(range(len(shares)), key=lambda i: (sign * rest[i], tie * i))
    for i in order[: pool - sum(base)]:
        base[i] += 1
    return base


def _split_unstable(pool, shares):
    """numpy's default argsort is not stable: ties among 17+ shares come out mixed."""
    total = sum(shares)
    base = [pool * s // total for s in shares]
    rest = np.array([pool * s % total for s in shares])
    for i in np.argsort(-rest)[: pool - sum(base)]:
        base[int(i)] += 1
    return base


def _split_int64(pool, shares):
    """numpy int64 arithmetic: pool * share overflows on large pools."""
    s = np.array(shares)
    total = s.sum()
    base, rest = pool * s // total, pool * s % total
    order = np.lexsort((np.arange(len(s)), -rest))
    base[order[: pool - base.sum()]] += 1
    return base.tolist()


def _split_sorts_shares(pool, shares):
    result = _split_exact(pool, shares)
    shares.sort()
    return result


def _split_float_remainder(pool, shares):  # exact floors, remainders as floats
    total = sum(shares)
    base = [pool * s // total for s in shares]
    rest = [pool * s % total for s in shares]
    order = sorted(range(len(shares)), key=lambda i: rest[i] / total, reverse=True)
    for i in order[: pool - sum(base)]:
        base[i] += 1
    return base


def _show_shares(shares: Any) -> str:
    """Shares so they can be typed back: whole when short, else as the repetition
    that built them (``[1, 2] * 20``), else whole anyway, never cut."""
    try:
        items = list(shares)
    except TypeError:
        return repr(shares)
    text = repr(items)
    n = len(items)
    if len(text) <= 100:
        return text
    for period in range(1, n // 2 + 1):
        if n % period == 0 and items == items[:period] * (n // period):
            return f"{items[:period]!r} * {n // period}"
    return text


def _show_split(args: tuple) -> str:
    pool, shares = args
    return f"{pool!r}, {_show_shares(shares)}"


def _split_tie_to_smaller_share(pool: int, shares: list[int]) -> list[int]:
    """Wrong: equal remainders go to the smaller share first, then the lower index."""
    total = sum(shares)
    if total == 0:
        return _split_tokens(pool, shares)
    base = [pool * s // total for s in shares]
    rest = [pool * s % total for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-rest[i], shares[i], i))
    for i in order[: pool - sum(base)]:
        base[i] += 1
    return base


split_tokens = PureFunctionCheck(
    "09.2 split_tokens",
    reference=_split_tokens,
    cases=lambda: [
        (10, [1, 1, 1]),
        (7, [2, 1, 1]),
        (100, [3, 3, 4]),
        (3, [1, 1, 7]),  # every remainder exactly 1/3: a real tie
        (3, [7, 1, 1]),  # ... with the larger share at the lower index
        (4, [5, 2, 2, 2]),
        (5, [1, 1, 1, 1, 1, 1, 1]),
        (4100, [238, 249, 213, 161, 84, 0, 55]),
        (0, [5, 3]),
        (1, [0, 4, 4]),
        (2, [3, 0, 3, 3]),
        (10**17 + 1, [1, 2]),  # floats lose whole tokens here
        (9, [10**18, 1, 10**18]),
        (10**12, [10**9, 3 * 10**9, 7]),  # pool * share exceeds 64 bits
        (25, [1, 2] * 20),  # many equal remainders: only a stable order is right
        (30, [1, 1, 2] * 9),
        (1, [10**17, 10**17 + 1]),  # remainders too close for a float to tell apart
    ],
    compare=_ints_equal,
    returns=list,
    show=_show_split,
    hints=[
        "Give everyone the floor of their exact share first; some units are left "
        "(fewer than the number of shares).",
        "Hand the leftover units out one each, largest fractional part first; "
        "on a tie, the lower index goes first.",
        "Integers only: base = pool * s // total, rest = pool * s % total; sort the "
        "indices by (-rest[i], i) and give one unit to each of the first "
        "pool - sum(base).",
    ],
    wrong=[
        lambda pool, shares: [math.floor(pool * s / sum(shares)) for s in shares],
        lambda pool, shares: [round(pool * s / sum(shares)) for s in shares],
        _split_float,
        lambda pool, shares: _split_exact(pool, shares, tie_high=True),
        lambda pool, shares: _split_exact(pool, shares, smallest_first=True),
        lambda pool, shares: [float(x) for x in _split_exact(pool, shares)],
        lambda pool, shares: np.array(_split_exact(pool, shares)),
        _split_sorts_shares,
        _split_tie_to_smaller_share,
        _split_unstable,
        _split_int64,
        _split_float_remainder,
    ],
)


# -- 09.3 --------------------------------------------------------------------------
def _bools_equal(got: Any, expected: list[bool]) -> bool:
    return (
        type(got) is list
        and len(got) == len(expected)
        and all(isinstance(g, bool | np.bool_) for g in got)
        and all(bool(g) == e for g, e in zip(got, expected, strict=True))
    )


def _permits(stake: list[int], k: int) -> list[bool]:
    return [bool(x) for x in validator_permits(stake, k)]


def _permits_negative_slice(stake, k):  # the old solution: wrong when k > n
    order = sorted(range(len(stake)), key=lambda i: stake[i])
    top = set(order[len(order) - k :]) if k > 0 else set()
    return [i in top and stake[i] > 0 for i in range(len(stake))]


def _permits_zero_ok(stake, k):
    order = sorted(range(len(stake)), key=lambda i: stake[i])
    top = set(order[max(0, len(order) - k) :])
    return [i in top for i in range(len(stake))]


def _permits_low_uid_wins(stake, k):
    order = sorted(range(len(stake)), key=lambda i: (stake[i], -i))
    top = set(order[max(0, len(order) - k) :])
    return [i in top and stake[i] > 0 for i in range(len(stake))]


def _permits_threshold(stake, k):  # everyone tied with the k-th stake gets one
    if k == 0:
        return [False] * len(stake)
    cut = sorted(stake, reverse=True)[min(k, len(stake)) - 1]
    return [s >= cut and s > 0 for s in stake]


def _permits_unstable(stake, k):  # numpy's default argsort is not stable
    n = len(stake)
    top = set(np.argsort(stake)[max(n - k, 0) :].tolist())
    return [i in top and stake[i] > 0 for i in range(n)]


def _permits_sorts_in_place(stake, k):
    result = _permits(list(stake), k)
    stake.sort()
    return result


permits = PureFunctionCheck(
    "09.3 permits",
    reference=_permits,
    cases=lambda: [
        ([400, 0, 250, 150, 200], 2),
        ([400, 0, 250, 150, 200], 4),
        ([5, 0, 0], 2),
        ([3, 3, 3, 1], 2),
        ([7, 7], 1),
        ([1, 2, 3], 0),
        ([1, 2, 3], 5),  # k > n: every staked uid
        ([4, 0, 9], 7),
        ([2, 2, 2], 3),  # k = n
        ([], 2),
        ([0, 0], 1),
        ([5] * 17 + [0] * 3, 9),  # 17+ equal stakes: only a stable sort is right
        ([2, 1] * 12, 5),
        ([4, 4, 2] * 7, 8),
    ],
    compare=_bools_equal,
    returns=list,
    hints=[
        "Validator permits go to the k largest stakes; zero stake never gets one.",
        "Sort the uids by stake, ascending, with a stable sort; the last k win. "
        "So among equal stakes the lower uid loses first.",
        "Careful when k > n: order[n - k:] with a negative start counts from the end. "
        "Use order[max(0, n - k):].",
    ],
    wrong=[
        _permits_negative_slice,
        _permits_zero_ok,
        _permits_low_uid_wins,
        _permits_threshold,
        _permits_sorts_in_place,
        _permits_unstable,
        lambda stake, k: np.array(_permits(stake, k)),
        lambda stake, k: [int(x) for x in _permits(stake, k)],
    ],
)


# -- 09.4 --------------------------------------------------------------------------
def _min_delay() -> int:
    from refimpl.market.commit_reveal import copier_toy

    return next(d for d in range(20) if copier_toy(d, period=4).copier_ratio < 0.9)


min_delay = ValueCheck(
    "09.4 min_delay",
    expected=_min_delay,
    compare=lambda got, exp: _is_int(got) and int(got) == exp,
    describe="the smallest reveal delay (whole epochs) that pays the copier less "
    "than 90% when the best miner changes every 4 epochs",
    hints=[
        "Loop over delays 0, 1, 2, ... and run copier_toy(delay, period=4) each time.",
        "Stop at the first delay whose .copier_ratio is below 0.9 (strictly).",
        "next(d for d in range(20) if copier_toy(d, period=4).copier_ratio < 0.9)",
    ],
    wrong=[2, 4, 1, 3.0, "3", 0.898, True],
)
