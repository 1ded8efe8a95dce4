"""Course tooling: check() feedback, the exercise generator and the environment check.

Introduced in lesson 00. ``refimpl.course`` depends on nothing else in ``refimpl``.
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
