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


# -- check() never dies, hangs or is fooled (issue 14 §1) ---------------------------
def _sorted_check(**kwargs):
    return FunctionCheck(
        "T.8 sort_copy",
        reference=sorted,
        cases=[([3, 1, 2],), ([5, 4, 4, 0],)],
        hints=["h"],
        func_name="sort_copy",
        **kwargs,
    )


def test_a_runaway_recursion_is_reported_under_pyecc_limit():
    import sys

    import py_ecc.secp256k1  # noqa: F401 - raises the recursion limit to 100,000

    before = sys.getrecursionlimit()
    assert before >= 100_000

    def forever(xs):
        return forever(xs)

    result = _sorted_check().evaluate(forever)
    assert result.status == INCORRECT
    assert "raised RecursionError" in result.message
    assert "earlier frames left out" in result.learner_traceback  # not 3,000 frames
    assert len(result.learner_traceback) < 5_000
    assert sys.getrecursionlimit() == before


def test_an_endless_loop_is_stopped_with_a_clear_message():
    import time

    def loop(xs):
        while True:
            pass

    def swallows(xs):  # catches what it can and keeps going
        while True:
            try:
                while True:
                    pass
            except Exception:
                pass

    check = _sorted_check(time_limit=0.5)
    for answer in (loop, swallows):
        start = time.perf_counter()
        result = check.evaluate(answer)
        assert time.perf_counter() - start < 5
        assert result.status == INCORRECT
        assert result.message == (
            "sort_copy([3, 1, 2]) was stopped: it ran for more than 0.5 seconds "
            "(an endless loop?)"
        )
    assert check.evaluate(sorted).ok  # the limits leave no trace behind


def test_a_generator_or_a_huge_answer_is_refused_without_eating_memory():
    import itertools

    def endless(xs):
        return itertools.count()

    def generator(xs):
        yield from sorted(xs)

    check = _sorted_check()
    assert "returned a count (an iterator), but a list is wanted" in (
        check.evaluate(endless).message
    )
    assert "generator (an iterator), but a list is wanted" in (
        check.evaluate(generator).message
    )
    big = FunctionCheck(
        "T.9 zeros", reference=lambda n: [0] * n, cases=[(3,)], hints=["h"]
    )
    result = big.evaluate(lambda n: [0] * 20_000_001)
    assert result.status == INCORRECT and "20,000,001 items" in result.message


def test_a_growing_answer_hits_the_memory_budget(monkeypatch):
    from refimpl.course import limits

    monkeypatch.setattr(limits, "MEMORY_LIMIT", 200 << 20)

    def hoard(xs):
        out = []
        while True:
            out.append(bytearray(10**7))

    result = _sorted_check(time_limit=20).evaluate(hoard)
    assert result.status == INCORRECT
    assert "raised MemoryError" in result.message
    assert _sorted_check().evaluate(sorted).ok


def test_inputs_are_copied_and_mutation_is_reported():
    check = _sorted_check()

    def sorts_in_place(xs):
        xs.sort()
        return xs

    result = check.evaluate(sorts_in_place)
    assert result.status == INCORRECT
    assert "changed its argument number 1 in place" in result.message
    # the check's own cases are intact: a known-wrong answer still fails afterwards
    assert check.cases[0] == ([3, 1, 2],)
    assert not check.evaluate(lambda xs: list(xs)).ok
    lenient = _sorted_check(may_change_inputs=True)
    assert lenient.evaluate(sorts_in_place).ok
    assert lenient.cases[0] == ([3, 1, 2],)
    assert not lenient.evaluate(lambda xs: list(xs)).ok


def test_exotic_exceptions_are_reported_not_raised():
    import sys

    class Nasty(Exception):
        def __str__(self):
            raise ValueError("no message for you")

    class Odd(BaseException):
        pass

    def nasty(xs):
        raise Nasty()

    def leaves(xs):
        sys.exit(3)

    def odd(xs):
        raise Odd("odd")

    check = _sorted_check()
    assert check.evaluate(nasty).message == (
        "sort_copy([3, 1, 2]) raised Nasty: (its message could not be shown)"
    )
    assert "raised SystemExit: exit() and sys.exit() stop a program" in (
        check.evaluate(leaves).message
    )
    assert check.evaluate(odd).message == "sort_copy([3, 1, 2]) raised Odd: odd"


def test_keyboard_interrupt_still_stops_a_check():
    def interrupted(xs):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _sorted_check().evaluate(interrupted)


def test_a_learners_object_that_cannot_be_shown_or_compared():
    class Weird:
        def __repr__(self):
            raise RuntimeError("no repr")

        def __eq__(self, other):
            raise SystemExit("no compare")

    result = V.evaluate(Weird())
    assert result.status == INCORRECT
    assert result.message == ("the answer: you gave a Weird, but an int is wanted")


# -- feedback that never misleads (issue 12 §4) -------------------------------------
def test_none_is_a_forgotten_return_and_only_the_stub_is_not_attempted():
    def computes(data):
        hashlib.sha256(hashlib.sha256(data).digest()).digest()

    def stub(data):
        # YOUR CODE HERE
        ...

    result = Q.evaluate(computes)
    assert result.status == INCORRECT
    assert result.message == "hash256(b'abc') returned None; did you forget a `return`?"
    assert Q.evaluate(stub).status == NOT_ATTEMPTED
    assert Q.evaluate(lambda d: ...).status == NOT_ATTEMPTED


def test_return_none_pass_and_bare_return_are_answers_not_the_stub():
    # all four compile to the same code as the stub `...`: the source tells them apart
    def returns_none(data):
        return None

    def passes(data):
        pass

    def bare_return(data):
        return

    def stub_with_docstring(data):
        """Hash twice."""
        # YOUR CODE HERE
        ...

    forgot = "hash256(b'abc') returned None; did you forget a `return`?"
    for answer in (returns_none, passes, bare_return, lambda d: None):
        result = Q.evaluate(answer)
        assert (result.status, result.message) == (INCORRECT, forgot), answer
    assert Q.evaluate(stub_with_docstring).status == NOT_ATTEMPTED
    # no source to read (exec'd text): a body that only returns None stays the stub
    space = {}
    exec("def hidden(data):\n    return None\n", space)
    assert Q.evaluate(space["hidden"]).status == NOT_ATTEMPTED


def test_every_function_check_tells_a_none_answer_it_returned_none():
    import importlib
    import pkgutil

    import refimpl.course.checks as checks
    from refimpl.course.feedback import _Lazy

    def returns_none(*args):
        return None

    found = 0
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"{checks.__name__}.{info.name}")
        for check in vars(module).values():
            right = getattr(check, "right", None)
            if not hasattr(check, "evaluate") or not right:
                continue
            if isinstance(right[0], _Lazy) or not callable(right[0]):
                continue  # answered with a value, not a function
            found += 1
            result = check.evaluate(returns_none)
            assert result.status == INCORRECT, check.name
            assert "returned None" in result.message, (check.name, result.message)
    assert found >= 60


def test_none_where_none_answers_other_inputs_is_a_wrong_value_not_a_lost_return():
    def parse(data):
        return None if not data else data[0]

    check = FunctionCheck(
        "first_byte", reference=parse, cases=[(b"",), (b"\x07",)], hints=["h"]
    )

    def always_none(data):
        data.count(b"x")
        return None

    result = check.evaluate(always_none)
    assert result.status == INCORRECT
    assert "forget a `return`" not in result.message
    assert result.message == (
        "first_byte(b'\\x07') returned None, which is not right for this input"
    )
    assert check.evaluate(parse).status == CORRECT


def test_bytes_messages_point_at_the_first_wrong_byte_in_hex():
    def last_byte_off(data):
        digest = bytearray(_ref(data))
        digest[20] ^= 1
        return bytes(digest)

    message = Q.evaluate(last_byte_off).message
    mine = last_byte_off(b"abc")
    assert message.startswith(
        "hash256(b'abc') returned 32 bytes whose first wrong byte"
    )
    assert "[20]" in message
    assert f"{mine[16:20].hex(' ')} [{mine[20]:02x}] {mine[21:25].hex(' ')}" in message
    assert f"[{_ref(b'abc')[20]:02x}]" not in message  # the right byte is not shown
    short = Q.evaluate(lambda d: _ref(d)[:31]).message
    assert "returned 31 bytes; that length is not right" in short
    assert "its first 31 bytes are right" in short


def test_small_byte_inputs_are_shown_whole():
    check = FunctionCheck(
        "T.10 flip",
        reference=lambda b: bytes(x ^ 0xFF for x in b),
        cases=[(bytes(range(20)),)],
        hints=["h"],
    )
    message = check.evaluate(lambda b: b).message
    assert message.startswith(f"flip(bytes.fromhex('{bytes(range(20)).hex()}'))")


def test_str_and_list_messages_point_at_the_first_difference():
    words = FunctionCheck(
        "T.11 shout",
        reference=lambda s: s.upper(),
        cases=[("blockchain and the market",)],
        hints=["h"],
    )
    message = words.evaluate(lambda s: s.upper().replace("M", "m")).message
    assert "first wrong character is [19] ('m')" in message
    assert words.evaluate(lambda s: "market").message == (
        "shout('blockchain and the market') returned 'market' (6 characters); that "
        "length is not right, and already character [0] is wrong: [m]arke…"
    )
    names = FunctionCheck(
        "T.24 flip", reference=lambda s: s[::-1], cases=[("tip",)], hints=["h"]
    )  # a short word is shown whole, without character positions
    assert names.evaluate(lambda s: "tpi").message == (
        "flip('tip') returned 'tpi', which is not right"
    )
    assert "MARKET" not in message
    items = FunctionCheck(
        "T.12 double",
        reference=lambda xs: [2 * x for x in xs],
        cases=[([1, 2, 3],)],
        hints=["h"],
    )
    message = items.evaluate(lambda xs: [2, 4]).message
    assert message == (
        "double([1, 2, 3]) returned 2 items; that length is not right: too few items"
    )
    message = items.evaluate(lambda xs: [2, 4, 6, 9]).message
    assert message == (
        "double([1, 2, 3]) returned 4 items; that length is not right: the first 3 "
        "are right, and item [3] 9 is one too many"
    )  # the learner's own extra item is named; the expected list never is
    message = items.evaluate(lambda xs: []).message
    assert "returned 0 items; that length is not right" in message
    message = items.evaluate(lambda xs: [2, 5, 7]).message
    assert (
        message
        == "double([1, 2, 3]) returned a list whose item [1] is 5, which is not right"
    )


def test_bit_level_values_in_hex():
    rot = FunctionCheck(
        "T.13 rotr8",
        reference=lambda x: ((x >> 1) | (x << 7)) & 0xFF,
        cases=[(0x81,)],
        hints=["h"],
        hex_ints=True,
    )
    assert rot.evaluate(lambda x: x >> 1).message == (
        "rotr8(0x81) returned 0x40, which is not right"
    )


def test_one_type_policy():
    ints = ValueCheck("T.14 n", expected=lambda: 7, hints=["h"])
    flags = ValueCheck("T.15 f", expected=lambda: True, hints=["h"])
    pairs = ValueCheck("T.16 p", expected=lambda: (1, 2), hints=["h"])
    assert ints.evaluate(np.int64(7)).ok and ints.evaluate(np.uint8(7)).ok
    assert flags.evaluate(np.bool_(True)).ok
    assert not flags.evaluate(1).ok and not flags.evaluate(np.int64(1)).ok
    for floaty in (7.0, np.float64(7.0), np.float32(7.0)):
        message = ints.evaluate(floaty).message
        assert "but an int is wanted" in message and "float" in message
    assert not pairs.evaluate((1.0, 2.0)).ok
    assert (
        "item [0] is a float, but an int is wanted" in pairs.evaluate((1.0, 2)).message
    )
    # a wrong value of an accepted type is described by its value, not its type
    assert (
        ints.evaluate(np.int64(8)).message
        == "the answer: you gave 8, which is not right"
    )
    floats = ValueCheck("T.17 x", expected=lambda: 0.5, hints=["h"])
    assert floats.evaluate(np.float64(0.5)).ok
    halves = ValueCheck(
        "T.18 a", expected=lambda: np.array([1, 2]), hints=["h"], describe="the array"
    )
    assert "an array of float64, but an array of integers is wanted" in (
        halves.evaluate(np.array([1.0, 2.0])).message
    )
    nan = ValueCheck("T.19 nan", expected=lambda: float("nan"), hints=["h"])
    assert nan.evaluate(float("nan")).ok


def test_dicts_and_sets_say_what_is_off_without_the_answer():
    check = ValueCheck("T.20 d", expected=lambda: {"alice": 70, "bob": 30}, hints=["h"])
    assert check.evaluate({"alice": 70, "bob": 31}).message == (
        "the answer: you gave a dict whose value at key 'bob' is 31, which is not right"
    )
    assert (
        "key 'carol', which should not be there"
        in check.evaluate({"alice": 70, "bob": 30, "carol": 0}).message
    )
    assert "lacks 1 key" in check.evaluate({"alice": 70}).message
    sets = ValueCheck("T.21 s", expected=lambda: {1, 4}, hints=["h"])
    assert "holding 3, which should not be in it" in sets.evaluate({1, 3}).message
    assert "an empty set, which lacks 2 items" in sets.evaluate(set()).message


def test_check_writes_one_progress_line(tmp_path, monkeypatch, capsys):
    import json

    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("CHAINMIND_PROGRESS", str(log))
    Q.check(_ref)
    Q.check(lambda d: b"")
    Q.check(...)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["status"] for line in lines] == [CORRECT, INCORRECT, NOT_ATTEMPTED]
    assert all(set(line) == {"check", "lesson", "status", "time"} for line in lines)
    assert lines[0]["check"] == "T.1 hash256" and lines[0]["lesson"] == ""


def test_a_custom_test_that_consumes_an_endless_answer_is_stopped(monkeypatch):
    import itertools

    from refimpl.course import limits

    monkeypatch.setattr(limits, "CHECK_TIME_LIMIT", 1.0)
    monkeypatch.setattr(limits, "MEMORY_LIMIT", 200 << 20)

    def test(answer):
        if list(answer) != [1, 2]:  # a custom test that trusts the answer's type
            raise Wrong("not [1, 2]")

    c = Check("T.22 pair", test, hints=["h"], right=[[1, 2]], wrong=[[2, 1]])
    assert c.evaluate([1, 2]).ok
    result = c.evaluate(itertools.count())
    assert result.status == INCORRECT
    assert result.message in (
        "your answer could not be compared (MemoryError); it is a count",
        "the check was stopped after 1 seconds: too slow",
    )

    def spin(answer):
        while True:
            pass

    slow = Check("T.23 spin", spin, hints=["h"])
    assert slow.evaluate(1).message == "the check was stopped after 1 seconds: too slow"


def test_checks_nest_inside_a_learners_function(capsys):
    def checks_itself(data):
        Q.check(_ref)  # a learner may call a check from inside their answer
        return _ref(data)

    assert Q.evaluate(checks_itself).ok
    assert "correct" in capsys.readouterr().out


def test_a_stopped_call_leaves_no_watchdog_behind(monkeypatch):
    import itertools
    import threading
    import time

    from refimpl.course import limits

    monkeypatch.setattr(limits, "MEMORY_LIMIT", 200 << 20)
    threads = threading.active_count()

    def consume(answer):  # one long C call: the time limit is seen only when it ends
        return list(answer)

    def spin(answer):
        while True:
            pass

    for fn in (consume, spin):
        outcome = limits.call_limited(fn, (itertools.count(),), time_limit=0.3)
        assert outcome.error is not None
    deadline = time.monotonic() + 1.5  # a late stop would strike within this
    while time.monotonic() < deadline:
        sum(range(1000))
    assert threading.active_count() == threads
