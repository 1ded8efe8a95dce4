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
import math
from typing import Any

import numpy as np

from refimpl.course import FunctionCheck, Wrong

__all__ = ["PureFunctionCheck", "error_kind", "near_float", "same_value"]


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


def _low_precision_note(value: Any) -> str:
    """FLOAT32_NOTE, naming float16 when that is what the answer holds."""
    if isinstance(value, list | tuple):
        value = next((v for v in value[:64] if _is_float32(v)), value)
    if getattr(value, "dtype", None) == np.float16:
        return FLOAT32_NOTE.replace(
            "float32, which keeps only about 7", "float16, which keeps only about 3"
        )
    return FLOAT32_NOTE


FLOAT32_NOTE = (
    " (it is float32, which keeps only about 7 digits: compute in float64, "
    "numpy's default and Python's float)"
)
NEAR_NOTE = (
    " (it is right only to about 7 digits, the precision of float32: compute in "
    "float64, numpy's default and Python's float)"
)
ROUNDED_NOTE = " (it looks rounded: the exercise asks for the value as computed)"


def _pairs(got: Any, expected: Any) -> list[tuple[float, float]] | None:
    """The (got, expected) float pairs of two same-shaped values, else None."""
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if g.shape != e.shape:
        return None
    return [(float(a), float(b)) for a, b in zip(g.ravel(), e.ravel(), strict=True)]


def _is_rounded(g: float, e: float) -> bool:
    return any(g == round(e, k) for k in range(16))


def _f32_exact(x: float) -> bool:
    return float(np.float32(x)) == x


def error_kind(got: Any, expected: Any) -> str | None:
    """Why ``got`` differs from ``expected`` by a little, when one reason fits all.

    ``"rounded"``: each differing value is the expected one rounded to some number of
    decimals. ``"float32"``: each differing value is a float32 value (what a float32
    computation returns) or is off by a relative error between 1e-8 and 1e-5 (float32
    keeps 24 bits, a relative step of 6e-8; a few operations grow it). Else None: a
    value off by 1e-9 is not float32's doing, and the note would mislead.
    """
    pairs = _pairs(got, expected)
    if not pairs:
        return None
    diff = [(g, e) for g, e in pairs if not (g == e or (g != g and e != e))]
    if not diff or not all(math.isfinite(g) and math.isfinite(e) for g, e in diff):
        return None
    if all(_is_rounded(g, e) for g, e in diff):
        return "rounded"
    rel = [abs(g - e) / max(abs(e), 1e-300) for g, e in diff]
    if max(rel) <= 1e-5 and (all(_f32_exact(g) for g, _ in diff) or 1e-8 <= max(rel)):
        return "float32"
    return None


def near_float(got: float, expected: float, convert: str) -> str:
    """Why a float ``got`` is close to ``expected`` but not equal. float32 sums can
    be off by any amount from 1e-11 to 1e-5 (errors cancel or grow), and so can a
    formula with an epsilon in it: the size of the error cannot tell the two apart,
    so the message names both. ``convert`` says how to compute in float64."""
    rel = abs(got - expected) / max(abs(expected), 1e-300)
    return (
        f"which is close but not exact (off by a relative {rel:.0e}): a precision "
        "problem if you computed in float32 (torch's default dtype), so "
        f"{convert}; if you already work in float64, the formula itself differs a "
        "little (an epsilon added, another denominator?)"
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
        # near(got, expected): close; error_kind then says if float32 or rounding
        # explains the difference (the note is shown only then)
        self._near = near
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
                    if not same_value(old, new) and "mutated" not in problems:
                        try:  # the call as it was made, before the change
                            call = f"{name}({self._show(tuple(before))})"
                        except Exception:
                            call = f"{name}(...)"
                        problems["mutated"] = (
                            f"{call} changed its argument number {pos + 1} in "
                            "place; work on a copy (or build a new value) and "
                            "return it, so the caller's data stays as it was"
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
            # an input shown as float32 (dtype=np.float32) is no note of its own
            if last and "float32" not in self._after_call(text, last[1]):
                if _is_float32(last[0]):
                    raise Wrong(f"{text}{_low_precision_note(last[0])}") from None
                kind = self._near_kind(*last)
                if kind == "float32":
                    raise Wrong(f"{text}{NEAR_NOTE}") from None
                if kind == "rounded":
                    raise Wrong(f"{text}{ROUNDED_NOTE}") from None
            raise
        if first_problem():
            raise Wrong(first_problem())

    def _after_call(self, text: str, args: list) -> str:
        """``text`` without the failing call it starts with (its inputs)."""
        try:
            call = f"{self.func_name}({self._show(tuple(args))})"
        except Exception:
            return text
        return text[len(call) :] if text.startswith(call) else text

    def _near_kind(self, got: Any, args: list) -> str | None:
        """``error_kind`` of an answer the check's ``near`` calls close, else None."""
        if self._near is None:
            return None
        try:
            expected = self.reference(*copy.deepcopy(args))
            if not self._near(got, expected):
                return None
            return error_kind(_floats(got), _floats(expected))
        except Exception:
            return None


def _floats(value: Any) -> Any:
    """Lists and tuples (of arrays too) flattened to one list of floats."""
    if isinstance(value, list | tuple):
        out: list = []
        for v in value:
            part = _floats(v)
            out.extend(part if isinstance(part, list) else [part])
        return out
    if isinstance(value, np.ndarray):
        return [float(x) for x in value.ravel()]
    return float(value)
