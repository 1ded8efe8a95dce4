"""Instant feedback for exercises: one check object per question.

Introduced in lesson 00. A check lives in plain Python (``refimpl.course.checks.lNN``),
never in notebook metadata, so learners may copy, move or rename cells and notebooks.

A check answers in one of three ways:

* **correct**;
* **not attempted yet**: the answer is still the untouched stub (``...``, or a function
  whose body is still only ``...``);
* **incorrect**: a message that says what went wrong on which input and *where* the
  answer differs (the first wrong byte, character or item, with a little context),
  never the expected value. A function that returns ``None`` is asked whether it forgot
  its ``return``.

One type policy for every check: NumPy integer and bool scalars count as Python ints and
bools; a float is refused where an int is asked for (the message says so); an int is
fine where a float is asked for; a wrong value is described by its value, not blamed on
its type.

The learner's function runs within limits (:mod:`refimpl.course.limits`): on copies of
the inputs, with a sane recursion limit, a time limit and a memory budget. A learner's
exception (any ``BaseException`` but ``KeyboardInterrupt``) is reported in one friendly
line plus the learner's own traceback; frames from this package are left out. Every
``check()`` adds one line to the progress log (:mod:`refimpl.course.progress`), and
``solution()`` prints the answer region of ``solutions/NN_*.ipynb``
(:mod:`refimpl.course.solutions`).
"""

from __future__ import annotations

import ast
import dis
import inspect
import os
import reprlib
import sys
import textwrap
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from refimpl.course import limits

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "Check",
    "FunctionCheck",
    "LearnerError",
    "NotAttempted",
    "call_learner",
    "describe_mismatch",
    "reject_stub",
    "Result",
    "ValueCheck",
    "Wrong",
    "all_checks",
    "answers_equal",
    "args_whole",
    "array_code",
    "short_repr",
]

CORRECT = "correct"
NOT_ATTEMPTED = "not attempted"
INCORRECT = "incorrect"

MAX_ITEMS = 10_000_000
"""An answer with more items (or bytes) than this is refused before it is compared."""

_ICONS = {CORRECT: "✅", NOT_ATTEMPTED: "⏳", INCORRECT: "❌"}
_OUR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_REGISTRY: list[Check] = []


class Wrong(Exception):
    """Raised by a check's test to say what is wrong (never the expected value)."""


class LearnerError(Exception):
    """Wraps an exception raised by the learner's own code."""

    def __init__(
        self, call: str, error: BaseException, timed_out: bool = False, seconds=None
    ):
        super().__init__(call)
        self.call = call
        self.error = error
        self.timed_out = timed_out
        self.seconds = seconds


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


# -- showing values, safely and briefly ---------------------------------------------
def _make_repr() -> reprlib.Repr:
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxlong, r.maxother = 4, 120, 120, 120
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = 24
    r.maxdeque = r.maxarray = 24
    return r


_REPR = _make_repr()


def _safe_repr(value: Any) -> str:
    """``repr`` that is bounded in size and never raises (a learner's object may)."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > 1000:
                return f"<an int of {value.bit_length()} bits>"
            return repr(value)
        if isinstance(value, bytes | bytearray | memoryview):
            return _bytes_repr(bytes(value[:4096]), len(value))
        np = _np()
        if np is not None and isinstance(value, np.generic):
            return repr(value.item())  # np.int64(8) reads as 8
        return _REPR.repr(value)
    except Exception:
        return f"<{_type_name(value)} object>"


def _bytes_repr(head: bytes, length: int, limit: int = 90) -> str:
    if length <= 12:
        return repr(head)
    if length == len(head) and 2 * length + 16 <= limit:
        return f"bytes.fromhex('{head.hex()}')"
    return f"{head[:8].hex()}… ({length} bytes)"


def short_repr(value: Any, limit: int = 60) -> str:
    """A one-line ``repr`` of at most ``limit`` characters, for messages about inputs.

    Short values are shown whole (byte strings up to about ``limit`` hex digits as
    ``bytes.fromhex('…')``), so a learner can rebuild the input; longer ones are cut.
    """
    whole = array_code(value)
    if whole is not None:
        return whole
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            text = _bytes_repr(bytes(value[:4096]), len(value), limit)
        except Exception:
            text = _safe_repr(value)
    else:
        text = _safe_repr(value)
    return _cut(text, limit)


def args_whole(args: tuple) -> str:
    """A failing call's arguments in full, as the learner would type them: for
    checks whose inputs are small enough to retype (a cut one could hide the very
    item that makes the answer wrong)."""
    return ", ".join(repr(a) for a in args)


SMALL_ARRAY = 64  # numpy arrays and torch tensors up to this many items are shown whole


def array_code(value: Any) -> str | None:
    """Python that rebuilds a small numpy array or torch tensor exactly, else None.

    ``np.array([[0.3, 0.7]])``, ``torch.tensor([1.0, 2.0], dtype=torch.float32)``:
    every value in its shortest exact form, the dtype named unless it is the default.
    """
    try:
        np = _np()
        if np is not None and isinstance(value, np.ndarray):
            if value.size > SMALL_ARRAY or value.dtype.kind not in "biuf":
                return None
            body = _non_finite(repr(value.tolist()), "np.nan", "np.inf")
            dtype = (
                ""
                if value.dtype in (np.float64, np.int64)
                else (f", dtype=np.{value.dtype}")
            )
            if value.size == 0:
                return f"np.zeros({value.shape}{dtype})"
            return f"np.array({body}{dtype})"
        torch = sys.modules.get("torch")  # only if the learner's code uses torch
        if torch is not None and isinstance(value, torch.Tensor):
            if value.numel() > SMALL_ARRAY or value.is_complex():
                return None
            dtype = str(value.dtype).replace("torch.", "")
            if value.numel() == 0:
                return f"torch.zeros({tuple(value.shape)}, dtype=torch.{dtype})"
            body = _non_finite(
                repr(value.detach().cpu().tolist()), "float('nan')", "float('inf')"
            )
            return f"torch.tensor({body}, dtype=torch.{dtype})"
    except Exception:
        return None
    return None


def _non_finite(body: str, nan: str, inf: str) -> str:
    """A list's repr with nan and inf written as code that rebuilds them."""
    import re

    return re.sub(r"\binf\b", inf, re.sub(r"\bnan\b", nan, body))


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: Any) -> str:
    try:
        return type(value).__name__
    except Exception:  # pragma: no cover - every object has a type
        return "object"


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:  # a learner's __str__ may raise anything
        return "(its message could not be shown)"


def _a(noun: str) -> str:
    """``an int``, ``a str``: the article a type name wants."""
    vowel_sound = noun[:1] in "aeiouAEIOU" or noun.startswith("nd")  # an ndarray
    return f"an {noun}" if vowel_sound else f"a {noun}"


def _is_stub(value: Any) -> bool:
    return value is None or value is Ellipsis


def _is_stub_function(fn: Any) -> bool:
    """True for the exercise's untouched stub: a function whose body is only ``...``.

    ``...``, ``pass`` and ``return None`` compile to the same code, so where the
    source can be read it decides: only ``...`` (after a docstring) is the stub. A
    function that returns None on purpose is run, and told it returned None.
    """
    code = getattr(fn, "__code__", None)
    if not isinstance(fn, types.FunctionType) or code is None or code.co_freevars:
        return False
    if code.co_name == "<lambda>" or not _returns_none_at_once(code):
        return False  # `lambda: ...` returns the Ellipsis: reject_stub sees that
    body = _source_body(fn)
    return body is None or _is_ellipsis_only(body)


def _returns_none_at_once(code: types.CodeType) -> bool:
    """The code does nothing but return None (as a body of ``...`` does)."""
    ops = [
        i
        for i in dis.get_instructions(code)
        if i.opname not in ("RESUME", "NOP", "CACHE")
    ]
    names = [i.opname for i in ops]
    if names not in (["RETURN_CONST"], ["LOAD_CONST", "RETURN_VALUE"]):
        return False
    return ops[0].argval is None


def _source_body(fn: types.FunctionType) -> list[ast.stmt] | None:
    """The statements of ``fn``'s body (a docstring left out), or None if unread."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except Exception:  # no source (exec, a deleted file) or not parseable alone
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    if node.name != fn.__code__.co_name:
        return None
    body = node.body
    first = body[0] if body else None
    if len(body) > 1 and isinstance(first, ast.Expr):
        if isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            body = body[1:]
    return body


def _is_ellipsis_only(body: list[ast.stmt]) -> bool:
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    value = body[0].value
    return isinstance(value, ast.Constant) and value.value is Ellipsis


def _learner_traceback(error: BaseException, max_frames: int = 30) -> str:
    """The learner's part of a traceback: frames from refimpl.course are dropped."""
    try:
        frames = [
            f
            for f in traceback.extract_tb(error.__traceback__)
            if not os.path.abspath(f.filename).startswith(_OUR_DIR)
        ]
        lines = traceback.format_list(frames[-max_frames:])
        lines += traceback.format_exception_only(type(error), error)
    except BaseException:
        return ""
    skipped = max(0, len(frames) - max_frames)
    more = f"  ... {skipped} earlier frames left out ...\n" if skipped else ""
    return "Traceback (your code):\n" + more + "".join(lines)


def call_learner(
    fn: Callable[..., Any],
    args: tuple,
    call_text: str,
    *,
    time_limit: float | None = limits.TIME_LIMIT,
    may_change_inputs: bool = False,
) -> Any:
    """Call a learner's function within limits, on copies of ``args``.

    Its exceptions (and running out of time or memory) come back as ``LearnerError``;
    an answer that changes one of its arguments in place raises :class:`Wrong`, unless
    ``may_change_inputs`` (the check's own ``args`` are never changed either way).
    """
    given = limits.safe_copy(tuple(args))
    outcome = limits.call_limited(fn, given, time_limit=time_limit)
    if outcome.error is not None:
        raise LearnerError(
            call_text, outcome.error, outcome.timed_out, time_limit
        ) from None
    np = _np()
    if np is not None and isinstance(outcome.value, np.ndarray):
        if any(outcome.value is a for a in given):
            raise Wrong(
                f"{call_text} returned its own argument, the very array it was "
                "given; return a new array (the caller's would change with it)"
            )
    if not may_change_inputs:
        position = limits.changed_argument(tuple(args), given)
        if position is not None:
            raise Wrong(
                f"{call_text} changed its argument number {position} in place; work "
                "on a copy (or build a new value) and return it, so the caller's data "
                "stays as it was"
            )
    return outcome.value


# -- the type policy and where an answer differs -------------------------------------
def _np() -> Any:
    try:
        import numpy

        return numpy
    except ImportError:  # pragma: no cover - numpy is a course dependency
        return None


def _is_bool(x: Any) -> bool:
    np = _np()
    return isinstance(x, bool) or (np is not None and isinstance(x, np.bool_))


def _is_int(x: Any) -> bool:
    """A Python or NumPy integer (bools are not integers here)."""
    np = _np()
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (np is not None and isinstance(x, np.integer))


def _is_float(x: Any) -> bool:
    np = _np()
    return isinstance(x, float) or (np is not None and isinstance(x, np.floating))


def _is_array(x: Any) -> bool:
    np = _np()
    return np is not None and isinstance(x, np.ndarray)


def _kind(x: Any) -> str:
    """What a value is, for messages: ``a float``, ``an ndarray of float64``."""
    if _is_array(x):
        return f"an array of {x.dtype}"
    if isinstance(x, Iterator) and not isinstance(x, Sequence):
        return f"{_a(_type_name(x))} (an iterator)"
    if type(x) is bytes:
        return "a bytes object"
    return _a(_type_name(x))


def _wanted(expected: Any) -> str:
    if _is_bool(expected):
        return "a bool (True or False)"
    if _is_int(expected):
        return "an int"
    if _is_float(expected):
        return "a float"
    if _is_array(expected):
        return "an array" if expected.dtype.kind != "b" else "an array of bools"
    if isinstance(expected, bytes | bytearray):
        return "a bytes object"
    return _a(_type_name(expected))


def _type_problem(got: Any, expected: Any) -> str | None:
    """Why ``got``'s type cannot be right where ``expected``'s is wanted, or None."""
    if expected is None:
        return None  # the value message never reveals that None is wanted
    if _is_bool(expected):
        ok = _is_bool(got)
    elif _is_int(expected):
        ok = _is_int(got)
    elif _is_float(expected):
        ok = _is_int(got) or _is_float(got)
    elif _is_array(expected):
        ok = _is_array(got) or isinstance(got, list | tuple)
        if ok and _is_array(got):
            return _dtype_problem(got, expected)
    elif isinstance(expected, list | tuple) and _is_array(got):
        ok = True  # arrays and lists compare by shape and values
    elif isinstance(expected, bytes | bytearray):
        ok = isinstance(got, bytes | bytearray)
    elif isinstance(expected, dict):
        ok = isinstance(got, dict)
    elif isinstance(expected, set | frozenset):
        ok = isinstance(got, set | frozenset)
    else:
        ok = isinstance(got, type(expected))
    if ok:
        return None
    return f"{_kind(got)}, but {_wanted(expected)} is wanted"


def _dtype_problem(got: Any, expected: Any) -> str | None:
    have, want = got.dtype.kind, expected.dtype.kind
    if want == "b" and have != "b":
        return f"an array of {got.dtype}, but an array of bools is wanted"
    if want in "iu" and have not in "iu":
        return f"an array of {got.dtype}, but an array of integers is wanted"
    if want in "fc" and have not in "iufc":
        return f"an array of {got.dtype}, but an array of numbers is wanted"
    return None


def _both_nan(a: Any, b: Any) -> bool:
    try:
        return bool(a != a and b != b)
    except Exception:
        return False


def answers_equal(got: Any, expected: Any) -> bool:
    """Exact equality under the course's one type policy (see the module docstring):
    what a FunctionCheck compares with, for custom checks to reuse."""
    if _type_problem(got, expected) is not None:
        return False
    np = _np()
    if _is_array(got) or _is_array(expected):
        got_a, exp_a = np.asarray(got), np.asarray(expected)
        if got_a.shape != exp_a.shape:
            return False
        if _is_array(expected) and _dtype_problem(got_a, exp_a) is not None:
            return False
        nan = got_a.dtype.kind in "fc" and exp_a.dtype.kind in "fc"
        return bool(np.array_equal(got_a, exp_a, equal_nan=nan))
    if _is_bool(expected):
        return bool(got) == bool(expected)
    if isinstance(expected, list | tuple) and type(got) is type(expected):
        return len(got) == len(expected) and all(
            answers_equal(g, e) for g, e in zip(got, expected, strict=True)
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(
            answers_equal(got[k], expected[k]) for k in expected
        )
    if _is_float(expected) or _is_float(got):
        return bool(got == expected) or _both_nan(got, expected)
    return bool(got == expected)


def _close(got: Any, expected: Any) -> bool:
    """Equal, or equal up to float rounding (to find which item of a tuple is off)."""
    try:
        if answers_equal(got, expected):
            return True
        if _type_problem(got, expected) is not None:
            return False
        if _is_int(got) and _is_int(expected):
            return False  # ints are exact: 33300000000000004 is not ...03
        np = _np()
        return bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12))
    except Exception:
        return False


def _show(value: Any, hex_ints: bool) -> str:
    if hex_ints and _is_int(value):
        v = int(value)
        return f"{v:#x}" if v >= 0 else f"-{-v:#x}"
    return short_repr(value)


def _context(
    items: Sequence[Any], index: int, show: Callable[[Any], str], sep: str
) -> str:
    """The learner's own items around ``index``, the wrong one in brackets."""
    start, end = max(0, index - 4), min(len(items), index + 5)
    shown = [show(x) for x in items[start:end]]
    shown[index - start] = f"[{shown[index - start]}]"
    head = "…" if start else ""
    tail = "…" if end < len(items) else ""
    return head + sep.join(shown) + tail


def _first_difference(got: Sequence[Any], expected: Sequence[Any]) -> int | None:
    for index in range(min(len(got), len(expected))):
        if got[index] != expected[index]:
            return index
    return None


def _hex_byte(b: int) -> str:
    return f"{b:02x}"


def _char(c: str) -> str:
    return repr(c)[1:-1]


def _length_note(first: int | None, common: int, unit: str, context: str) -> str:
    if first is not None:
        return f", and already {unit} [{first}] is wrong: {context}"
    if common:
        return f" (its first {common} {unit}s are right)"
    return ""


def _has(verb: str) -> str:
    """``returned 3 items`` but ``item [1] has 3 items``."""
    return "has" if verb == "is" else verb


def _bytes_mismatch(got: bytes, expected: bytes, verb: str) -> str:
    first = _first_difference(got, expected)
    context = _context(got, first, _hex_byte, " ") if first is not None else ""
    count = f"{len(got)} byte" + ("" if len(got) == 1 else "s")
    if len(got) != len(expected):
        common = min(len(got), len(expected))
        note = _length_note(first, common, "byte", context)
        return f"{_has(verb)} {count}; that length is not right{note}"
    return f"{verb} {count} whose first wrong byte is [{first}]: {context}"


def _str_mismatch(got: str, expected: str, verb: str) -> str:
    if len(got) <= 12 and len(expected) <= 12:  # a name or a word: shown whole
        return f"{verb} {short_repr(got)}, which is not right"
    first = _first_difference(got, expected)
    context = _context(got, first, _char, "") if first is not None else ""
    short = len(got) <= 40
    if len(got) != len(expected):
        characters = "character" if len(got) == 1 else "characters"
        shown = (
            f"{short_repr(got, 80)} ({len(got)} {characters})"
            if short
            else (f"a str of {len(got)} {characters}")
        )
        note = _length_note(first, min(len(got), len(expected)), "character", context)
        return f"{verb} {shown}; that length is not right{note}"
    if short:
        return (
            f"{verb} {short_repr(got, 80)}, whose first wrong character is "
            f"[{first}] ({_char(got[first or 0])!r})"
        )
    return (
        f"{verb} a str of {len(got)} characters whose first wrong character is "
        f"[{first}]: {context}"
    )


def _sequence_mismatch(got: Any, expected: Any, verb: str, hex_ints: bool) -> str:
    kind = _type_name(got)
    for index, (item, want) in enumerate(zip(got, expected, strict=False)):
        if not _close(item, want):
            why = _describe(item, want, "is", hex_ints)
            if len(got) != len(expected):
                items = "item" if len(got) == 1 else "items"
                return (
                    f"{_has(verb)} {len(got)} {items}; that length is not right, and "
                    f"already item [{index}] {why}"
                )
            return f"{verb} {_a(kind)} whose item [{index}] {why}"
    if len(got) != len(expected):
        items = "item" if len(got) == 1 else "items"
        head = f"{_has(verb)} {len(got)} {items}; that length is not right"
        if len(got) > len(expected) > 0:  # the learner's own extra item, never ours
            extra = len(got) - len(expected)
            more = "one too many" if extra == 1 else f"the first of {extra} too many"
            right = (
                "the first item is right"
                if len(expected) == 1
                else f"the first {len(expected)} are right"
            )
            return (
                f"{head}: {right}, and item [{len(expected)}] "
                f"{short_repr(got[len(expected)], 80)} is {more}"
            )
        if got and len(got) < len(expected):
            return f"{head}: too few items"
        return head
    return (
        f"{verb} {short_repr(got)}, which is not right: each item is close to the "
        "right one, but not all are equal to it (a small difference in precision or "
        "rounding?)"
    )


def _array_mismatch(got: Any, expected: Any, verb: str) -> str:
    np = _np()
    got_a, exp_a = np.asarray(got), np.asarray(expected)
    if got_a.shape != exp_a.shape:
        return f"{verb} shape {tuple(got_a.shape)}; that shape is not right"
    try:
        same = got_a == exp_a
        if got_a.dtype.kind in "fc" and exp_a.dtype.kind in "fc":
            same = same | (np.isnan(got_a) & np.isnan(exp_a))
        wrong = np.argwhere(~np.asarray(same, dtype=bool))
    except Exception:
        wrong = []
    if len(wrong) == 0:
        return f"{verb} {short_repr(got)}, which is not right"
    index = tuple(int(i) for i in wrong[0])
    where = ", ".join(str(i) for i in index)
    value = got_a[index] if index else got_a[()]
    count = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
    shape = f"an array of shape {tuple(got_a.shape)}" if got_a.ndim else "an array"
    return (
        f"{verb} {shape} whose item [{where}] is {short_repr(value.item())}, "
        f"which is not right{count}"
    )


def _dict_mismatch(got: dict, expected: dict, verb: str, hex_ints: bool) -> str:
    extra = [k for k in got if k not in expected]
    if extra:
        key = short_repr(extra[0])
        return f"{verb} a dict with the key {key}, which should not be there"
    missing = [k for k in expected if k not in got]
    if missing:
        keys = "key" if len(missing) == 1 else "keys"
        return f"{verb} a dict that lacks {len(missing)} {keys}"
    for key in expected:
        if not _close(got[key], expected[key]):
            why = _describe(got[key], expected[key], "is", hex_ints)
            return f"{verb} a dict whose value at key {short_repr(key)} {why}"
    return f"{verb} {short_repr(got)}, which is not right"


def _set_mismatch(got: Any, expected: Any, verb: str) -> str:
    extra = [x for x in got if x not in expected]
    if extra:
        return (
            f"{verb} {_a(_type_name(got))} holding {short_repr(extra[0])}, "
            "which should not be in it"
        )
    missing = len([x for x in expected if x not in got])
    items = "item" if missing == 1 else "items"
    shown = short_repr(got) if got else f"an empty {_type_name(got)}"
    return f"{verb} {shown}, which lacks {missing} {items}"


def _describe(got: Any, expected: Any, verb: str, hex_ints: bool) -> str:
    problem = _type_problem(got, expected)
    if problem is not None:
        return f"{verb} {problem}"
    if _is_array(got) or _is_array(expected):
        return _array_mismatch(got, expected, verb)
    if isinstance(got, bytes | bytearray) and isinstance(expected, bytes | bytearray):
        return _bytes_mismatch(bytes(got), bytes(expected), verb)
    if isinstance(got, str) and isinstance(expected, str):
        return _str_mismatch(got, expected, verb)
    if isinstance(got, list | tuple) and isinstance(expected, list | tuple) and got:
        return _sequence_mismatch(got, expected, verb, hex_ints)
    if isinstance(got, list | tuple) and len(got) != len(expected or ()):
        return f"{verb} 0 items; that length is not right"
    if isinstance(got, dict) and isinstance(expected, dict):
        return _dict_mismatch(got, expected, verb, hex_ints)
    if isinstance(got, set | frozenset) and isinstance(expected, set | frozenset):
        return _set_mismatch(got, expected, verb)
    return f"{verb} {_show(got, hex_ints)}, which is not right"


def _describe_mismatch(
    got: Any, expected: Any, verb: str = "returned", *, hex_ints: bool = False
) -> str:
    """Say how ``got`` differs from what was wanted, never showing the wanted value.

    The message names the first wrong byte, character or item (with the learner's own
    neighbouring values), or the type that cannot be right; ints in hex if asked.
    """
    try:
        return _describe(got, expected, verb, hex_ints)
    except Exception:
        return f"{verb} {short_repr(got)}, which is not right"


describe_mismatch = _describe_mismatch


def _too_big(got: Any) -> str | None:
    """Why an answer is too large to compare, or None."""
    try:
        if _is_array(got):
            size = int(got.size)
        elif isinstance(got, str | bytes | bytearray | list | tuple | dict | set):
            size = len(got)
        else:
            return None
    except Exception:
        return None
    if size > MAX_ITEMS:
        return f"returned {size:,} items; that is far more than this question asks for"
    return None


# -- checks ------------------------------------------------------------------------
class Check:
    """One question: ``check(answer)``, ``hint()``, ``solution()``.

    ``test(answer)`` raises :class:`Wrong` with a message naming the failing input, and
    returns normally when the answer is right. ``right`` and ``wrong`` are known answers
    that the course's own tests use to prove the check can pass and can fail.
    ``solution()`` prints the answer region of ``solutions/NN_*.ipynb``; the
    ``solution`` text given here is used only when no solutions notebook holds one.
    """

    def __init__(
        self,
        name: str,
        test: Callable[[Any], None],
        *,
        hints: Sequence[str],
        solution: str = "",
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
        if answer is Ellipsis or _is_stub_function(answer):
            return Result(
                NOT_ATTEMPTED, "replace the `...` with your answer and run again"
            )
        if answer is None:
            return Result(
                NOT_ATTEMPTED,
                "your answer is None: replace the `...` with your answer and run "
                "again (if a function of yours computed it, did it forget a `return`?)",
            )
        # The whole test runs within generous limits too: a custom test may touch the
        # answer (a generator, an object of the learner's) outside call_learner.
        outcome = limits.call_limited(
            self._test, (answer,), time_limit=limits.CHECK_TIME_LIMIT
        )
        error = outcome.error
        if error is None:
            return Result(CORRECT, "well done")
        if isinstance(error, _Stub):
            return Result(NOT_ATTEMPTED, "your function still returns the stub `...`")
        if isinstance(error, Wrong):
            return Result(INCORRECT, _safe_str(error))
        if isinstance(error, LearnerError):
            return _learner_result(error)
        if outcome.timed_out:
            seconds = f"{limits.CHECK_TIME_LIMIT:g}"
            return Result(
                INCORRECT, f"the check was stopped after {seconds} seconds: too slow"
            )
        return Result(  # the answer broke the comparison: say so kindly
            INCORRECT,
            f"your answer could not be compared ({_type_name(error)}); "
            f"it is {_a(_type_name(answer))}",
        )

    def check(self, answer: Any) -> None:
        """Print whether ``answer`` is correct, not attempted yet, or incorrect."""
        result = self.evaluate(answer)
        from refimpl.course import progress

        progress.record(self.name, result.status)
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

    def solution_text(self) -> tuple[str, str]:
        """The worked solution and where it comes from (``solutions/NN_….ipynb``)."""
        from refimpl.course import solutions

        return solutions.solution_for(self)

    def solution(self) -> None:
        """Print a worked solution (the answer region of ``solutions/NN_*.ipynb``)."""
        text, origin = self.solution_text()
        print(f"📖 {self.name}, a worked solution ({origin}):\n{text}")

    def _handle(self) -> str:
        """How the learner reaches this check, e.g. ``l03.merkle_parent``."""
        for mod_name, module in list(sys.modules.items()):
            if not mod_name.startswith("refimpl.course.checks."):
                continue
            for attr, value in list(vars(module).items()):
                if value is self:
                    return f"{mod_name.rsplit('.', 1)[-1]}.{attr}"
        return ""


def _learner_result(err: LearnerError) -> Result:
    error = err.error
    kind = _type_name(error)
    trace = _learner_traceback(error)
    if err.timed_out:
        seconds = err.seconds or limits.TIME_LIMIT
        unit = "second" if seconds == 1 else "seconds"
        return Result(
            INCORRECT,
            f"{err.call} was stopped: it ran for more than {seconds:g} {unit} "
            "(an endless loop?)",
            trace,
        )
    text = _cut(_safe_str(error), 120)
    if isinstance(error, RecursionError):
        trace = _learner_traceback(error, max_frames=3)
        text += " (a recursion that never reaches its base case?)"
    elif isinstance(error, MemoryError):
        text = text or "it ran out of memory"
        text += " (an answer that grows without end?)"
    elif isinstance(error, SystemExit):
        text = "exit() and sys.exit() stop a program; return a value instead"
    return Result(
        INCORRECT,
        f"{err.call} raised {kind}" + (f": {text}" if text else ""),
        trace,
    )


class _Stub(Exception):
    """The learner's function returned the stub: not attempted yet."""


# Public names for custom checks: raise NotAttempted() from a test when the
# learner's answer is still the stub; describe_mismatch says how a value is off,
# never showing the answer.
NotAttempted = _Stub


def reject_stub(got: Any, call: str, *, first: bool) -> None:
    """Refuse a stub result: ``...`` on the first input means *not attempted yet*;
    ``None`` means a missing ``return``. Use it in custom checks."""
    if got is Ellipsis and first:
        raise _Stub()
    if _is_stub(got):
        raise Wrong(f"{call} returned {got!r}; did you forget a `return`?")


class FunctionCheck(Check):
    """A question answered by writing a function: it is compared with ``reference``.

    Each case runs on copies of its arguments within :mod:`refimpl.course.limits`
    (``time_limit`` seconds per call); an answer that changes an argument in place is
    refused unless ``may_change_inputs``. ``hex_ints`` shows ints in hex (bit-level
    values) in the failing call and in the message.
    """

    def __init__(
        self,
        name: str,
        *,
        reference: Callable[..., Any],
        cases: Sequence[tuple] | Callable[[], Sequence[tuple]],
        hints: Sequence[str],
        solution: str = "",
        wrong: Sequence[Any] = (),
        compare: Callable[[Any, Any], bool] | None = None,
        func_name: str | None = None,
        show: Callable[[tuple], str] | None = None,
        hex_ints: bool = False,
        time_limit: float | None = limits.TIME_LIMIT,
        may_change_inputs: bool = False,
    ):
        self.reference = reference
        self._cases = cases
        self.hex_ints = hex_ints
        self.time_limit = time_limit
        self.may_change_inputs = may_change_inputs
        # show(args) -> the text between the parentheses of the failing call
        self._show = show or (
            lambda args: ", ".join(
                _show(a, hex_ints)
                if array_code(a) is not None
                else _cut(_show(a, hex_ints), 90)
                for a in args
            )
        )
        self._compare = compare or answers_equal
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

    def _none_is_an_answer(self) -> bool:
        """True when the reference itself returns None for some case."""
        if not hasattr(self, "_none_answers"):
            self._none_answers = any(
                self.reference(*limits.safe_copy(args)) is None for args in self.cases
            )
        return self._none_answers

    def _run(self, answer: Any) -> None:
        if not callable(answer):
            raise Wrong(
                f"expected a function, got {_a(_type_name(answer))}; "
                f"pass the function itself, without calling it"
            )
        for index, args in enumerate(self.cases):
            try:
                call = f"{self.func_name}({self._show(args)})"
            except Exception:
                call = f"{self.func_name}(<case {index + 1}>)"
            got = call_learner(
                answer,
                args,
                call,
                time_limit=self.time_limit,
                may_change_inputs=self.may_change_inputs,
            )
            expected = self.reference(*limits.safe_copy(args))
            if got is None and expected is not None and self._none_is_an_answer():
                # None answers other inputs, so a None here is a wrong value, not a
                # forgotten return: say so without hinting at the right one.
                raise Wrong(f"{call} returned None, which is not right for this input")
            if not (got is None and expected is None):  # None may be the answer
                reject_stub(got, call, first=index == 0)
            too_big = _too_big(got)
            if too_big is not None:
                raise Wrong(f"{call} {too_big}")
            outcome = limits.call_limited(
                self._compare, (got, expected), time_limit=self.time_limit
            )
            if isinstance(outcome.error, Wrong | _Stub):
                raise outcome.error
            if outcome.error is not None or not _truthy(outcome.value):
                why = _describe_mismatch(got, expected, hex_ints=self.hex_ints)
                raise Wrong(f"{call} {why}")


def _truthy(value: Any) -> bool:
    try:
        return bool(value)
    except Exception:
        return False


class ValueCheck(Check):
    """A question answered with a value; ``expected`` is computed lazily."""

    def __init__(
        self,
        name: str,
        *,
        expected: Callable[[], Any],
        hints: Sequence[str],
        solution: str = "",
        wrong: Sequence[Any] = (),
        compare: Callable[[Any, Any], bool] | None = None,
        describe: str = "the answer",
        hex_ints: bool = False,
    ):
        self._expected = expected
        self._compare = compare or answers_equal
        self.describe = describe
        self.hex_ints = hex_ints
        super().__init__(name, self._run, hints=hints, solution=solution, wrong=wrong)
        self.right = [_Lazy(expected)]

    def _run(self, answer: Any) -> None:
        expected = self._expected()
        too_big = _too_big(answer)
        if too_big is not None:
            raise Wrong(f"{self.describe}: your answer has too many items")
        outcome = limits.call_limited(self._compare, (answer, expected))
        if isinstance(outcome.error, Wrong | _Stub):
            raise outcome.error
        if outcome.error is not None or not _truthy(outcome.value):
            why = _describe_mismatch(
                answer, expected, "you gave", hex_ints=self.hex_ints
            )
            raise Wrong(f"{self.describe}: {why}")


class _Lazy:
    """A right answer computed when needed (so check modules import fast)."""

    def __init__(self, make: Callable[[], Any]):
        self.make = make


def all_checks() -> list[Check]:
    """Every check object created so far (the course's tests iterate over these)."""
    return list(_REGISTRY)
