"""A function check that also refuses answers that change their inputs in place.

Used by the checks of lessons 08-14. ``FunctionCheck`` calls the learner's function
and then the reference on the same arguments, so an answer that overwrites its
input (``W /= W.sum()``, ``column.sort()``) could hand the reference the damaged
input and pass. ``PureFunctionCheck`` watches each call: it copies the arguments
before the learner's function runs and compares them afterwards. A changed input
is reported by name of the argument position, before any other difference.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from refimpl.course import FunctionCheck, Wrong

__all__ = ["PureFunctionCheck", "same_value"]


def _a(noun: str) -> str:
    noun = "numpy array" if noun == "ndarray" else noun
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def same_value(a: Any, b: Any) -> bool:
    """Exact structural equality, arrays by dtype, shape and bits (nan == nan)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        return (
            a.dtype == b.dtype
            and a.shape == b.shape
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same_value(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return a is b


class PureFunctionCheck(FunctionCheck):
    """A :class:`FunctionCheck` whose answer must leave its arguments unchanged.

    ``returns`` (a type or tuple of types), if given, is the container the exercise
    text asks for (``list``, ``tuple``, ``np.ndarray``); another one is reported as
    such, whatever its values.
    """

    def __init__(self, *args: Any, returns: Any = None, **kwargs: Any):
        self._returns = returns
        super().__init__(*args, **kwargs)

    def _run(self, answer: Any) -> None:
        if not callable(answer):
            super()._run(answer)
            return
        problems: dict[str, str] = {}  # "mutated" / "type" -> message (first seen)
        name = self.func_name

        def watched(*args: Any) -> Any:
            before = [copy.deepcopy(a) for a in args]
            try:
                got = answer(*args)
                wanted = self._returns
                stub = got is None or got is Ellipsis
                if wanted is not None and not stub and not isinstance(got, wanted):
                    names = wanted if isinstance(wanted, tuple) else (wanted,)
                    kinds = " or ".join(_a(t.__name__) for t in names)
                    problems.setdefault(
                        "type",
                        f"{name}(...) returned {_a(type(got).__name__)}; the "
                        f"exercise asks for {kinds}",
                    )
                return got
            finally:
                for pos, (old, new) in enumerate(zip(before, args, strict=True)):
                    if not same_value(old, new):
                        problems.setdefault(
                            "mutated",
                            f"{name}(...) changed its argument number {pos + 1} in "
                            "place; work on a copy (or build a new value) and "
                            "return it, so the caller's data stays as it was",
                        )

        watched.__name__ = getattr(answer, "__name__", "answer")

        def first_problem() -> str | None:
            return problems.get("mutated") or problems.get("type")

        try:
            super()._run(watched)
        except Wrong:
            if first_problem():
                raise Wrong(first_problem()) from None
            raise
        if first_problem():
            raise Wrong(first_problem())
