"""Second learner review of lessons 06, 07, 11 and 12: the wrong answers it found
accepted are refused, and the messages show what is needed to rebuild the input."""

import ast
import random

import torch
from check_replay import refused as _refused

from refimpl.course import CORRECT
from refimpl.course.checks import l06, l07, l11, l12
from refimpl.market.weights import weights_to_u16
from refimpl.nft import InvalidCID, cid_v1, sha256_from_cid


# -- 07.3 ---------------------------------------------------------------------------
def test_l07_to_u16_divides_first_and_sends_nothing_for_an_empty_row():
    def scale_first(w):  # the reviewer's answer
        if not w or max(w) == 0:
            return ([], [])
        s = 65535 / max(w)
        r = [round(x * s) for x in w]
        idx = [i for i, v in enumerate(r) if v]
        return (idx, [r[i] for i in idx])

    assert l07._to_u16([12.0, 1.2]) == ([0, 1], [65535, 6553])
    assert scale_first([12.0, 1.2]) == ([0, 1], [65535, 6554])
    assert l07._to_u16([9.0, 8.1])[1][1] != scale_first([9.0, 8.1])[1][1]
    assert "[12.0, 1.2]" in _refused(l07.to_u16, scale_first)
    # an empty row: nothing to send, as the refimpl mirror of the SDK says
    assert l07._to_u16([]) == weights_to_u16([], []) == ([], [])
    assert "to_u16([])" in _refused(l07.to_u16, l07._empty_row_fails)
    _refused(l07.to_u16, l07._normalised_first)


# -- 06.3 ---------------------------------------------------------------------------
def _rebuild(shown: str) -> list:
    """The list of tensors a 06.3 message shows, rebuilt by running its code."""
    names = {"torch": torch}
    text, _, setup = shown.partition(", where ")
    if setup:
        exec(setup, names)  # the seeded tensors the message names
    return eval(text, names)


def test_l06_suspicious_pairs_inputs_are_shown_as_code_that_rebuilds_them():
    for args in l06.suspicious_pairs.cases:
        shown = l06.suspicious_pairs._show(args)
        assert "<tensor" not in shown, shown
        rebuilt = _rebuild(shown)
        assert len(rebuilt) == len(args[0])
        for got, want in zip(rebuilt, args[0], strict=True):
            assert l06._same_tensor(got, want), shown  # values, nans, signs of 0
    zeros = l06._show_preds(([torch.zeros(50, 1), -torch.zeros(50, 1)],))
    assert zeros == "[torch.zeros(50, 1), -torch.zeros(50, 1)]"


def test_l06_negated_means_every_sign_flipped_and_nan_copies_nothing():
    one_two, one_minus_two = torch.tensor([1.0, 2.0]), torch.tensor([1.0, -2.0])
    assert l06._suspicious_pairs([one_two, one_minus_two]) == []
    nan_row = torch.tensor([float("nan"), 1.0])
    assert l06._suspicious_pairs([nan_row, torch.tensor([0.0, 1.0])]) == []
    assert l06._suspicious_pairs([nan_row, nan_row.clone()]) == []

    def by_size(preds):  # the reviewer's answer
        out = []
        for a in range(len(preds)):
            for b in range(a + 1, len(preds)):
                p, q = preds[a], preds[b]
                if p.shape != q.shape:
                    continue
                if torch.equal(p, q):
                    out.append((a, b, "copy"))
                elif torch.equal(p.abs(), q.abs()):
                    out.append((a, b, "negated"))
        return out

    _refused(l06.suspicious_pairs, by_size)
    for wrong in (
        l06._pairs_first_sign_negated,
        l06._pairs_nan_to_num,
        l06._pairs_nan_equal,
        l06._pairs_sum_zero,
    ):
        _refused(l06.suspicious_pairs, wrong)


# -- 06.4 ---------------------------------------------------------------------------
def test_l06_immortal_uids_are_in_neither_pool_and_the_message_says_so():
    case = ([0, 0, 45], [5, 3, 1], 50, 20, {0}, 1)
    assert l06._uid_to_prune(*case) == 2  # 1 free uid is not above the floor 1
    assert l06._wrong_prune_immortal_counted_free(*case) == 1
    message = _refused(l06.uid_to_prune, l06._wrong_prune_immortal_counted_free)
    assert "neither pool" in message and "immortal" in message
    no_immortal = _refused(l06.uid_to_prune, l06._wrong_prune_immune_le)
    assert "immortal" not in no_immortal


# -- 07.5 ---------------------------------------------------------------------------
def _chain_accepts(uids, values, my_uid, n, permit, stake, version, params) -> bool:
    """subtensor's do_set_weights, its checks in the chain's order (weights.rs)."""
    if len(uids) != len(values) or len(uids) > n:
        return False
    if stake < params["min_stake"]:
        return False
    key = params["version_key"]
    if key != 0 and version < key:
        return False
    self_weight = len(values) == 1 and uids[0] == my_uid  # is_self_weight
    if not (self_weight or permit):  # check_validator_permit
        return False
    if len(set(uids)) != len(uids) or any(u < 0 or u >= n for u in uids):
        return False
    if any(v < 0 or v > 65535 for v in values):
        return False
    if not self_weight and len(values) < min(n, params["min_allowed_weights"]):
        return False  # check_length
    limit = params["max_weight_limit"]
    if self_weight or limit == 65535:
        return True
    up = l07._max_upscaled(values)  # vec_u16_max_upscale_to_u16
    total = sum(up)
    # check_vec_max_limited: an empty or all-zero row has no top share above it
    return total == 0 or max(up) * 65535 <= limit * total


def test_l07_subtensor_accepts_mirrors_the_chain_on_random_and_empty_rows():
    rng = random.Random(75)
    for _ in range(3000):
        n = rng.randint(1, 6)
        k = rng.choice([0, 0, 1, 2, 3, 4])
        uids = [rng.randint(-1, n) for _ in range(k)]
        values = [rng.choice([0, 1, 2, 3, 65535, 65536]) for _ in range(k)]
        if rng.random() < 0.1:
            values = values[:-1]
        params = {
            "min_stake": 10,
            "version_key": rng.choice([0, 3]),
            "min_allowed_weights": rng.randint(0, 4),
            "max_weight_limit": rng.choice([21845, 32768, 65535]),
        }
        args = (
            uids,
            values,
            rng.randint(0, n - 1),
            n,
            rng.random() < 0.7,
            rng.choice([9, 10, 50]),
            rng.choice([0, 2, 3, 4]),
            params,
        )
        assert l07._subtensor_accepts(*args) == _chain_accepts(*args), args


def test_l07_subtensor_accepts_refuses_the_reviewers_answers():
    p = {
        "min_stake": 1000,
        "version_key": 7,
        "min_allowed_weights": 3,
        "max_weight_limit": 21845,
    }
    assert l07._subtensor_accepts([0, 1, 2], [1, 1, 1], 9, 10, True, 5000, 7, p)
    for wrong in (
        l07._limit_by(l07._share_at_limit_refused),
        l07._wrong_empty_row_free,
        l07._wrong_version_zero_any,
    ):
        _refused(l07.subtensor_accepts, wrong)
    empty = [c for c in l07._accept_cases() if not c[0]]
    assert {l07._subtensor_accepts(*c) for c in empty} == {True, False}


# -- 07.4 ---------------------------------------------------------------------------
def test_l07_topk_message_names_the_first_row_that_differs():
    def off_in_row_3(logits, outputs, k):
        out = l07._topk_gated(logits, outputs, k).clone()
        out[3:] += 1.0
        return out

    message = _refused(l07.topk_gated_answer, off_in_row_3)
    assert "row 3 " in message and "logits[3]" in message


# -- 11.1 ---------------------------------------------------------------------------
def test_l11_each_padding_bit_of_the_last_letter_is_checked():
    cid = cid_v1(b"hello world")
    assert cid.endswith("e")
    for bit, letter in ((1, "f"), (2, "g")):
        spelled = l11._spare_bits_set(cid, bit)
        assert spelled == cid[:-1] + letter
        try:
            sha256_from_cid(spelled)
        except InvalidCID:
            pass
        else:
            raise AssertionError(f"{spelled} was accepted by refimpl")
        other = l11._padding_bit_checked(3 - bit)  # checks only the other bit
        message = _refused(l11.digest_from_cid, other)
        assert spelled in message and "2 padding bits" in message
    assert l11.digest_from_cid.evaluate(l11._digest).status == CORRECT


# -- 12.1 and 12.5 ------------------------------------------------------------------
def test_l12_which_metadata_shows_the_folder_whole():
    for args in l12.which_metadata.cases:
        shown = l12.which_metadata._show(args)
        uri, files = ast.literal_eval(f"({shown})")
        assert (uri, files) == args and list(files) == list(args[1])


def test_l12_broken_links_names_the_extra_or_missing_link_and_the_hash_whole():
    h7 = l12._pixel_hash(7, "sunset", 16)
    message = _refused(
        l12.broken_links,
        lambda seed, style, size, h, png: ["file", "render"],
    )
    assert h7 in message and "the file link is not broken" in message
    message = _refused(l12.broken_links, l12._broken_first_only)
    assert "the render link is broken here too" in message
    assert "to_png(render(9, 'sunset', 16))" in message
    for args in l12.broken_links.cases:
        assert "<" not in l12.broken_links._show(args)  # every file named by code
