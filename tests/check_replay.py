"""Replaying a learner's answer against a check, for the review tests."""

from refimpl.course import CORRECT, INCORRECT


def refused(check, answer) -> str:
    """Assert ``check`` refuses ``answer``; return the message the learner sees."""
    result = check.evaluate(answer)
    assert result.status == INCORRECT, result.message
    return result.message


def passes(check, answer) -> None:
    """Assert ``check`` accepts ``answer``."""
    result = check.evaluate(answer)
    assert result.status == CORRECT, result.message
