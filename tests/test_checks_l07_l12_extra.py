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
