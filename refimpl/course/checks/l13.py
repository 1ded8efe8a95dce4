"""Checks for lesson 13 (capstone: an art subnet)."""

from __future__ import annotations

import numpy as np

from refimpl.course import FunctionCheck, ValueCheck

__all__ = [
    "find_duplicates",
    "near_duplicate",
    "validator_row",
    "resale_royalty",
    "majority_cabal",
]


# -- 13.1 --------------------------------------------------------------------------
def _find_duplicates(cids, registered_at, seen=()):
    old, kept, dups = set(seen), set(), set()
    for j in sorted(range(len(cids)), key=lambda j: (registered_at[j], j)):
        if cids[j] in old or cids[j] in kept:
            dups.add(j)
        else:
            kept.add(cids[j])
    return dups


find_duplicates = FunctionCheck(
    "13.1 find_duplicates",
    reference=_find_duplicates,
    cases=[
        (["a", "b", "c"], [1, 1, 1], []),
        (["a", "b", "a"], [1, 1, 1], []),
        (["a", "b", "a", "c", "b"], [1, 1, 1, 1, 1], []),
        (["a", "b", "a"], [5, 1, 1], []),
        (["a", "b", "c"], [1, 1, 1], ["c"]),
        (["x", "x", "x"], [3, 2, 1], []),
        (["a", "a", "b"], [2, 2, 1], ["b"]),
        ([], [], []),
    ],
    hints=[
        "Visit the miners from the earliest-registered to the latest (ties: lower "
        "index first) and remember which content ids you have already kept.",
        "An index is a duplicate when its id was seen in an earlier epoch (`seen`) "
        "or was already kept this epoch; otherwise keep its id.",
        "order = sorted(range(len(cids)), key=lambda j: (registered_at[j], j))",
    ],
    solution=(
        "def find_duplicates(cids, registered_at, seen=()):\n"
        "    old, kept, dups = set(seen), set(), set()\n"
        "    for j in sorted(range(len(cids)), key=lambda j: (registered_at[j], j)):\n"
        "        if cids[j] in old or cids[j] in kept:\n"
        "            dups.add(j)\n"
        "        else:\n"
        "            kept.add(cids[j])\n"
        "    return dups"
    ),
    wrong=[
        # by index only: ignores who registered first
        lambda c, r, s=(): {j for j in range(len(c)) if c[j] in c[:j] or c[j] in s},
        # forgets the earlier epochs
        lambda c, r, s=(): _find_duplicates(c, r, ()),
        # marks every copy, the original too
        lambda c, r, s=(): {j for j in range(len(c)) if c.count(c[j]) > 1 or c[j] in s},
    ],
)


# -- 13.2 --------------------------------------------------------------------------
def _near_duplicate(a, b, tol=2.0):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    return bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() < tol)


def _near_cases():
    rng = np.random.RandomState(13)
    base = rng.randint(0, 256, (4, 4, 3)).astype(np.uint8)
    one = base.copy()
    one[0, 0, 0] = (int(one[0, 0, 0]) + 1) % 256
    low = np.full((4, 4, 3), 10, np.uint8)
    high = np.full((4, 4, 3), 11, np.uint8)
    other = rng.randint(0, 256, (4, 4, 3)).astype(np.uint8)
    spot = base.copy()
    v = int(spot[1, 1, 0])
    spot[1, 1, 0] = v + 60 if v < 128 else v - 60  # one channel moved: same picture
    return [
        (base, base.copy()),
        (base, one),
        (base, spot),
        (low, high),
        (high, low),
        (base, other),
        (low, np.full((4, 4, 3), 13, np.uint8)),
        (low, high, 0.5),
        (low, np.full((4, 4, 3), 12, np.uint8)),  # exactly tol: not below it
        (base, base[:2]),
    ]


near_duplicate = FunctionCheck(
    "13.2 near_duplicate",
    reference=_near_duplicate,
    cases=_near_cases,
    compare=lambda got, exp: isinstance(got, bool | np.bool_) and bool(got) == exp,
    hints=[
        "Compare pixels, not content ids: the mean absolute difference of the two "
        "images, below `tol`, means 'the same picture'. Different shapes are never "
        "the same picture.",
        "uint8 arithmetic wraps around: 10 - 11 is 255 in uint8. Convert to a "
        "signed integer type before subtracting.",
        "np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() < tol",
    ],
    solution=(
        "def near_duplicate(a, b, tol=2.0):\n"
        "    if a.shape != b.shape:\n"
        "        return False\n"
        "    diff = np.abs(a.astype(np.int64) - b.astype(np.int64))\n"
        "    return bool(diff.mean() < tol)"
    ),
    wrong=[
        lambda a, b, tol=2.0: a.shape == b.shape and bool((a == b).all()),
        lambda a, b, tol=2.0: a.shape == b.shape and bool(np.abs(a - b).mean() < tol),
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).max() < tol)
        ),
        # "below tol" read as "at most tol"
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() <= tol)
        ),
    ],
)


# -- 13.3 --------------------------------------------------------------------------
def _validator_row(scores, valid, duplicate, bar=0.05):
    return [
        max(0.0, s - bar) if ok and not dup else 0.0
        for s, ok, dup in zip(scores, valid, duplicate, strict=True)
    ]


def _close_lists(got, exp):
    got = [float(x) for x in got]
    return len(got) == len(exp) and bool(np.allclose(got, exp, atol=1e-12))


validator_row = FunctionCheck(
    "13.3 validator_row",
    reference=_validator_row,
    cases=[
        ([0.5, 0.3], [True, True], [False, False]),
        ([0.5, 0.3], [True, False], [False, False]),
        ([0.5, 0.5], [True, True], [False, True]),
        ([0.04, 0.05, 0.06], [True, True, True], [False, False, False]),
        ([0.9, 0.2, 0.7], [True, True, True], [False, False, False], 0.1),
        ([], [], []),
    ],
    compare=_close_lists,
    hints=[
        "Invalid images and duplicates get 0 whatever the critic says.",
        "Everything else gets the score minus the bar, and never less than 0.",
        "max(0.0, s - bar) if ok and not dup else 0.0",
    ],
    solution=(
        "def validator_row(scores, valid, duplicate, bar=0.05):\n"
        "    return [max(0.0, s - bar) if ok and not dup else 0.0\n"
        "            for s, ok, dup in zip(scores, valid, duplicate)]"
    ),
    wrong=[
        lambda s, v, d, bar=0.05: [
            max(0.0, x - bar) if ok else 0.0 for x, ok in zip(s, v, strict=True)
        ],
        lambda s, v, d, bar=0.05: [
            x if ok and not dup and x > bar else 0.0
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [
            max(0.0, x - 0.05) if ok and not dup else 0.0
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
    ],
)


# -- 13.4 --------------------------------------------------------------------------
resale_royalty = ValueCheck(
    "13.4 resale_royalty",
    expected=lambda: 12_379 * 500 // 10_000,
    describe="the royalty in whole tokens (an int)",
    hints=[
        "EIP-2981: the royalty is a fraction of the sale price in basis points "
        "(1/10000).",
        "The chain works in whole tokens and rounds down (OpenZeppelin's mulDiv).",
        "price * bps // 10000",
    ],
    solution="resale_royalty = 12_379 * 500 // 10_000   # 618, not 618.95 rounded",
    wrong=[619, 618.95, 61895, 0],  # 619: rounded, not floored
)


# -- 13.5 --------------------------------------------------------------------------
majority_cabal = ValueCheck(
    "13.5 majority_cabal",
    expected=lambda: True,
    describe="True or False",
    hints=[
        "Yuma's consensus weight of a miner is the largest weight that validators "
        "holding at least half (kappa) of the stake give it.",
        "With 60% of the stake, the cabal alone is that majority.",
        "Clipping protects against a *minority*; a majority sets the consensus.",
    ],
    solution=(
        "majority_cabal = True   # with > 50% of stake the cabal is the consensus"
    ),
    wrong=[False],
)
