"""Checks for lesson 13 (capstone: an art subnet).

One source of truth: 13.1 is ``refimpl.artnet.find_duplicates``, 13.3 is built on
``refimpl.artnet.weights_from_scores``, 13.4 on ``refimpl.nft.royalty_amount`` and
13.5 on ``refimpl.market.yuma.epoch``. Function checks refuse answers that change
their inputs in place.
"""

from __future__ import annotations

import numpy as np

from refimpl.course import ValueCheck, Wrong
from refimpl.course.checks._pure import PureFunctionCheck
from refimpl.course.checks._whole import is_whole, smallest_where

__all__ = [
    "find_duplicates",
    "near_duplicate",
    "validator_row",
    "min_price",
    "cabal_stake",
]


# -- 13.1 --------------------------------------------------------------------------
def _one_epoch(cids, registered_at, seen=()):
    from refimpl.artnet import find_duplicates as refimpl_find_duplicates

    return refimpl_find_duplicates(cids, registered_at, seen)


def _over_epochs(one_epoch, *, memory="all"):
    """Run a one-epoch rule over the epochs, remembering the earlier ids."""

    def run(epochs, registered_at):
        seen: set[str] = set()
        history: list[set[str]] = []
        out = []
        for cids in epochs:
            out.append(one_epoch(cids, registered_at, seen if memory else ()))
            history.append(set(cids))
            if memory == "last":
                seen = set(cids)
            elif memory == "two":
                seen = set().union(*history[-2:])
            else:
                seen |= set(cids)
        return out

    return run


_find_duplicates = _over_epochs(_one_epoch)


def _dups_by(cids, registered_at, seen=(), *, late_tie=False):
    old, kept, dups = set(seen), set(), set()
    sign = -1 if late_tie else 1
    for j in sorted(range(len(cids)), key=lambda j: (registered_at[j], sign * j)):
        if cids[j] in old or cids[j] in kept:
            dups.add(j)
        else:
            kept.add(cids[j])
    return dups


def _dups_unstable(cids, registered_at, seen=()):
    old, kept, dups = set(seen), set(), set()
    for j in np.argsort(registered_at):  # quicksort: ties in no fixed order
        j = int(j)
        if cids[j] in old or cids[j] in kept:
            dups.add(j)
        else:
            kept.add(cids[j])
    return dups


def _dups_by_index(cids, registered_at, seen=()):  # ignores who registered first
    return {j for j in range(len(cids)) if cids[j] in cids[:j] or cids[j] in seen}


def _epochs_grow_first(epochs, registered_at):  # keeps its memory in epochs[0]
    out = []
    for k, cids in enumerate(epochs):
        out.append(_dups_by(cids, registered_at, epochs[0] if k else ()))
        if k:
            epochs[0].extend(cids)
    return out


def _epochs_seen_too_soon(epochs, registered_at):  # this epoch counted as earlier
    seen: set[str] = set()
    out = []
    for cids in epochs:
        seen |= set(cids)
        out.append(_dups_by(cids, registered_at, seen))
    return out


def _epochs_first_only(epochs, registered_at):
    seen: set[str] = set()
    out = []
    for k, cids in enumerate(epochs):
        out.append(_dups_by(cids, registered_at, seen))
        if k == 0:
            seen = set(cids)
    return out


def _show_ids(cids: object) -> str:
    """One epoch's ids whole; many one-letter ids as ``list('dbad...')``."""
    if (
        isinstance(cids, list)
        and len(cids) > 8
        and all(isinstance(c, str) and len(c) == 1 for c in cids)
    ):
        return f"list({''.join(cids)!r})"
    return repr(cids)


def _show_epochs(args: tuple) -> str:
    """The epochs and registration times whole, as code that rebuilds them (a cut
    list would hide the ids that make the difference)."""
    epochs, registered_at = args
    shown = "[" + ", ".join(_show_ids(c) for c in epochs) + "]"
    return f"{shown}, {registered_at!r}"


find_duplicates = PureFunctionCheck(
    "13.1 find_duplicates",
    reference=_find_duplicates,
    show=_show_epochs,
    cases=[
        ([["a", "b", "c"]], [1, 1, 1]),
        ([["a", "b", "a"]], [1, 1, 1]),
        ([["a", "b", "a"]], [5, 1, 1]),  # the earliest-registered miner keeps it
        ([["a", "b", "c"], ["a", "d", "e"]], [1, 1, 1]),
        ([["x", "y"], ["y", "x"], ["z", "z"]], [3, 2]),
        ([["a", "b"], ["c", "d"], ["a", "e"]], [1, 2]),  # back two epochs later
        ([["m", "n", "m", "n"], ["k", "m", "k", "p"]], [9, 1, 2, 3]),
        ([["q", "q"], ["r", "s"]], [4, 4]),  # a tie in registration: lower index
        ([], [1, 2]),
        ([[], []], []),
        # 17+ miners with tied times: only a stable order (ties: lower index) is right
        (
            [list("dbadacddccabcbcbca")],
            [1, 2, 2, 1, 1, 2, 2, 2, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1],
        ),
        (
            [list("bxyzbxyzbxyzbxyzbxyzbxy"), list("adcbdabdcbccddaabccccad")],
            [2, 2, 1, 1, 1, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 1, 2, 1, 2],
        ),
        # an id first sent in a middle epoch, sent again later
        ([["a", "b"], ["c", "d"], ["e", "c"]], [1, 2]),
        # ... and one back three epochs later: any earlier epoch counts
        ([["a", "b"], ["c", "d"], ["e", "f"], ["a", "g"]], [1, 2]),
        # block numbers with more digits: compared as numbers (10 after 9)
        ([["a", "a"]], [10, 9]),
        ([["k", "k", "k"]], [100, 20, 3]),
    ],
    returns=list,
    hints=[
        "One epoch at a time, in order: the earliest-registered miner (ties: lower "
        "index) keeps each new id; an id kept before, this epoch or in any earlier "
        "one, earns nothing.",
        "Keep one set of every id sent in the epochs before the current one; add this "
        "epoch's ids to it only after you have judged this epoch.",
        "seen = set(); for cids in epochs: order = sorted(range(len(cids)), key=lambda "
        "j: (registered_at[j], j)); ...; out.append(dups); seen |= set(cids)",
    ],
    wrong=[
        _over_epochs(_dups_by_index),
        _over_epochs(_one_epoch, memory=None),  # forgets the earlier epochs
        _over_epochs(_one_epoch, memory="last"),  # remembers one epoch back only
        _over_epochs(lambda c, r, s=(): _dups_by(c, r, s, late_tie=True)),
        _over_epochs(_dups_unstable),
        _over_epochs(  # marks every copy, the original too
            lambda c, r, s=(): {
                j for j in range(len(c)) if c.count(c[j]) > 1 or c[j] in s
            }
        ),
        _over_epochs(lambda c, r, s=(): sorted(_dups_by(c, r, s))),  # lists
        _over_epochs(lambda c, r, s=(): {c[j] for j in _dups_by(c, r, s)}),  # ids
        lambda e, r: set().union(*_find_duplicates(e, r)),  # one set for all
        lambda e, r: tuple(_find_duplicates(e, r)),
        _epochs_grow_first,
        _epochs_seen_too_soon,
        _epochs_first_only,  # only the first epoch's ids count as seen
        _over_epochs(_one_epoch, memory="two"),  # the last two epochs only
        _over_epochs(  # registration times compared as text
            lambda c, r, s=(): _dups_by(c, [str(t) for t in r], s)
        ),
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
    mid = np.full((4, 4, 3), 100, np.uint8)
    swing = mid.copy()
    swing[:2] += 50  # half the values 50 up, half 50 down: they cancel in a mean
    swing[2:] -= 50
    row = np.zeros((4, 4, 3), np.uint8)
    row[0] = 100  # a quarter of the values far off: the median difference is 0
    near = np.zeros(48, np.uint8)
    near[:45] = 2  # a mean difference just under 2: rounding it gives 2
    third = np.full(48, 10, np.uint8)
    third[:34] = 11  # a mean difference of 34/48 = 0.708...: above 0.5, below 1
    most = np.zeros(48, np.uint8)
    most[:47] = 2  # a mean difference of 94/48 = 1.958...: to 1 decimal it is 2.0
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
        (base, base.reshape(2, 8, 3)),  # same values, another shape
        (low, np.full((4, 4, 3), 200, np.uint8)),  # int8 would wrap here
        (np.zeros((2, 2, 3), np.uint8), np.full((2, 2, 3), 255, np.uint8), 300.0),
        (mid, swing),  # +50 and -50: far apart, though the signed mean is 0
        (np.zeros((4, 4, 3), np.uint8), row),
        (np.zeros((4, 4, 3), np.uint8), near.reshape(4, 4, 3)),
        # fractional means either side of tol: truncated to an int, 0.708 passes
        # 0.5; rounded to 1 decimal, 1.958 fails 2.0
        (low, third.reshape(4, 4, 3), 0.5),
        (np.zeros((4, 4, 3), np.uint8), most.reshape(4, 4, 3), 2.0),
        # white against black: as int8, 255 is -1, one step from 0
        (np.full((4, 4, 3), 255, np.uint8), np.zeros((4, 4, 3), np.uint8)),
        # same height and width, another number of channels: never the same
        # picture, though the values broadcast against each other
        (np.full((4, 4, 3), 5, np.uint8), np.full((4, 4, 1), 5, np.uint8)),
        (np.full((1, 4, 3), 5, np.uint8), np.full((4, 4, 3), 5, np.uint8)),
        # (h, w) against (h, w, 1): the same 16 values, the same height and width,
        # yet not the same shape
        (np.full((4, 4), 5, np.uint8), np.full((4, 4, 1), 5, np.uint8)),
        (np.full((4, 4, 1), 7, np.uint8), np.full((4, 4), 7, np.uint8)),
        # red 4 up and blue 4 down: a pixel's channel mean does not move, but the
        # mean over every value does (8/3 = 2.67)
        (low, _channels_apart(low)),
        # grey pictures without a channel axis are pictures too
        (np.full((4, 4), 10, np.uint8), np.full((4, 4), 11, np.uint8)),
    ]


def _channels_apart(image: np.ndarray) -> np.ndarray:
    out = image.copy()
    out[..., 0] += 4
    out[..., 2] -= 4
    return out


def _wrong_near_int8(a, b, tol=2.0):
    if a.shape != b.shape:
        return False
    diff = a.astype(np.int8) - b.astype(np.int8)  # signed, but 255 becomes -1
    return bool(np.abs(diff).mean() < tol)


def _wrong_near_height_width(a, b, tol=2.0):
    if a.shape[:2] != b.shape[:2]:  # forgets the channels
        return False
    return bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() < tol)


def _wrong_near_size_height_width(a, b, tol=2.0):
    """Same size, same height and width: (4, 4) and (4, 4, 1) pass."""
    if a.size != b.size or a.shape[:2] != b.shape[:2]:
        return False
    diff = a.ravel().astype(np.int64) - b.ravel().astype(np.int64)
    return bool(np.abs(diff).mean() < tol)


def _wrong_near_int_mean(a, b, tol=2.0):
    if a.shape != b.shape:
        return False
    diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
    return bool(int(diff.mean()) < tol)  # the mean truncated to a whole number


def _wrong_near_rounded_mean(a, b, tol=2.0):
    if a.shape != b.shape:
        return False
    diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
    return bool(round(float(diff.mean()), 1) < tol)  # the mean to 1 decimal


def _wrong_near_broadcast(a, b, tol=2.0):
    try:  # lets numpy's broadcasting stand in for the shape check
        diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
    except ValueError:
        return False
    return bool(diff.mean() < tol)


def _show_image(x) -> str:
    """An image as code that rebuilds it: np.full for one value, else its values."""
    if not isinstance(x, np.ndarray):
        return repr(x)
    kind = f"np.{x.dtype}"
    if x.size and bool((x == x.flat[0]).all()):
        return f"np.full({x.shape}, {x.flat[0]}, {kind})"
    return f"np.array({x.ravel().tolist()}, {kind}).reshape{x.shape}"


near_duplicate = PureFunctionCheck(
    "13.2 near_duplicate",
    reference=_near_duplicate,
    cases=_near_cases,
    show=lambda args: ", ".join(_show_image(x) for x in args),
    compare=lambda got, exp: isinstance(got, bool | np.bool_) and bool(got) == exp,
    hints=[
        "Compare pixels, not content ids: the mean absolute difference of the two "
        "images, below `tol`, means 'the same picture'. Different shapes are never "
        "the same picture.",
        "uint8 arithmetic wraps around: 10 - 11 is 255 in uint8. Convert to a "
        "signed type that holds -255..255 before subtracting (int8 stops at 127: "
        "255 becomes -1 there).",
        "np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() < tol",
    ],
    wrong=[
        _wrong_near_int_mean,
        _wrong_near_rounded_mean,
        lambda a, b, tol=2.0: a.shape == b.shape and bool((a == b).all()),
        lambda a, b, tol=2.0: a.shape == b.shape and bool(np.abs(a - b).mean() < tol),
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).max() < tol)
        ),
        lambda a, b, tol=2.0: (  # each pixel's channels averaged first
            a.shape == b.shape
            and bool(
                np.abs(a.astype(float).mean(-1) - b.astype(float).mean(-1)).mean() < tol
            )
        ),
        lambda a, b, tol=2.0: (  # only colour pictures taken
            a.ndim == 3
            and a.shape == b.shape
            and bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() < tol)
        ),
        # "below tol" read as "at most tol"
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(np.abs(a.astype(np.int64) - b.astype(np.int64)).mean() <= tol)
        ),
        # shape-blind: compares the flattened values
        lambda a, b, tol=2.0: (
            a.size == b.size
            and bool(
                np.abs(a.ravel().astype(np.int64) - b.ravel().astype(np.int64)).mean()
                < tol
            )
        ),
        # int8 wraps above 127
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(
                np.abs(
                    a.astype(np.int8).astype(np.int64)
                    - b.astype(np.int8).astype(np.int64)
                ).mean()
                < tol
            )
        ),
        # the lesson's tol only
        lambda a, b, tol=2.0: _near_duplicate(a, b),
        # a float, not a bool
        lambda a, b, tol=2.0: float(_near_duplicate(a, b, tol)),
        # the mean of signed differences: +50 and -50 cancel
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(abs((a.astype(np.int64) - b.astype(np.int64)).mean()) < tol)
        ),
        # the median difference: blind to a part of the picture that changed
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(np.median(np.abs(a.astype(float) - b.astype(float))) < tol)
        ),
        # the mean rounded to a whole number first
        lambda a, b, tol=2.0: (
            a.shape == b.shape
            and bool(round(np.mean(np.abs(a.astype(float) - b.astype(float)))) < tol)
        ),
        _wrong_near_int8,
        _wrong_near_height_width,
        _wrong_near_broadcast,
        _wrong_near_size_height_width,
    ],
)


# -- 13.3 --------------------------------------------------------------------------
def _validator_row(scores, valid, duplicate, bar=0.05):
    from refimpl.artnet import weights_from_scores

    kept = [
        s if ok and not dup else 0.0
        for s, ok, dup in zip(scores, valid, duplicate, strict=True)
    ]
    return [float(w) for w in weights_from_scores(kept, bar)] if kept else []


def _row_in_place(scores, valid, duplicate, bar=0.05):
    for j, (ok, dup) in enumerate(zip(valid, duplicate, strict=True)):
        scores[j] = max(0.0, scores[j] - bar) if ok and not dup else 0.0
    return scores


def _wrong_row_float32(scores, valid, duplicate, bar=0.05):
    s = np.array(scores, dtype=np.float32)  # float32: about 7 digits
    ok = np.array(valid, bool) & ~np.array(duplicate, bool)
    return list(np.where(ok, np.maximum(s - bar, 0), 0))


def _wrong_row_float32_tolist(scores, valid, duplicate, bar=0.05):
    return np.array(_wrong_row_float32(scores, valid, duplicate, bar)).tolist()


def _close_lists(got, exp, tol=1e-12):
    """Equal to float64 precision: a float32 computation is off by ~1e-8. A weight
    equal to the expected one but an int or a bool (``0``, ``False``) is refused for
    its type: the text asks for Python floats, 0.0 not 0."""
    values = [float(x) for x in got]
    close = len(values) == len(exp)
    close = close and bool(np.allclose(values, exp, rtol=tol, atol=tol))
    if not close and any(isinstance(x, np.float32 | np.float16) for x in got):
        raise Wrong(
            "validator_row returned float32 weights, which keep only about 7 "
            "digits: compute in float64 (Python floats, numpy's default)"
        )
    if close:
        for j, x in enumerate(got):
            if isinstance(x, int | np.integer | np.bool_):  # bool is an int too
                raise Wrong(
                    f"validator_row(...) returned {type(x).__name__} {x!r} for "
                    f"weight [{j}]; the exercise asks for floats, 0.0 not 0"
                )
    return close


def _near_lists(got, exp):
    return isinstance(got, list) and _close_lists(got, exp, tol=1e-6)


validator_row = PureFunctionCheck(
    "13.3 validator_row",
    reference=_validator_row,
    cases=[
        ([0.5, 0.3], [True, True], [False, False]),
        ([0.5, 0.3], [True, False], [False, False]),
        ([0.5, 0.5], [True, True], [False, True]),
        ([0.04, 0.05, 0.06], [True, True, True], [False, False, False]),
        ([0.9, 0.2, 0.7], [True, True, True], [False, False, False], 0.1),
        ([], [], []),
        ([0.05, 0.0, 1.0], [True, True, True], [False, False, False]),  # at the bar
        ([0.7, 0.7], [False, False], [True, False]),
        ([0.3, 0.2], [True, True], [False, False], 0.0),
        ([0.123, 0.56789], [True, True], [False, False]),  # not rounded
        # scores with more digits than any rounding a learner might pick
        ([0.123456789123, 0.9876543210987], [True, True], [False, False]),
        ([1 / 3, 2 / 7, 0.0312345678901], [True, True, True], [False, False, False]),
        # a critic's score is not capped at 1 by the rule
        ([1.5, 0.2], [True, True], [False, False]),
        # more than three submissions
        (
            [0.9, 0.04, 0.6, 0.3, 0.8],
            [True, True, False, True, True],
            [False, False, False, True, False],
        ),
    ],
    compare=_close_lists,
    near=_near_lists,
    returns=list,
    hints=[
        "Invalid images and duplicates get 0 whatever the critic says.",
        "Everything else gets the score minus the bar, and never less than 0.",
        "max(0.0, s - bar) if ok and not dup else 0.0",
    ],
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
        lambda s, v, d, bar=0.05: [  # negative weights below the bar
            x - bar if ok and not dup else 0.0
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [  # duplicates still paid
            max(0.0, x - bar) if ok else 0.0 for x, ok in zip(s, v, strict=True)
        ],
        _row_in_place,
        _wrong_row_float32,
        lambda s, v, d, bar=0.05: [  # scores clipped to 1 first
            max(0.0, min(1.0, x) - bar) if ok and not dup else 0.0
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [  # the first three only
            max(0.0, x - bar) if ok and not dup else 0.0
            for x, ok, dup in list(zip(s, v, d, strict=True))[:3]
        ],
        _wrong_row_float32_tolist,
        lambda s, v, d, bar=0.05: np.array(_validator_row(s, v, d, bar)),
        lambda s, v, d, bar=0.05: [  # rounded to 2 decimals
            0.0 if not ok or dup else round(max(0.0, x - bar), 2)
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [  # rounded to 6 decimals
            0.0 if not ok or dup else round(max(0.0, x - bar), 6)
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [  # int 0, as max(0, ...) gives, not 0.0
            0 if not ok or dup else max(0, x - bar)
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
        lambda s, v, d, bar=0.05: [  # False for a zero weight
            False if not ok or dup else max(0.0, x - bar)
            for x, ok, dup in zip(s, v, d, strict=True)
        ],
    ],
)


# -- 13.4 --------------------------------------------------------------------------
def _min_price() -> int:
    from refimpl.nft import royalty_amount

    # royalty_amount grows with the price: bisect on it
    return smallest_where(lambda price: royalty_amount(price, 500) >= 619, 0, 10**6)


min_price = ValueCheck(
    "13.4 min_price",
    expected=_min_price,
    describe="the smallest whole-token price whose royalty at 500 bps is 619",
    compare=is_whole,
    hints=[
        "The royalty is price * 500 // 10000, rounded down. Which prices give 619?",
        "price * 500 // 10000 >= 619 exactly when price * 500 >= 619 * 10000.",
        "Ceiling division: -(-619 * 10000 // 500); the price one below gives 618.",
    ],
    wrong=[12_379, 12_381, 12_380.0, "12380", 12_390, 12_399, 619, True],
)


# -- 13.5 --------------------------------------------------------------------------
_W13 = [[0.6, 0.4, 0.0, 0.0]] * 3 + [[0.0, 0.0, 0.5, 0.5]]


def _friends_paid(cabal: int) -> bool:
    from refimpl.market.yuma import epoch

    r = epoch(np.array([4000, 2500, 1500, cabal], dtype=float), np.array(_W13))
    return bool(r.incentive[2:].sum() > 0)


def _cabal_stake() -> int:
    # paid at 20_000, and paying is monotone in the cabal's stake
    return smallest_where(_friends_paid, 0, 20_000)


cabal_stake = ValueCheck(
    "13.5 cabal_stake",
    expected=_cabal_stake,
    describe="the smallest cabal stake (whole tokens) that pays lazy and spammer",
    compare=is_whole,
    hints=[
        "Loop over the cabal's stake c = 0, 1, 2, ... and run epoch with the stakes "
        "[4000, 2500, 1500, c] and the weights given; stop when lazy or spammer "
        "(miners 2 and 3) get incentive.",
        "Predict with lesson 08: the cabal's weight survives once the cabal holds at "
        "least kappa = 1/2 of all stake; stake exactly at kappa counts.",
        "next(c for c in range(20001) if epoch(np.array([4000, 2500, 1500, c], "
        "dtype=float), weights).incentive[2:].sum() > 0)",
    ],
    wrong=[8001, 7999, 12_000, 0.5, 8000.0, "8000", True, 16_000, 50],
)
