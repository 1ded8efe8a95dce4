"""The check() machinery itself, on a small question made up for the test."""

import hashlib

import numpy as np
import pytest

from refimpl.course import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    Check,
    FunctionCheck,
    ValueCheck,
    Wrong,
)


def _ref(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


Q = FunctionCheck(
    "T.1 hash256",
    reference=_ref,
    cases=[(b"abc",), (b"",), (b"x" * 100,)],
    hints=["Hash twice.", "hashlib.sha256(...).digest() gives bytes."],
    solution="def hash256(data):\n    return sha256(sha256(data).digest()).digest()",
    wrong=[lambda d: hashlib.sha256(d).digest()],
)
V = ValueCheck(
    "T.2 answer", expected=lambda: 1_000_003, hints=["a prime"], solution="1000003"
)


def test_right_wrong_stub():
    assert Q.evaluate(_ref).status == CORRECT
    wrong = Q.evaluate(lambda d: hashlib.sha256(d).digest())
    assert wrong.status == INCORRECT
    assert "hash256(b'abc')" in wrong.message  # names the failing input
    assert _ref(b"abc").hex()[:16] not in wrong.message  # never the expected value

    def stub(data): ...

    assert Q.evaluate(stub).status == NOT_ATTEMPTED
    assert Q.evaluate(...).status == NOT_ATTEMPTED


def test_fails_on_a_later_case():
    def only_abc(data):
        return _ref(b"abc")

    result = Q.evaluate(only_abc)
    assert result.status == INCORRECT and "hash256(b'')" in result.message


def test_learner_exception_is_one_line_plus_their_traceback(capsys):
    def broken(data):
        return data.nope()

    result = Q.evaluate(broken)
    assert result.status == INCORRECT
    assert "raised AttributeError" in result.message
    assert "in broken" in result.learner_traceback
    assert "refimpl/course" not in result.learner_traceback
    Q.check(broken)
    out = capsys.readouterr().out
    assert out.startswith("❌ T.1 hash256: incorrect:")
    assert "refimpl/course" not in out


def test_junk_answers():
    for junk in (None, 3, "abc", b"abc", [1]):
        assert Q.evaluate(junk).status in (INCORRECT, NOT_ATTEMPTED)
    assert Q.evaluate(3).message.startswith("expected a function, got an int")
    assert V.evaluate("1000003").status == INCORRECT
    assert "a str, but an int is wanted" in V.evaluate("1000003").message


def test_value_check_never_reveals_the_value():
    result = V.evaluate(1_000_002)
    assert result.status == INCORRECT and "1000003" not in result.message
    assert V.evaluate(1_000_003).status == CORRECT


def test_bool_answers_are_not_ints():
    b = ValueCheck("T.3 flag", expected=lambda: True, hints=["h"], solution="True")
    assert b.evaluate(True).ok
    assert not b.evaluate(1).ok


def test_numpy_answers_compare_by_shape_and_value():
    n = ValueCheck(
        "T.4 arr", expected=lambda: np.arange(3), hints=["h"], solution="np.arange(3)"
    )
    assert n.evaluate(np.arange(3)).ok
    assert "shape (4,)" in n.evaluate(np.arange(4)).message


def test_custom_check_and_hint_tiers(capsys):
    def test(answer):
        if answer % 2:
            raise Wrong(f"{answer} is odd")

    c = Check(
        "T.5 even", test, hints=["one", "two"], solution="2", right=[2], wrong=[3]
    )
    assert c.evaluate(2).ok and not c.evaluate(3).ok
    c.hint()
    c.hint()
    c.hint()
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("hint 1/2: one")
    assert "hint 2/2 (that's the last hint): two" in out[1]
    assert out[2] == out[1]


def test_check_prints_one_of_three_lines(capsys):
    Q.check(_ref)
    Q.check(...)
    Q.check(lambda d: b"")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✅ T.1 hash256: correct. Well done!"
    assert out[1].startswith("⏳ T.1 hash256: not attempted yet")
    assert out[2].startswith("❌ T.1 hash256: incorrect: hash256(b'abc') returned")


def test_a_check_needs_hints():
    with pytest.raises(ValueError):
        Check("T.6", lambda a: None, hints=[], solution="")


def test_tuple_answers_name_the_wrong_item():
    pair = FunctionCheck(
        "T.7 pair",
        reference=lambda a: (a, a + 1, 27),
        cases=[(5,)],
        hints=["h"],
        solution="",
    )
    message = pair.evaluate(lambda a: (a, a + 1, 26)).message
    assert message == (
        "pair(5) returned a tuple whose item [2] is 26, which is not right"
    )
    assert "27" not in message


def test_an_int_question_rejects_floats():
    assert "a float, but an int is wanted" in V.evaluate(1_000_003.0).message
