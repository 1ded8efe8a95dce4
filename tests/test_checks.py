"""Every check of every lesson: right passes, wrong fails, stubs and junk are handled.

No message printed to a learner may contain the expected value.
"""

import importlib
import pkgutil

import pytest

import refimpl.course.checks as checks_pkg
from refimpl.course import CORRECT, INCORRECT, NOT_ATTEMPTED, FunctionCheck
from refimpl.course.feedback import _Lazy


def _all_checks():
    found = []
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        module = importlib.import_module(f"{checks_pkg.__name__}.{info.name}")
        for attr, value in sorted(vars(module).items()):
            if hasattr(value, "evaluate") and hasattr(value, "hints"):
                found.append(pytest.param(value, id=f"{info.name}.{attr}"))
    return found


CHECKS = _all_checks()


def _resolve(answer):
    return answer.make() if isinstance(answer, _Lazy) else answer


def _expected_texts(check):
    """Reprs of the values a message must never reveal (long enough to matter)."""
    texts = []
    if isinstance(check, FunctionCheck):
        for args in check.cases:
            expected = repr(check.reference(*args))
            # a value that is one of the inputs (a median is one of the weights) is
            # shown with them; the message must not single it out anywhere else
            if expected not in check._show(tuple(args)):
                texts.append(expected)
    elif not callable(_resolve(check.right[0])):
        texts.append(repr(_resolve(check.right[0])))
    # True/False/None: a wrong bool answer implies the right one, whatever we print.
    return [t for t in texts if len(t) >= 4 and t not in ("True", "False", "None")]


def _stub(*args): ...


def _raises(*args):
    raise RuntimeError("boom from the learner")


@pytest.mark.parametrize("check", CHECKS)
def test_right_answers_pass(check):
    assert check.right, f"{check.name} has no known-right answer"
    for answer in check.right:
        result = check.evaluate(_resolve(answer))
        assert result.status == CORRECT, f"{check.name}: {result.message}"


@pytest.mark.parametrize("check", CHECKS)
def test_wrong_answers_fail_without_revealing(check):
    assert check.wrong, f"{check.name} has no known-wrong answer"
    hidden = _expected_texts(check)
    for answer in check.wrong:
        result = check.evaluate(answer)
        assert result.status == INCORRECT, f"{check.name} accepted {answer!r}"
        assert result.message
        for text in hidden:
            assert text not in result.message, f"{check.name} reveals the answer"


@pytest.mark.parametrize("check", CHECKS)
def test_stubs_are_not_attempted(check):
    assert check.evaluate(...).status == NOT_ATTEMPTED
    assert check.evaluate(None).status == NOT_ATTEMPTED
    if isinstance(check, FunctionCheck):
        assert check.evaluate(_stub).status == NOT_ATTEMPTED


@pytest.mark.parametrize("check", CHECKS)
def test_raising_and_junk_answers_are_reported(check, capsys):
    for junk in (_raises, object(), "junk", 12345, [1, 2, 3]):
        result = check.evaluate(junk)
        assert result.status == INCORRECT, f"{check.name} accepted {junk!r}"
    check.check(_raises)
    out = capsys.readouterr().out
    assert "refimpl/course" not in out, "our own frames leak into the learner's view"


@pytest.mark.parametrize("check", CHECKS)
def test_hints_and_solution_print(check, capsys):
    check.hint()
    check.solution()
    out = capsys.readouterr().out
    assert check.name in out and "hint 1/" in out
