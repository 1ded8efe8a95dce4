"""The transparent baseline: one readable rule per attack type.

Each rule is a threshold a person can read, argue with and explain to the account
it flags. They are the *first* rules an analyst would write; lesson 14 measures
where they hold and where a learned model does better (or worse).
Introduced in lesson 14.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import AuditError
from .features import FeatureTable
from .scenarios import NORMAL

__all__ = ["Rule", "RULES", "rule_predictions", "rules_for"]

#: The comparisons a rule may write, and what each one means.
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def _conditions(text: str) -> tuple[tuple[str, str, float], ...]:
    """``"a >= 1 and b <= 2.5"`` -> ``(("a", ">=", 1.0), ("b", "<=", 2.5))``."""
    if not isinstance(text, str) or not text.strip():
        raise AuditError(f"a rule's text must be a non-empty str, got {text!r}")
    out = []
    for clause in text.split(" and "):
        words = clause.split()
        if len(words) != 3 or words[1] not in _COMPARE or not words[0].isidentifier():
            raise AuditError(
                f"each part of a rule reads 'feature >= number' (or <=, >, <), "
                f"joined by 'and'; got {clause.strip()!r} in {text!r}"
            )
        name, compare, number = words
        try:
            limit = float(number)
        except ValueError:
            limit = math.nan
        if not math.isfinite(limit):
            raise AuditError(f"{number!r} is not a finite number (rule {text!r})")
        out.append((name, compare, limit))
    return tuple(out)


@dataclass(frozen=True)
class Rule:
    """Flag an entity of ``kind`` as ``attack`` when ``text`` holds for its features.

    The text is the rule, written once: comparisons ``feature >= number`` (or
    ``<=``, ``>``, ``<``) joined by ``and``; what a report shows is what it tests.
    """

    attack: str
    kind: str
    text: str
    conditions: tuple[tuple[str, str, float], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", _conditions(self.text))

    def __call__(self, features: Mapping[str, float]) -> bool:
        return all(
            _COMPARE[compare](features[name], limit)
            for name, compare, limit in self.conditions
        )


RULES: tuple[Rule, ...] = (
    Rule("double_spend", "account", "conflicting_nonces >= 1"),
    Rule("sybil", "account", "reg_burst >= 4"),
    Rule(
        "dusting",
        "account",
        "distinct_recipients >= 10 and median_out_amount <= 100",
    ),
    Rule("wash_trade", "account", "nft_buybacks >= 1"),
    Rule("copier", "validator", "corr_prev >= 0.99"),
    Rule("wash_trade", "token", "returns >= 1 and sales >= 3"),
)


def rules_for(kind: str, rules: tuple[Rule, ...] = RULES) -> list[Rule]:
    """The rules that judge one kind of entity, in priority order."""
    return [r for r in rules if r.kind == kind]


def rule_predictions(
    tables: Mapping[str, FeatureTable], rules: tuple[Rule, ...] = RULES
) -> dict[str, dict[str, str]]:
    """kind -> entity -> predicted label: the first rule that fires, else normal."""
    out: dict[str, dict[str, str]] = {}
    for kind, table in tables.items():
        mine = rules_for(kind, rules)
        out[kind] = {}
        for entity, row in zip(table.ids, table.rows(), strict=True):
            hit = next((r.attack for r in mine if r(row)), NORMAL)
            out[kind][entity] = hit
    return out
