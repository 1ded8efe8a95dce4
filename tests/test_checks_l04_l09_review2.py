"""Second-round learner review of checks 04.4, 05.1, 05.3, 05.5, 08.1 and 09.2.

Each test is a mistake or a message a reviewer playing a new learner found: the
mistake is now refused, and the message lets the learner rebuild the failing input
without revealing the expected answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from refimpl.chain import bits_to_target, target_to_bits
from refimpl.course.checks import l04, l05, l08, l09
from refimpl.course.checks._pure import NEAR_NOTE
from refimpl.course.feedback import INCORRECT

ROOT = Path(__file__).resolve().parents[1]
WEEK2 = 14 * 24 * 3600


def _keeps_bits_over_limit(prev_bits, ts, interval, t, pow_limit):
    """The reviewer's answer: when the new target passes the limit, the old bits."""
    h = len(ts)
    if h % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[h - interval], t // 4), t * 4)
    new = bits_to_target(prev_bits) * span // t
    return prev_bits if new > pow_limit else target_to_bits(new)


def test_0404_cap_to_the_limit_not_to_the_parent():
    slow = [0] * 2015 + [4 * WEEK2]
    assert l04._retarget_window(0x1C7FFFFF, slow, 2016, WEEK2, 2**224 - 1) == (
        0x1D00FFFF
    )
    regtest = (0x207FFF00, [0] * 9 + [80], 10, 20, 0x7FFFFF << 232)
    assert l04._retarget_window(*regtest) == 0x207FFFFF
    assert _keeps_bits_over_limit(*regtest) == 0x207FFF00  # the mistake, here too
    result = l04.retarget_window.evaluate(_keeps_bits_over_limit)
    assert result.status == INCORRECT
    # the window as the expression that built it; the answer not given away
    assert "[0] * 2015 + [4838400]" in result.message
    assert "0x1d00ffff" not in result.message.lower()
    assert l04._wrong_retarget_keeps_bits_over_limit in l04.retarget_window.wrong


def test_0404_long_window_shown_by_what_the_rule_reads():
    result = l04.retarget_window.evaluate(lambda b, ts, k, t, lim: b)
    assert result.status == INCORRECT
    msg = result.message
    assert "heights 0 to" not in msg and "…" not in msg
    assert "new block's height is 4032" in msg
    assert "ts[2016] = 1261130161" in msg and "ts[-1] = 1262152739" in msg


def test_0501_equal_work_stays_with_the_first_seen_not_the_longer():
    blocks = [
        ("g", None, 0x2000FFFF),
        ("a", "g", 0x1F7FC100),
        ("b", "g", 0x2000FFFF),
        ("c", "b", 0x2000FFFF),
    ]
    assert l05._best_tip(blocks) == "a"
    assert l05._tie_to_longer(blocks) == "c"
    result = l05.best_tip.evaluate(l05._tie_to_longer)
    assert result.status == INCORRECT
    assert "0x1f7fc100" in result.message  # the deciding case, shown whole


def test_0503_a_missing_account_is_named():
    def drops_recipient(balances, transfers):
        out = l05._apply(balances, transfers)
        return None if out is None else {k: v for k, v in out.items() if k != "bob"}

    result = l05.apply_transfers.evaluate(drops_recipient)
    assert result.status == INCORRECT
    assert "lacks the account 'bob'" in result.message
    assert "1 key" not in result.message


def test_0505_no_bound_at_or_below_zero_is_met():
    for q, bound in [(0.1, 0.0), (0.0, 0.0), (0.3, -0.5), (0.6, 0.0)]:
        assert l05._confirmations_needed(q, bound) is None
    for wrong in (l05._wait_negative_bound_only, l05._wait_no_bound_guard):
        assert wrong in l05.confirmations_needed.wrong
        result = l05.confirmations_needed.evaluate(wrong)
        assert result.status == INCORRECT
        assert "confirmations_needed(0.1, 0.0)" in result.message
    # the text says so, so the case is fair
    nb = json.loads((ROOT / "exercises/05_consensus_and_forks.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "`max_probability ≤ 0`" in text


def _cast_after(W):
    W = np.asarray(W)
    if W.dtype.kind != "f":
        W = W.astype(float)
    sums = W.sum(axis=1, keepdims=True)
    out = np.divide(W, sums, out=np.zeros(W.shape), where=sums > 0)
    return out.astype(np.float64)


def test_0801_float32_division_cast_to_float64_gets_the_note():
    result = l08.normalize_rows.evaluate(_cast_after)
    assert result.status == INCORRECT
    assert "dtype=np.float32" in result.message  # the input, shown as before
    assert result.message.endswith(NEAR_NOTE)


def test_0801_other_errors_on_the_float32_input_get_no_note():
    def half_for_zero_rows(W):
        W = np.asarray(W, dtype=float)
        sums = W.sum(axis=1, keepdims=True)
        return np.where(sums > 0, W / np.where(sums > 0, sums, 1), 0.5)

    def off_by_2e9(W):
        out = l08._normalize_rows(W)
        return out + 2e-9 * (out > 0) if np.asarray(W).dtype == np.float32 else out

    for answer in (half_for_zero_rows, off_by_2e9):
        result = l08.normalize_rows.evaluate(answer)
        assert result.status == INCORRECT
        assert "precision of float32" not in result.message
        assert "it is float32" not in result.message


def test_0902_long_shares_shown_so_they_can_be_retyped():
    result = l09.split_tokens.evaluate(l09._split_unstable)
    assert result.status == INCORRECT
    assert "[1, 2] * 20" in result.message and "…" not in result.message
    assert eval(l09._show_shares([1, 1, 2] * 9)) == [1, 1, 2] * 9
    odd = list(range(60))  # no repetition: whole, never cut
    assert eval(l09._show_shares(odd)) == odd
