"""refimpl.course's public names: feedback's check types and results, one list."""

from __future__ import annotations

import refimpl.course as course
from refimpl.course import feedback


def test_course_exports_feedbacks_check_api_and_not_its_helpers() -> None:
    assert course.__all__ == [n for n in feedback.__all__ if hasattr(course, n)]
    assert {"Check", "FunctionCheck", "ValueCheck", "Wrong", "all_checks"} <= set(
        course.__all__
    )
    assert "call_learner" not in course.__all__
    for name in course.__all__:
        assert getattr(course, name) is getattr(feedback, name)


def test_star_import_gives_the_exported_names() -> None:
    names: dict = {}
    exec("from refimpl.course import *", names)  # noqa: S102 - a fixed statement
    assert set(names) - {"__builtins__"} == set(course.__all__)
