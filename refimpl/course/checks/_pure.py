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


def _is_float32(value: Any) -> bool:
    """A float32 (or float16) scalar or array, or a list/tuple holding one."""
    if isinstance(value, np.ndarray | np.floating):
        return value.dtype in (np.float32, np.float16)
    if isinstance(value, list | tuple):
        return any(_is_float32(v) for v in value[:64])
    return False


FLOAT32_NOTE = (
    " (it is float32, which keeps only about 7 digits: compute in float64, "
    "numpy's default and Python's float)"
)
NEAR_NOTE = (
    " (it is right only to about 7 digits, the precision of float32: compute in "
    "float64, numpy's default and Python's float)"
)


class PureFunctionCheck(FunctionCheck):
    """A :class:`FunctionCheck` whose answer must leave its arguments unchanged.

    ``returns`` (a type or tuple of types), if given, is the container the exercise
    text asks for (``list``, ``tuple``, ``np.ndarray``); another one is reported as
    such, whatever its values. ``items`` (a type), if given, is what each element of
    a returned tuple must be (``np.ndarray`` for "a tuple of two numpy arrays").
    """

    def __init__(
        self,
        *args: Any,
        returns: Any = None,
        near: Any = None,
        items: Any = None,
        **kwargs: Any,
    ):
        self._returns = returns
        self._items = items
        self._near = near  # near(got, expected): right to float32 precision only
        super().__init__(*args, **kwargs)

    def _run(self, answer: Any) -> None:
        if not callable(answer):
            super()._run(answer)
            return
        problems: dict[str, str] = {}  # "mutated" / "type" -> message (first seen)
        name = self.func_name
        last: list[Any] = []  # the latest value returned

        def watched(*args: Any) -> Any:
            before = [copy.deepcopy(a) for a in args]
            try:
                got = answer(*args)
                last[:] = [got, before]
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
                if self._items is not None and isinstance(got, tuple):
                    odd = [x for x in got if not isinstance(x, self._items)]
                    if odd:
                        problems.setdefault(
                            "type",
                            f"{name}(...) returned a tuple holding "
                            f"{_a(type(odd[0]).__name__)}; the exercise asks for "
                            f"{_a(self._items.__name__)} in each place",
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
        except Wrong as wrong:
            if first_problem():
                raise Wrong(first_problem()) from None
            text = str(wrong)
            if last and "float32" not in text:
                if _is_float32(last[0]):
                    raise Wrong(f"{text}{FLOAT32_NOTE}") from None
                if self._is_near(*last):
                    raise Wrong(f"{text}{NEAR_NOTE}") from None
            raise
        if first_problem():
            raise Wrong(first_problem())

    def _is_near(self, got: Any, args: list) -> bool:
        if self._near is None:
            return False
        try:
            return bool(self._near(got, self.reference(*copy.deepcopy(args))))
        except Exception:
            return False
