"""Limits around a learner's function, so that ``check()`` never dies or hangs.

Introduced in lesson 00 (every ``check()`` of the course calls learner code through
:func:`call_limited`). Each call of a learner's function gets:

* **copies of its inputs** (``copy.deepcopy``), so an answer that changes its arguments
  cannot damage the check's own cases; :func:`changed_argument` tells the check whether
  it did (a classic mistake, reported as such);
* **a sane recursion limit**: py-ecc raises Python's limit to 100,000, where a runaway
  recursion through C code overflows the stack and kills the kernel. During the call
  the limit is the current depth + :data:`RECURSION_FRAMES`; a runaway recursion ends
  in ``RecursionError``, which the check reports;
* **a time limit** (:data:`TIME_LIMIT` seconds): a watchdog thread raises
  :class:`TimeLimitExceeded` *inside the learner's thread* with CPython's
  ``PyThreadState_SetAsyncExc``. This works in Jupyter kernels, in pytest (with or
  without xdist) and in any thread, and it leaves ``SIGALRM`` to its owners
  (pytest-timeout). Like a signal it is seen between two bytecodes, so a loop in Python
  stops at once; a single C call that blocks (``time.sleep(1e9)``) ends first.
  ``TimeLimitExceeded`` is a ``BaseException``, so ``except Exception`` in the learner's
  loop does not swallow it; it is raised again every 0.2 s for 5 s if it is;
* **a memory budget** (:data:`MEMORY_LIMIT` bytes more than the process maps now, with
  ``RLIMIT_AS`` on Linux): a list that grows without end ends in ``MemoryError`` instead
  of taking the machine's memory. The previous limit is restored after the call (a
  process started during the call inherits the budget).

A whole check (all its cases, and a custom test that touches the answer itself) runs
within :data:`CHECK_TIME_LIMIT` and the same budget; limited calls nest. The learner's
own exceptions (including ``SystemExit`` and any ``BaseException``) come back as the
exception object; only ``KeyboardInterrupt`` (the stop button) goes on.
"""

from __future__ import annotations

import copy
import ctypes
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CHECK_TIME_LIMIT",
    "MEMORY_LIMIT",
    "RECURSION_FRAMES",
    "TIME_LIMIT",
    "Outcome",
    "TimeLimitExceeded",
    "call_limited",
    "changed_argument",
    "safe_copy",
    "same_value",
]

TIME_LIMIT = 10.0
"""Seconds per call: every reference answer of the course takes well under 1 s."""

RECURSION_FRAMES = 3000
"""Frames a learner's function may add to the stack."""

MEMORY_LIMIT = 2 << 30
"""Bytes of new address space a call may map (2 GiB; the course needs far less)."""

CHECK_TIME_LIMIT = 120.0
"""Seconds for a whole check (all its cases), on top of each call's own limit."""

# The limits are process-wide: one thread at a time sets them; calls may nest.
_LOCK = threading.RLock()


class TimeLimitExceeded(BaseException):  # noqa: N818 - read by learners as a message
    """A learner's function ran longer than its time limit."""

    def __str__(self) -> str:
        return "stopped here: the time limit was reached"


@dataclass
class Outcome:
    """What a limited call gave: a ``value``, or the ``error`` it raised."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False


def safe_copy(value: Any) -> Any:
    """A deep copy, or the value itself when it cannot be copied."""
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


class _Watchdog:
    """Raises TimeLimitExceeded in one thread once its deadline passes."""

    def __init__(self, thread_id: int, seconds: float):
        self.thread_id = thread_id
        self.seconds = seconds
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.fired = False
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _raise(self, exc: type[BaseException] | None) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(self.thread_id), ctypes.py_object(exc) if exc else None
        )

    def _watch(self) -> None:
        try:
            if self.done.wait(self.seconds):
                return
            for _ in range(25):  # again, in case the learner's code swallowed it
                with self.lock:
                    if self.done.is_set():
                        return
                    self.fired = True
                    self._raise(TimeLimitExceeded)
                if self.done.wait(0.2):
                    return
        except Exception:  # e.g. MemoryError while the learner holds all memory
            return

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop watching; clears an exception that is raised but not yet seen."""
        with self.lock:
            self.done.set()
            if self.fired:
                self._raise(None)
        self.thread.join()


def _run_watched(fn: Callable[..., Any], args: tuple, watchdog: _Watchdog) -> Outcome:
    """``fn(*args)`` under a started watchdog, which is surely stopped on return.

    The watchdog's exception can arrive at any call or backward jump of this thread
    until ``stop`` has run, even after ``fn`` returned (a C function such as ``list``
    sees it only when it ends). So each ``stop`` is tried inside ``try``, and tried
    again if an exception interrupted it; a new one comes at most every 0.2 s.
    """
    outcome = Outcome()
    watchdog.start()
    try:
        outcome.value = fn(*args)
    except BaseException as error:
        outcome.error = error
    try:
        watchdog.stop()
    except BaseException as late:
        if outcome.error is None:
            outcome.error = late
        try:
            watchdog.stop()
        except BaseException:
            try:
                watchdog.stop()
            except BaseException:
                watchdog.stop()
    if watchdog.fired and outcome.error is None:
        outcome.error = TimeLimitExceeded()  # finished, but too late
    if watchdog.fired or isinstance(outcome.error, TimeLimitExceeded):
        outcome.value, outcome.timed_out = None, True
    return outcome


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        import resource

        return pages * resource.getpagesize()
    except (OSError, ValueError, ImportError, IndexError):
        return None


class _MemoryBudget:
    """Caps new address space with RLIMIT_AS (Linux); does nothing elsewhere."""

    def __init__(self, budget: int | None):
        self.budget = budget
        self.saved: tuple[int, int] | None = None

    def __enter__(self) -> _MemoryBudget:
        used = _address_space() if self.budget else None
        if used is None:
            return self
        try:
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = used + int(self.budget or 0)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            if soft == resource.RLIM_INFINITY or cap < soft:
                resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
                self.saved = (soft, hard)
        except (ImportError, ValueError, OSError):
            self.saved = None
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.saved is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, self.saved)


def call_limited(
    fn: Callable[..., Any],
    args: tuple,
    *,
    time_limit: float | None = TIME_LIMIT,
    memory_limit: int | None = -1,
    recursion_frames: int | None = None,
) -> Outcome:
    """Call ``fn(*args)`` within the limits above; never raises (but for Ctrl-C).

    ``memory_limit=-1`` and ``recursion_frames=None`` mean the module's current
    :data:`MEMORY_LIMIT` and :data:`RECURSION_FRAMES`; ``None`` turns a limit off.
    Calls nest (a whole check within a generous limit, each learner call within its
    own): the tighter limit wins.
    """
    if memory_limit == -1:
        memory_limit = MEMORY_LIMIT
    if recursion_frames is None:
        recursion_frames = RECURSION_FRAMES
    old_limit = sys.getrecursionlimit()
    outcome = Outcome()
    try:
        with _LOCK, _MemoryBudget(memory_limit):
            sys.setrecursionlimit(min(old_limit, _depth() + recursion_frames))
            try:
                if time_limit:
                    watchdog = _Watchdog(threading.get_ident(), time_limit)
                    outcome = _run_watched(fn, args, watchdog)
                else:
                    outcome.value = fn(*args)
            finally:
                sys.setrecursionlimit(old_limit)
    except BaseException as error:  # SystemExit, GeneratorExit, ...: feedback too
        outcome = Outcome(error=error, timed_out=isinstance(error, TimeLimitExceeded))
    if sys.getrecursionlimit() != old_limit:
        sys.setrecursionlimit(old_limit)
    if isinstance(outcome.error, KeyboardInterrupt):
        raise outcome.error
    return outcome


def _torch_same(a: Any, b: Any) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    a, b = a.detach(), b.detach()
    if a.is_floating_point() or a.is_complex():
        return bool(((a == b) | (a.isnan() & b.isnan())).all())
    return bool((a == b).all())


def same_value(a: Any, b: Any, depth: int = 0) -> bool:
    """Exact structural equality for telling whether an argument was changed in place.

    Arrays compare by dtype, shape and values (nan equals nan); objects without their
    own ``==`` compare by their attributes. When in doubt (deep nesting, a comparison
    that raises) the answer is True: an answer is never accused without proof.
    """
    if a is b or depth > 20:
        return True
    try:
        if type(a) is not type(b):
            return False
        kind = type(a)
        if kind.__module__ == "numpy" and kind.__name__ == "ndarray":
            import numpy as np

            nan = a.dtype.kind in "fc"
            return (
                a.dtype == b.dtype
                and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=nan))
            )
        if kind.__module__.startswith("torch") and hasattr(a, "is_floating_point"):
            return _torch_same(a, b)
        if isinstance(a, list | tuple):
            return len(a) == len(b) and all(
                same_value(x, y, depth + 1) for x, y in zip(a, b, strict=True)
            )
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(
                same_value(a[k], b[k], depth + 1) for k in a
            )
        if isinstance(a, float):
            return a == b or (a != a and b != b)
        if kind.__eq__ is object.__eq__:
            if hasattr(a, "__dict__"):
                return same_value(vars(a), vars(b), depth + 1)
            return True
        return bool(a == b)
    except Exception:
        return True


def changed_argument(before: tuple, after: tuple) -> int | None:
    """The 1-based position of the first argument that differs, or None."""
    for position, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        if not same_value(old, new):
            return position
    return None
