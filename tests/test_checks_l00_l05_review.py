"""Checks 00.1-05.4 after a reviewer's pass as a new learner: the wrong answers they
found accepted are refused, for the right reason, and messages name the inputs in a
form a learner can read and rebuild."""

import math
import re

import numpy as np
import pytest

from refimpl.chain import bits_to_target, target_to_bits
from refimpl.course import CORRECT, INCORRECT
from refimpl.course.checks import l00, l01, l02, l03, l04, l05

_LIMIT = 0x7FFFFF << 232  # the course chain's (regtest's) pow limit


def _log2_zero_bits(d):  # the reviewer's answer: a float log2 of the number
    value = int.from_bytes(d, "big")
    return 8 * len(d) - 1 - int(math.log2(value)) if any(d) else 8 * len(d)


def test_leading_zero_bits_refuses_a_float_log2():
    data = bytes.fromhex("0000" + "ff" * 30)
    assert l01._leading_zero_bits(data) == 16 and _log2_zero_bits(data) == 15
    result = l01.leading_zero_bits.evaluate(_log2_zero_bits)
    assert result.status == INCORRECT
    assert "returned 7, which is not right" in result.message  # 00 ff*7: 8 bits


def _round_scaling(pb, ts, i, t, lim):  # the reviewer's answer: round(), not //
    if len(ts) % i:
        return pb
    span = min(max(ts[-1] - ts[-i], t // 4), t * 4)
    return target_to_bits(min(round(bits_to_target(pb) * span / t), lim))


def _ceil_scaling(pb, ts, i, t, lim):
    if len(ts) % i:
        return pb
    span = min(max(ts[-1] - ts[-i], t // 4), t * 4)
    return target_to_bits(min(-(-bits_to_target(pb) * span // t), lim))


@pytest.mark.parametrize("answer", [_round_scaling, _ceil_scaling])
def test_retarget_window_refuses_rounding_other_than_down(answer):
    args = (0x03400000, [0] * 9 + [8], 10, 20, _LIMIT)
    assert l04._retarget_window(*args) == 0x03199999
    assert answer(*args) == 0x0319999A
    result = l04.retarget_window.evaluate(answer)
    assert result.status == INCORRECT
    assert "retarget_window(0x03400000, [0, 0, 0, 0, 0, 0, 0, 0, 0, 8]" in (
        result.message
    )
    assert "0x3199999," not in result.message and "0x03199999" not in result.message


def test_apply_transfers_shows_its_inputs_whole():
    def wrong_second(balances, transfers):  # right for one transfer only
        out = l05._apply(balances, transfers[:1])
        return out if len(transfers) < 2 or out is None else dict(balances)

    result = l05.apply_transfers.evaluate(wrong_second)
    assert result.status == INCORRECT
    assert (
        "apply_transfers({'alice': 100, 'bob': 5}, [('alice', 'bob', 30), "
        "('bob', 'carol', 35)])" in result.message
    )
    assert "…" not in result.message


def test_low_s_names_big_values_relative_to_n():
    n = l02._N

    def mirror_at_half(q, z, r, s):  # `>=`: mirrors s = N // 2, already low
        s = int(s)
        if s >= n // 2:
            s = n - s
        return (int(r), s, 27 + l02._parity(q, z, r, s))

    result = l02.low_s.evaluate(mirror_at_half)
    assert result.status == INCORRECT
    assert "N // 2) returned a tuple whose item [1] is N // 2 + 1," in result.message
    assert not re.search(r"\d{20}", result.message)  # no 78-digit numbers


def test_low_s_other_big_values_show_both_ends_in_hex():
    result = l02.low_s.evaluate(lambda q, z, r, s: (int(r), 3 * int(s) % l02._N, 27))
    assert result.status == INCORRECT
    assert re.search(r"item \[1\] is 0x[0-9a-f]{16}…[0-9a-f]{16} \(", result.message)
    result = l02.low_s.evaluate(lambda q, z, r, s: (int(r), int(s) + 1, 27))
    assert "item [1] is s (low) + 1," in result.message


def test_is_parent_labels_each_header():
    labels = {}
    for pair in l01._parent_cases():
        for header in pair:
            assert len(header) == 80
            labels.setdefault(repr(header), set()).add(bytes(header))
    assert all(len(kinds) == 1 for kinds in labels.values()), "one label, two headers"
    assert "<genesis header>" in labels and "<block 1 header>" in labels
    result = l01.is_parent.evaluate(lambda p, h: len(h) == 80)
    assert result.status == INCORRECT
    assert "is_parent(<genesis header>, <block 2 header>)" in result.message


@pytest.mark.parametrize(
    "answer",
    [
        lambda old, new: len(old) - len(set(old) & set(new)),
        lambda old, new: len(set(old) - set(new)),
    ],
)
def test_reorg_depth_refuses_labels_in_common(answer):
    assert l05.reorg_depth.evaluate(answer).status == INCORRECT


def test_lessons_in_decides_duplicates_and_case():
    twice = [(3, "refimpl.chain"), (3, "refimpl.chain.pow"), (4, "refimpl.chain")]
    assert l00._lessons_in(twice, "refimpl.chain") == [3, 4]
    cased = [(3, "Refimpl.Chain"), (4, "refimpl.chain")]
    assert l00._lessons_in(cased, "refimpl.chain") == [4]
    for answer in (l00._wrong_lessons_twice, l00._wrong_lessons_any_case):
        assert l00.lessons_in.evaluate(answer).status == INCORRECT

    def as_array(s, p):
        return np.array(l00._lessons_in(s, p))

    result = l00.lessons_in.evaluate(as_array)
    assert result.status == INCORRECT and "asks for a list" in result.message

    def numpy_items(s, p):
        return [np.int64(n) for n in l00._lessons_in(s, p)]

    assert l00.lessons_in.evaluate(numpy_items).status == CORRECT


@pytest.mark.parametrize("kind", [np.uint32, np.int64])
def test_rotl_accepts_numpy_integers(kind):
    assert l01.rotl.evaluate(lambda x, n: kind(l01._rotl(x, n))).status == CORRECT
    result = l01.rotl.evaluate(lambda x, n: kind(l01._rotl(x, n) ^ 1))
    assert result.status == INCORRECT and "not right" in result.message


def test_sha224_h0_wants_a_list():
    words = l01._SHA224_H0
    assert l01.sha224_h0.evaluate([np.uint32(w) for w in words]).status == CORRECT
    for kind, given in (
        ("a tuple", tuple(words)),
        ("an array of uint32", np.array(words, dtype=np.uint32)),
        ("an array of int64", np.array(words, dtype=np.int64)),
    ):
        result = l01.sha224_h0.evaluate(given)
        assert result.status == INCORRECT
        assert f"you gave {kind}; the text asks for a list of 8 ints" in result.message


def test_race_success_refuses_an_int_probability():
    def sure_as_int(q, z, ties_win, head_start):
        return 1 if q >= 0.5 else l05._race_success(q, z, ties_win, head_start)

    result = l05.race_success.evaluate(sure_as_int)
    assert result.status == INCORRECT
    assert result.message.startswith(
        "race_success(0.5, 4, False, 1) returned the int 1"
    )
    assert "asks for a float" in result.message
    # a wrong value that happens to be an int is blamed on its value
    result = l05.race_success.evaluate(lambda q, z, t, h: 0)
    assert result.status == INCORRECT
    assert "returned 0, which is not right" in result.message
    numpy_float = l05.race_success.evaluate(
        lambda q, z, t, h: np.float64(l05._race_success(q, z, t, h))
    )
    assert numpy_float.status == CORRECT


# -- second review pass --------------------------------------------------------------
def _rebuilt_r_is(q, z, r, s, v):
    from py_ecc.secp256k1 import secp256k1 as ec

    w = pow(s, -1, l02._N)
    big_r = ec.add(ec.multiply(ec.G, z * w % l02._N), ec.multiply(q, r * w % l02._N))
    return big_r[0] == r and v == 27 + (big_r[1] & 1)


def _strict_r_unbounded(q, z, r, s, v):  # the reviewer's: no r < N, R.x == r as is
    return 1 <= s <= l02._N // 2 and _rebuilt_r_is(q, z, r, s, v)


def _strict_s_nonzero(q, z, r, s, v):  # the reviewer's: s == 0 refused, -s let in
    if s == 0 or s > l02._N // 2:
        return False
    return 1 <= r < l02._N and _rebuilt_r_is(q, z, r, s, v)


@pytest.mark.parametrize(
    "answer, call",
    [
        (_strict_r_unbounded, "(R - G where x(R) = N + 2, 2, N + 2, 2, "),
        (_strict_s_nonzero, "(Q(key 0xc0ffee), z('pay 5 to bob'), r, -s, "),
    ],
)
def test_verify_strict_refuses_out_of_range_r_and_negative_s(answer, call):
    result = l02.verify_strict.evaluate(answer)
    assert result.status == INCORRECT
    assert (
        f"verify_strict{call}" in result.message and "returned True" in result.message
    )


@pytest.mark.parametrize(
    "answer",
    [
        lambda p, h: h[4:36] == l01._sha256d(p) and p[68:72] <= h[68:72],
        lambda p, h: h[4:36] == l01._sha256d(p) and h[72:76] == p[72:76],
    ],
)
def test_is_parent_refuses_extra_conditions(answer):
    result = l01.is_parent.evaluate(answer)
    assert result.status == INCORRECT and "<block 2 header, " in result.message


def test_is_parent_time_case_sorts_differently_as_bytes():
    pairs = [p for p in l01._parent_cases() if "0x4966bd00" in repr(p[1])]
    ((parent, child),) = pairs
    assert l01._is_parent(parent, child)
    assert child[68:72] < parent[68:72]  # as raw bytes: earlier
    assert int.from_bytes(child[68:72], "little") > int.from_bytes(
        parent[68:72], "little"
    )


def test_is_parent_hint_runs_as_written():
    from refimpl.crypto import sha256d

    code = l01.is_parent.hints[-1].split("  (")[0].removeprefix("return ")

    def answer(parent, header):
        return eval(code, {"sha256d": sha256d, "parent": parent, "header": header})

    assert l01.is_parent.evaluate(answer).status == CORRECT


@pytest.mark.parametrize(
    "answer",
    [
        lambda s, p: sorted({n for n, q in s if re.match(p + r"(\.|$)", q)}),
        lambda s, p: l00._lessons_in([(n, q.strip()) for n, q in s], p.strip()),
    ],
)
def test_lessons_in_refuses_regex_and_strip(answer):
    assert l00.lessons_in.evaluate(answer).status == INCORRECT


def test_lesson_count_hint_names_no_number():
    last = l00.LESSONS[-1].number
    for number in (f"{last:02d}", str(last + 1)):
        assert not any(number in hint for hint in l00.lesson_count.hints)


def test_unpad_shows_short_messages_whole():
    result = l01.unpad.evaluate(lambda p: p[: p.rindex(b"\x80")])
    assert result.status == INCORRECT
    assert "unpad(pad(bytes.fromhex('" + b"sixteen bytes!!!".hex() + "')))" in (
        result.message
    )
    for message in l01._UNPAD_MESSAGES:
        assert eval(l01._message_code(message)) == message


def test_rotl_says_negative():
    result = l01.rotl.evaluate(lambda x, n: -l01._rotl(x, n) - 1)
    assert result.status == INCORRECT
    assert "(negative)" in result.message and "32 bits" not in result.message


def test_mutated_leaves_names_the_mistake():
    leaves = l03._six()
    reversed_ids = [leaf[::-1] for leaf in leaves + leaves[4:]]
    result = l03.mutated_leaves.evaluate(reversed_ids)
    assert result.status == INCORRECT and "bytes reversed" in result.message
    result = l03.mutated_leaves.evaluate([])
    assert result.status == INCORRECT and "empty" in result.message
