"""Checks 07, 11 and 12: the rules their newest cases rest on, held against refimpl.

Each new case of a check must be what refimpl (or numpy, or the chain) does, not
what the check's author expects: a repeated uid in 07.2, exact address comparison
and operators in 11.3, an undecodable PNG in 12.5.
"""

import itertools

import numpy as np

from refimpl.course.checks import l07, l11


# -- 07.2 ---------------------------------------------------------------------------
def test_l07_a_repeated_uid_keeps_its_last_reward_as_numpy_scatter_does():
    scores = np.array([0.4, 0.6, 0.8])
    before = scores.copy()
    rewards, uids = [0.2, 0.8, 0.5], [1, 2, 1]
    scattered = np.zeros(3)
    scattered[uids] = rewards
    assert scattered.tolist() == [0.0, 0.5, 0.8]  # the last reward of uid 1
    want = 0.5 * scattered + 0.5 * scores
    assert np.array_equal(l07._moving_average(scores, rewards, uids, 0.5), want)
    assert np.array_equal(scores, before)


# -- 07.5 ---------------------------------------------------------------------------
def test_l07_only_itself_waives_the_permit_and_weight_rules_and_nothing_else():
    p = dict(l07._P, version_key=7, max_weight_limit=65535)
    accepts = l07._subtensor_accepts
    assert accepts([9], [65535], 9, 10, False, 5000, 7, p)
    assert not accepts([9], [70000], 9, 10, False, 5000, 7, p)
    assert not accepts([9], [-1], 9, 10, False, 5000, 7, p)
    assert not accepts([10], [5], 10, 10, False, 5000, 7, p)
    assert not accepts([9], [5], 9, 10, False, 999, 7, p)
    assert not accepts([9], [5], 9, 10, False, 5000, 6, p)
    assert not accepts([0, 1, 2], [-1, 1, 1], 9, 10, True, 5000, 7, p)
    assert not accepts([-1, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, p)


# -- 11.3 ---------------------------------------------------------------------------
def _registry_first_error(owner, approved, operators, caller, from_, to):
    from refimpl.nft import ZERO_ADDRESS, NFTError, NFTRegistry

    reg = NFTRegistry("T", "T")
    if owner is not None:
        reg.mint(owner, 7)
        if approved != ZERO_ADDRESS:
            reg.approve(owner, approved, 7)
        for op in operators:
            reg.set_approval_for_all(owner, op, True)
    try:
        reg.transfer_from(caller, from_, to, 7)
    except NFTError as e:
        return type(e).__name__
    return "ok"


def test_l11_addresses_compare_exactly_and_operators_act_only_as_callers():
    from refimpl.nft import ZERO_ADDRESS

    people = ["alice", "Alice", "ALICE", "eve", "mallory"]
    for owner, approved, ops, caller, from_, to in itertools.product(
        [None, "alice"],
        [ZERO_ADDRESS, "Mallory"],
        [set(), {"mallory"}],
        people,
        people,
        ["bob", ZERO_ADDRESS],
    ):
        args = (owner, approved, ops, caller, from_, to)
        assert l11._transfer_error(*args) == _registry_first_error(*args), args
    # the reviewer's case: mallory is an operator, but eve is the one calling
    args = ("alice", ZERO_ADDRESS, {"mallory"}, "eve", "mallory", "bob")
    assert l11._transfer_error(*args) == "InsufficientApproval"
    assert l11._from_is_operator(*args) == "IncorrectOwner"


# -- 12.5 ---------------------------------------------------------------------------
def test_l12_a_png_from_png_refuses_is_a_broken_file_link_and_render_still_runs():
    import pytest

    from refimpl.art import ArtError, from_png
    from refimpl.course.checks import l12

    h7 = l12._pixel_hash(7, "sunset", 16)
    good = l12._png_of(7, "sunset", 16)
    undecodable = [
        good[:-20],
        l12._pil_png(7, "sunset", 16, "grey"),
        l12._pil_png(7, "sunset", 16, "16-bit"),
        b"GIF89a",
    ]
    for png in undecodable:
        with pytest.raises(ArtError):
            from_png(png)
        assert l12._broken(7, "sunset", 16, h7, png) == ["file"]
        assert l12._broken(8, "sunset", 16, h7, png) == ["file", "render"]
        assert l12._show_broken((7, "sunset", 16, h7, png))  # shown, never raises
    assert l12._broken(7, "sunset", 16, h7, good) == []


def _chain_max_weight_ok(values: list[int], limit: int) -> bool:
    """Subtensor's own arithmetic, in I32F32 bits (value * 2**32), for the weight limit:
    ``vec_u16_max_upscale_to_u16`` then ``check_vec_max_limited`` (subnets/weights.rs
    ``max_weight_limited``, epoch/math.rs)."""
    m = max(values)
    if m == 0:
        up = [0] * len(values)
    elif m > 32768:  # e * (65535 / max), rounded half away from zero
        ratio = (65535 << 32) // m
        up = [(v * ratio + (1 << 31)) >> 32 for v in values]
    else:  # (e * 65535) / max, rounded
        up = [((((v * 65535) << 32) // m) + (1 << 31)) >> 32 for v in values]
    total = sum(up)
    if total == 0:
        return True
    limit_bits = (limit << 32) // 65535
    return max((u << 32) // total for u in up) <= limit_bits


def test_l07_the_weight_limit_rule_is_subtensors_fixed_point_on_every_case():
    checked = 0
    for case in l07._accept_cases():
        values, p = case[1], case[-1]
        limit = p["max_weight_limit"]
        if limit == 65535 or not values or min(values) < 0 or max(values) > 65535:
            continue
        up = l07._max_upscaled(values)
        ours = sum(up) == 0 or max(up) * 65535 <= limit * sum(up)
        assert ours == _chain_max_weight_ok(values, limit), (values, limit)
        checked += 1
    assert checked >= 10
    # the text's boundaries, as the chain computes them
    assert not _chain_max_weight_ok([3, 1, 1, 1], 32767)
    assert _chain_max_weight_ok([3, 1, 1, 1], 32768)
    assert _chain_max_weight_ok([6, 1, 1], 49151)  # 10922.5 rounds up to 10923
    assert not _chain_max_weight_ok([2, 0, 38, 20736], 65409)  # upscaled 6, 120


def test_l07_the_taught_limit_rule_agrees_with_the_chain_on_random_rows():
    import random

    rng = random.Random(2)
    rows = disagree = 0
    for _ in range(20_000):
        values = [rng.randint(0, rng.choice([3, 100, 65535])) for _ in range(5)]
        if not any(values):
            continue
        up = l07._max_upscaled(values)
        limit = min(65534, 65535 * 65535 // sum(up) + rng.randint(-2, 2))
        ours = max(up) * 65535 <= limit * sum(up)
        disagree += ours != _chain_max_weight_ok(values, limit)
        rows += 1
    # rows within 2 steps of the limit: 32.32 fixed point may round a few apart
    assert disagree <= rows // 10_000, (disagree, rows)
