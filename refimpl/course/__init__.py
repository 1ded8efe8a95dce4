"""Course tooling: check() feedback, the exercise generator and the environment check.

Introduced in lesson 00. Also: the limits a learner's function runs within
(``limits``), worked solutions read from ``solutions/`` (``solutions``) and the
learner's progress log and table (``from refimpl.course import progress; progress()``).
``refimpl.course`` depends on nothing else in ``refimpl`` but ``refimpl.boundedjson``.
"""

from refimpl.course.feedback import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    Check,
    FunctionCheck,
    NotAttempted,
    Result,
    ValueCheck,
    Wrong,
    all_checks,
)

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "Check",
    "FunctionCheck",
    "NotAttempted",
    "Result",
    "ValueCheck",
    "Wrong",
    "all_checks",
]
