"""A function check whose right answer may be ``None`` (lessons 02 and 05).

FunctionCheck reads a ``None`` result as a forgotten ``return``. Some exercises use
``None`` as a real answer (the point at infinity, "not a valid key", "the block is
invalid"); this check accepts ``None`` exactly where the reference returns it. Since
``None`` is a real answer here, a ``None`` elsewhere is a wrong value, not a missing
``return``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from refimpl.course import Check, Wrong
from refimpl.course.feedback import call_learner, describe_mismatch, short_repr

__all__ = ["optional_check"]


def _plain(value: Any) -> Any:
    """A numpy int or bool scalar as the Python int or bool it stands for (the course's
    type policy: numpy scalars are accepted wherever an int or bool is asked)."""
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        kind = getattr(getattr(value, "dtype", None), "kind", "")
        if kind and kind in "iub":
            return value.item()
    return value


def _same(got: Any, expected: Any) -> bool:
    got = _plain(got)
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
                raise Wrong(f"{call} returned None, which is not right for this input")
            if not _same(got, expected):
                if expected is None:
                    raise Wrong(f"{call} returned {short_repr(got)}, not None")
                if type(_plain(got)) is not type(expected) and not isinstance(
                    expected, bool
                ):
                    raise Wrong(
                        f"{call} returned {describe_what(got)}, but "
                        f"{describe_what(expected)} is wanted"
                        + (" (use bytes(...))" if isinstance(got, bytearray) else "")
                    )  # fmt: skip
                raise Wrong(f"{call} {describe_mismatch(got, expected)}")

    return Check(
        name, test, hints=hints, solution=solution, right=[reference], wrong=wrong
    )


def describe_what(value: Any) -> str:
    """A short description of a value that must not be shown in full."""
    kind = type(value).__name__
    return f"a {kind}" if kind[:1] not in "aeiou" else f"an {kind}"
