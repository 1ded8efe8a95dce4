"""A function check whose right answer may be ``None`` (lessons 02 and 05).

FunctionCheck reads a ``None`` result as a forgotten ``return``. Some exercises use
``None`` as a real answer (the point at infinity, "not a valid key", "the block is
invalid"); this check accepts ``None`` exactly where the reference returns it, and
still says "did you forget a return?" everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from refimpl.course import Check, Wrong
from refimpl.course.feedback import call_learner, describe_mismatch

__all__ = ["optional_check"]


def _same(got: Any, expected: Any) -> bool:
    if expected is None or got is None:
        return got is expected
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if type(got) is not type(expected):
        return False
    return bool(got == expected)


def optional_check(
    name: str,
    *,
    reference: Callable[..., Any],
    cases: Callable[[], Sequence[tuple]],
    show: Callable[[tuple], str],
    hints: Sequence[str],
    solution: str = "",
    wrong: Sequence[Any] = (),
) -> Check:
    """A Check comparing a learner's function with ``reference`` on ``cases()``."""
    func = name.split()[-1]

    def test(answer: Any) -> None:
        if not callable(answer):
            raise Wrong(
                f"expected a function, got {type(answer).__name__}; pass the function "
                f"itself, without calling it"
            )
        for args in cases():
            call = f"{func}({show(args)})"
            got = call_learner(answer, args, call)
            expected = reference(*args)
            if got is None and expected is not None:
                raise Wrong(f"{call} returned None; did you forget a `return`?")
            if not _same(got, expected):
                if expected is None:
                    raise Wrong(f"{call} returned {describe_what(got)}, not None")
                raise Wrong(f"{call} {describe_mismatch(got, expected)}")

    return Check(
        name, test, hints=hints, solution=solution, right=[reference], wrong=wrong
    )


def describe_what(value: Any) -> str:
    """A short description of a value that must not be shown in full."""
    kind = type(value).__name__
    return f"a {kind}" if kind[:1] not in "aeiou" else f"an {kind}"
