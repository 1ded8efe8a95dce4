"""The audit package's one exception family. Introduced in lesson 14."""

from __future__ import annotations

__all__ = ["AuditError"]


class AuditError(ValueError):
    """The auditor cannot work on this input; the message says why.

    A ``ValueError``, so code that catches bad arguments in general catches it too.

    Raised, for example, when ``audit_report`` is given something that is not a
    chain, or a chain whose blocks or state fail re-validation (a tampered chain),
    and for bad arguments to the scenario, feature and model functions.
    """
