"""The audit package's one exception family. Introduced in lesson 14."""

from __future__ import annotations

__all__ = ["AuditError"]


class AuditError(Exception):
    """The auditor cannot work on this input; the message says why.

    Raised, for example, when ``audit_report`` is given something that is not a
    chain, or a chain whose blocks or state fail re-validation (a tampered chain).
    """
