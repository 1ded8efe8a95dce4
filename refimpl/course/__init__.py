"""Course tooling: check() feedback, the exercise generator and the environment check.

Introduced in lesson 00. Also: the limits a learner's function runs within
(``limits``), worked solutions read from ``solutions/`` (``solutions``) and the
learner's progress log and table (``from refimpl.course import progress; progress()``).
``refimpl.course`` depends on nothing else in ``refimpl`` but ``refimpl.boundedjson``.
"""

from refimpl.course import feedback
from refimpl.course.feedback import (  # noqa: F401 - re-exported through __all__
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

# what a lesson uses: feedback's check types and results, in feedback's order (the
# helpers checks are written with, like ``call_learner``, stay in feedback)
__all__ = [name for name in feedback.__all__ if name in globals()]
