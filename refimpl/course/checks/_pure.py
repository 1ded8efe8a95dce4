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
    """A :class:`FunctionCheck` whose answer must leave its arguments unchanged."""

    def _run(self, answer: Any) -> None:
        if not callable(answer):
            super()._run(answer)
            return
        changed: list[str] = []
        name = self.func_name

        def watched(*args: Any) -> Any:
            before = [copy.deepcopy(a) for a in args]
            try:
                return answer(*args)
            finally:
                for pos, (old, new) in enumerate(zip(before, args, strict=True)):
                    if not changed and not same_value(old, new):
                        changed.append(
                            f"{name}(...) changed its argument number {pos + 1} in "
                            "place; work on a copy (or build a new value) and "
                            "return it, so the caller's data stays as it was"
                        )

        watched.__name__ = getattr(answer, "__name__", "answer")
        try:
            super()._run(watched)
        except Wrong:
            if changed:
                raise Wrong(changed[0]) from None
            raise
        if changed:
            raise Wrong(changed[0])
