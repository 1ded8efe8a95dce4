"""The learner's answers to a custom check's cases, one by one (lessons 11 and 12).

A custom :class:`~refimpl.course.Check` judges more than equality (several fields,
an error to raise, a message per part), but every case starts the same way: the
answer must be a function; it runs within limits on copies of the arguments; the
untouched stub means *not attempted yet* and ``None`` a forgotten ``return``.
:func:`answers` does that once, so each check's test is only its own judgement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from refimpl.course import Wrong
from refimpl.course.feedback import LearnerError, call_learner, reject_stub

__all__ = ["answers"]


def answers(
    answer: object,
    signature: str,
    calls: Iterable[tuple[tuple, str]],
    *,
    valid: str = "",
) -> Iterator[tuple[tuple, str, Any]]:
    """``(args, call, got)`` for each ``(args, call)`` of ``calls``.

    ``got`` is what ``answer(*args)`` returned; ``call`` is how a message shows that
    call; ``signature`` names the function the exercise asks for (``"f(x, y)"``).
    ``valid``, if given, says why these inputs are fine, beside the traceback of an
    answer that raises on one of them.
    """
    if not callable(answer):
        raise Wrong(f"expected a function {signature}")
    for index, (args, call) in enumerate(calls):
        try:
            got = call_learner(answer, args, call)
        except LearnerError as error:
            if valid and not error.timed_out:
                error.call = f"{error.call} ({valid})"
            raise
        reject_stub(got, call, first=index == 0)
        yield args, call, got
