"""Instant feedback for exercises: one check object per question.

Introduced in lesson 00. A check lives in plain Python (``refimpl.course.checks.lNN``),
never in notebook metadata, so learners may copy, move or rename cells and notebooks.

A check answers in one of three ways:

* **correct**;
* **not attempted yet**: the answer is still the stub (``...`` or ``None``, or a
  function that returns one of them);
* **incorrect**: a message that says what went wrong on which input, never the expected
  value.

A learner's exception is caught and reported in one friendly line plus the learner's own
traceback; frames from this package are left out.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "Check",
    "FunctionCheck",
    "NotAttempted",
    "call_learner",
    "describe_mismatch",
    "reject_stub",
    "Result",
    "ValueCheck",
    "Wrong",
    "all_checks",
    "short_repr",
]

CORRECT = "correct"
NOT_ATTEMPTED = "not attempted"
INCORRECT = "incorrect"

_ICONS = {CORRECT: "✅", NOT_ATTEMPTED: "⏳", INCORRECT: "❌"}
_OUR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_REGISTRY: list[Check] = []


class Wrong(Exception):
    """Raised by a check's test to say what is wrong (never the expected value)."""


class _LearnerError(Exception):
    """Wraps an exception raised by the learner's own code."""

    def __init__(self, call: str, error: BaseException):
        super().__init__(call)
        self.call = call
        self.error = error


@dataclass(frozen=True)
class Result:
    """The outcome of one check: ``status`` is correct/not attempted/incorrect."""

    status: str
    message: str
    learner_traceback: str = ""

    @property
    def ok(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.ok


def short_repr(value: Any, limit: int = 60) -> str:
    """A one-line ``repr`` cut to ``limit`` characters, for messages about inputs."""
    text = repr(value)
    if isinstance(value, bytes | bytearray) and len(value) > 12:
        text = f"{bytes(value[:8]).hex()}… ({len(value)} bytes)"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _a(noun: str) -> str:
    """``an int``, ``a str``: the article a type name wants."""
    vowel_sound = noun[:1] in "aeiouAEIOU" or noun.startswith("nd")  # an ndarray
    return f"an {noun}" if vowel_sound else f"a {noun}"


def _is_stub(value: Any) -> bool:
    return value is None or value is Ellipsis


def _learner_traceback(error: BaseException) -> str:
    """The learner's part of a traceback: frames from refimpl.course are dropped."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not os.path.abspath(f.filename).startswith(_OUR_DIR)
    ]
    lines = traceback.format_list(frames)
    lines += traceback.format_exception_only(type(error), error)
    return "Traceback (your code):\n" + "".join(lines)


def call_learner(fn: Callable[..., Any], args: tuple, call_text: str) -> Any:
    """Call a learner's function; its exceptions come back as ``_LearnerError``."""
    try:
        return fn(*args)
    except Exception as error:  # a learner's bug is feedback, not a crash
        raise _LearnerError(call_text, error) from None


class Check:
    """One question: ``check(answer)``, ``hint()``, ``solution()``.

    ``test(answer)`` raises :class:`Wrong` with a message naming the failing input, and
    returns normally when the answer is right. ``right`` and ``wrong`` are known answers
    that the course's own tests use to prove the check can pass and can fail.
    """

    def __init__(
        self,
        name: str,
        test: Callable[[Any], None],
        *,
        hints: Sequence[str],
        solution: str,
        right: Sequence[Any] = (),
        wrong: Sequence[Any] = (),
    ):
        if not hints:
            raise ValueError(f"check {name!r} needs at least one hint")
        self.name = name
        self._test = test
        self.hints = list(hints)
        self._solution = solution
        self.right = list(right)
        self.wrong = list(wrong)
        self._hint_level = 0
        _REGISTRY.append(self)

    def __repr__(self) -> str:
        return f"<check {self.name}>"

    # -- the learner's three buttons -------------------------------------------------
    def evaluate(self, answer: Any) -> Result:
        """Judge ``answer`` without printing (the course's tests use this)."""
        if _is_stub(answer):
            return Result(
                NOT_ATTEMPTED, "replace the `...` with your answer and run again"
            )
        try:
            self._test(answer)
        except _Stub:
            return Result(
                NOT_ATTEMPTED, "your function still returns the stub (None or ...)"
            )
        except Wrong as wrong:
            return Result(INCORRECT, str(wrong))
        except _LearnerError as err:
            kind = type(err.error).__name__
            return Result(
                INCORRECT,
                f"{err.call} raised {kind}: {_cut(str(err.error), 120)}",
                _learner_traceback(err.error),
            )
        except Exception as error:  # the answer broke the comparison: say so kindly
            kind = type(error).__name__
            return Result(
                INCORRECT,
                f"your answer could not be compared ({kind}); "
                f"it is {_a(type(answer).__name__)}",
            )
        return Result(CORRECT, "well done")

    def check(self, answer: Any) -> None:
        """Print whether ``answer`` is correct, not attempted yet, or incorrect."""
        result = self.evaluate(answer)
        icon = _ICONS[result.status]
        if result.status == CORRECT:
            print(f"{icon} {self.name}: correct. Well done!")
            return
        if result.status == NOT_ATTEMPTED:
            print(f"{icon} {self.name}: not attempted yet: {result.message}.")
            return
        print(f"{icon} {self.name}: incorrect: {result.message}")
        if result.learner_traceback:
            print(result.learner_traceback, file=sys.stdout, end="")
        handle = self._handle()
        if handle:
            print(f"   Stuck? Try {handle}.hint()")
        else:
            print("   Stuck? Call .hint() on this check.")

    def hint(self, level: int | None = None) -> None:
        """Print the next hint (or hint number ``level``, counting from 1)."""
        if level is None:
            level = min(self._hint_level + 1, len(self.hints))
        level = max(1, min(level, len(self.hints)))
        self._hint_level = max(self._hint_level, level)
        more = " (that's the last hint)" if level == len(self.hints) else ""
        text = self.hints[level - 1]
        print(f"💡 {self.name}, hint {level}/{len(self.hints)}{more}: {text}")

    def solution(self) -> None:
        """Print a worked solution."""
        print(f"📖 {self.name}, a worked solution:\n{self._solution}")

    def _handle(self) -> str:
        """How the learner reaches this check, e.g. ``l03.merkle_parent``."""
        for mod_name, module in list(sys.modules.items()):
            if not mod_name.startswith("refimpl.course.checks."):
                continue
            for attr, value in vars(module).items():
                if value is self:
                    return f"{mod_name.rsplit('.', 1)[-1]}.{attr}"
        return ""


class _Stub(Exception):
    """The learner's function returned the stub: not attempted yet."""


# Public names for custom checks: raise NotAttempted() from a test when the
# learner's answer is still the stub; describe_mismatch says how a value is off,
# never showing the answer.
NotAttempted = _Stub


def reject_stub(got: Any, call: str, *, first: bool) -> None:
    """A stub (``None`` or ``...``) on the first input means *not attempted yet*;
    later, it means a branch without a ``return``. Use it in custom checks."""
    if _is_stub(got):
        if first:
            raise _Stub()
        raise Wrong(f"{call} returned {got!r}; did you forget a return?")


def _equal(got: Any, expected: Any) -> bool:
    try:
        import numpy as np

        if isinstance(got, np.ndarray) or isinstance(expected, np.ndarray):
            got_a, exp_a = np.asarray(got), np.asarray(expected)
            return got_a.shape == exp_a.shape and bool(np.array_equal(got_a, exp_a))
    except ImportError:  # pragma: no cover - numpy is a course dependency
        pass
    if isinstance(got, bool) or isinstance(expected, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, int) and isinstance(got, float):
        return False  # an int is asked for: 15.0 is a float
    return bool(got == expected)


def _close(got: Any, expected: Any) -> bool:
    """Equal, or equal up to float rounding (to find which item of a tuple is off)."""
    try:
        if _equal(got, expected):
            return True
        import numpy as np

        return bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12))
    except Exception:
        return False


def _describe_mismatch(got: Any, expected: Any, verb: str = "returned") -> str:
    """Say how ``got`` differs from what was wanted, never showing the wanted value."""
    int_for_float = isinstance(got, int) and isinstance(expected, float)
    if type(got) is not type(expected) and not int_for_float:
        have, wanted = type(got).__name__, type(expected).__name__
        if have == wanted:  # numpy.bool vs bool: say whose
            have = f"{type(got).__module__}.{have}"
            wanted = f"{type(expected).__module__}.{wanted}".removeprefix("builtins.")
        return f"{verb} {_a(have)}, but {_a(wanted)} is wanted"
    shape_g, shape_e = getattr(got, "shape", None), getattr(expected, "shape", None)
    if shape_g is not None and shape_e is not None and shape_g != shape_e:
        return f"{verb} shape {tuple(shape_g)}; that shape is not right"
    if isinstance(got, tuple | list) and len(got) == len(expected) and got:
        for index, (item, want) in enumerate(zip(got, expected, strict=True)):
            if not _close(item, want):
                why = _describe_mismatch(item, want, "is")
                kind = type(got).__name__
                return f"{verb} {_a(kind)} whose item [{index}] {why}"
    if isinstance(got, bytes | bytearray) and len(got) != len(expected):
        return f"{verb} {len(got)} bytes; that length is not right"
    if isinstance(got, list | tuple | dict | set) and len(got) != len(expected):
        items = "item" if len(got) == 1 else "items"
        return f"{verb} {len(got)} {items}; that length is not right"
    return f"{verb} {short_repr(got)}, which is not right"


describe_mismatch = _describe_mismatch


class FunctionCheck(Check):
    """A question answered by writing a function: it is compared with ``reference``."""

    def __init__(
        self,
        name: str,
        *,
        reference: Callable[..., Any],
        cases: Sequence[tuple] | Callable[[], Sequence[tuple]],
        hints: Sequence[str],
        solution: str,
        wrong: Sequence[Any] = (),
        compare: Callable[[Any, Any], bool] | None = None,
        func_name: str | None = None,
        show: Callable[[tuple], str] | None = None,
    ):
        self.reference = reference
        self._cases = cases
        # show(args) -> the text between the parentheses of the failing call
        self._show = show or (lambda args: ", ".join(short_repr(a, 40) for a in args))
        self._compare = compare or _equal
        self.func_name = func_name or name.split()[-1]
        super().__init__(
            name,
            self._run,
            hints=hints,
            solution=solution,
            right=[reference],
            wrong=wrong,
        )

    @property
    def cases(self) -> list[tuple]:
        cases = self._cases() if callable(self._cases) else self._cases
        return [c if isinstance(c, tuple) else (c,) for c in cases]

    def _run(self, answer: Any) -> None:
        if not callable(answer):
            raise Wrong(
                f"expected a function, got {_a(type(answer).__name__)}; "
                f"pass the function itself, without calling it"
            )
        for index, args in enumerate(self.cases):
            call = f"{self.func_name}({self._show(args)})"
            got = call_learner(answer, args, call)
            reject_stub(got, call, first=index == 0)
            expected = self.reference(*args)
            try:
                same = self._compare(got, expected)
            except Exception:
                same = False
            if not same:
                raise Wrong(f"{call} {_describe_mismatch(got, expected)}")


class ValueCheck(Check):
    """A question answered with a value; ``expected`` is computed lazily."""

    def __init__(
        self,
        name: str,
        *,
        expected: Callable[[], Any],
        hints: Sequence[str],
        solution: str,
        wrong: Sequence[Any] = (),
        compare: Callable[[Any, Any], bool] | None = None,
        describe: str = "the answer",
    ):
        self._expected = expected
        self._compare = compare or _equal
        self.describe = describe
        super().__init__(name, self._run, hints=hints, solution=solution, wrong=wrong)
        self.right = [_Lazy(expected)]

    def _run(self, answer: Any) -> None:
        expected = self._expected()
        try:
            same = self._compare(answer, expected)
        except Exception:
            same = False
        if not same:
            raise Wrong(
                f"{self.describe}: {_describe_mismatch(answer, expected, 'you gave')}"
            )


class _Lazy:
    """A right answer computed when needed (so check modules import fast)."""

    def __init__(self, make: Callable[[], Any]):
        self.make = make


def all_checks() -> list[Check]:
    """Every check object created so far (the course's tests iterate over these)."""
    return list(_REGISTRY)
