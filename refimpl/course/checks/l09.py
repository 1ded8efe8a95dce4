"""Checks for lesson 09 (the market on chain)."""

from __future__ import annotations

import math

from refimpl.course import FunctionCheck, ValueCheck

__all__ = ["emission_split", "split_tokens", "permits", "copier_ratio"]


# -- 09.1 --------------------------------------------------------------------------
def _emission_split(total: int) -> tuple[int, int, int]:
    owner = total * 18 // 100
    miners = (total - owner) // 2
    return owner, miners, total - owner - miners


emission_split = FunctionCheck(
    "09.1 emission_split",
    reference=_emission_split,
    cases=[(10_000,), (5000,), (1001,), (7,), (0,), (12_345,)],
    hints=[
        "The owner takes 18% first (rounded down); the rest is halved.",
        "Miners get half of the rest rounded down; validators get what is left, "
        "so the three parts always add up to the total.",
        "owner = total * 18 // 100; miners = (total - owner) // 2; "
        "validators = total - owner - miners",
    ],
    solution=(
        "def emission_split(total):\n"
        "    owner = total * 18 // 100\n"
        "    miners = (total - owner) // 2\n"
        "    return owner, miners, total - owner - miners"
    ),
    wrong=[
        lambda t: (t * 18 // 100, t * 41 // 100, t * 41 // 100),
        lambda t: (round(t * 0.18), round(t * 0.41), round(t * 0.41)),
        lambda t: (
            t * 18 // 100,
            t - t * 18 // 100 - (t - t * 18 // 100) // 2,
            (t - t * 18 // 100) // 2,
        ),
    ],
)


# -- 09.2 --------------------------------------------------------------------------
def _split_tokens(pool: int, shares: list[float]) -> list[int]:
    total = sum(shares)
    quota = [pool * s / total for s in shares]
    base = [math.floor(q) for q in quota]
    left = pool - sum(base)
    order = sorted(range(len(shares)), key=lambda i: (-(quota[i] - base[i]), i))
    for k in range(left):
        base[order[k % len(shares)]] += 1
    return base


split_tokens = FunctionCheck(
    "09.2 split_tokens",
    reference=_split_tokens,
    cases=[
        (10, [1, 1, 1]),
        (7, [0.5, 0.25, 0.25]),
        (100, [0.3, 0.3, 0.4]),
        (1000, [0.125, 0.375, 0.5]),
        (5, [1, 1, 1, 1, 1, 1, 1]),
        (4100, [0.238, 0.249, 0.213, 0.161, 0.084, 0.0, 0.055]),
    ],
    hints=[
        "Give everyone the floor of their exact share first; some units are left.",
        "Hand the leftover units out one each, largest fractional part first; "
        "on a tie, the lower index goes first.",
        "order = sorted(range(n), key=lambda i: (-(quota[i] - base[i]), i))",
    ],
    solution=(
        "def split_tokens(pool, shares):\n"
        "    total = sum(shares)\n"
        "    quota = [pool * s / total for s in shares]\n"
        "    base = [math.floor(q) for q in quota]\n"
        "    order = sorted(range(len(shares)),\n"
        "                   key=lambda i: (-(quota[i] - base[i]), i))\n"
        "    for k in range(pool - sum(base)):\n"
        "        base[order[k % len(shares)]] += 1\n"
        "    return base"
    ),
    wrong=[
        lambda pool, shares: [math.floor(pool * s / sum(shares)) for s in shares],
        lambda pool, shares: [round(pool * s / sum(shares)) for s in shares],
    ],
)


# -- 09.3 --------------------------------------------------------------------------
def _permits(stake: list[int], k: int) -> list[bool]:
    order = sorted(range(len(stake)), key=lambda i: stake[i])  # stable, ascending
    top = set(order[len(order) - k :]) if k > 0 else set()
    return [i in top and stake[i] > 0 for i in range(len(stake))]


def _permits_zero_ok(stake, k):
    order = sorted(range(len(stake)), key=lambda i: stake[i])
    top = set(order[len(order) - k :]) if k > 0 else set()
    return [i in top for i in range(len(stake))]


def _permits_low_uid_wins(stake, k):
    order = sorted(range(len(stake)), key=lambda i: (stake[i], -i))
    top = set(order[len(order) - k :]) if k > 0 else set()
    return [i in top and stake[i] > 0 for i in range(len(stake))]


permits = FunctionCheck(
    "09.3 permits",
    reference=_permits,
    cases=[
        ([400, 0, 250, 150, 200], 2),
        ([400, 0, 250, 150, 200], 4),
        ([5, 0, 0], 2),
        ([3, 3, 3, 1], 2),
        ([7, 7], 1),
        ([1, 2, 3], 0),
    ],
    hints=[
        "Validator permits go to the k largest stakes; zero stake never gets one.",
        "Sort the uids by stake, ascending, with a stable sort; the last k win. "
        "So among equal stakes the lower uid loses first.",
        "order = sorted(range(n), key=lambda i: stake[i]); top = set(order[n - k:])",
    ],
    solution=(
        "def permits(stake, k):\n"
        "    order = sorted(range(len(stake)), key=lambda i: stake[i])\n"
        "    top = set(order[len(order) - k:]) if k > 0 else set()\n"
        "    return [i in top and stake[i] > 0 for i in range(len(stake))]"
    ),
    wrong=[_permits_zero_ok, _permits_low_uid_wins],
)


# -- 09.4 --------------------------------------------------------------------------
def _copier_ratio() -> float:
    from refimpl.market.commit_reveal import copier_toy

    return round(copier_toy(2).copier_ratio, 2)


copier_ratio = ValueCheck(
    "09.4 copier_ratio",
    expected=_copier_ratio,
    compare=lambda got, exp: isinstance(got, float | int) and abs(got - exp) < 0.006,
    describe="the copier's dividends / stake share with weights revealed 2 epochs "
    "late, rounded to 2 decimals",
    hints=[
        "Run refimpl.market.commit_reveal.copier_toy with delay=2.",
        "The result has a .copier_ratio property; round it to 2 decimals.",
        "round(copier_toy(2).copier_ratio, 2)",
    ],
    solution=(
        "from refimpl.market.commit_reveal import copier_toy\n"
        "answer = round(copier_toy(2).copier_ratio, 2)"
    ),
    wrong=[1.0, 0.93, 0.2],
)
