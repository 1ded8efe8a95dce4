"""Checks 06.3, 07.1-07.5, 11.3 and 12.4: the answers a review (learners without the
solutions) found accepted, and the messages it found unhelpful, replayed as written.

Each wrong answer below is the reviewer's own code; each must now be INCORRECT while
the reference still passes, and no message may show the expected value.
"""

import hashlib

import numpy as np
import torch

from refimpl.course import CORRECT, INCORRECT
from refimpl.course.checks import l06, l07, l11, l12


def _mse_reward(p, yy) -> float:
    mse = float(((p - yy) ** 2).mean())
    return max(0.0, 1.0 - mse / float((yy**2).mean()))


# -- 07.1: answers that broadcast --------------------------------------------------
def _review_dim_only(pred, y):
    if pred is None or pred.dim() != y.dim():
        return 0.0
    p, yy = pred.double(), y.double()
    if not torch.isfinite(p).all():
        return 0.0
    try:
        mse = float(((p - yy) ** 2).mean())
    except RuntimeError:
        return 0.0
    return max(0.0, 1.0 - mse / float((yy**2).mean()))


def _review_broadcast_to(pred, y):
    if pred is None:
        return 0.0
    try:
        p = torch.broadcast_to(pred.double(), y.shape)
    except RuntimeError:
        return 0.0
    if not torch.isfinite(p).all():
        return 0.0
    return _mse_reward(p, y.double())


def _review_broadcast_shapes(pred, y):
    try:
        if pred is None or torch.broadcast_shapes(pred.shape, y.shape) != y.shape:
            return 0.0
    except RuntimeError:
        return 0.0
    p = pred.double()
    if not torch.isfinite(p).all():
        return 0.0
    return _mse_reward(p, y.double())


def test_l07_1_answers_that_broadcast_to_y_are_rejected():
    y = torch.linspace(1, 3, 64).reshape(64, 1)
    for small in (torch.full((1, 1), 2.0), torch.tensor(2.0), torch.full((1,), 2.0)):
        assert l07._safe_reward(small, y) == 0.0  # refimpl's loss_rewards: malformed
        assert _review_broadcast_to(small, y) > 0.9  # what the review saw accepted
    for answer in (_review_dim_only, _review_broadcast_to, _review_broadcast_shapes):
        result = l07.safe_reward.evaluate(answer)
        assert result.status == INCORRECT, answer.__name__


def test_l07_1_all_zero_targets_reward_nothing_as_loss_rewards_does():
    from refimpl.market.validators import loss_rewards

    y = torch.zeros(64, 1)
    for pred in (torch.zeros(64, 1), torch.ones(64, 1), None):
        assert loss_rewards([pred], y).tolist() == [0.0]
        assert l07._safe_reward(pred, y) == 0.0
    recipes = [c.recipe for c in l07.safe_reward.cases]
    assert any(r.startswith("y = torch.zeros(64, 1)") for r in recipes)


def test_l07_1_a_failing_case_is_shown_as_the_code_that_rebuilds_it():
    def float32_reward(pred, y):
        if pred is None or pred.shape != y.shape or not torch.isfinite(pred).all():
            return 0.0
        return _mse_reward(pred, y)  # float32 throughout

    result = l07.safe_reward.evaluate(float32_reward)
    assert result.status == INCORRECT
    assert "precision" in result.message and "float32" in result.message
    recipe = result.message.split("the case: ", 1)[1]
    space: dict = {"torch": torch}
    exec(recipe, space)  # the message alone rebuilds the failing inputs
    pred, y = space["pred"], space["y"]
    got, want = float32_reward(pred, y), l07._safe_reward(pred, y)
    assert got != want and abs(got - want) < 1e-5
    assert repr(want) not in result.message

    broadcast = l07.safe_reward.evaluate(_review_broadcast_to)
    recipe = broadcast.message.split("the case: ", 1)[1]
    exec(recipe, space)
    assert _review_broadcast_to(space["pred"], space["y"]) > 0.0
    assert l07._safe_reward(space["pred"], space["y"]) == 0.0
    assert "precision" not in broadcast.message  # a wrong value, not a dtype issue


# -- 07.2 / 07.4: float32 named, tensors shown whole ---------------------------------
def test_l07_2_a_float32_computation_is_told_float32():
    def keeps_dtype(scores, rewards, uids, alpha):
        s = np.asarray(scores)
        sc = np.zeros_like(s)
        for u, r in zip(uids, rewards, strict=True):
            sc[u] = 0.0 if r != r else r
        return alpha * sc + (1 - alpha) * s

    def cast_at_the_end(scores, rewards, uids, alpha):
        return keeps_dtype(scores, rewards, uids, alpha).astype(np.float64)

    for answer in (keeps_dtype, cast_at_the_end):
        result = l07.moving_average.evaluate(answer)
        assert result.status == INCORRECT
        assert "float32" in result.message, result.message

    def wrong_and_float32(scores, rewards, uids, alpha):  # a wrong value stays wrong
        return keeps_dtype(scores, rewards, uids, 1 - alpha)

    result = l07.moving_average.evaluate(wrong_and_float32)
    assert result.status == INCORRECT and "float32" not in result.message


def test_l07_4_inputs_are_shown_whole():
    def no_gate(logits, outputs, k):
        return outputs.mean(dim=-1, keepdim=True)

    result = l07.topk_gated_answer.evaluate(no_gate)
    assert result.status == INCORRECT
    assert "torch.tensor([[" in result.message and "tensor>" not in result.message
    call = result.message.split("topk_gated_answer(", 1)[1].split(") returned", 1)[0]
    logits, outputs, k = eval(f"({call})", {"torch": torch})  # rebuilds the case
    assert any(
        torch.equal(logits, c[0]) and torch.equal(outputs, c[1]) and k == c[2]
        for c in l07.topk_gated_answer.cases
    )


# -- 07.5: a permitted validator's only-itself row ----------------------------------
def test_l07_5_a_permitted_only_itself_row_skips_count_and_limit():
    p = dict(l07._P)

    def review(uids, values, my_uid, n, permit, stake, version, params):
        self_only = len(uids) == 1 and uids[0] == my_uid
        if len(uids) != len(values) or len(uids) > n:
            return False
        if stake < params["min_stake"]:
            return False
        key = params["version_key"]
        if key != 0 and version < key:
            return False
        if len(set(uids)) != len(uids) or any(not 0 <= u < n for u in uids):
            return False
        if any(not 0 <= v <= 65535 for v in values):
            return False
        if not permit:
            return self_only
        if len(values) < min(n, params["min_allowed_weights"]):
            return False
        up = l07._max_upscaled(values)
        limit = params["max_weight_limit"]
        return limit == 65535 or max(up) * 65535 <= limit * sum(up)

    assert l07._subtensor_accepts([9], [65535], 9, 10, True, 5000, 7, p) is True
    assert review([9], [65535], 9, 10, True, 5000, 7, p) is False
    assert l07.subtensor_accepts.evaluate(review).status == INCORRECT


# -- 06.3: the dtype does not matter, the values do ---------------------------------
def test_l06_3_a_float64_copy_of_a_float32_answer_is_a_copy():
    x = torch.tensor([0.1, 0.2, 0.3])
    near = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
    assert l06._suspicious_pairs([x, x.double(), near, -x.double()]) == [
        (0, 1, "copy"),
        (0, 3, "negated"),
        (1, 3, "negated"),
    ]

    def dtype_strict(preds):
        out = []
        for a in range(len(preds)):
            for b in range(a + 1, len(preds)):
                pa, pb = preds[a], preds[b]
                if pa.shape != pb.shape or pa.dtype != pb.dtype:
                    continue
                if torch.equal(pa, pb):
                    out.append((a, b, "copy"))
                elif torch.equal(pa, -pb):
                    out.append((a, b, "negated"))
        return out

    assert l06.suspicious_pairs.evaluate(dtype_strict).status == INCORRECT
    assert l06.suspicious_pairs.evaluate(l06._suspicious_pairs).status == CORRECT


# -- 12.4: a missing file is not an empty one ---------------------------------------
def test_l12_4_a_missing_file_listed_as_empty_is_missing():
    def review(files, manifest):
        for name in sorted(manifest):
            data = files.get(name, b"")
            entry = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            if entry != manifest[name]:
                return name
        return "ok"

    empty = {"sha256": hashlib.sha256(b"").hexdigest(), "size": 0}
    assert l12._first_bad({}, {"empty.txt": empty}) == "empty.txt"
    assert review({}, {"empty.txt": empty}) == "ok"
    result = l12.first_bad_file.evaluate(review)
    assert result.status == INCORRECT and "returned 'ok'" in result.message


# -- 11.3: the message shows what the learner returned -------------------------------
def test_l11_3_the_message_shows_the_learners_value_never_the_expected_one():
    for answer in ("ok", "IncorrectOwner", "InvalidReceiver"):
        result = l11.transfer_error.evaluate(lambda *args, a=answer: a)
        assert result.status == INCORRECT
        assert f"returned {answer!r}" in result.message, result.message
        others = {"ok", "InvalidReceiver", "NonexistentToken"}
        others |= {"InsufficientApproval", "IncorrectOwner"}
        for other in others - {answer}:
            assert repr(other) not in result.message
    result = l11.transfer_error.evaluate(lambda *args: ["ok"])  # not even a string
    assert result.status == INCORRECT and "returned ['ok']" in result.message


# -- sweep: 06.1 float32 before .double(), 12.2 floats below 2**50 --------------------
def test_l06_1_a_subtraction_in_float32_is_told_it_is_a_precision_problem():
    def double_after_subtraction(pred, y, base):
        num = float(((pred - y).double() ** 2).mean())
        den = float(((base - y).double() ** 2).mean())
        if den == 0:
            return 0.0 if num == 0 else float("inf")
        return num / den

    result = l06.relative_loss_vs.evaluate(double_after_subtraction)
    assert result.status == INCORRECT
    assert "precision" in result.message and "relative_loss_vs(" in result.message


def test_l12_2_floats_are_wrong_below_2_50_too():
    price, bps = 10**13 + 1, 9999
    assert price < 2**50 and int(price * bps / 10_000) != price * bps // 10_000
    assert l12._income([price], bps) == price * bps // 10_000
    answer = l12._income_floats_below_2_50
    assert l12.artist_income.evaluate(answer).status == INCORRECT
