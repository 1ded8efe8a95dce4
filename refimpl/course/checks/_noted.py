"""A function check that can explain a wrong answer from the call that failed.

Some mistakes are told better by looking at what the learner's function returned
for the failing input (a float32 result, a rounded one, a digest that differs in
every byte) than by the generic "not right". Used by the checks of lessons 10 and 15.
"""

from __future__ import annotations

from typing import Any

from refimpl.course import FunctionCheck, Wrong

__all__ = ["NotedCheck"]


class NotedCheck(FunctionCheck):
    """A :class:`FunctionCheck` whose :meth:`explain` may reword a wrong answer.

    ``explain(args, got, message)`` sees the last call's arguments, what the answer
    returned and the usual message; it returns the message to show instead, or
    ``None`` to keep the usual one.
    """

    def explain(self, args: tuple, got: Any, message: str) -> str | None:
        return None

    def _run(self, answer: Any) -> None:
        last: list[tuple[tuple, Any]] = []

        def recorded(*args: Any) -> Any:
            got = answer(*args)
            last[:] = [(args, got)]
            return got

        try:
            super()._run(recorded if callable(answer) else answer)
        except Wrong as wrong:
            better = self.explain(*last[0], str(wrong)) if last else None
            if better is None:
                raise
            raise Wrong(better) from None
